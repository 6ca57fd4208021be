package io.hotpath.agent.spool;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.TextFiles;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Properties;
import java.lang.management.ManagementFactory;

/**
 * What the drain thread needs to know, resolved from the agent configuration.
 *
 * @param openDelayNanos how long the drain thread waits for a first sample before it opens the
 *                       queue anyway (so the daemon sees an idle JVM, with its AGENT_STATS); 0 (the
 *                       default): at once, see {@code SpoolDrainer.awaitFirstUse}.
 * @param maxHoldNanos   how long samples may wait in the ring at most before the drain writes them
 *                       (it also writes before each wall-clock second ends; {@link DrainPacer}).
 * @param identity computed lazily on the drain thread (host name and process start time may take
 *                 a system call or a DNS lookup, which must not delay the application's start).
 */
public record SpoolSettings(
    Path spoolDirectory,
    String serviceName,
    String rollCycle,
    long maxBytes,
    int maxBatchSamples,
    long statsIntervalNanos,
    long idleNanos,
    long openDelayNanos,
    long maxHoldNanos)
{
    /** The default hold ({@link #DEFAULT_MAX_HOLD_NANOS}). */
    public SpoolSettings(final Path spoolDirectory, final String serviceName, final String rollCycle, final long maxBytes,
        final int maxBatchSamples, final long statsIntervalNanos, final long idleNanos, final long openDelayNanos)
    {
        this(spoolDirectory, serviceName, rollCycle, maxBytes, maxBatchSamples, statsIntervalNanos, idleNanos, openDelayNanos,
            DEFAULT_MAX_HOLD_NANOS);
    }

    /**
     * {@code hotpath.drain.maxHoldMs}'s default: one document a second at low rates. The write just before each
     * second ends can come late on a loaded host; hotpathd holds each second open 200 ms past its end for it
     * (benchmarks/interval_exactness.py).
     */
    public static final long DEFAULT_MAX_HOLD_NANOS = 1_000_000_000L;

    /** Who writes the queue: the fields of its QUEUE_HEADER. */
    public record Identity(long pid, long jvmStartEpochMillis, String serviceName, String host, String agentVersion)
    {
    }

    public Identity identity()
    {
        final ProcessHandle self = ProcessHandle.current();
        final long start = self.info().startInstant().map(Instant::toEpochMilli)
            .orElseGet(() -> System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getUptime());
        return new Identity(self.pid(), start, serviceName, hostName(), agentVersion());
    }

    static String hostName()
    {
        try
        {
            final Path kernelHostname = Paths.get("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernelHostname))
            {
                final String name = TextFiles.read(kernelHostname, StandardCharsets.US_ASCII).trim();
                if (!name.isEmpty())
                {
                    return name;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException | RuntimeException e)
        {
            AgentLog.debug("cannot read the host name: " + e);
            return "unknown";
        }
    }

    public static String agentVersion()
    {
        try (InputStream in = SpoolSettings.class.getResourceAsStream("/io/hotpath/agent/agent.properties"))
        {
            if (in != null)
            {
                final Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        }
        catch (final IOException ignore)
        {
            // unknown below
        }
        return "unknown";
    }
}
