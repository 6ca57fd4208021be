package io.hotpath.benchmarks.e2e.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The parts of the load driver that cpu_per_call.py --warm-jvms relies on: {@code HttpLoad --control}
 * counts every call it makes in the control file and stops between two calls when asked, so the
 * script's per-slice counts and the end-of-set check against hotpathd are exact; {@link ThreadCpu}
 * attributes CPU to the thread that used it.
 */
class HttpLoadControlTest
{
    @Test
    void controlledRunCountsEveryCallAndStopsWhenAsked(@TempDir final Path dir) throws Exception
    {
        final AtomicLong served = new AtomicLong();
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange ->
        {
            served.incrementAndGet();
            final byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
        final Path control = dir.resolve("control");
        Files.write(control, new byte[16]);
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final PrintStream stdout = System.out;
        try
        {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            final Thread driver = new Thread(() ->
            {
                try
                {
                    HttpLoad.main(new String[] {"http://127.0.0.1:" + server.getAddress().getPort() + "/", "--control", control.toString()});
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            driver.start();
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (calls(control) < 50 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertTrue(calls(control) >= 50, "calls counted in the control file: " + calls(control));
            final ByteBuffer stop = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
            try (var channel = FileChannel.open(control, StandardOpenOption.WRITE))
            {
                channel.write(stop, 8);
            }
            driver.join(60_000);
            assertFalse(driver.isAlive(), "the driver did not stop when asked");
        }
        finally
        {
            System.setOut(stdout);
            server.stop(0);
        }
        // every call the driver made reached the server, is in the file, and in its result line
        assertEquals(served.get(), calls(control));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("controlled calls=" + served.get() + " errors=0"), printed.toString());
    }

    @Test
    void threadCpuAttributesBusyWorkToItsThread() throws Exception
    {
        final ThreadCpu start = ThreadCpu.now();
        final Thread busy = new Thread(() ->
        {
            final long end = System.nanoTime() + 300_000_000L;
            long x = 0;
            while (System.nanoTime() < end)
            {
                x += x * 31 + 7;
            }
            if (x == 42)
            {
                System.out.println(x);
            }
        }, "busy-spin-7");
        busy.start();
        Thread.sleep(100); // still running when the snapshot is taken (an ended thread's time is gone)
        final Map<String, Long> mid = ThreadCpu.now().since(start);
        busy.join();
        // Linux names a Java thread after it (digits grouped as N); on a loaded machine it gets less than its 100 ms so far
        final long spun = mid.getOrDefault("busy-spin-N", 0L);
        assertTrue(spun > 1_000_000L, "busy-spin-N: " + spun + " ns in " + mid);
        assertTrue(ThreadCpu.format(mid).contains("busy-spin-N:"), ThreadCpu.format(mid));
    }

    private static long calls(final Path control) throws Exception
    {
        return ByteBuffer.wrap(Files.readAllBytes(control)).order(ByteOrder.nativeOrder()).getLong(0);
    }
}
