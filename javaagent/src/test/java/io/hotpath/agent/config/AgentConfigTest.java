package io.hotpath.agent.config;

import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleDescriptor;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;

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
        assertEquals(List.of("nio", "netty", "jdk-httpclient"), config.list(AgentConfig.Setting.PACKS));
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
        assertEquals(8L << 20, AgentConfig.load(null, new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals(2L << 30, AgentConfig.load("spool.maxBytes=2g", new Properties(), Map.of()).bytes(AgentConfig.Setting.SPOOL_MAX_BYTES));
        final ConfigException e = assertThrows(ConfigException.class,
            () -> AgentConfig.load("ring.bytes=lots", new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals("agent argument ring.bytes (hotpath.ring.bytes): expected a size in bytes from 1k to 1g " +
            "(a number with an optional unit k, m, g or KiB, MiB, GiB, e.g. 4m or 8MiB), got 'lots'", e.getMessage());
        assertThrows(ConfigException.class,
            () -> AgentConfig.load("enabled=maybe", new Properties(), Map.of()).enabled());
    }

    @Test
    void defaultsAreValid() throws Exception
    {
        AgentConfig.load(null, new Properties(), Map.of()).validate();
    }

    @Test
    void validationNamesSourceKeyExpectationAndValueOfEveryBadSetting()
    {
        final Properties properties = new Properties();
        properties.setProperty("hotpath.stats.intervalMs", "1s");
        final ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load("batch.maxSamples=0,ring.bytes=2g",
            properties, Map.of("HOTPATH_DRAIN_IDLEMS", "-1", "HOTPATH_SPOOL_ROLLCYCLE", "fortnightly")).validate());
        final String message = e.getMessage();
        assertTrue(message.contains("agent argument ring.bytes (hotpath.ring.bytes): expected a size in bytes from 1k to 1g " +
            "(a number with an optional unit k, m, g or KiB, MiB, GiB, e.g. 4m or 8MiB), got '2g'"), message);
        assertTrue(message.contains("agent argument batch.maxSamples (hotpath.batch.maxSamples): expected a whole number from 1 to " +
            SampleBatchDescriptor.maxEntries(SampleDescriptor.TRACED_LENGTH) + ", got '0'"),
            message);
        assertTrue(message.contains("system property -Dhotpath.stats.intervalMs: expected a whole number from 100 to 3600000, got '1s'"),
            message);
        assertTrue(message.contains("environment variable HOTPATH_DRAIN_IDLEMS (hotpath.drain.idleMs): expected a whole number " +
            "from 1 to 10000, got '-1'"), message);
        assertTrue(message.contains("environment variable HOTPATH_SPOOL_ROLLCYCLE (hotpath.spool.rollCycle): expected a Chronicle " +
            "RollCycles name such as FAST_HOURLY or FAST_DAILY, got 'fortnightly'"), message);
        assertEquals(5, message.split("; ").length, message);
    }

    @Test
    void sizesAcceptSuffixesAndBoundsAreInclusive() throws Exception
    {
        assertEquals(1L << 30, AgentConfig.load("ring.bytes=1G", new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals(1024, AgentConfig.load("ring.bytes=1024", new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        assertThrows(ConfigException.class,
            () -> AgentConfig.load("ring.bytes=1023", new Properties(), Map.of()).bytes(AgentConfig.Setting.RING_BYTES));
        final ConfigException e = assertThrows(ConfigException.class,
            () -> AgentConfig.load("spool.maxBytes=10k", new Properties(), Map.of()).validate());
        assertEquals("agent argument spool.maxBytes (hotpath.spool.maxBytes): expected a size in bytes of at least 1m " +
            "(a number with an optional unit k, m, g or KiB, MiB, GiB, e.g. 4m or 8MiB), got '10k'", e.getMessage());
        assertEquals("FAST_DAILY", AgentConfig.load("spool.rollCycle=fast_daily", new Properties(), Map.of()).rollCycle());
    }

    /** The roll cycle names are checked without loading Chronicle: the list must be Chronicle's. */
    @Test
    void rollCycleNamesAreChroniclesOwn()
    {
        final Set<String> chronicle = new TreeSet<>();
        for (final RollCycles cycle : RollCycles.values())
        {
            chronicle.add(cycle.name());
        }
        assertEquals(chronicle, new TreeSet<>(AgentConfig.ROLL_CYCLES));
    }

    @Test
    void serviceNameDefaultsToTheJarOrMainClass()
    {
        assertEquals("hotpath-demo", AgentConfig.defaultServiceName("/opt/app/hotpath-demo.jar --calls 10"));
        assertEquals("DemoMain", AgentConfig.defaultServiceName("io.hotpath.demo.DemoMain --calls 10"));
        assertEquals("a_b_c", AgentConfig.sanitize("a b/c"));
    }

    /** Sizes are read with the grammar the daemon uses ({@code io.hotpath.wire.config.Sizes}): 8m and 8MiB alike. */
    @Test
    void sizesAcceptTheSharedGrammar() throws Exception
    {
        assertEquals(8L << 20, AgentConfig.of(Map.of("ring.bytes", "8m")).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals(8L << 20, AgentConfig.of(Map.of("ring.bytes", "8MiB")).bytes(AgentConfig.Setting.RING_BYTES));
        assertEquals(2L << 30, AgentConfig.of(Map.of("spool.maxBytes", "2 GiB")).bytes(AgentConfig.Setting.SPOOL_MAX_BYTES));
        assertEquals(2_000_000L, AgentConfig.of(Map.of("spool.maxBytes", "2MB")).bytes(AgentConfig.Setting.SPOOL_MAX_BYTES));
    }
}
