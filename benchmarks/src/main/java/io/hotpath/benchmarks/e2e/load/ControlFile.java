package io.hotpath.benchmarks.e2e.load;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A load driver's progress, shared with the benchmark script through a 16-byte memory-mapped file
 * (native byte order): offset 0 the calls completed so far (written by the driver after each call),
 * offset 8 a stop request (written by the script). The script reads the count while the driver's
 * JVM is stopped (SIGSTOP), so every slice of run time gets an exact number of calls; the stop
 * request ends the driver between two calls, so its agent drains every sample it recorded.
 */
final class ControlFile
{
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final MappedByteBuffer map;

    ControlFile(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, 16);
        }
    }

    void calls(final long done)
    {
        LONGS.setRelease(map, 0, done);
    }

    boolean stopRequested()
    {
        return (long)LONGS.getVolatile(map, 8) != 0L;
    }
}
