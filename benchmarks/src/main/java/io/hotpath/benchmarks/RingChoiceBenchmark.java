package io.hotpath.benchmarks;

import io.hotpath.agent.record.RingSampleDescriptor;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Which ring for the record path: one {@link ManyToOneRingBuffer} shared by all application
 * threads (tail CAS), or a {@link OneToOneRingBuffer} per thread (found through a ThreadLocal,
 * scanned by the drain thread). Each operation writes one 64-byte sample exactly as
 * {@code RingRecorder.record} does; a consumer thread drains continuously (with a 50 us park when
 * empty, like the agent's drain thread) so the rings do not fill. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingChoiceBenchmark
{
    private static final int CAPACITY = 4 << 20;

    private ManyToOneRingBuffer shared;
    private final CopyOnWriteArrayList<OneToOneRingBuffer> perThreadRings = new CopyOnWriteArrayList<>();
    private final ThreadLocal<OneToOneRingBuffer> perThread = ThreadLocal.withInitial(() ->
    {
        final OneToOneRingBuffer ring = new OneToOneRingBuffer(newBuffer());
        perThreadRings.add(ring);
        return ring;
    });
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running;
    private Thread consumer;

    private static UnsafeBuffer newBuffer()
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        shared = new ManyToOneRingBuffer(newBuffer());
        running = true;
        final MessageHandler handler = (msgTypeId, buffer, index, length) ->
        {
        };
        consumer = new Thread(() ->
        {
            while (running)
            {
                int read = shared.read(handler, 4096);
                for (final OneToOneRingBuffer ring : perThreadRings)
                {
                    read += ring.read(handler, 4096);
                }
                if (read == 0)
                {
                    LockSupport.parkNanos(50_000);
                }
            }
        }, "consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        consumer.join();
    }

    @Benchmark
    public void manyToOneShared()
    {
        write(shared, 7, 1_000, 256);
    }

    @Benchmark
    public void oneToOnePerThread()
    {
        write(perThread.get(), 7, 1_000, 256);
    }

    private void write(final RingBuffer ring, final int series, final long duration, final long payload)
    {
        final int index = ring.tryClaim(RingSampleDescriptor.MSG_TYPE_WIDE_SAMPLE, RingSampleDescriptor.MESSAGE_LENGTH);
        if (index < 0)
        {
            dropped.getAndIncrement();
            return;
        }
        final AtomicBuffer buffer = ring.buffer();
        final long end = System.nanoTime();
        buffer.putInt(index + RingSampleDescriptor.SERIES_ID_OFFSET, series);
        buffer.putInt(index + RingSampleDescriptor.ERROR_TYPE_ID_OFFSET, 0);
        buffer.putLong(index + RingSampleDescriptor.END_NANO_TIME_OFFSET, end);
        buffer.putLong(index + RingSampleDescriptor.DURATION_NANOS_OFFSET, duration);
        buffer.putLong(index + RingSampleDescriptor.PAYLOAD_BYTES_OFFSET, payload);
        ring.commit(index);
    }
}
