package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.DemoProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 4: no counter a scraper has seen ever goes down, across 20 {@code kill -9}s of
 * hotpathd under load. The demo service runs under the real agent (one run after another, same
 * service name) while the real daemon is killed with SIGKILL and restarted 20 times (every other time
 * as soon as the new process listens, often while it is still catching up); a scraper reads
 * {@code /metrics} every 100 ms from whichever daemon is up and checks every counter sample
 * ({@code *_total}, histogram {@code _count}/{@code _bucket}) against the highest value it has seen
 * for it. Scrapes may fail (not listening, 503 while a restarted daemon catches up); a 200 must
 * never serve less. At the end {@code hotpath_calls_total} per series and outcome equals the sum of
 * the demo runs' own exact counts.
 *
 * <p>Counters of the daemon process itself ({@code process_*}, {@code jvm_*}, HTTP connections,
 * checkpoint failures) are excluded: they count this process's life and restart with it, which
 * {@code process_start_time_seconds} tells Prometheus (METRICS.md, "Counters across restarts").
 */
class CountersNeverDecreaseIT
{
    private static final int KILLS = 20;
    private static final String SERVICE = "kill-demo";

    @TempDir
    Path temp;

    private final AtomicReference<String> url = new AtomicReference<>();
    private final Map<String, Double> highest = new ConcurrentHashMap<>();
    private final List<String> decreases = new ArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile boolean stop;
    private volatile boolean loadDone;

    @Test
    void noCounterDecreasesAcross20Kill9sUnderLoad() throws Exception
    {
        final Path spool = temp.resolve("spool");
        final Path state = temp.resolve("state");
        DaemonProcess daemon = DaemonProcess.start(spool, state, temp.resolve("hotpathd-0.log"));
        url.set(daemon.url());
        final List<Path> results = new ArrayList<>();
        final List<Throwable> demoFailures = new ArrayList<>();
        final Thread load = new Thread(() ->
        {
            // Demo runs back to back until the kills are done: load throughout, several queues.
            for (int run = 0; !loadDone; run++)
            {
                final Path result = temp.resolve("results-" + run + ".tsv");
                try
                {
                    final DemoProcess demo = DemoProcess.start(spool, SERVICE, temp.resolve("demo-" + run + ".log"),
                        "--duration", "12s", "--rate", "800", "--error-ratio", "0.05", "--results", result.toString());
                    demo.awaitSuccess(Duration.ofSeconds(90));
                    synchronized (results)
                    {
                        results.add(result);
                    }
                }
                catch (final Throwable t)
                {
                    synchronized (demoFailures)
                    {
                        demoFailures.add(t);
                    }
                    return;
                }
            }
        }, "demo-load");
        final Thread scraper = new Thread(this::scrape, "scraper");
        load.start();
        scraper.start();
        final long started = System.nanoTime();
        try
        {
            final SplittableRandom random = new SplittableRandom(12);
            for (int kill = 1; kill <= KILLS; kill++)
            {
                // Kill at random points of the checkpoint cycle (at ~800 calls/s: every 10 s, CheckpointCadence).
                Thread.sleep(200 + random.nextInt(800));
                daemon.kill();
                // Scraped from the moment it listens, before /health says ready.
                final int port = ExternalProcess.freePort();
                url.set("http://127.0.0.1:" + port);
                daemon = DaemonProcess.launch(port, spool, state, temp.resolve("hotpathd-" + kill + ".log"));
                if (kill % 2 == 1 && kill < KILLS)
                {
                    // Every other kill lands while the new process is still catching up (or just serving).
                    daemon.awaitListening(Duration.ofSeconds(120));
                }
                else
                {
                    daemon.awaitReady(Duration.ofSeconds(120));
                }
            }
            loadDone = true;
            load.join(120_000);
            assertEquals(List.of(), demoFailures);

            final Map<String, Long> want = expected(results);
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Long> got = actual(daemon);
            while (!want.equals(got) && System.nanoTime() < deadline)
            {
                Thread.sleep(250);
                got = actual(daemon);
            }
            Thread.sleep(500);
            stop = true;
            scraper.join(10_000);
            System.out.printf("CountersNeverDecreaseIT: %d kill -9s in %.1f s, %d demo runs, %d calls; scrapes: %d served, " +
                    "%d 503 (catching up / starting), %d failed (not listening); %d counter samples watched%n",
                KILLS, (System.nanoTime() - started) / 1e9, results.size(), want.entrySet().stream().filter(e -> e.getKey().endsWith(" all")).mapToLong(Map.Entry::getValue).sum(),
                served.get(), unavailable.get(), failed.get(), highest.size());
            synchronized (decreases)
            {
                assertEquals(List.of(), decreases.subList(0, Math.min(20, decreases.size())), decreases.size() + " decreases");
            }
            assertEquals(want, got, "hotpath_calls_total (all outcomes, errors) per series = the demo runs' exact counts\n" +
                daemon.log());
            // Scrapes land only between the kills (JVM start and catch-up take longer on a loaded machine): enough to watch.
            assertTrue(served.get() >= 40, "the scraper was served " + served.get() + " times");
            assertTrue(results.size() >= 2, "load throughout: " + results.size() + " demo runs");
        }
        finally
        {
            stop = true;
            loadDone = true;
            daemon.close();
        }
    }

