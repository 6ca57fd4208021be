package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.LaunchedDaemon;
import io.hotpath.daemon.testkit.ProcCpu;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1: idle costs (almost) nothing, measured with the kernel's CPU accounting.
 *
 * <p>Three processes side by side, each settled for {@value #SETTLE_SECONDS} s and then measured
 * over {@value #MEASURE_SECONDS} s (utime + stime of /proc/PID/stat, the kernel's accounting: CPU
 * time, not wall time, so other processes' load changes it little): hotpathd started by its launcher
 * ({@code bin/hotpathd}, the flags users get) tailing the idle agent's queue, and a JVM that creates a
 * JDK {@code HttpClient}, makes one call to a loopback server and idles — once with the agent and its
 * {@code jdk-httpclient} pack, once without. Targets (issue 17): agent adds < 0.2 % of a core,
 * hotpathd < 0.5 % and < 80 MiB resident. hotpathd's window is split in two halves and the quieter one
 * is held to the target with a margin (< {@value #DAEMON_LIMIT_PERCENT} %): a late JIT compilation
 * or a busy CI machine (a descheduled thread's caches are cold) can take one half, not both. The
 * resident set must stay < {@value #DAEMON_RSS_LIMIT_MIB} MiB; the agent < {@value #AGENT_LIMIT_PERCENT} % (ticks of 10 ms
 * over two JVMs cannot resolve 0.2 %). The measured figures are printed.
 *
 * <p>This host has slow phases lasting hours in which every idle thread costs 2-4 times its CPU (the
 * JVM without the agent too: 0.13-0.15 % of a core in a quiet phase, 0.21-0.48 % in slow ones), a short burst of
 * work more than a long one (an idle hotpathd: 0.25-0.42 % in quiet phases, 1.1-2.2 % in slow ones; ~1 ms of CPU
 * per wake-up of its aggregation thread against ~6 ms, no page faults, ~25 system calls a second: the likeliest
 * cause is the hypervisor descheduling the vCPU, charged to the running thread). So the daemon's CPU limit grows
 * with the host's phase, read from the JVM without the agent in the same window (its CPU over
 * {@value #QUIET_PLAIN_JVM_PERCENT} %, at most {@value #MAX_HOST_PHASE} times), and so does the agent's. What
 * no phase changes is held too: the aggregation thread's wake-ups, at most
 * {@value #MAX_AGGREGATOR_WAKE_UPS_PER_SECOND} a second (a daemon that polls at a fixed millisecond rate, 2.6-4 %
 * of a core when issue 17 was filed, wakes hundreds of times), the incident thread's, at most
 * {@value #MAX_ACT_WAKE_UPS_PER_SECOND} a second (nothing open: a tick every 5 s), the HTTP loop's, at most
 * {@value #MAX_HTTP_WAKE_UPS_PER_SECOND} (nothing scheduled: a wait of 10 s), and the agent's drain thread's, at most
 * {@value #MAX_DRAIN_WAKE_UPS_PER_SECOND} a second (it looked every millisecond then).
 *
 * <p>The launcher runs hotpathd with C1 only: C2 compiled the daemon's once-a-second work for tens of minutes
 * (most of an idle daemon's CPU) and held 6-8 MiB more resident, so a C2 compiler thread in hotpathd fails
 * this test before any CPU or memory figure drifts.
 */
class IdleCostIT
{
    private static final int SETTLE_SECONDS = 10;
    private static final int MEASURE_SECONDS = 24;
    private static final double DAEMON_LIMIT_PERCENT = 1.0;
    private static final int DAEMON_RSS_LIMIT_MIB = 84;
    /** What the JVM without the agent uses in a quiet phase of this host (0.125-0.167 % of a core in four runs). */
    private static final double QUIET_PLAIN_JVM_PERCENT = 0.15;
    /** The limits grow with the host's phase at most this much (slow phases measured 1.4-3.2 in one afternoon). */
    private static final double MAX_HOST_PHASE = 5.0;
    /** The agent's limit in a quiet phase: ticks of 10 ms over two JVMs cannot resolve its 0.2 % target. */
    private static final double AGENT_LIMIT_PERCENT = 1.0;
    /** Two expected (the poll before a rotation and the rotation), with room for a scrape or a reload. */
    private static final double MAX_AGGREGATOR_WAKE_UPS_PER_SECOND = 3.0;
    /**
     * The idle drain looks at the ring every 200 ms (4 x {@code drain.idleMs}), five a second, with room for the
     * agent's own stats record; a drain at a fixed 1 ms rate (when issue 17 was filed) wakes a thousand times.
     */
    private static final double MAX_DRAIN_WAKE_UPS_PER_SECOND = 8.0;
    /** Nothing open, nothing pending: one tick every 5 s (it ticked every second), with room for a stray event. */
    private static final double MAX_ACT_WAKE_UPS_PER_SECOND = 0.5;
    /** hotpathd's incident thread. */
    private static final String ACT_THREAD = "hotpathd-act";
    /** No connection, nothing scheduled: one wait of 10 s after another (it woke every second), with room. */
    private static final double MAX_HTTP_WAKE_UPS_PER_SECOND = 0.5;
    /** hotpathd's HTTP loop. */
    private static final String HTTP_THREAD = "hotpathd-http";
    /** The agent's drain thread. */
    private static final String DRAIN_THREAD = "hotpath-drain";
    /** The kernel's name of hotpathd's aggregation thread (15 characters of "hotpathd-aggregator"). */
    private static final String AGGREGATOR_THREAD = "hotpathd-aggreg";
    /** The idle workload, run from hotpath-demo.jar (benchmarks/idle.sh runs the same class). */
    private static final String IDLE_CLIENT = "io.hotpath.demo.idle.IdleHttpClient";

    @TempDir
    Path temp;

    @Test
    void anIdleAgentAndAnIdleDaemonCostAlmostNothing() throws Exception
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange ->
        {
            final byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        final List<Process> started = new ArrayList<>();
        LaunchedDaemon daemon = null;
        try
        {
            // the agent writes where hotpathd reads: the daemon tails one idle agent's queue
            final Path daemonSpool = Files.createDirectories(temp.resolve("spool"));
            daemon = LaunchedDaemon.start(
                List.of(Path.of("bin", "hotpathd").toAbsolutePath().toString(), "--spool", daemonSpool.toString(),
                    "--state-dir", temp.resolve("state").toString(), "--log-level", "WARNING"),
                Map.of("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "HOTPATHD_JAR", DaemonProcess.jar().toAbsolutePath().toString()),
                temp.resolve("hotpathd.log"));
            final String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            final Process plain = client(null, url, "plain");
            started.add(plain);
            final Process agent = client("-javaagent:" + DemoProcess.agentJar() + "=packs=jdk-httpclient,spool.dir=" +
                daemonSpool + ",service.name=idle", url, "agent");
            started.add(agent);
            awaitReady(plain, "plain");
            awaitReady(agent, "agent");

            Thread.sleep(TimeUnit.SECONDS.toMillis(SETTLE_SECONDS));
            final long[] pids = { daemon.pid(), plain.pid(), agent.pid() };
            final long[] ticksBefore = new long[pids.length];
            final List<Map<String, Long>> threadsBefore = new ArrayList<>();
            for (int i = 0; i < pids.length; i++)
            {
                ticksBefore[i] = ProcCpu.ticks(pids[i]);
                threadsBefore.add(ProcCpu.threadNanos(pids[i]));
            }
            final WakeUps aggregatorSwitches = new WakeUps(daemon.pid(), AGGREGATOR_THREAD);
            final WakeUps actSwitches = new WakeUps(daemon.pid(), ACT_THREAD);
            final WakeUps httpSwitches = new WakeUps(daemon.pid(), HTTP_THREAD);
            final WakeUps drainSwitches = new WakeUps(agent.pid(), DRAIN_THREAD);
            Thread.sleep(TimeUnit.SECONDS.toMillis(MEASURE_SECONDS / 2));
            final long daemonHalf = ProcCpu.ticks(daemon.pid());
            Thread.sleep(TimeUnit.SECONDS.toMillis(MEASURE_SECONDS / 2));
            final double aggregatorWakeUps = aggregatorSwitches.perSecond();
            final double actWakeUps = actSwitches.perSecond();
            final double httpWakeUps = httpSwitches.perSecond();
            final double drainWakeUps = drainSwitches.perSecond();
            final double[] percent = new double[pids.length];
            final String[] names = { "hotpathd", "JVM without agent", "JVM with agent" };
            for (int i = 0; i < pids.length; i++)
            {
                percent[i] = 100.0 * (ProcCpu.ticks(pids[i]) - ticksBefore[i]) / ProcCpu.TICKS_PER_SECOND / MEASURE_SECONDS;
                System.out.printf("[IdleCostIT] %-18s %.3f %% of a core over %d s (rss %d MiB); top threads: %s%n", names[i],
                    percent[i], MEASURE_SECONDS, ProcCpu.rssKib(pids[i]) / 1024,
                    ProcCpu.topThreads(threadsBefore.get(i), ProcCpu.threadNanos(pids[i]), MEASURE_SECONDS, 4));
            }
            final long daemonRssMib = ProcCpu.rssKib(daemon.pid()) / 1024;
            final long daemonEnd = ProcCpu.ticks(daemon.pid());
            final double quieterHalf = 100.0 * Math.min(daemonHalf - ticksBefore[0], daemonEnd - daemonHalf)
                / ProcCpu.TICKS_PER_SECOND / (MEASURE_SECONDS / 2.0);
            final double agentAdded = percent[2] - percent[1];
            // The host's phase, from the JVM without the agent (its threads' run time, finer than ticks): 1 in a quiet one.
            final double plainPercent = 100.0 * ProcCpu.ranNanos(threadsBefore.get(1), ProcCpu.threadNanos(plain.pid()))
                / TimeUnit.SECONDS.toNanos(MEASURE_SECONDS);
            final double hostPhase = Math.max(1.0, Math.min(MAX_HOST_PHASE, plainPercent / QUIET_PLAIN_JVM_PERCENT));
            final double daemonLimit = DAEMON_LIMIT_PERCENT * hostPhase;
            System.out.printf("[IdleCostIT] agent adds %.3f %% of a core; hotpathd %.3f %% (quieter half %.3f %%), %d MiB resident, "
                + "aggregation thread %.2f wake-ups/s, act thread %.2f, http %.2f; drain %.2f wake-ups/s; host phase %.2f (JVM without agent %.3f %%), "
                + "limit %.2f %% (load %s)%n", agentAdded, percent[0], quieterHalf, daemonRssMib, aggregatorWakeUps, actWakeUps, httpWakeUps,
                drainWakeUps,
                hostPhase, plainPercent, daemonLimit,
                Files.readString(Path.of("/proc/loadavg")).trim());
            assertTrue(agentAdded < AGENT_LIMIT_PERCENT * hostPhase, "the idle agent adds " + agentAdded + " % of a core (limit "
                + AGENT_LIMIT_PERCENT * hostPhase + " % in a host phase of " + hostPhase + ")");
            assertTrue(quieterHalf < daemonLimit, "idle hotpathd uses " + quieterHalf + " % of a core in the quieter half, "
                + percent[0] + " % over the whole window (target 0.5 %, limit " + daemonLimit + " % in a host phase of " + hostPhase + ")");
            // The count a slow host does not change: the poll just before each rotation and the rotation (with its
            // scan) itself, two a second; four before the scan shared the rotation's wake-up and the idle sleep reached 1 s.
            assertTrue(aggregatorWakeUps <= MAX_AGGREGATOR_WAKE_UPS_PER_SECOND, "the idle aggregation thread woke "
                + aggregatorWakeUps + " times a second (expected 2: the poll before each rotation and the rotation)");
            assertTrue(actWakeUps <= MAX_ACT_WAKE_UPS_PER_SECOND, "the idle act thread woke " + actWakeUps
                + " times a second (expected 0.2: nothing open, one tick every 5 s)");
            assertTrue(httpWakeUps <= MAX_HTTP_WAKE_UPS_PER_SECOND, "the idle HTTP loop woke " + httpWakeUps
                + " times a second (expected 0.1: nothing scheduled, one wait of 10 s after another)");
            final Set<String> daemonThreads = ProcCpu.threadNanos(daemon.pid()).keySet();
            for (final String counted : List.of(ACT_THREAD, HTTP_THREAD))
            {
                assertTrue(daemonThreads.stream().anyMatch(thread -> thread.startsWith(counted)),
                    "no thread named " + counted + " in hotpathd, whose wake-ups are counted: " + daemonThreads);
            }
            assertTrue(drainWakeUps <= MAX_DRAIN_WAKE_UPS_PER_SECOND, "the idle agent's drain woke " + drainWakeUps
                + " times a second (expected 5: one look every 4 x drain.idleMs)");
            assertTrue(daemonRssMib < DAEMON_RSS_LIMIT_MIB, "idle hotpathd resident set " + daemonRssMib + " MiB (target 80)");
            assertEquals(200, ExternalProcess.get(daemon.url() + "/health").statusCode());
            assertTrue(ProcCpu.threadNanos(daemon.pid()).keySet().stream().noneMatch(thread -> thread.startsWith("C2 CompilerThre")),
                "bin/hotpathd runs the JVM with C1 only (-XX:TieredStopAtLevel=1): " + ProcCpu.threadNanos(daemon.pid()).keySet());
        }
        finally
        {
            for (final Process process : started)
            {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            if (daemon != null)
            {
                daemon.close();
            }
            server.stop(0);
        }
    }

    /** A thread's voluntary context switches from now on: each is one wake-up from a sleep or wait. */
    private static final class WakeUps
    {
        private final long pid;
        private final String thread;
        private final long before;

        WakeUps(final long pid, final String thread) throws IOException
        {
            this.pid = pid;
            this.thread = thread;
            this.before = ProcCpu.voluntarySwitches(pid, thread);
        }

        double perSecond() throws IOException
        {
            return (double)(ProcCpu.voluntarySwitches(pid, thread) - before) / MEASURE_SECONDS;
        }
    }

    private Process client(final String agentFlag, final String url, final String name) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (agentFlag != null)
        {
            command.add(agentFlag);
        }
        command.addAll(List.of("-cp", System.getProperty("hotpath.demo.jar"), IDLE_CLIENT, url));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve(name + ".out").toFile()).start();
    }

    private void awaitReady(final Process process, final String name) throws Exception
    {
        final Path out = temp.resolve(name + ".out");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            final String text = Files.exists(out) ? Files.readString(out) : "";
            if (text.contains("ready 200"))
            {
                return;
            }
            assertTrue(process.isAlive(), name + " client exited: " + text);
            Thread.sleep(100);
        }
        throw new AssertionError(name + " client did not get its answer within 60 s: " + Files.readString(out));
    }
}
