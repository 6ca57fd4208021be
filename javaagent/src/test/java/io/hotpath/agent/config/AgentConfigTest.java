package io.hotpath.agent.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest
{
    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatEnvironment()
    {
        final Properties properties = new Properties();
        properties.setProperty("hotpath.spool.dir", "/from/property");
        properties.setProperty("hotpath.service.name", "from-property");
        final AgentConfig config = AgentConfig.load("spool.dir=/from/args", properties,
            Map.of("HOTPATH_SPOOL_DIR", "/from/env", "HOTPATH_SERVICE_NAME", "from-env", "HOTPATH_RING_BYTES", "1m"));
        assertEquals("/from/args", config.get(AgentConfig.Setting.SPOOL_DIR));
        assertEquals("from-property", config.get(AgentConfig.Setting.SERVICE_NAME));
        assertEquals("1m", config.get(AgentConfig.Setting.RING_BYTES));
        assertEquals("agent argument spool.dir", config.sourceOf(AgentConfig.Setting.SPOOL_DIR));
        assertEquals("environment variable HOTPATH_RING_BYTES", config.sourceOf(AgentConfig.Setting.RING_BYTES));
    }

    @Test
    void listsContinueAcrossCommasInAgentArguments()
    {
        final AgentConfig config = AgentConfig.load("packs=nio,netty,jdk-httpclient,log.level=debug", new Properties(), Map.of());
        assertEquals(java.util.List.of("nio", "netty", "jdk-httpclient"), config.list(AgentConfig.Setting.PACKS));
        assertEquals("debug", config.get(AgentConfig.Setting.LOG_LEVEL));
    }

    @Test
    void keysAreCaseInsensitiveSoEnvironmentVariablesReachCamelCaseSettings()
    {
        final AgentConfig config = AgentConfig.load(null, new Properties(), Map.of("HOTPATH_SPOOL_ROLLCYCLE", "FAST_DAILY"));
        assertEquals("FAST_DAILY", config.get(AgentConfig.Setting.ROLL_CYCLE));
    }

    @Test
    void unknownSettingsAreWarnedAbout()
    {
        final AgentConfig config = AgentConfig.load("spool.dri=/x", new Properties(), Map.of());
        assertEquals(1, config.warnings().size());
        assertTrue(config.warnings().get(0).contains("unknown setting 'hotpath.spool.dri' from agent argument spool.dri"));
    }

    @Test
    void sizesAndNumbersAreValidatedWithTheirSource() throws Exception
    {
        assertEquals(4L << 20, AgentConfig.load(null, new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals(2L << 30, AgentConfig.load("spool.maxBytes=2g", new Properties(), Map.of()).bytes(AgentConfig.Setting.SPOOL_MAX_BYTES));
        final ConfigException e = assertThrows(ConfigException.class,
            () -> AgentConfig.load("ring.bytes=lots", new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals("agent argument ring.bytes: expected a positive size in bytes (suffix k, m or g allowed), got 'lots'", e.getMessage());
        assertThrows(ConfigException.class,
            () -> AgentConfig.load("enabled=maybe", new Properties(), Map.of()).enabled());
    }

    @Test
    void serviceNameDefaultsToTheJarOrMainClass()
    {
        assertEquals("hotpath-demo", AgentConfig.defaultServiceName("/opt/app/hotpath-demo.jar --calls 10"));
        assertEquals("DemoMain", AgentConfig.defaultServiceName("io.hotpath.demo.DemoMain --calls 10"));
        assertEquals("a_b_c", AgentConfig.sanitize("a b/c"));
    }
}
