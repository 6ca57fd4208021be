package io.hotpath.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.hotpath.agent.AgentMain;
import io.hotpath.agent.InProcessAgent;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.bootstrap.HotpathRecorder;
import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.ErrorTypeRegistry;
import io.hotpath.agent.record.RingRecorder;
import io.hotpath.agent.record.SeriesRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;
import io.prometheus.client.Summary;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * What an instrumented call pays to be measured, as instrumentation runs it: two
 * {@code System.nanoTime()} reads around the (here empty) call, then the record. Every alternative
 * is timed the same way, so the ratios compare like with like; {@link #nanoTimePair} is the floor
 * they all share. Run at {@code -t 1}, {@code -t 2} and {@code -t 4} with {@code -prof gc}
 * ({@code benchmarks/run.sh} does).
 *
 * <p>hotpath side: {@link HotpathBridge#record} — the exact static call the inlined advice makes —
 * into the real {@link RingRecorder} (each JMH thread gets a stripe of its own). Three shapes, as the
 * advice has them: a rule without argument labels (series id bound as a constant), a rule whose
 * label comes from an argument (an enum, resolved per call through {@link HotpathBridge#series} before
 * the first {@code nanoTime}, as {@code TimingAdvice.enter} does), and such a rule over its label cap.
 *
 * <p>Methodology, ring: with {@code drain=discard} (the default) the ring is {@code ringMiB} large
 * (1 GiB: 16 M samples; {@code ByteBuffer.allocateDirect} zeroes, i.e. pre-touches, every page) and a
 * {@link DiscardingDrain} consumes it as the agent's drain thread would, minus the Chronicle write;
 * every iteration starts on an empty ring. So every measured call claims, writes and commits a slot:
 * the production path, not the cheaper drop path a full ring takes. The auxiliary counters
 * {@code ringRecorded}/{@code ringDropped} report, per iteration, the samples written and dropped,
 * so a reader sees that drops are ~0. {@code drain=spool} runs the agent's real Chronicle drain
 * instead (what this benchmark did first): in a tight loop the ring then overflows and most calls are
 * drops — kept only to show the effect ({@code -p drain=spool -p ringMiB=4}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class RecordPathBenchmark extends ChronicleBenchmark
{
    /** The rules whose series the hotpath benchmarks record into. */
    static final String RULES =
        "rules:\n" +
        "  - { type: bench.Transport, method: ping, metric: bench_ping, kind: transport }\n" +
        "  - type: bench.Transport\n" +
        "    method: sendMessage\n" +
        "    metric: bench_send\n" +
        "    kind: transport\n" +
        "    labels: { transport: { arg: 1, max-values: 8 } }\n" +
        "  - { type: bench.Peer, method: send, metric: bench_peer, kind: transport, max-series: 4, " +
        "labels: { peer: { arg: 0, max-values: 4 } } }\n";
    static final int STATIC_RULE = 0;
    static final int LABELLED_RULE = 1;
    /** A rule whose label is at its cap (4 values taken at setup): every call folds into {@code other}. */
    static final int CAPPED_RULE = 2;
    static final int CAP = 4;

    /** The label a typical transport rule takes from an argument (an enum), cycled per call. */
    public enum Transport
    {
        BITCHAT, BETANET, QUIC
    }

    /** Per-thread call site: which transport and message the next call uses. */
    @State(Scope.Thread)
    public static class CallSite
    {
        private static final Transport[] TRANSPORTS = Transport.values();
        /** Peers beyond the capped rule's {@link #CAP} values. */
        private static final String[] OVER_CAP_PEERS = {"peer-4", "peer-5", "peer-6", "peer-7", "peer-8", "peer-9", "peer-10", "peer-11"};
        final byte[] message = new byte[256];
        private int next;
        private int nextPeer;

        String nextOverCapPeer()
        {
            nextPeer = (nextPeer + 1) & (OVER_CAP_PEERS.length - 1);
            return OVER_CAP_PEERS[nextPeer];
        }

        Transport nextTransport()
        {
            final int i = next;
            next = i == TRANSPORTS.length - 1 ? 0 : i + 1;
            return TRANSPORTS[i];
        }
    }

    /** The real ring recorder installed into the bootstrap bridge, and its consumer. */
    @State(Scope.Benchmark)
    public static class Hotpath
    {
        /** Ring capacity in MiB (power of two; 1024 = the agent's maximum, 16 M samples). */
        @Param({ "1024" })
        public int ringMiB;

        /** {@code discard}: benchmark consumer (see class Javadoc); {@code spool}: the agent's Chronicle drain. */
        @Param({ "discard" })
        public String drain;

        RingRecorder recorder;
        int staticSeries;
        private DiscardingDrain discardingDrain;
        private AgentMain.Running spooling;
        private Path spool;
        long recordedAtStart;
        long droppedAtStart;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            if ("spool".equals(drain))
            {
                spool = Files.createTempDirectory("hotpath-bench");
                spooling = InProcessAgent.start(Map.of("spool.dir", spool.toString(), "service.name", "jmh",
                    "ring.bytes", ringMiB + "m"), RULES);
                recorder = spooling.recorder();
            }
            else if ("discard".equals(drain))
            {
                final List<RuleDefinition> rules = RuleConfigParser.parse("benchmark rules", RULES);
                recorder = new RingRecorder(ringMiB << 20, new SeriesRegistry(rules), new ErrorTypeRegistry());
                HotpathBridge.install(recorder);
                discardingDrain = DiscardingDrain.start(recorder.ring());
            }
            else
            {
                throw new IllegalArgumentException("drain: expected discard or spool, got " + drain);
            }
            staticSeries = recorder.seriesRegistry().staticSeries(STATIC_RULE);
            for (int i = 0; i < CAP; i++)
            {
                recorder.seriesRegistry().resolve(CAPPED_RULE, "peer-" + i, null, null);
            }
        }

        /** Every iteration starts on an empty ring. */
        @Setup(Level.Iteration)
        public void emptyRing()
        {
            DiscardingDrain.awaitEmpty(recorder.ring());
            recordedAtStart = recorder.recorded();
            droppedAtStart = recorder.dropped();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            HotpathBridge.install(HotpathRecorder.NO_OP);
            if (discardingDrain != null)
            {
                discardingDrain.close();
            }
            if (spooling != null)
            {
                spooling.close();
                Directories.deleteTree(spool);
            }
        }
    }

    /**
     * Samples written into and dropped by the ring during each measured iteration (all threads;
     * reported once, by the first thread). Warm-up iterations are not reported.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RingCounters
    {
        public long ringRecorded;
        public long ringDropped;
        private boolean reporter;

        @Setup(Level.Iteration)
        public void reset(final ThreadParams thread)
        {
            ringRecorded = 0;
            ringDropped = 0;
            reporter = thread.getThreadIndex() == 0;
        }

        @TearDown(Level.Iteration)
        public void collect(final Hotpath hotpath)
        {
            if (reporter)
            {
                ringRecorded = hotpath.recorder.recorded() - hotpath.recordedAtStart;
                ringDropped = hotpath.recorder.dropped() - hotpath.droppedAtStart;
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Simpleclient
    {
        Histogram histogram;
        Histogram labelledHistogram;
        Summary summary;

        @Setup(Level.Trial)
        public void setUp()
        {
            final CollectorRegistry registry = new CollectorRegistry();
            histogram = Histogram.build("bench_histogram_seconds", "latency").register(registry);
            labelledHistogram = Histogram.build("bench_labelled_histogram_seconds", "latency")
                .labelNames("transport").register(registry);
            summary = Summary.build("bench_summary_seconds", "latency")
                .quantile(0.5, 0.05).quantile(0.95, 0.01).quantile(0.99, 0.001).register(registry);
        }
    }

    @State(Scope.Benchmark)
    public static class Hdr
    {
        /** 1 ns .. 1 h at 3 significant digits: the range and precision hotpathd keeps. */
        final Recorder recorder = new Recorder(3_600_000_000_000L, 3);
    }

    /** hotpath: what the inlined advice runs for a rule with a static series. */
    @Benchmark
    public void hotpathStaticSeries(final Hotpath hotpath, final RingCounters counters)
    {
        final long start = System.nanoTime();
        HotpathBridge.record(hotpath.staticSeries, start, System.nanoTime(), 256, 0);
    }

    /** hotpath: a rule labelled from an enum argument, series resolved per call as {@code TimingAdvice.enter} does. */
    @Benchmark
    public void hotpathLabelFromArgument(final Hotpath hotpath, final CallSite site, final RingCounters counters)
    {
        final Transport transport = site.nextTransport();
        final int series = HotpathBridge.series(LABELLED_RULE, transport, null, null);
        final long payload = site.message.length;
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, System.nanoTime(), payload, 0);
    }

    /**
     * hotpath: a rule whose label has hit its cap ({@code max_values} and {@code max_series}); the
     * argument is one of 8 strings beyond it, so every call resolves to the overflow series and counts
     * a label overflow, then records.
     */
    @Benchmark
    public void hotpathLabelOverCap(final Hotpath hotpath, final CallSite site, final RingCounters counters)
    {
        final int series = HotpathBridge.series(CAPPED_RULE, site.nextOverCapPeer(), null, null);
        final long start = System.nanoTime();
        HotpathBridge.record(series, start, System.nanoTime(), 256, 0);
    }

    /** The floor: what any in-process timing costs here. */
    @Benchmark
    public long nanoTimePair()
    {
        final long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    @Benchmark
    public void simpleclientHistogramObserve(final Simpleclient simpleclient)
    {
        final long start = System.nanoTime();
        simpleclient.histogram.observe((System.nanoTime() - start) / 1e9);
    }

    /** What instrumentation code writes when the series depends on an argument. */
    @Benchmark
    public void simpleclientHistogramLabelsObserve(final Simpleclient simpleclient, final CallSite site)
    {
        final Transport transport = site.nextTransport();
        final long start = System.nanoTime();
        simpleclient.labelledHistogram.labels(transport.name()).observe((System.nanoTime() - start) / 1e9);
    }

    @Benchmark
    public void simpleclientSummaryObserve(final Simpleclient simpleclient)
    {
        final long start = System.nanoTime();
        simpleclient.summary.observe((System.nanoTime() - start) / 1e9);
    }

    @Benchmark
    public void hdrHistogramRecorderRecordValue(final Hdr hdr)
    {
        final long start = System.nanoTime();
        hdr.recorder.recordValue(System.nanoTime() - start);
    }
}
