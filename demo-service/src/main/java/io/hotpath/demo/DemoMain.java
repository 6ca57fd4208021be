package io.hotpath.demo;

import io.hotpath.demo.migration.MigrationService;
import io.hotpath.demo.p2p.P2PMesh;
import io.hotpath.demo.tracing.CallTracing;
import io.hotpath.demo.tracing.CallTracing.CallSpan;
import io.hotpath.demo.transport.EchoServer;
import io.hotpath.demo.transport.TransportManager;
import io.hotpath.demo.transport.TransportType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo service: drives transport sends, P2P mesh operations and migrations against an
 * in-process echo server over loopback, and writes its own exact results.
 *
 * <p>One iteration sends one message on each transport; every 10th iteration also discovers
 * peers, connects to one and propagates a message; every 20th also migrates a VM and schedules a
 * job placement (awaited: it is timed to completion).
 */
@Command(name = "hotpath-demo", mixinStandardHelpOptions = true,
    description = "Example service with transport, P2P and migration hot paths, for the hotpath agent.")
public final class DemoMain implements Callable<Integer>
{
    static final String APP = "demo";

    @Option(names = "--calls", description = "Iterations to run (default: ${DEFAULT-VALUE}; ignored with --duration).")
    long iterations = 1000;

    @Option(names = "--duration", description = "Run for this long instead, e.g. PT30S or 30s.", converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--rate", description = "Iterations per second over all threads; 0 = as fast as possible (default).")
    double rate;

    @Option(names = "--threads", description = "Driver threads (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--error-ratio", description = "Probability of an injected failure per call (default: ${DEFAULT-VALUE}).")
    double errorRatio = 0.05;

    @Option(names = "--payload-bytes", description = "Base message size (default: ${DEFAULT-VALUE}).")
    int payloadBytes = 256;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--spike-start", description = "Latency spike start, from the beginning of the run, e.g. 10s.", converter = DurationConverter.class)
    Duration spikeStart;

    @Option(names = "--spike-length", description = "Latency spike length (default: 5s).", converter = DurationConverter.class)
    Duration spikeLength = Duration.ofSeconds(5);

    @Option(names = "--spike-delay", description = "Extra delay on every transport call during the spike (default: 20ms).", converter = DurationConverter.class)
    Duration spikeDelay = Duration.ofMillis(20);

    @Option(names = "--results", description = "Write exact per-series results (TSV) to this file.")
    Path results;

    @Option(names = "--calls-log", description = "Write one line per call (TSV) to this file.")
    Path callsLog;

    @Option(names = "--otel-spans", description = "Wrap every call in an OpenTelemetry span of its own (needs the OpenTelemetry " +
        "API on the class path, and the OTel Java agent or the OpenTelemetry SDK); the calls log gets trace_id and span_id columns.")
    boolean otelSpans;

    private CallTracing tracing = CallTracing.NONE;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        if (otelSpans)
        {
            try
            {
                tracing = CallTracing.openTelemetry();
            }
            catch (final IllegalStateException e)
            {
                System.err.println("hotpath-demo: " + e.getMessage());
                return 2;
            }
            System.out.println("hotpath-demo: spans from " + tracing.source());
        }
        try (EchoServer server = new EchoServer();
             Socket deadPort = reservedDeadPort();
             ExactResults exact = new ExactResults(callsLog))
        {
            final InetSocketAddress dead = (InetSocketAddress)deadPort.getLocalSocketAddress();
            final List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                workers.add(new Worker(server.address(), dead, seed + 1000L * i, exact));
            }
            final long start = System.nanoTime();
            final long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
            final AtomicLong next = new AtomicLong();
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            final List<Future<Void>> done = new ArrayList<>();
            for (final Worker worker : workers)
            {
                done.add(pool.submit(() ->
                {
                    worker.run(next, start, end);
                    return null;
                }));
            }
            for (final Future<Void> future : done)
            {
                future.get();
            }
            pool.shutdown();
            for (final Worker worker : workers)
            {
                worker.close();
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("hotpath-demo: %d calls, %d errors in %.2f s, delivered checksum %d%n",
                exact.totalCalls(), exact.totalErrors(), seconds, Worker.CHECKSUM.get());
            if (results != null)
            {
                try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results, StandardCharsets.UTF_8)))
                {
                    exact.writeResults(out);
                }
            }
        }
        return 0;
    }

    /**
     * The offline peer's port: bound for the whole run but never listening, so connecting to it is
     * refused for real. A port merely found free and released could be taken by another process
     * meanwhile (a test that starts servers on free ports did: the demo then read an HTTP reply as
     * its echo protocol).
     */
    static Socket reservedDeadPort() throws IOException
    {
        final Socket socket = new Socket();
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    /** One driver thread with its own clients. */
    private final class Worker implements AutoCloseable
    {
        static final AtomicLong CHECKSUM = new AtomicLong();
        /*
         * Every instrumented call is timed inside its own body (lastCallNanos() of the service: the span
         * the agent's advice times, see there); series keys are built once.
         */
        private static final String P2P_DISCOVER = ExactResults.seriesKey("p2p_discover", "app", APP);
        private static final String P2P_CONNECT = ExactResults.seriesKey("p2p_connect", "app", APP);
        private static final String P2P_PROPAGATE = ExactResults.seriesKey("p2p_propagate", "app", APP);
        private static final String JOB_PLACEMENT = ExactResults.seriesKey("job_placement", "app", APP);

        private final TransportManager transports;
        private final P2PMesh mesh;
        private final MigrationService migrations;
        private final ExactResults exact;
        private final String[] transportSeries = new String[TransportType.values().length];

        Worker(final InetSocketAddress server, final InetSocketAddress dead, final long seed, final ExactResults exact)
            throws IOException
        {
            this.transports = new TransportManager(server, errorRatio, seed);
            this.mesh = new P2PMesh(server, dead, 4, errorRatio, seed + 1);
            this.migrations = new MigrationService(server, errorRatio, seed + 2);
            this.exact = exact;
            for (final TransportType type : TransportType.values())
            {
                transportSeries[type.ordinal()] = ExactResults.seriesKey("transport_send", "app", APP, "transport", type.name());
            }
        }

        void run(final AtomicLong next, final long start, final long end) throws Exception
        {
            boolean spikeOn = false;
            while (true)
            {
                final long i = next.getAndIncrement();
                final long now = System.nanoTime();
                if ((duration == null && i >= iterations) || now >= end)
                {
                    return;
                }
                if (rate > 0)
                {
                    final long due = start + (long)(i * 1e9 / rate);
                    while (System.nanoTime() < due)
                    {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
                if (spikeStart != null)
                {
                    final long sinceStart = System.nanoTime() - start;
                    final boolean inSpike = sinceStart >= spikeStart.toNanos() && sinceStart < spikeStart.plus(spikeLength).toNanos();
                    if (inSpike != spikeOn)
                    {
                        spikeOn = inSpike;
                        transports.setExtraDelayMicros(inSpike ? (int)(spikeDelay.toNanos() / 1000) : 0);
                    }
                }
                iteration(i);
            }
        }

        private void iteration(final long i) throws Exception
        {
            final byte[] message = new byte[payloadBytes + (int)(i % 64)];
            message[0] = (byte)i;
            for (final TransportType type : TransportType.values())
            {
                try (CallSpan span = tracing.start("transport_send"))
                {
                    String error = null;
                    try
                    {
                        if (transports.sendMessage(message, type))
                        {
                            CHECKSUM.addAndGet(message.length);
                        }
                        else
                        {
                            error = "returned_false";
                        }
                    }
                    catch (final IOException e)
                    {
                        error = e.getClass().getSimpleName();
                    }
                    final long elapsed = transports.lastCallNanos();
                    exact.record(transportSeries[type.ordinal()], elapsed, message.length, error, span.traceId(), span.spanId());
                }
            }
            if (i % 10 == 0)
            {
                p2p(message);
            }
            if (i % 20 == 0)
            {
                migration(i);
            }
        }

        private void p2p(final byte[] message) throws Exception
        {
            try (CallSpan span = tracing.start("p2p_discover"))
            {
                long found = -1;
                String error = null;
                try
                {
                    found = mesh.discoverPeers().size();
                }
                catch (final IOException e)
                {
                    error = e.getClass().getSimpleName();
                }
                final long elapsed = mesh.lastCallNanos();
                exact.record(P2P_DISCOVER, elapsed, found, error, span.traceId(), span.spanId());
            }

            final P2PMesh.Peer peer = mesh.choosePeer();
            try (CallSpan span = tracing.start("p2p_connect"))
            {
                String error = null;
                try
                {
                    mesh.connect(peer);
                }
                catch (final IOException e)
                {
                    error = e.getClass().getSimpleName();
                }
                final long elapsed = mesh.lastCallNanos();
                exact.record(P2P_CONNECT, elapsed, -1, error, span.traceId(), span.spanId());
            }

            try (CallSpan span = tracing.start("p2p_propagate"))
            {
                String error = null;
                try
                {
                    CHECKSUM.addAndGet(mesh.propagate(message));
                }
                catch (final IOException e)
                {
                    error = e.getClass().getSimpleName();
                }
                final long elapsed = mesh.lastCallNanos();
                exact.record(P2P_PROPAGATE, elapsed, message.length, error, span.traceId(), span.spanId());
            }
        }

        private void migration(final long i) throws Exception
        {
            final MigrationService.Host[] hosts = MigrationService.Host.values();
            final MigrationService.Host source = hosts[(int)(i / 20 % hosts.length)];
            final MigrationService.Host dest = hosts[(int)((i / 20 + 1) % hosts.length)];
            final MigrationService.Vm vm = new MigrationService.Vm("vm-" + i, 64 * 1024 + (int)(i % 7) * 4096);
            try (CallSpan span = tracing.start("vm_migrate"))
            {
                String error = null;
                try
                {
                    migrations.migrate(vm, source, dest);
                }
                catch (final IOException e)
                {
                    error = e.getClass().getSimpleName();
                }
                final long elapsed = migrations.lastCallNanos();
                exact.record(ExactResults.seriesKey("vm_migrate", "app", APP, "source", source.name(), "dest", dest.name()),
                    elapsed, vm.size(), error, span.traceId(), span.spanId());
            }

            try (CallSpan span = tracing.start("job_placement"))
            {
                placement(i, span);
            }
        }

        /** Timed to completion, like the agent's rule: the span stays current until the placement is awaited. */
        private void placement(final long i, final CallSpan span) throws Exception
        {
            final MigrationService.Job job = new MigrationService.Job("job-" + i, 2);
            final CompletableFuture<MigrationService.Placement> placement = migrations.schedulePlacement(job);
            String placementError = null;
            try
            {
                if (placement.get() == null)
                {
                    placementError = "returned_null";
                }
            }
            catch (final ExecutionException e)
            {
                placementError = e.getCause().getClass().getSimpleName();
            }
            // timed by the service from inside schedulePlacement to just before the future completes
            exact.record(JOB_PLACEMENT, migrations.lastPlacementNanos(), -1, placementError, span.traceId(), span.spanId());
        }

        @Override
        public void close() throws IOException
        {
            transports.close();
            mesh.close();
            migrations.close();
        }
    }
}
