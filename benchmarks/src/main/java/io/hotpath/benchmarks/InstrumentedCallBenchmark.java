package io.hotpath.benchmarks;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.sun.tools.attach.VirtualMachine;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * A small method called through a class instrumented by the real agent — {@code hotpath-agent.jar}
 * attached to the benchmark JVM, with its relocated Byte Buddy, its {@code TimingAdvice} inlined into
 * the method, its bootstrap bridge, ring and Chronicle drain thread — against the same method in a
 * JVM without the agent ({@code agent=none}). Each {@code agent} value runs in its own fork, so the
 * uninstrumented numbers never see the agent.
 *
 * <p>Two rule shapes, like the demo's: {@link Channel#sendMessage} has its series label from an enum
 * argument, its payload size from the {@code byte[]} argument and {@code failure_on: false};
 * {@link Channel#ping} has a static series.
 *
 * <p>Ring: the real drain spools to Chronicle more slowly than a tight loop records, so the agent
 * runs with its largest ring ({@code ring.bytes=1g}, 16 M samples), every iteration starts once the
 * drain has emptied it, and iterations are short enough not to fill it (the auxiliary counters
 * {@code ringRecorded}/{@code ringDropped} show it: drops must be ~0, else the iteration measured
 * the drop path). The spool goes to a temporary directory with a 1 GiB cap and minutely cycles.
 *
 * <p>The agent jar: system property {@code hotpath.agent.jar}, else {@code javaagent/target/hotpath-agent.jar}
 * under the working directory or the repository holding {@code benchmarks.jar}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = { "-Xmx1g", "-XX:MaxDirectMemorySize=2g", "-Djdk.attach.allowAttachSelf=true" })
public class InstrumentedCallBenchmark
{
    /** The label argument's type. */
    public enum Kind
    {
        BITCHAT, BETANET, QUIC
    }

    /** The instrumented class (with {@code agent=hotpath}): two small methods. */
    public static final class Channel
    {
        private long sentBytes;
        private long pings;

        public boolean sendMessage(final byte[] message, final Kind kind)
        {
            sentBytes += message.length + kind.ordinal();
            return message.length > 0;
        }

        public long ping(final byte[] message)
        {
            pings += message[0];
            return pings;
        }
    }

    static String rules()
    {
        final String channel = Channel.class.getName();
        return "rules:\n" +
            "  - type: { name: " + channel + " }\n" +
            "    method: { name: sendMessage, parameters: [\"byte[]\", " + Kind.class.getName() + "] }\n" +
            "    metric: bench_send\n" +
            "    kind: transport\n" +
            "    labels: { transport: { arg: 1, max_values: 8 } }\n" +
            "    size: { arg: 0 }\n" +
            "    failure_on: false\n" +
            "  - type: { name: " + channel + " }\n" +
            "    method: ping\n" +
            "    metric: bench_ping\n" +
            "    kind: transport\n";
    }

    /** {@code none}: no agent in this JVM; {@code hotpath}: the real agent jar attached at set-up. */
    @Param({ "none", "hotpath" })
    public String agent;

    private final Channel channel = new Channel();
    private final byte[] message = new byte[256];
    private final Kind[] kinds = Kind.values();
    private int next;
    private Path workDirectory;
    private AgentProbe probe;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        message[0] = 1;
        if ("none".equals(agent))
        {
            return;
        }
        if (!"hotpath".equals(agent))
        {
            throw new IllegalArgumentException("agent: expected none or hotpath, got " + agent);
        }
        workDirectory = Files.createTempDirectory("hotpath-instrumented-bench");
        Directories.deleteSpoolAtExit(workDirectory);
        final Path rules = workDirectory.resolve("rules.yaml");
        Files.writeString(rules, rules(), StandardCharsets.UTF_8);
        final String args = "config=" + rules + ",spool.dir=" + workDirectory.resolve("spool") +
            ",service.name=jmh-instrumented,ring.bytes=1g,spool.maxBytes=1g,spool.rollCycle=MINUTELY";
        final VirtualMachine self = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try
        {
            self.loadAgent(BenchmarkArtifacts.agentJar().toString(), args);
        }
        finally
        {
            self.detach();
        }
        probe = new AgentProbe();
        final long before = probe.recorded();
        channel.sendMessage(message, Kind.QUIC);
        channel.ping(message);
        // The agent's recorded count is a lower bound until its drain has read the ring empty: wait for it.
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (probe.recorded() - before < 2 && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        if (probe.recorded() - before != 2)
        {
            throw new IllegalStateException("the agent did not record the instrumented calls (recorded " +
                (probe.recorded() - before) + " of 2): is " + Channel.class.getName() + " instrumented?");
        }
    }

    /** Every iteration starts once the drain has emptied the ring. */
    @Setup(Level.Iteration)
    public void emptyRing() throws Exception
    {
        if (probe != null)
        {
            probe.awaitEmpty();
            probe.markIteration();
        }
    }

    /** Ring samples written and dropped during each measured iteration (0 without the agent). */
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
        public void collect(final InstrumentedCallBenchmark benchmark) throws Exception
        {
            if (reporter && benchmark.probe != null)
            {
                ringRecorded = benchmark.probe.recorded() - benchmark.probe.recordedAtStart;
                ringDropped = benchmark.probe.dropped() - benchmark.probe.droppedAtStart;
            }
        }
    }

    @Benchmark
    public boolean sendMessageLabelFromArgument(final RingCounters counters)
    {
        final int i = next;
        next = i == kinds.length - 1 ? 0 : i + 1;
        return channel.sendMessage(message, kinds[i]);
    }

    @Benchmark
    public long pingStaticSeries(final RingCounters counters)
    {
        return channel.ping(message);
    }

    /**
     * The attached agent's recorder, reached through the bootstrap bridge: its classes live in the
     * agent's isolated class loader (relocated), so only reflection sees them. Fails if the bridge
     * is not the bootstrap one, i.e. if the agent did not install as in production.
     */
    static final class AgentProbe
    {
        private final Object recorder;
        private final Method recorded;
        private final Method dropped;
        private final Object ring;
        private final Method ringSize;
        long recordedAtStart;
        long droppedAtStart;

        AgentProbe() throws Exception
        {
            final Class<?> bridge = Class.forName("io.hotpath.agent.bootstrap.HotpathBridge");
            if (bridge.getClassLoader() != null)
            {
                throw new IllegalStateException("HotpathBridge was loaded by " + bridge.getClassLoader() +
                    ", not by the bootstrap class loader: the agent did not install as in production");
            }
            recorder = bridge.getMethod("installed").invoke(null);
            final Class<?> type = recorder.getClass();
            recorded = type.getMethod("recorded");
            dropped = type.getMethod("dropped");
            ring = type.getMethod("ring").invoke(recorder);
            ringSize = ring.getClass().getMethod("size");
        }

        long recorded() throws Exception
        {
            return (long)recorded.invoke(recorder);
        }

        long dropped() throws Exception
        {
            return (long)dropped.invoke(recorder);
        }

        void awaitEmpty() throws Exception
        {
            while ((int)ringSize.invoke(ring) > 0)
            {
                LockSupport.parkNanos(1_000_000L);
            }
        }

        void markIteration() throws Exception
        {
            recordedAtStart = recorded();
            droppedAtStart = dropped();
        }
    }
}
