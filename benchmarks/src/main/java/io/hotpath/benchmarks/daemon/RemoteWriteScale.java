package io.hotpath.benchmarks.daemon;

import com.sun.net.httpserver.HttpServer;
import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.ClosedInterval;
import io.hotpath.daemon.aggregate.IntervalListener;
import io.hotpath.daemon.aggregate.NativeHistogramLayout;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.config.RemoteWriteEndpoint;
import io.hotpath.daemon.remotewrite.RemoteWrite;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much one daemon spends to remote-write N series at 1 s resolution: the aggregation thread's
 * rotation (with the native-histogram listener), the encoding of each rotation into the backlog
 * (protobuf + snappy + append), and the sender thread posting it, each in per-thread CPU time from
 * the kernel ({@link ThreadMXBean}), plus the bytes on the wire. The receiver is a null endpoint
 * in this JVM (reads the body, answers 204) on its own threads, not counted.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hotpath.benchmarks.daemon.RemoteWriteScale [series] [seconds] [samples/series/s]
 * </pre>
 * Prints one line per second after a 10 s warm-up, then the medians.
 */
public final class RemoteWriteScale
{
    private RemoteWriteScale()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        final int perSeries = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        final int warmup = 10;

        final AtomicLong receivedBytes = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/api/v1/write", exchange ->
        {
            try (InputStream in = exchange.getRequestBody())
            {
                receivedBytes.addAndGet(in.readAllBytes().length);
            }
            requests.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();

        final int samplesPerBatch = 5000;
        final int batches = Math.max(1, series * perSeries / samplesPerBatch);
        final DaemonWorkload workload = new DaemonWorkload(series, batches, samplesPerBatch, System.currentTimeMillis());
        final NativeHistograms natives = new NativeHistograms(NativeHistogramLayout.DEFAULT_SCHEMA, 300_000);
        final long[] listenerNanos = new long[1];
        workload.aggregator.addIntervalListener(new IntervalListener()
        {
            @Override
            public void onInterval(final ClosedInterval interval)
            {
                final long start = System.nanoTime();
                natives.onInterval(interval);
                listenerNanos[0] += System.nanoTime() - start;
            }

            @Override
            public void onLateInterval(final ClosedInterval samples)
            {
                natives.onLateInterval(samples);
            }
        });
        final Path state = Files.createTempDirectory("hotpath-rw-scale");
        final RemoteWriteEndpoint endpoint = new RemoteWriteEndpoint();
        endpoint.setUrl("http://127.0.0.1:" + receiver.getAddress().getPort() + "/api/v1/write");
        final RemoteWrite remoteWrite = new RemoteWrite(List.of(endpoint), state, natives);
        remoteWrite.start();

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final List<double[]> rows = new ArrayList<>();
        long previousSenderCpu = 0;
        long previousBytes = 0;
        long previousSamples = 0;
        System.out.printf(Locale.ROOT, "%d series, %d samples/series/s, schema %d; per second: ingest, rotate (native listener), "
            + "encode+append, sender CPU ms; request bytes; samples sent%n", series, perSeries, natives.schema());
        for (int s = 0; s < seconds + warmup; s++)
        {
            final long now = System.currentTimeMillis();
            workload.stampBatches(now * 1_000_000L);
            final long ingestStart = threads.getCurrentThreadCpuTime();
            for (int b = 0; b < batches; b++)
            {
                workload.tailer.ingestDocument(workload.batches[b], workload.batchLengths[b]);
            }
            final long ingestCpu = threads.getCurrentThreadCpuTime() - ingestStart;
            final long next = (now / 1000 + 1) * 1000;
            Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            listenerNanos[0] = 0;
            final long rotateStart = threads.getCurrentThreadCpuTime();
            workload.aggregator.rotate(System.currentTimeMillis());
            final long rotateCpu = threads.getCurrentThreadCpuTime() - rotateStart;
            final AggregateSnapshot snapshot = workload.aggregator.latest();
            final long encodeStart = threads.getCurrentThreadCpuTime();
            remoteWrite.afterRotation(snapshot);
            remoteWrite.capture();
            final long encodeCpu = threads.getCurrentThreadCpuTime() - encodeStart;
            remoteWrite.checkpointWritten(remoteWrite.lastCaptured());
            final long senderCpu = senderCpu(threads);
            final Map<String, Object> health = remoteWrite.health().get(0);
            final long bytes = ((Number)health.get("bytesSent")).longValue();
            final long samples = ((Number)health.get("samplesSent")).longValue();
            if (s >= warmup)
            {
                final double[] row = { ingestCpu / 1e6, rotateCpu / 1e6, listenerNanos[0] / 1e6, encodeCpu / 1e6,
                    (senderCpu - previousSenderCpu) / 1e6, bytes - previousBytes, samples - previousSamples };
                rows.add(row);
                System.out.printf(Locale.ROOT, "%3d  ingest %7.1f  rotate %7.1f (native %5.1f)  encode %6.1f  sender %6.1f  bytes %9.0f  samples %7.0f  lag %s%n",
                    s - warmup, row[0], row[1], row[2], row[3], row[4], row[5], row[6], health.get("lagSeconds"));
            }
            previousSenderCpu = senderCpu;
            previousBytes = bytes;
            previousSamples = samples;
        }
        final String[] names = { "ingest CPU ms/s", "rotate CPU ms/s", "  of which native listener (wall) ms/s", "encode+append CPU ms/s",
            "sender CPU ms/s", "bytes on the wire/s", "samples sent/s" };
        System.out.printf(Locale.ROOT, "medians over %d s (%d series):%n", rows.size(), series);
        for (int c = 0; c < names.length; c++)
        {
            final double[] column = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++)
            {
                column[r] = rows.get(r)[c];
            }
            Arrays.sort(column);
            System.out.printf(Locale.ROOT, "  %-40s %12.1f  (min %.1f, max %.1f)%n", names[c], column[column.length / 2], column[0],
                column[column.length - 1]);
        }
        remoteWrite.close();
        receiver.stop(0);
        System.exit(0);
    }

    private static long senderCpu(final ThreadMXBean threads)
    {
        long total = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith("hotpathd-remote-write"))
            {
                total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }
}
