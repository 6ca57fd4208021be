package io.hotpath.agent.testapp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Small applications the integration tests run under the agent, one per mode:
 * <ul>
 *   <li>{@code burst N}: N calls of {@link #tick} as fast as possible;</li>
 *   <li>{@code weird N}: N calls of {@link #handle} whose label argument throws from toString();</li>
 *   <li>{@code wait-then-burst FILE N}: prints "ready", waits for FILE to exist, then N ticks;</li>
 *   <li>{@code sleep-then-burst MS N}: N ticks after MS milliseconds;</li>
 *   <li>{@code conflict N}: uses the application's own (old) Byte Buddy and Agrona, then N ticks;</li>
 *   <li>{@code packs N}: N requests each through the JDK HttpClient (sync and async), NIO and Netty;</li>
 *   <li>{@code http-status N}: N requests each (sync and async) through the JDK HttpClient to a loopback
 *       server answering 200, N answering 503, and one to a closed port (a ConnectException);</li>
 *   <li>{@code steady STOPFILE}: until STOPFILE exists, batches of 200 000 {@link #work} calls and one
 *       {@link #tick}, printing per batch "cost EPOCH_MILLIS NANOS" (thread CPU time of the batch's work calls) and
 *       whether the batch computed what it must (for the rules reload test);</li>
 *   <li>{@code late-callback N}: N calls of {@link #placeAsync} (completes after 10 ms on another
 *       thread) whose caller then chains a 100 ms callback and waits: callbacks chained later run first;</li>
 *   <li>{@code hierarchy N}: N {@link Sender#send} calls on each of three implementations, one an
 *       override that calls {@code super.send} (for rules that match both levels).</li>
 * </ul>
 * Prints {@code result=<sum>} so tests can check the application's results are unchanged.
 */
public final class TestApp
{
    private static long sum;

    private TestApp()
    {
    }

    /**
     * The methods the reload test instruments and un-instruments, in a class of their own: the loop
     * that calls them (in {@link #steady}) must not be in a retransformed class, or it would go on in
     * its old, obsolete version (interpreted) — as any method running during a retransformation does.
     */
    public static final class Steady
    {
        private static long ticks;

        private Steady()
        {
        }

        /** A small method whose cost the reload test measures with and without a rule on it. */
        public static int work(final int value)
        {
            return value * 31 + 7;
        }

        public static long tick(final int value)
        {
            ticks += value;
            return ticks;
        }
    }

    static void steady(final Path stop) throws Exception
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int calls = 200_000;
        long expected = 0;
        for (int i = 0; i < calls; i++)
        {
            expected += i * 31 + 7;
        }
        System.out.println("ready");
        System.out.flush();
        long bad = 0;
        while (!Files.exists(stop))
        {
            final long cpu = threads.getCurrentThreadCpuTime();
            long total = 0;
            for (int i = 0; i < calls; i++)
            {
                total += Steady.work(i);
            }
            final long batchCpu = threads.getCurrentThreadCpuTime() - cpu;
            bad += total == expected ? 0 : 1;
            Steady.tick(1);
            System.out.println("cost " + System.currentTimeMillis() + " " + batchCpu + (total == expected ? "" : " BAD"));
            Thread.sleep(100);
        }
        System.out.println("bad-batches=" + bad);
    }

    private static final ScheduledExecutorService SCHEDULER =
        Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "completer");
            thread.setDaemon(true);
            return thread;
        });

    /** Completes 10 ms later on the scheduler thread. */
    public static CompletableFuture<Integer> placeAsync(final int value)
    {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        SCHEDULER.schedule(() -> result.complete(value), 10, TimeUnit.MILLISECONDS);
        return result;
    }

    static void lateCallback(final int n)
    {
        for (int i = 0; i < n; i++)
        {
            final CompletableFuture<Integer> placed = placeAsync(i);
            // chained after the call returned: runs on the completing thread before the agent's callback
            final CompletableFuture<Void> slow = placed.thenRun(() -> sleep(100));
            slow.join(); // waits on the chained future only: nothing but the completing thread runs placed's callbacks
            sum += placed.join();
        }
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    public static long tick(final int value)
    {
        sum += value;
        return sum;
    }

    /** A label argument whose toString() throws: the advice must swallow it. */
    public static int handle(final Weird weird, final int value)
    {
        sum += value;
        return value;
    }

    public static final class Weird
    {
        @Override
        public String toString()
        {
            throw new IllegalStateException("toString is broken on purpose");
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        switch (mode)
        {
            case "burst" -> burst(Integer.parseInt(args[1]));
            case "weird" ->
            {
                final Weird weird = new Weird();
                for (int i = 0; i < Integer.parseInt(args[1]); i++)
                {
                    handle(weird, i);
                }
            }
            case "http-status" -> httpStatus(Integer.parseInt(args[1]));
            case "steady" -> steady(Path.of(args[1]));
            case "stream" -> stream(Path.of(args[1]));
            case "late-callback" -> lateCallback(Integer.parseInt(args[1]));
            case "wait-then-burst" ->
            {
                System.out.println("ready");
                System.out.flush();
                final Path signal = Path.of(args[1]);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(signal) && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                burst(Integer.parseInt(args[2]));
            }
            case "sleep-then-burst" ->
            {
                Thread.sleep(Long.parseLong(args[1]));
                burst(Integer.parseInt(args[2]));
            }
            case "conflict" ->
            {
                ConflictingLibraries.use();
                burst(Integer.parseInt(args[1]));
            }
            case "packs" -> packs(Integer.parseInt(args[1]));
            case "hierarchy" -> hierarchy(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException(mode);
        }
        System.out.println("result=" + sum);
    }

    /** A small class hierarchy: {@code subtype-of} and {@code name-pattern} rules instrument every level of it. */
    public interface Sender
    {
        long send(int value);
    }

    public static class BaseSender implements Sender
    {
        @Override
        public long send(final int value)
        {
            sum += value;
            return sum;
        }
    }

    /** An override that delegates to the instrumented {@code super.send}: one call, recorded once. */
    public static final class RetryingSender extends BaseSender
    {
        @Override
        public long send(final int value)
        {
            return super.send(value);
        }
    }

    public static final class DirectSender implements Sender
    {
        @Override
        public long send(final int value)
        {
            sum += value;
            return sum;
        }
    }

    private static void hierarchy(final int n)
    {
        final Sender[] senders = {new BaseSender(), new RetryingSender(), new DirectSender()};
        for (int i = 0; i < n; i++)
        {
            for (final Sender sender : senders)
            {
                sender.send(i);
            }
        }
    }

    /**
     * Until STOPFILE exists: 2 000 ticks per millisecond or so, printing "alive N" every 100 000 (so a
     * test sees the application go on while its spool is damaged).
     */
    private static void stream(final Path stop) throws Exception
    {
        long n = 0;
        while (!Files.exists(stop))
        {
            for (int i = 0; i < 2_000; i++)
            {
                tick(i);
            }
            n += 2_000;
            if (n % 100_000 == 0)
            {
                System.out.println("alive " + n);
                System.out.flush();
            }
            Thread.sleep(1);
        }
    }

    private static void burst(final int n)
    {
        for (int i = 0; i < n; i++)
        {
            tick(i);
        }
    }

    static void httpStatus(final int n) throws Exception
    {
        final com.sun.net.httpserver.HttpServer http =
            com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange ->
        {
            final byte[] body = "pong".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/fail") ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        int unavailable = 0;
        try
        {
            final HttpClient client = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + http.getAddress().getPort();
            for (final String path : new String[] {"/ok", "/fail"})
            {
                final URI uri = URI.create(base + path);
                for (int i = 0; i < n; i++)
                {
                    final HttpResponse<String> sync = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                    final HttpResponse<String> async =
                        client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).get();
                    unavailable += (sync.statusCode() == 503 ? 1 : 0) + (async.statusCode() == 503 ? 1 : 0);
                    sum += sync.body().length() + async.body().length();
                }
            }
            final int closedPort;
            try (ServerSocketChannel closed = ServerSocketChannel.open())
            {
                closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                closedPort = ((InetSocketAddress)closed.getLocalAddress()).getPort();
            }
            try
            {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            }
            catch (final IOException expected)
            {
                System.out.println("refused=" + expected.getClass().getSimpleName());
            }
        }
        finally
        {
            http.stop(0);
        }
        System.out.println("unavailable=" + unavailable);
    }

    private static void packs(final int n) throws Exception
    {
        final com.sun.net.httpserver.HttpServer http =
            com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange ->
        {
            final byte[] body = "pong".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try
        {
            final HttpClient client = HttpClient.newHttpClient();
            final URI uri = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/ping");
            for (int i = 0; i < n; i++)
            {
                sum += client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body().length();
                sum += client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).get().body().length();
            }
        }
        finally
        {
            http.stop(0);
        }
        nio(n);
        NettyEcho.run(n);
        sum += n;
    }

    private static void nio(final int n) throws IOException
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open())
            {
                client.connect(server.getLocalAddress());
                try (SocketChannel accepted = server.accept())
                {
                    final ByteBuffer out = ByteBuffer.allocate(100);
                    final ByteBuffer in = ByteBuffer.allocate(100);
                    for (int i = 0; i < n; i++)
                    {
                        out.clear();
                        out.put(new byte[100]).flip();
                        while (out.hasRemaining())
                        {
                            client.write(out);
                        }
                        in.clear();
                        while (in.hasRemaining())
                        {
                            sum += accepted.read(in);
                        }
                    }
                }
            }
        }
    }
}
