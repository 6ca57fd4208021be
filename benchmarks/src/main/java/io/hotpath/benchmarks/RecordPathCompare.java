package io.hotpath.benchmarks;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link RecordPathCpu} for two builds side by side in one JVM: each build's benchmarks jar (or
 * classpath: entries separated by {@code :}, the first wins) is loaded by a class loader of its own,
 * so each has its own {@code HotpathBridge}, ring, drain and JIT-compiled code, and the slices of both
 * (five variants each) run interleaved, the order rotating each round. Each build's ratio to
 * HdrHistogram's {@code Recorder} is taken against its own {@code Recorder} slice of the same round;
 * the last column is B ÷ A per round. Medians over rounds.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar io.hotpath.benchmarks.RecordPathCompare \
 *   A_CLASSPATH B_CLASSPATH [ROUNDS [OPS_PER_SLICE [RING_MIB]]]
 * </pre>
 */
public final class RecordPathCompare
{
    private static final String[] VARIANTS =
        {"nanoTimePair", "hdrHistogramRecorderRecordValue", "hotpathStaticSeries", "hotpathLabelFromArgument", "hotpathLabelOverCap"};
    private static final int RECORDER = 1;
    private static final int WARM_UP_ROUNDS = 5;

    private RecordPathCompare()
    {
    }

    /** One build: its own {@code RecordPathCpu}, reached by reflection (the class is the same in every build). */
    private static final class Build implements AutoCloseable
    {
        private final Object run;
        private final Object hotpath;
        private final Method slice;
        private final Method emptyRing;

        Build(final String classpath, final int ringMiB) throws Exception
        {
            final String[] entries = classpath.split(File.pathSeparator);
            final URL[] urls = new URL[entries.length];
            for (int i = 0; i < entries.length; i++)
            {
                urls[i] = new File(entries[i]).toURI().toURL();
            }
            final ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
            final Class<?> type = Class.forName("io.hotpath.benchmarks.RecordPathCpu", true, loader);
            final Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            run = constructor.newInstance();
            final Field hotpathField = type.getDeclaredField("hotpath");
            hotpathField.setAccessible(true);
            hotpath = hotpathField.get(run);
            hotpath.getClass().getField("ringMiB").setInt(hotpath, ringMiB);
            hotpath.getClass().getField("drain").set(hotpath, "discard");
            hotpath.getClass().getMethod("setUp").invoke(hotpath);
            slice = type.getDeclaredMethod("slice", int.class, int.class);
            slice.setAccessible(true);
            emptyRing = hotpath.getClass().getMethod("emptyRing");
        }

        void slice(final int variant, final int ops) throws Exception
        {
            slice.invoke(run, variant, ops);
        }

        void emptyRing() throws Exception
        {
            emptyRing.invoke(hotpath);
        }

        long dropped() throws Exception
        {
            final Field recorder = hotpath.getClass().getDeclaredField("recorder");
            recorder.setAccessible(true);
            final Object ring = recorder.get(hotpath);
            return (long)ring.getClass().getMethod("dropped").invoke(ring);
        }

        @Override
        public void close() throws ReflectiveOperationException
        {
            hotpath.getClass().getMethod("tearDown").invoke(hotpath);
        }
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length < 2)
        {
            System.err.println("usage: RecordPathCompare A_CLASSPATH B_CLASSPATH [ROUNDS [OPS_PER_SLICE [RING_MIB]]]");
            System.exit(2);
        }
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        final int ops = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        final int ringMiB = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        try (Build a = new Build(args[0], ringMiB); Build b = new Build(args[1], ringMiB))
        {
            measure(new Build[] {a, b}, rounds, ops);
            System.out.println("(medians of " + rounds + " rounds of " + ops + " calls per variant and build; ring dropped A " +
                a.dropped() + ", B " + b.dropped() + ")");
        }
    }

    private static void measure(final Build[] builds, final int rounds, final int ops) throws Exception
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int count = VARIANTS.length;
        final int slices = count * builds.length;
        final double[][] cpu = new double[rounds][slices];
        final double[][] wall = new double[rounds][slices];
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++)
        {
            // warm-up rounds (below 0) are measured into a scratch row
            final double[] cpuNs = round < 0 ? new double[slices] : cpu[round];
            final double[] wallNs = round < 0 ? new double[slices] : wall[round];
            for (int k = 0; k < slices; k++)
            {
                // rotate the order each round; both builds' slices of a variant are next to each other, their order alternating
                final int s = (Math.floorMod(round, slices) * 2 + k) % slices;
                final int variant = s / 2;
                final int build = Math.floorMod(s + round, 2);
                final int cell = build * count + variant;
                builds[build].emptyRing();
                final long cpuStart = threads.getCurrentThreadCpuTime();
                final long wallStart = System.nanoTime();
                builds[build].slice(variant, ops);
                wallNs[cell] = (double)(System.nanoTime() - wallStart) / ops;
                cpuNs[cell] = (double)(threads.getCurrentThreadCpuTime() - cpuStart) / ops;
            }
        }
        System.out.printf(Locale.ROOT, "%-32s %9s %9s %9s %9s %8s %8s %8s %17s%n", "variant", "A cpu", "B cpu", "A min", "B min",
            "A÷Rec", "B÷Rec", "B÷A", "B÷A range");
        for (int v = 0; v < count; v++)
        {
            final int a = v;
            final int b = count + v;
            final double[] ratios = Arrays.stream(cpu).mapToDouble(r -> r[b] / r[a]).toArray();
            System.out.printf(Locale.ROOT, "%-32s %9.1f %9.1f %9.1f %9.1f %8.3f %8.3f %8.3f %8.3f–%-8.3f%n", VARIANTS[v],
                median(Arrays.stream(cpu).mapToDouble(r -> r[a]).toArray()), median(Arrays.stream(cpu).mapToDouble(r -> r[b]).toArray()),
                Arrays.stream(cpu).mapToDouble(r -> r[a]).min().orElse(0), Arrays.stream(cpu).mapToDouble(r -> r[b]).min().orElse(0),
                median(Arrays.stream(cpu).mapToDouble(r -> r[a] / r[RECORDER]).toArray()),
                median(Arrays.stream(cpu).mapToDouble(r -> r[b] / r[count + RECORDER]).toArray()),
                median(ratios), Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0));
        }
        System.out.printf(Locale.ROOT, "wall ns/op medians: A %s; B %s%n", wallMedians(wall, 0, count), wallMedians(wall, count, count));
    }

    private static String wallMedians(final double[][] wall, final int from, final int count)
    {
        final StringBuilder text = new StringBuilder();
        for (int v = 0; v < count; v++)
        {
            final int cell = from + v;
            text.append(String.format(Locale.ROOT, "%s%.1f", v == 0 ? "" : ", ", median(Arrays.stream(wall).mapToDouble(r -> r[cell]).toArray())));
        }
        return text.toString();
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
