package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exactly once across restarts: three producers write real queues while the real daemon
 * ({@code java -jar hotpathd.jar}) is killed with SIGKILL several times mid-stream and restarted;
 * at the end every series' {@code hotpath_calls_total} (by outcome and error type) and every SLO's
 * {@code hotpath_slo_events_total} (good/bad, checkpointed with the positions) equal what was
 * written — then once more after a final SIGKILL of the caught-up daemon.
 */
class KillRestartIT
{
    private static final int PRODUCERS = 3;
    private static final int BATCHES = 120;
    private static final int BATCH = 300;

    @TempDir
    Path temp;

    private final Map<String, AtomicLong> expected = new ConcurrentHashMap<>();

    @Test
    void countersAreExactAfterRepeatedKill9() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path state = temp.resolve("state");
        final List<Thread> producers = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        final long start = System.currentTimeMillis();
        for (int p = 0; p < PRODUCERS; p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    produce(spool, producer, start + producer);
                }
                catch (final Throwable t)
                {
                    synchronized (failures)
                    {
                        failures.add(t);
                    }
                }
            }, "producer-" + p);
            producers.add(thread);
        }
        // SLO counters are checkpointed with the positions too: per-call success SLOs over both metrics.
        final Path slo = Files.writeString(temp.resolve("slo.yaml"), String.join("\n",
            "slos:",
            "  - {name: send, sli: {success: {metric: transport_send}}, target: 0.99, window: 30d}",
            "  - {name: connect, sli: {success: {metric: p2p_connect}}, target: 0.99, window: 30d}",
            ""));
        config = Files.writeString(temp.resolve("hotpathd.yaml"), "slo:\n  file: " + slo + "\n");
        int restarts = 0;
        killsDone.set(0);
        DaemonProcess daemon = start(spool, state, temp.resolve("hotpathd-0.log"));
        producers.forEach(Thread::start);
        try
        {
            final SplittableRandom random = new SplittableRandom(1);
            while (producers.stream().anyMatch(Thread::isAlive) && restarts < 4)
            {
                Thread.sleep(1_000 + random.nextInt(1_000));
                daemon.kill();
                restarts++;
                daemon = start(spool, state, temp.resolve("hotpathd-" + restarts + ".log"));
                killsDone.set(restarts);
            }
            for (final Thread thread : producers)
            {
                thread.join(60_000);
            }
            assertEquals(List.of(), failures);
            assertTrue(restarts >= 3, "killed the daemon " + restarts + " times while producers wrote");

            assertTotalsMatch(daemon);
            daemon.kill();
            daemon = start(spool, state, temp.resolve("hotpathd-final.log"));
            assertTotalsMatch(daemon);
            Thread.sleep(2_000);
            assertEquals(expectedTotals(), actualTotals(daemon), "still exact, nothing re-counted later");

            // Graceful SIGTERM: flush, checkpoint, close; the next start continues exactly.
            final int exit = daemon.terminate(Duration.ofSeconds(20));
            assertEquals(143, exit, "terminated by SIGTERM after a clean shutdown");
            assertTrue(daemon.log().contains("hotpathd stopped"), daemon.log());
            daemon = start(spool, state, temp.resolve("hotpathd-after-term.log"));
            assertTotalsMatch(daemon);
        }
        finally
        {
            daemon.close();
        }
    }

    private Path config;
    /** Restarts done so far: the producers hold their second half back until three happened (a restart can take seconds under load). */
    private final AtomicInteger killsDone = new AtomicInteger();

    private DaemonProcess start(final Path spool, final Path state, final Path log) throws Exception
    {
        return DaemonProcess.start(spool, state, log, "--config", config.toString());
    }

    private void produce(final Path spool, final int producer, final long jvmStart) throws Exception
    {
        final String service = "svc" + producer;
        final SplittableRandom random = new SplittableRandom(100 + producer);
        try (TestQueueWriter writer = TestQueueWriter.create(spool, service, jvmStart))
        {
            writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "quic");
            writer.defineSeries(2, MetricKind.P2P, "p2p_connect", "peer", "p" + producer);
            writer.defineErrorType(1, "IOException");
            writer.defineErrorType(2, "TimeoutException");
            final long holdUntil = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            for (int b = 0; b < BATCHES; b++)
            {
                // Writes span the kills however slow restarts are on a busy machine: no wall-clock race.
                while (b >= BATCHES / 2 && killsDone.get() < 3 && System.nanoTime() < holdUntil)
                {
                    Thread.sleep(50);
                }
                final int[] ids = new int[BATCH];
                final long[] ends = new long[BATCH];
                final long[] durations = new long[BATCH];
                final int[] errors = new int[BATCH];
                final long now = System.currentTimeMillis() * 1_000_000L;
                for (int i = 0; i < BATCH; i++)
                {
                    ids[i] = 1 + random.nextInt(2);
                    ends[i] = now;
                    durations[i] = 10_000 + random.nextInt(5_000_000);
                    final int roll = random.nextInt(20);
                    errors[i] = roll == 0 ? 1 : roll == 1 ? 2 : 0;
                    final String metric = ids[i] == 1 ? "transport_send" : "p2p_connect";
                    final String kind = ids[i] == 1 ? "transport" : "p2p";
                    final String own = ids[i] == 1 ? "transport=\"quic\"" : "peer=\"p" + producer + "\"";
                    final String outcome = errors[i] == 0 ? "outcome=\"ok\",error_type=\"\""
                        : "outcome=\"error\",error_type=\"" + (errors[i] == 1 ? "IOException" : "TimeoutException") + "\"";
                    expected.computeIfAbsent("{service=\"" + service + "\",metric=\"" + metric + "\",kind=\"" + kind + "\"," + own + "," +
                        outcome + "}", k -> new AtomicLong()).incrementAndGet();
                }
                writer.writeBatch(ids, ends, durations, errors, 64);
                Thread.sleep(random.nextInt(40, 160));
            }
        }
    }

    private Map<String, Double> expectedTotals()
    {
        final Map<String, Double> totals = new TreeMap<>();
        expected.forEach((k, v) -> totals.put(k, (double)v.get()));
        return totals;
    }

    private static Map<String, Double> actualTotals(final DaemonProcess daemon) throws Exception
    {
        return MetricsText.samples(daemon.metrics(), "hotpath_calls_total");
    }

    private void assertTotalsMatch(final DaemonProcess daemon) throws Exception
    {
        final Map<String, Double> want = expectedTotals();
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Double> got = actualTotals(daemon);
        while (!want.equals(got) && System.nanoTime() < deadline)
        {
            Thread.sleep(250);
            got = actualTotals(daemon);
        }
        assertEquals(want, got, "hotpath_calls_total per series and outcome\ndaemon log:\n" + daemon.log());
        assertEquals(PRODUCERS * BATCHES * BATCH, want.values().stream().mapToDouble(Double::doubleValue).sum(), 0.0);

        // SLO events: good = ok calls, bad = error calls of the SLO's metric, exactly.
        final Map<String, Double> wantSlo = new TreeMap<>();
        want.forEach((series, calls) ->
        {
            final String slo = series.contains("transport_send") ? "send" : "connect";
            final String outcome = series.contains("outcome=\"ok\"") ? "good" : "bad";
            wantSlo.merge("{slo=\"" + slo + "\",outcome=\"" + outcome + "\"}", calls, Double::sum);
        });
        Map<String, Double> gotSlo = MetricsText.samples(daemon.metrics(), "hotpath_slo_events_total");
        while (!wantSlo.equals(gotSlo) && System.nanoTime() < deadline)
        {
            Thread.sleep(250);
            gotSlo = MetricsText.samples(daemon.metrics(), "hotpath_slo_events_total");
        }
        assertEquals(wantSlo, gotSlo, "hotpath_slo_events_total per SLO and outcome\ndaemon log:\n" + daemon.log());
    }
}
