package io.hotpath.agent.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

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
    /** Every setting, its default and its meaning (the README table is generated from the same words). */
    public enum Setting
    {
        ENABLED("hotpath.enabled", "true", "false turns the agent off entirely"),
        CONFIG("hotpath.config", "", "path of the rules YAML file"),
        PACKS("hotpath.packs", "", "built-in rule packs to switch on: jdk-httpclient, nio, netty"),
        SERVICE_NAME("hotpath.service.name", "", "service name; default: the main jar's file name or the main class's simple name"),
        STARTUP_ASYNC("hotpath.startup.async", "false", "true: parse rules and install the instrumentation on a background thread, so premain returns at once; calls made before it is in place (typically the first 0.5 s) are not recorded"),
        SPOOL_DIR("hotpath.spool.dir", "/var/lib/hotpath/spool", "spool directory; falls back to $TMPDIR/hotpath-spool (one warning) if not writable"),
        ROLL_CYCLE("hotpath.spool.rollCycle", "FAST_HOURLY", "Chronicle Queue roll cycle (RollCycles name)"),
        SPOOL_MAX_BYTES("hotpath.spool.maxBytes", "1g", "cap of this JVM's queue on disk; oldest cycle files are deleted beyond it and their samples counted as dropped"),
        RING_BYTES("hotpath.ring.bytes", "4m", "ring buffer capacity (rounded up to a power of two; 64 bytes per sample)"),
        BATCH_MAX_SAMPLES("hotpath.batch.maxSamples", "4096", "samples per SAMPLE_BATCH document at most"),
        STATS_INTERVAL_MS("hotpath.stats.intervalMs", "1000", "period of AGENT_STATS records"),
        SPOOL_OPEN_DELAY_MS("hotpath.spool.openDelayMs", "5000", "the queue is created at the first sample, or after this long without one"),
        DRAIN_IDLE_MS("hotpath.drain.idleMs", "1", "how long the drain thread sleeps when the ring is empty"),
        LOG_LEVEL("hotpath.log.level", "warn", "agent log level on stderr: off, error, warn, info, debug"),
        TRACE_CAPTURE("hotpath.trace.capture", "true", "samples recorded inside an OpenTelemetry span (OTel Java agent or the application's OTel API) carry its trace and span id; false: never read span contexts"),
        QUIET_UNSAFE("hotpath.jdk.quietUnsafeWarning", "true", "on JDK 24+, keep the one-time sun.misc.Unsafe deprecation warning (caused by Chronicle) off stderr");

        private final String key;
        private final String defaultValue;
        private final String description;

        Setting(final String key, final String defaultValue, final String description)
        {
            this.key = key;
            this.defaultValue = defaultValue;
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
        throw new ConfigException(sourceOf(setting) + ": expected true or false, got '" + get(setting) + "'");
    }

    public long bytes(final Setting setting) throws ConfigException
    {
        final String value = get(setting).toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String digits = value;
        if (value.endsWith("k") || value.endsWith("m") || value.endsWith("g"))
        {
            multiplier = value.endsWith("k") ? 1L << 10 : value.endsWith("m") ? 1L << 20 : 1L << 30;
            digits = value.substring(0, value.length() - 1);
        }
        try
        {
            final long n = Long.parseLong(digits.trim());
            if (n <= 0)
            {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, multiplier);
        }
        catch (final NumberFormatException | ArithmeticException e)
        {
            throw new ConfigException(
                sourceOf(setting) + ": expected a positive size in bytes (suffix k, m or g allowed), got '" + get(setting) + "'");
        }
    }

    public long positiveLong(final Setting setting) throws ConfigException
    {
        try
        {
            final long n = Long.parseLong(get(setting));
            if (n > 0)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new ConfigException(sourceOf(setting) + ": expected a positive integer, got '" + get(setting) + "'");
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
