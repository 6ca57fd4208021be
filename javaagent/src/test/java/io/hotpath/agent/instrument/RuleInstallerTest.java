package io.hotpath.agent.instrument;

import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.config.BuiltInPacks;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.wire.MetricKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleInstallerTest
{
    @Test
    void jdkPackagesAreTheBootAndPlatformModules()
    {
        assertTrue(RuleInstaller.isJdkPackage("sun.nio.ch"));
        assertTrue(RuleInstaller.isJdkPackage("java.lang"));
        assertTrue(RuleInstaller.isJdkPackage("jdk.internal.net.http")); // java.net.http, platform loader
        assertFalse(RuleInstaller.isJdkPackage("io.hotpath.agent.instrument"));
        assertFalse(RuleInstaller.isJdkPackage("com.example"));
        assertFalse(RuleInstaller.isJdkPackage(""));
    }

    @Test
    void rulesOnJdkClassesOnlyAreNotLikelyToLoadButAClassOnTheClassPathIs()
    {
        final List<RuleDefinition> rules = new ArrayList<>(BuiltInPacks.rules("nio"));
        rules.addAll(BuiltInPacks.rules("jdk-httpclient"));
        rules.add(exact("com.example.absent.Nothing"));
        assertFalse(RuleInstaller.likelyToLoad(rules));
        rules.add(exact(RuleInstallerTest.class.getName()));
        assertTrue(RuleInstaller.likelyToLoad(rules));
    }

    private static RuleDefinition exact(final String typeName)
    {
        return new RuleDefinition("test:1:1", typeName, null, null, "run", null, "m", MetricKind.CUSTOM, Map.of(), List.of(),
            -1, false, HotpathBridge.FAILURE_ON_NOTHING, null, RuleDefinition.DEFAULT_MAX_SERIES);
    }
}
