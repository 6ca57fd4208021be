package io.hotpath.agent.spool;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.lang.reflect.Field;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Turns a cycle file that can no longer back Chronicle's memory mapping into an {@link IOException}
 * on the drain thread, before the appender touches the mapping: a store into a mapped page past the
 * file's end (the file was truncated under the agent) or into a hole the file system cannot fill
 * (disk full) raises SIGBUS, and HotSpot turns that into an {@code InternalError} only where it
 * knows an unsafe access is in progress. Chronicle publishes each document with
 * {@code Unsafe.compareAndSwapInt}; while that method runs interpreted (the first seconds, under
 * {@code -Xint}, after a deoptimization) it executes in the VM's {@code Unsafe_CompareAndSetInt},
 * which (JDK 17) is not guarded, and the fault kills the application's JVM.
 *
 * <p>So, before every document: the file must still be as long as the region already reserved
 * (else it was truncated), and the bytes the document will take past the last write (plus
 * {@value #SLACK} of slack) must be backed by disk blocks: they are reserved ahead, another
 * {@value #RESERVE_AHEAD} bytes past that, by
 * reading each range through the file channel and writing the same bytes back (a no-op on the
 * content, whatever Chronicle already wrote there, as the drain thread is the only writer; it
 * allocates the blocks of holes, and a full disk fails that write with ENOSPC instead of a later
 * SIGBUS). Costs one {@code fstat} per document and one read plus one write of each byte of the
 * queue, all on the drain thread. What remains: a truncation landing between this check and the
 * appender's store (microseconds) while that store runs interpreted.
 */
final class CycleFileGuard implements AutoCloseable
{
    /** Reserved past the last write at a time (one read and one write of this much every so often). */
    static final long RESERVE_AHEAD = 512L << 10;
    /** Beyond a document's own bytes: its header, and an index array Chronicle may append after it. */
    static final long SLACK = 128L << 10;
    /** Rounds of 1 000 compare-and-swaps each, with a pause after each for the compiler to catch up. */
    static final int CAS_WARM_UP_ROUNDS = 5;
    private static final long CAS_WARM_UP_PAUSE_NANOS = 10_000_000L;

    /** The cycle file could not back the mapping any more: the queue must be abandoned, never touched again. */
    static final class SpoolFault extends IOException
    {
        private static final long serialVersionUID = 1L;

        SpoolFault(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    /**
     * Best effort: calls {@code sun.misc.Unsafe.compareAndSwapInt/Long} (what Chronicle publishes
     * documents with) often enough from interpreted code that the JIT compiles them before the queue
     * opens, so that a fault in them is the {@code InternalError} of compiled code, not a crash in
     * the VM (see the class comment). Not a guarantee: compilation is asynchronous and can be undone.
     *
     * @param stop checked before each of the pauses that give the compiler time: a JVM that exits
     *             meanwhile is not held up by them (a hello-world waited ~40 ms here).
     * @return the rounds run, 1 to {@link #CAS_WARM_UP_ROUNDS}; 0 when {@code Unsafe} is out of reach.
     */
    static int warmUpCompareAndSwap(final BooleanSupplier stop)
    {
        final sun.misc.Unsafe unsafe;
        try
        {
            final Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = (sun.misc.Unsafe)field.get(null);
        }
        catch (final ReflectiveOperationException | RuntimeException e)
        {
            return 0; // Chronicle could not run either
        }
        final int[] ints = new int[1];
        final long[] longs = new long[1];
        final long intBase = unsafe.arrayBaseOffset(int[].class);
        final long longBase = unsafe.arrayBaseOffset(long[].class);
        int round = 0;
        while (round < CAS_WARM_UP_ROUNDS)
        {
            for (int i = 0; i < 1_000; i++)
            {
                unsafe.compareAndSwapInt(ints, intBase, i, i + 1);
                unsafe.compareAndSwapLong(longs, longBase, i, i + 1);
            }
            round++;
            if (stop.getAsBoolean())
            {
                break;
            }
            LockSupport.parkNanos(CAS_WARM_UP_PAUSE_NANOS);
        }
        return round;
    }

    private final ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 10);
    private FileChannel channel;
    private Path file;
    private int cycle = Integer.MIN_VALUE;
    private long reservedUpTo;
    private long writtenEnd;

    /** Checks the current cycle file before the appender writes into it (see the class comment). */
    void beforeWrite(final int length) throws SpoolFault
    {
        if (channel == null)
        {
            return;
        }
        final long size;
        try
        {
            size = channel.size();
        }
        catch (final IOException e)
        {
            throw new SpoolFault("cannot read the size of " + file + ": " + e, e);
        }
        if (size < reservedUpTo)
        {
            throw new SpoolFault("cycle file " + file + " was truncated under the agent (" + size + " bytes, " +
                reservedUpTo + " in use)", null);
        }
        final long needed = writtenEnd + length + SLACK;
        if (needed > reservedUpTo)
        {
            // Chronicle sizes a cycle file far ahead (sparse); past its end Chronicle grows it before writing there.
            // RESERVE_AHEAD past what this document needs: one read and one write per that many bytes, not per document
            reserve(Math.min(size, needed + RESERVE_AHEAD));
        }
    }

    /** After a document ending at file offset {@code end} of {@code cycleFile}: follows rolls to a new file. */
    void afterWrite(final int writtenCycle, final File cycleFile, final long end) throws SpoolFault
    {
        if (writtenCycle != cycle && cycleFile != null)
        {
            close();
            file = cycleFile.toPath();
            try
            {
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            catch (final IOException e)
            {
                throw new SpoolFault("cannot open " + file + " to check it: " + e, e);
            }
            cycle = writtenCycle;
            reservedUpTo = 0;
            writtenEnd = end;
        }
        writtenEnd = Math.max(writtenEnd, end);
    }

    private void reserve(final long upTo) throws SpoolFault
    {
        long position = reservedUpTo;
        try
        {
            while (position < upTo)
            {
                chunk.clear().limit((int)Math.min(chunk.capacity(), upTo - position));
                final int read = channel.read(chunk, position);
                if (read <= 0)
                {
                    throw new SpoolFault("cycle file " + file + " was truncated under the agent (ends before " + upTo + ")", null);
                }
                chunk.flip();
                while (chunk.hasRemaining())
                {
                    channel.write(chunk, position + chunk.position());
                }
                position += read;
            }
            reservedUpTo = upTo;
        }
        catch (final SpoolFault e)
        {
            throw e;
        }
        catch (final IOException e)
        {
            throw new SpoolFault("cannot reserve space in " + file + " (disk full?): " + e, e);
        }
    }

    @Override
    public void close()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // only checked the file
            }
            channel = null;
        }
    }
}