    private void scrape()
    {
        while (!stop)
        {
            try
            {
                final HttpResponse<String> response = ExternalProcess.get(url.get() + "/metrics");
                if (response.statusCode() == 200)
                {
                    served.incrementAndGet();
                    check(response.body());
                }
                else
                {
                    unavailable.incrementAndGet();
                }
            }
            catch (final IOException e)
            {
                failed.incrementAndGet();
            }
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException e)
            {
                return;
            }
        }
    }

    private void check(final String body)
    {
        for (final String line : body.split("\n"))
        {
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("process_") || line.startsWith("jvm_") ||
                line.startsWith("hotpath_daemon_http_") || line.startsWith("hotpath_daemon_checkpoint_failures"))
            {
                continue;
            }
            final int brace = line.indexOf('{');
            final int space = line.lastIndexOf(' ');
            final String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
            if (!name.endsWith("_total") && !name.endsWith("_count") && !name.endsWith("_bucket"))
            {
                continue;
            }
            final String series = line.substring(0, space);
            final double value = Double.parseDouble(line.substring(space + 1));
            final Double before = highest.get(series);
            if (before != null && value < before)
            {
                synchronized (decreases)
                {
                    decreases.add(series + ": " + before + " -> " + value + " (" + url.get() + ")");
                }
            }
            highest.merge(series, value, Math::max);
        }
    }

    /** Per series (metric and own labels) and outcome: the demo runs' counts summed ({@code all} and {@code error}). */
    private static Map<String, Long> expected(final List<Path> results) throws IOException
    {
        final Map<String, Long> want = new TreeMap<>();
        for (final Path file : results)
        {
            for (final DemoProcess.ExactSeries series : DemoProcess.exactResults(file))
            {
                final String key = series.metric() + new TreeMap<>(series.labels());
                want.merge(key + " all", series.count(), Long::sum);
                want.merge(key + " error", series.errors(), Long::sum);
            }
        }
        return want;
    }

    private static Map<String, Long> actual(final DaemonProcess daemon) throws IOException
    {
        final Map<String, Long> got = new TreeMap<>();
        final Map<String, Double> samples = MetricsText.samples(daemon.metrics(), "hotpath_calls_total");
        for (final Map.Entry<String, Double> sample : samples.entrySet())
        {
            final Map<String, String> labels = labels(sample.getKey());
            if (!SERVICE.equals(labels.get("service")))
            {
                continue;
            }
            final String metric = labels.get("metric");
            final boolean error = "error".equals(labels.get("outcome"));
            labels.keySet().removeAll(List.of("service", "metric", "kind", "outcome", "error_type"));
            final String key = metric + new TreeMap<>(labels);
            final long value = (long)(double)sample.getValue();
            got.merge(key + " all", value, Long::sum);
            got.merge(key + " error", error ? value : 0L, Long::sum);
        }
        return got;
    }

    /** {@code {a="x",b="y"}} → map (label values here have no quotes or commas). */
    private static Map<String, String> labels(final String block)
    {
        final Map<String, String> labels = new TreeMap<>();
        for (final String pair : block.substring(1, block.length() - 1).split(","))
        {
            final int eq = pair.indexOf('=');
            labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
        }
        return labels;
    }
}
