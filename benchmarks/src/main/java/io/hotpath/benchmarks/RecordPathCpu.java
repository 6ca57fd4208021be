package io.hotpath.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link RecordPathBenchmark}'s record-path benchmarks on a loaded machine: the same methods, run in
 * interleaved slices in one JVM (the order rotating each round), each slice timed by the calling
 * thread's CPU time from the kernel besides the wall clock. CPU time leaves out the time the thread
 * waited for a core, which is most of what other processes add to wall-clock figures on a shared
 * machine; the ratio of each variant to HdrHistogram's {@code Recorder} is taken per round, between
 * slices seconds apart, and its median reported.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar io.hotpath.benchmarks.RecordPathCpu [ROUNDS [OPS_PER_SLICE [RING_MIB]]]
 * </pre>
 */
public final class RecordPathCpu
{
    private static final String[] VARIANTS =
        {"nanoTimePair", "hdrHistogramRecorderRecordValue", "hotpathStaticSeries", "hotpathLabelFromArgument", "hotpathLabelOverCap"};
    private static final int RECORDER = 1;
    private static final int WARM_UP_ROUNDS = 5;

    private final RecordPathBenchmark bench = new RecordPathBenchmark();
    private final RecordPathBenchmark.Hotpath hotpath = new RecordPathBenchmark.Hotpath();
    private final RecordPathBenchmark.CallSite site = new RecordPathBenchmark.CallSite();
    private final RecordPathBenchmark.RingCounters counters = new RecordPathBenchmark.RingCounters();
    private final RecordPathBenchmark.Hdr hdr = new RecordPathBenchmark.Hdr();
    private long sink;

    private RecordPathCpu()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        final int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        final RecordPathCpu run = new RecordPathCpu();
        run.hotpath.ringMiB = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        run.hotpath.drain = "discard";
        run.hotpath.setUp();
        try
        {
            run.measure(rounds, ops);
        }
        finally
        {
            run.hotpath.tearDown();
        }
    }

    private void measure(final int rounds, final int ops)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int count = VARIANTS.length;
        final List<double[]> cpu = new ArrayList<>();
        final List<double[]> wall = new ArrayList<>();
        for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++)
        {
            final double[] cpuNs = new double[count];
            final double[] wallNs = new double[count];
            for (int k = 0; k < count; k++)
            {
                final int variant = (round + k) % count;
                hotpath.emptyRing(); // as JMH does before each iteration: every call claims a slot
                final long cpuStart = threads.getCurrentThreadCpuTime();
                final long wallStart = System.nanoTime();
                slice(variant, ops);
                wallNs[variant] = (double)(System.nanoTime() - wallStart) / ops;
                cpuNs[variant] = (double)(threads.getCurrentThreadCpuTime() - cpuStart) / ops;
            }
            if (round >= WARM_UP_ROUNDS)
            {
                cpu.add(cpuNs);
                wall.add(wallNs);
            }
        }
        System.out.printf(Locale.ROOT, "%-34s %12s %10s %12s %14s%n", "variant", "cpu ns/op", "min", "wall ns/op",
            "cpu ÷ Recorder");
        for (int v = 0; v < count; v++)
        {
            final int variant = v;
            final double[] ratios = cpu.stream().mapToDouble(r -> r[variant] / r[RECORDER]).toArray();
            System.out.printf(Locale.ROOT, "%-34s %12.1f %10.1f %12.1f %14.3f%n", VARIANTS[v],
                median(cpu.stream().mapToDouble(r -> r[variant]).toArray()),
                cpu.stream().mapToDouble(r -> r[variant]).min().orElse(0),
                median(wall.stream().mapToDouble(r -> r[variant]).toArray()), median(ratios));
        }
        System.out.println("(medians of " + rounds + " rounds of " + ops + " calls per variant; ring dropped " +
            hotpath.recorder.dropped() + "; sink " + (sink & 1) + ")");
    }

    /** One method per variant: each loop is compiled on its own, with its own profile. */
    private void slice(final int variant, final int ops)
    {
        switch (variant)
        {
            case 0 -> nanoTimePairs(ops);
            case 1 -> recorderValues(ops);
            case 2 -> staticSeries(ops);
            case 3 -> labelsFromArgument(ops);
            default -> labelsOverCap(ops);
        }
    }

    private void nanoTimePairs(final int ops)
    {
        long sum = 0;
        for (int i = 0; i < ops; i++)
        {
            sum += bench.nanoTimePair();
        }
        sink += sum;
    }

    private void recorderValues(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            bench.hdrHistogramRecorderRecordValue(hdr);
        }
    }

    private void staticSeries(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            bench.hotpathStaticSeries(hotpath, counters);
        }
    }

    private void labelsFromArgument(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            bench.hotpathLabelFromArgument(hotpath, site, counters);
        }
    }

    private void labelsOverCap(final int ops)
    {
        for (int i = 0; i < ops; i++)
        {
            bench.hotpathLabelOverCap(hotpath, site, counters);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
