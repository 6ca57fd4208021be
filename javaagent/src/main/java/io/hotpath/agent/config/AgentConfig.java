package io.hotpath.agent.config;

import io.hotpath.wire.SampleBatchDescriptor;
import io.hotpath.wire.SampleDescriptor;
import io.hotpath.wire.config.Sizes;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The agent's settings, gathered the OpenTelemetry-agent way. Highest precedence first:
 * <ol>
 *   <li>agent arguments: {@code -javaagent:hotpath-agent.jar=key=value,key=value} (the
 *       {@code hotpath.} prefix may be left out; a segment without {@code =} continues the previous
 *       value's comma-separated list, so {@code packs=nio,netty} works);</li>
 *   <li>system properties {@code -Dhotpath.*};</li>
 *   <li>environment variables {@code HOTPATH_*} ({@code HOTPATH_SPOOL_DIR} = {@code hotpath.spool.dir});</li>
 *   <li>the defaults of {@link Setting}.</li>
 * </ol>
 * Keys compare case-insensitively, so {@code HOTPATH_SPOOL_ROLLCYCLE} sets {@code hotpath.spool.rollCycle}.
 */
public final class AgentConfig
{
    /** Every setting, its default, what values it accepts and its meaning (the README table says the same). */
    public enum Setting
    {
        ENABLED("hotpath.enabled", "true", Check.BOOLEAN, "false turns the agent off entirely"),
        CONFIG("hotpath.config", "", Check.TEXT, "path of the rules YAML file"),
        PACKS("hotpath.packs", "", Check.TEXT, "built-in rule packs to switch on: jdk-httpclient, nio, netty"),
        SERVICE_NAME("hotpath.service.name", "", Check.TEXT, "service name; default: the main jar's file name or the main class's simple name"),
        STARTUP_ASYNC("hotpath.startup.async", "false", Check.BOOLEAN, "true: parse rules and install the instrumentation on a background thread, so premain returns at once; calls made before it is in place are not recorded"),
        SPOOL_DIR("hotpath.spool.dir", "/var/lib/hotpath/spool", Check.TEXT, "spool directory; falls back to $TMPDIR/hotpath-spool (one warning) if not writable"),
        ROLL_CYCLE("hotpath.spool.rollCycle", "FAST_HOURLY", Check.ROLL_CYCLE, "Chronicle Queue roll cycle (RollCycles name)"),
        SPOOL_MAX_BYTES("hotpath.spool.maxBytes", "1g", Check.size(1L << 20, Long.MAX_VALUE), "cap of this JVM's queue on disk; oldest cycle files are deleted beyond it and their samples counted as dropped"),
        RING_BYTES("hotpath.ring.bytes", "8m", Check.size(1L << 10, 1L << 30), "ring capacity of all stripes together (one stripe per core, at most 16; each rounded up to a power of two; 32 bytes per untraced sample, 64 per sample inside a span)"),
        BATCH_MAX_SAMPLES("hotpath.batch.maxSamples", "4096", Check.integer(1, SampleBatchDescriptor.maxEntries(SampleDescriptor.TRACED_LENGTH)), "samples per SAMPLE_BATCH document at most"),
        STATS_INTERVAL_MS("hotpath.stats.intervalMs", "1000", Check.integer(100, 3_600_000), "period of AGENT_STATS records"),
        SPOOL_OPEN_DELAY_MS("hotpath.spool.openDelayMs", "0", Check.integer(0, 86_400_000), "0: the queue is opened as the agent starts, before the application's code warms up; N: at the first sample, or after N ms without one (a JVM that ends before either creates none)"),
        DRAIN_IDLE_MS("hotpath.drain.idleMs", "50", Check.integer(1, 10_000), "how long the drain thread sleeps between looks at the ring: it backs off from 1 ms to 4x this while the ring is empty; while samples arrive it looks every 1x-4x this (no longer than a 250k samples/s burst needs to fill 3/4 of the fullest ring stripe's free room)"),
        DRAIN_MAX_HOLD_MS("hotpath.drain.maxHoldMs", "1000", Check.integer(1, 1_000), "how long samples wait in the ring at most before the drain thread writes them to the queue (it also writes just before each wall-clock second ends, and at once when a full batch waits): fewer, bigger documents at low rates; a shorter hold costs more CPU per sample"),
        ASYNC_COMPLETION_HOOK("hotpath.async.completionHook", "true", Check.BOOLEAN, "at the first asynchronous call, add advice to CompletableFuture.postComplete so that an asynchronous call ends when its future completes, not when the agent's callback runs (callbacks registered later run first); false: the callback's time"),
        REPORT_DELAY_MS("hotpath.report.delayMs", "5000", Check.integer(0, 3_600_000), "this long after start (and after each rules reload) the agent logs one line per rule: what it matched (info), or that it matched nothing, with the closest loaded names (warn; info for packs); 0: no report"),
        LOG_LEVEL("hotpath.log.level", "warn", Check.LOG_LEVEL, "agent log level on stderr: off, error, warn, info, debug"),
        TRACE_CAPTURE("hotpath.trace.capture", "true", Check.BOOLEAN, "samples recorded inside an OpenTelemetry span (OTel Java agent or the application's OTel API) carry its trace and span id; false: never read span contexts"),
        QUIET_UNSAFE("hotpath.jdk.quietUnsafeWarning", "true", Check.BOOLEAN, "on JDK 24+, keep the one-time sun.misc.Unsafe deprecation warning (caused by Chronicle) off stderr");

        private final String key;
        private final String defaultValue;
        private final Check check;
        private final String description;

        Setting(final String key, final String defaultValue, final Check check, final String description)
        {
            this.key = key;
            this.defaultValue = defaultValue;
            this.check = check;
            this.description = description;
        }

        public String key()
        {
            return key;
        }

        public String defaultValue()
        {
            return defaultValue;
        }

        public String description()
        {
            return description;
        }

        /** What values the setting accepts, as an error message says it ("a size in bytes from 1k to 1g ..."). */
        public String expected()
        {
            return check.expected();
        }

        static Setting forKey(final String normalizedKey)
        {
            for (final Setting setting : values())
            {
                if (setting.key.toLowerCase(Locale.ROOT).equals(normalizedKey))
                {
                    return setting;
                }
            }
            return null;
        }
    }

    /**
     * Chronicle Queue 5.25's {@code RollCycles} names. Checked here, without loading Chronicle (a few
     * hundred classes, loaded later on the drain thread); {@code AgentConfigTest} keeps the list in
     * step with the Chronicle version the agent ships.
     */
    static final Set<String> ROLL_CYCLES = Set.of(
        "FIVE_MINUTELY", "TEN_MINUTELY", "TWENTY_MINUTELY", "HALF_HOURLY", "FAST_HOURLY", "TWO_HOURLY", "FOUR_HOURLY",
        "SIX_HOURLY", "FAST_DAILY", "WEEKLY", "MINUTELY", "HOURLY", "DAILY", "LARGE_HOURLY", "LARGE_DAILY", "XLARGE_DAILY",
        "HUGE_DAILY", "SMALL_DAILY", "LARGE_HOURLY_SPARSE", "LARGE_HOURLY_XSPARSE", "HUGE_DAILY_XSPARSE", "TEST_SECONDLY",
        "TEST4_SECONDLY", "TEST_HOURLY", "TEST_DAILY", "TEST2_DAILY", "TEST4_DAILY", "TEST8_DAILY");

    private final Map<Setting, String> values;
    private final Map<Setting, String> sources;
    private final List<String> warnings;

    private AgentConfig(final Map<Setting, String> values, final Map<Setting, String> sources, final List<String> warnings)
    {
        this.values = values;
        this.sources = sources;
        this.warnings = warnings;
    }

    /** Settings from the three sources; unknown {@code hotpath.*} keys become {@link #warnings()}. */
    public static AgentConfig load(final String agentArgs, final Properties systemProperties, final Map<String, String> env)
    {
        final Map<Setting, String> values = new LinkedHashMap<>();
        final Map<Setting, String> sources = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();

        for (final Map.Entry<String, String> e : env.entrySet())
        {
            if (e.getKey().startsWith("HOTPATH_"))
            {
                put(e.getKey().toLowerCase(Locale.ROOT).replace('_', '.'), e.getValue(),
                    "environment variable " + e.getKey(), values, sources, warnings);
            }
        }
        for (final String name : systemProperties.stringPropertyNames())
        {
            if (name.startsWith("hotpath.") && !name.equals("hotpath.agent.installed"))
            {
                put(name.toLowerCase(Locale.ROOT), systemProperties.getProperty(name),
                    "system property -D" + name, values, sources, warnings);
            }
        }
        for (final Map.Entry<String, String> e : parseAgentArgs(agentArgs).entrySet())
        {
            final String key = e.getKey().toLowerCase(Locale.ROOT);
            put(key.startsWith("hotpath.") ? key : "hotpath." + key, e.getValue(),
                "agent argument " + e.getKey(), values, sources, warnings);
        }
        return new AgentConfig(values, sources, warnings);
    }

    public static AgentConfig of(final Map<String, String> settings)
    {
        final Properties properties = new Properties();
        settings.forEach((k, v) -> properties.setProperty(k.startsWith("hotpath.") ? k : "hotpath." + k, v));
        return load(null, properties, Collections.emptyMap());
    }

    private static void put(
        final String normalizedKey,
        final String value,
        final String source,
        final Map<Setting, String> values,
        final Map<Setting, String> sources,
        final List<String> warnings)
    {
        final Setting setting = Setting.forKey(normalizedKey);
        if (setting == null)
        {
            warnings.add("unknown setting '" + normalizedKey + "' from " + source + " ignored");
            return;
        }
        values.put(setting, value.trim());
        sources.put(setting, source);
    }

    /** {@code a=1,b=x,y,c=2} to {a=1, b="x,y", c=2}, in order. */
    static Map<String, String> parseAgentArgs(final String agentArgs)
    {
        final Map<String, String> result = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.isBlank())
        {
            return result;
        }
        String lastKey = null;
        for (final String segment : agentArgs.split(","))
        {
            final int eq = segment.indexOf('=');
            if (eq > 0)
            {
                lastKey = segment.substring(0, eq).trim();
                result.put(lastKey, segment.substring(eq + 1).trim());
            }
            else if (lastKey != null && !segment.isBlank())
            {
                result.put(lastKey, result.get(lastKey) + "," + segment.trim());
            }
        }
        return result;
    }

    public List<String> warnings()
    {
        return warnings;
    }

    public String get(final Setting setting)
    {
        return values.getOrDefault(setting, setting.defaultValue());
    }

    /** Where the value of a setting came from, for error messages. */
    public String sourceOf(final Setting setting)
    {
        return sources.getOrDefault(setting, "default of " + setting.key());
    }

    public boolean enabled() throws ConfigException
    {
        return bool(Setting.ENABLED);
    }

    public boolean bool(final Setting setting) throws ConfigException
    {
        final String value = get(setting).toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("false"))
        {
            return Boolean.parseBoolean(value);
        }
        throw invalid(setting);
    }

    /** A size setting in bytes ({@link Sizes}: 8m, 8MiB, 8388608), within the setting's bounds. */
    public long bytes(final Setting setting) throws ConfigException
    {
        final long value = parseSize(get(setting));
        if (value < setting.check.min || value > setting.check.max)
        {
            throw invalid(setting);
        }
        return value;
    }

    /** A whole-number setting within the setting's bounds. */
    public long integer(final Setting setting) throws ConfigException
    {
        final long value;
        try
        {
            value = Long.parseLong(get(setting).trim());
        }
        catch (final NumberFormatException e)
        {
            throw invalid(setting);
        }
        if (value < setting.check.min || value > setting.check.max)
        {
            throw invalid(setting);
        }
        return value;
    }

    /**
     * Checks every setting against what it accepts, so that a bad value stops the agent before it
     * does anything, with every problem in one message: where the value came from, the key, what
     * was expected and what was given, e.g. {@code environment variable HOTPATH_RING_BYTES
     * (hotpath.ring.bytes): expected a size in bytes from 1k to 1g (...), got '5x'}. An unknown log
     * level is not an error (it is reported as a warning by the agent).
     */
    public void validate() throws ConfigException
    {
        final List<String> problems = new ArrayList<>();
        for (final Setting setting : Setting.values())
        {
            try
            {
                switch (setting.check.kind)
                {
                    case "boolean" -> bool(setting);
                    case "size" -> bytes(setting);
                    case "integer" -> integer(setting);
                    case "rollCycle" -> rollCycle();
                    default ->
                    {
                    }
                }
            }
            catch (final ConfigException e)
            {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty())
        {
            throw new ConfigException(String.join("; ", problems));
        }
    }

    /** The roll cycle's {@code RollCycles} name, upper case. */
    public String rollCycle() throws ConfigException
    {
        final String name = get(Setting.ROLL_CYCLE).trim().toUpperCase(Locale.ROOT);
        if (!ROLL_CYCLES.contains(name))
        {
            throw invalid(Setting.ROLL_CYCLE);
        }
        return name;
    }

    private ConfigException invalid(final Setting setting)
    {
        return new ConfigException(describeSource(setting) + ": expected " + setting.expected() + ", got '" + get(setting) + "'");
    }

    /** The source of a setting's value and, unless the source already spells it, its key. */
    public String describeSource(final Setting setting)
    {
        final String source = sourceOf(setting);
        return source.endsWith(setting.key()) ? source : source + " (" + setting.key() + ")";
    }

    /** {@code 4m} to 4 194 304, in the grammar shared with the daemon ({@link Sizes}); -1 when it is not a size. */
    static long parseSize(final String text)
    {
        try
        {
            return Sizes.bytes(text);
        }
        catch (final IllegalArgumentException e)
        {
            return -1;
        }
    }

    public List<String> list(final Setting setting)
    {
        final List<String> result = new ArrayList<>();
        for (final String item : get(setting).split("[,;+\\s]+"))
        {
            if (!item.isBlank())
            {
                result.add(item.trim());
            }
        }
        return result;
    }

    /** The rules file, or {@code null} when none is configured. */
    public Path rulesFile()
    {
        final String value = get(Setting.CONFIG);
        return value.isEmpty() ? null : Paths.get(value);
    }

    /**
     * {@code hotpath.service.name}, or derived from {@code sun.java.command}: the main jar's file name
     * without {@code .jar}, or the main class's simple name. Restricted to {@code [A-Za-z0-9._-]}.
     */
    public String serviceName()
    {
        String name = get(Setting.SERVICE_NAME);
        if (name.isEmpty())
        {
            name = defaultServiceName(System.getProperty("sun.java.command", ""));
        }
        return sanitize(name);
    }

    static String defaultServiceName(final String javaCommand)
    {
        final String first = javaCommand.trim().split("\\s+")[0];
        if (first.isEmpty())
        {
            return "java";
        }
        if (first.endsWith(".jar"))
        {
            final String file = Paths.get(first).getFileName().toString();
            return file.substring(0, file.length() - 4);
        }
        final int dot = first.lastIndexOf('.');
        return dot >= 0 ? first.substring(dot + 1) : first;
    }

    public static String sanitize(final String name)
    {
        final String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.isEmpty() ? "java" : cleaned;
    }
}
