package io.hotpath.agent.config;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Java form of each built-in pack is exactly what the parser makes of its YAML file. */
class BuiltInPacksTest
{
    @Test
    void eachPackEqualsItsYamlFile() throws Exception
    {
        for (final String pack : BuiltInPacks.NAMES)
        {
            final String yaml;
            try (InputStream in = BuiltInPacks.class.getResourceAsStream("/io/hotpath/agent/packs/" + pack + ".yaml"))
            {
                assertNotNull(in, "packs/" + pack + ".yaml");
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            final List<RuleDefinition> parsed = RuleConfigParser.parse("pack " + pack, yaml);
            assertFalse(parsed.isEmpty(), pack);
            assertEquals(parsed, BuiltInPacks.rules(pack), "pack " + pack + " differs from its YAML file");
        }
    }

    @Test
    void unknownPackHasNoRules()
    {
        assertNull(BuiltInPacks.rules("kafka"));
    }
}
