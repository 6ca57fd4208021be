package io.hotpath.benchmarks.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hotpath.benchmarks.BenchmarkArtifacts;
import io.hotpath.benchmarks.Directories;
import io.hotpath.benchmarks.e2e.load.TransportLoad;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.io.IOException;

/**
 * End-to-end overhead and accuracy: the demo's transport service ({@link TransportLoad}) in its own
 * JVM, driven at fixed rates (and flat out), once per variant —
 * <ul>
 *   <li>{@code none}: no agent;</li>
 *   <li>{@code hotpath}: {@code -javaagent:hotpath-agent.jar} with the demo's rules file, and a running
 *       {@code hotpathd} tailing its spool (the daemon's CPU is reported too);</li>
 *   <li>{@code otel}: the OpenTelemetry Java agent timing the same method — method instrumentation
 *       ({@code otel.instrumentation.methods.include=…TransportManager[sendMessage]}), all other
 *       instrumentations off, one span per call, exported over OTLP/HTTP to a local sink that discards;</li>
 *   <li>{@code otel-noexport}: the same with {@code otel.traces.exporter=none} (spans created and ended,
 *       never exported: OpenTelemetry's lower bound).</li>
 * </ul>
 * Repetitions interleave the variants (rotating their order) so that drift of a shared machine
 * spreads over all of them. With the hotpath agent, every run is also an accuracy check: the
 * service's exact per-series results against the daemon's counters and 1m window quantiles, judged
 * per series by {@link AccuracyCheck} (exit code {@value #ACCURACY_FAILED} when any fails). Two
 * accuracy runs follow: the transport load with the demo's server delays (calls of 0.1-1.2 ms) at
 * {@code --accuracy-rate}, and the demo service itself ({@code hotpath-demo.jar} with its default,
 * delayed transports, P2P, migrations and asynchronous placements, 2 % errors).
 *
 * <p>Writes {@code e2e.json} (and per-run logs, reports and results) under {@code --out};
 * {@code benchmarks/report/generate_results.py} turns it into tables.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
    description = "End-to-end overhead (no agent / hotpath / OpenTelemetry) and accuracy of hotpath on the demo transport service.")
public final class EndToEndHarness implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TRANSPORT_METHOD = "io.hotpath.demo.transport.TransportManager[sendMessage]";

    @Option(names = "--mode", description = "Defaults: smoke (seconds, for CI), quick (minutes) or full (default: ${DEFAULT-VALUE}).")
    String mode = "quick";

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--variants", split = ",", description = "none, hotpath, otel, otel-noexport.")
    List<String> variants;

    @Option(names = "--rates", split = ",", description = "Messages per second; 0 = flat out (closed loop).")
    List<Double> rates;

    @Option(names = "--repetitions")
    Integer repetitions;

    @Option(names = "--warmup", description = "Seconds at the rate before measuring.")
    Double warmupSeconds;

    @Option(names = "--duration", description = "Measured seconds (warm-up + measured must stay below 60 s, the daemon's 1m window).")
    Double durationSeconds;

    @Option(names = "--connections", description = "Driver threads, each with its own connections (default: ${DEFAULT-VALUE}).")
    int connections = 4;

    @Option(names = "--skip-demo-accuracy", description = "Skip the accuracy check on the demo service itself.")
    boolean skipDemoAccuracy;

    @Option(names = "--skip-overhead", description = "Skip the overhead runs (variants × rates × repetitions).")
    boolean skipOverhead;

    @Option(names = "--skip-transport-accuracy",
        description = "Skip the transport accuracy check (hotpath, the demo's server delays: calls of 0.1-1.2 ms, at --accuracy-rate).")
    boolean skipTransportAccuracy;

    @Option(names = "--accuracy-rate", description = "Messages per second of the transport accuracy run (default: ${DEFAULT-VALUE}).")
    double accuracyRate = 1000;

    @Option(names = "--service-jvm-args", split = " ", description = "JVM flags of the service JVM (default: ${DEFAULT-VALUE}).")
    List<String> serviceJvmArgs = List.of("-Xms1g", "-Xmx1g");

    /** Exit code when an accuracy check failed (everything else ran and e2e.json is complete). */
    static final int ACCURACY_FAILED = 3;

    /**
     * JVM flags of the demo accuracy run. A 10 s run calls a migration 150 times and a discovery
     * 300 times: with the default compile thresholds those methods, their inlined advice included,
     * still run interpreted, where the advice's work inside its timed span but outside the demo's
     * (the return value's size before the second {@code nanoTime}, the method call around the demo's
     * {@code lastCallNanos()}) costs µs: p2p_discover's p50 came out 1.35 % above the demo's. A
     * long-running service runs them compiled; early compilation gives a short run that steady state.
     */
    @Option(names = "--demo-jvm-args", split = " ", description = "JVM flags of the demo accuracy run (default: ${DEFAULT-VALUE}).")
    List<String> demoJvmArgs = List.of("-Xmx512m", "-XX:CompileThresholdScaling=0.05");

    private OtlpSink sink;
    private final List<String> failedChecks = new ArrayList<>();

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new EndToEndHarness()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        applyModeDefaults();
        if (warmupSeconds + durationSeconds >= 55)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--warmup + --duration must stay below 55 s: the accuracy check reads the daemon's 1m window");
        }
        Files.createDirectories(out);
        final Map<String, String> commands = new LinkedHashMap<>();
        for (final String variant : variants)
        {
            commands.put(variant, String.join(" ", serviceCommand(variant, 10_000, Path.of("RUN"), false)));
        }
        final HarnessConfig config = new HarnessConfig(mode, variants, rates, repetitions, warmupSeconds, durationSeconds, connections,
            serviceJvmArgs, Instant.now().toString(), commands,
            String.join(" ", serviceCommand("hotpath", accuracyRate, Path.of("RUN"), true)), accuracyRate);

        final List<Map<String, Object>> runs = new ArrayList<>();
        final Map<String, Object> accuracy = new LinkedHashMap<>();
        try (OtlpSink otlp = !skipOverhead && variants.stream().anyMatch(v -> v.startsWith("otel")) ? new OtlpSink() : null)
        {
            sink = otlp;
            for (int repetition = 1; !skipOverhead && repetition <= repetitions; repetition++)
            {
                for (final double rate : rates)
                {
                    for (int k = 0; k < variants.size(); k++)
                    {
                        final String variant = variants.get((k + repetition - 1) % variants.size());
                        runs.add(runOnce(variant, rate, repetition, false));
                        write(config, runs, accuracy);
                    }
                }
            }
            if (!skipTransportAccuracy)
            {
                accuracy.put("transportAccuracy", runOnce("hotpath", accuracyRate, 1, true));
                write(config, runs, accuracy);
            }
            if (!skipDemoAccuracy)
            {
                accuracy.put("demoAccuracy", demoAccuracyRun());
            }
        }
        write(config, runs, accuracy);
        System.out.println("e2e: wrote " + out.resolve("e2e.json"));
        if (!failedChecks.isEmpty())
        {
            System.out.println("e2e: ACCURACY FAILED: " + String.join("; ", failedChecks));
            return ACCURACY_FAILED;
        }
        System.out.println("e2e: accuracy passed (every series: counts exact or only counted drops missing" +
            (!skipTransportAccuracy || !skipDemoAccuracy ? "; p50/p95/p99 within 1 % in the accuracy runs)" : ")"));
        return 0;
    }

    /**
     * The verdict of one run's accuracy rows: judged, printed, recorded in {@code run}, and any
     * failing series remembered for the exit code.
     */
    private List<AccuracyCheck.Row> judge(final String title, final List<AccuracyCheck.Row> rows, final Map<String, Double> selfCounters,
        final boolean strict, final Map<String, Object> run)
    {
        final long dropped = Math.round(selfCounters.getOrDefault("hotpath_agent_samples_dropped_total", 0.0));
        final List<AccuracyCheck.Row> judged = AccuracyCheck.judge(rows, dropped, strict);
        System.out.print(AccuracyCheck.report(title, judged, dropped));
        final List<String> failed = judged.stream().filter(r -> !r.pass()).map(AccuracyCheck.Row::series).toList();
        if (!failed.isEmpty())
        {
            failedChecks.add(title + ": " + String.join(", ", failed));
        }
        run.put("accuracyStrict", strict);
        run.put("accuracyPass", failed.isEmpty());
        return judged;
    }

    private void applyModeDefaults()
    {
        final boolean smoke = mode.equals("smoke");
        final boolean full = mode.equals("full");
        if (!smoke && !full && !mode.equals("quick"))
        {
            throw new CommandLine.ParameterException(new CommandLine(this), "--mode: expected smoke, quick or full, got " + mode);
        }
        if (variants == null)
        {
            variants = full ? List.of("none", "hotpath", "otel", "otel-noexport") : List.of("none", "hotpath", "otel");
        }
        for (final String variant : variants)
        {
            if (!List.of("none", "hotpath", "otel", "otel-noexport").contains(variant))
            {
                throw new CommandLine.ParameterException(new CommandLine(this), "--variants: unknown variant " + variant);
            }
        }
        if (rates == null)
        {
            rates = smoke ? List.of(2_000.0) : List.of(10_000.0, 100_000.0, 0.0);
        }
        if (repetitions == null)
        {
            repetitions = full ? 3 : 1;
        }
        if (warmupSeconds == null)
        {
            warmupSeconds = smoke ? 1.0 : full ? 10.0 : 3.0;
        }
        if (durationSeconds == null)
        {
            durationSeconds = smoke ? 2.0 : full ? 30.0 : 6.0;
        }
    }

    /**
     * One service run: an overhead run (no server delay: bare loopback calls of ~15-40 µs), or with
     * {@code accuracyRun} the transport accuracy run (the demo's server delays: calls of 0.1-1.2 ms,
     * as real transports take, at a rate this machine sustains without drops). Every run with the
     * hotpath agent has its counts judged (exact, or only counted drops missing); the accuracy run
     * also its p50/p95/p99 (within 1 %, {@link AccuracyCheck}). In the overhead runs they are shown, not
     * judged: with calls of ~15 µs, 1 % is 150 ns, the order of the two {@code nanoTime} reads and
     * the field store by which the agent's span exceeds the service's (measured: +0.2-1.0 % at p50).
     */
    private Map<String, Object> runOnce(final String variant, final double rate, final int repetition, final boolean accuracyRun)
        throws Exception
    {
        final String name = accuracyRun ? String.format(Locale.ROOT, "transport-accuracy-%d", (long)rate)
            : String.format(Locale.ROOT, "%s-%s-r%d", variant, rate == 0 ? "max" : String.valueOf((long)rate), repetition);
        final Path dir = Files.createDirectories(out.resolve("runs").resolve(name));
        System.out.printf(Locale.ROOT, "e2e: %s (rate %s, %.0f s + %.0f s)%n", name, rate == 0 ? "flat out" : (long)rate + "/s",
            warmupSeconds, durationSeconds);
        final Map<String, Object> run = new LinkedHashMap<>();
        run.put("variant", variant);
        run.put("ratePerSecond", rate);
        run.put("repetition", repetition);
        run.put("serverDelay", accuracyRun ? "demo" : "none");
        try (Hotpathd daemon = variant.equals("hotpath") ? Hotpathd.start(dir.resolve("spool"), dir.resolve("state"), dir.resolve("hotpathd.log")) : null)
        {
            if (sink != null)
            {
                sink.reset();
            }
            final long daemonCpuBefore = daemon == null ? 0 : daemon.cpuNanos();
            final List<String> command = serviceCommand(variant, rate, dir, accuracyRun);
            final int exit;
            final Map<String, Double> selfCounters;
            try (ManagedProcess service = new ManagedProcess("service " + name, command, dir.resolve("service.log")))
            {
                selfCounters = daemon == null ? new LinkedHashMap<>()
                    : daemon.selfCountersWhileRunning(service, Duration.ofMillis((long)((warmupSeconds + durationSeconds + 180) * 1e3)));
                exit = service.awaitExit(Duration.ofSeconds((long)(warmupSeconds + durationSeconds) + 180));
            }
            // the daemon's CPU while the service ran (start-up to exit), rotations of idle seconds included
            final long daemonCpu = daemon == null ? 0 : daemon.cpuNanos() - daemonCpuBefore;
            if (exit != 0)
            {
                throw new IllegalStateException("service " + name + " exited with " + exit + "; log: " + dir.resolve("service.log"));
            }
            final JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
            run.put("report", report);
            if (daemon != null)
            {
                final List<AccuracyCheck.Row> rows = judge(name, AccuracyCheck.compare(daemon, dir.resolve("results.tsv"), Duration.ofSeconds(60)),
                    selfCounters, accuracyRun, run);
                run.put("accuracy", rows.stream().map(AccuracyCheck.Row::toMap).toList());
                run.put("daemonSelfCounters", selfCounters);
                final long calls = report.path("callsTotal").asLong();
                run.put("daemonCpuNanosPerMessage", calls == 0 ? 0 : (double)daemonCpu / calls);
            }
            if (variant.startsWith("otel"))
            {
                final Map<String, Object> exported = new LinkedHashMap<>();
                exported.put("requests", sink.requests());
                exported.put("bytes", sink.bytes());
                exported.put("spans", sink.spans());
                exported.put("undecodableRequests", sink.undecodable());
                run.put("otlpSink", exported);
            }
        }
        finally
        {
            Directories.deleteTree(dir.resolve("spool"));
        }
        return run;
    }

    /** The service JVM's command line for a variant; {@code dir} receives report.json and results.tsv. */
    List<String> serviceCommand(final String variant, final double rate, final Path dir, final boolean serverDelay)
    {
        final List<String> command = new ArrayList<>();
        command.add(ManagedProcess.javaBinary());
        command.addAll(serviceJvmArgs);
        switch (variant)
        {
            case "none" ->
            {
            }
            case "hotpath" -> command.add("-javaagent:" + BenchmarkArtifacts.agentJar() + "=config=" + BenchmarkArtifacts.demoRules() +
                ",spool.dir=" + dir.resolve("spool") + ",service.name=transport-load");
            case "otel", "otel-noexport" ->
            {
                command.add("-javaagent:" + BenchmarkArtifacts.otelAgentJar());
                command.add("-Dotel.service.name=transport-load");
                command.add("-Dotel.instrumentation.common.default-enabled=false");
                command.add("-Dotel.instrumentation.methods.enabled=true");
                command.add("-Dotel.instrumentation.methods.include=" + TRANSPORT_METHOD);
                command.add("-Dotel.metrics.exporter=none");
                command.add("-Dotel.logs.exporter=none");
                if (variant.equals("otel"))
                {
                    command.add("-Dotel.traces.exporter=otlp");
                    command.add("-Dotel.exporter.otlp.traces.protocol=http/protobuf");
                    command.add("-Dotel.exporter.otlp.traces.endpoint=" + (sink == null ? "http://127.0.0.1:PORT/v1/traces" : sink.tracesEndpoint()));
                }
                else
                {
                    command.add("-Dotel.traces.exporter=none");
                }
            }
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        }
        command.add("-cp");
        command.add(BenchmarkArtifacts.loadDriverJar() + File.pathSeparator + BenchmarkArtifacts.demoJar());
        command.add(TransportLoad.class.getName());
        command.addAll(List.of("--rate", String.valueOf((long)rate), "--connections", String.valueOf(connections),
            "--warmup", warmupSeconds + "s", "--duration", durationSeconds + "s",
            "--report", dir.resolve("report.json").toString(), "--results", dir.resolve("results.tsv").toString(),
            "--server-delay", serverDelay ? "demo" : "none"));
        return command;
    }

    /** The demo service itself under the agent, with a daemon: its exact results against the daemon's. */
    private Map<String, Object> demoAccuracyRun() throws Exception
    {
        final Path dir = Files.createDirectories(out.resolve("runs").resolve("demo-accuracy"));
        final boolean smoke = mode.equals("smoke");
        final String seconds = smoke ? "3s" : mode.equals("full") ? "40s" : "10s";
        final List<String> command = new ArrayList<>(List.of(ManagedProcess.javaBinary()));
        command.addAll(demoJvmArgs);
        command.addAll(List.of(
            "-javaagent:" + BenchmarkArtifacts.agentJar() + "=config=" + BenchmarkArtifacts.demoRules() + ",spool.dir=" + dir.resolve("spool"),
            "-jar", BenchmarkArtifacts.demoJar().toString(), "--duration", seconds, "--rate", "300", "--threads", "2",
            "--error-ratio", "0.02", "--results", dir.resolve("demo-results.tsv").toString()));
        System.out.println("e2e: demo accuracy run (" + seconds + ")");
        final Map<String, Object> result = new LinkedHashMap<>();
        try (Hotpathd daemon = Hotpathd.start(dir.resolve("spool"), dir.resolve("state"), dir.resolve("hotpathd.log")))
        {
            final int exit;
            final Map<String, Double> selfCounters;
            try (ManagedProcess demo = new ManagedProcess("demo", command, dir.resolve("demo.log")))
            {
                selfCounters = daemon.selfCountersWhileRunning(demo, Duration.ofMinutes(3));
                exit = demo.awaitExit(Duration.ofMinutes(3));
            }
            if (exit != 0)
            {
                throw new IllegalStateException("the demo exited with " + exit + "; log: " + dir.resolve("demo.log"));
            }
            final List<AccuracyCheck.Row> rows = judge("demo service", AccuracyCheck.compare(daemon, dir.resolve("demo-results.tsv"),
                Duration.ofSeconds(60)), selfCounters, true, result);
            result.put("command", String.join(" ", command));
            result.put("rows", rows.stream().map(AccuracyCheck.Row::toMap).toList());
            result.put("daemonSelfCounters", selfCounters);
        }
        finally
        {
            Directories.deleteTree(dir.resolve("spool"));
        }
        return result;
    }

    private void write(final HarnessConfig config, final List<Map<String, Object>> runs, final Map<String, Object> accuracy)
        throws IOException
    {
        final Map<String, Object> all = new LinkedHashMap<>();
        all.put("config", config);
        all.put("runs", runs);
        all.put("transportAccuracy", accuracy.get("transportAccuracy"));
        all.put("demoAccuracy", accuracy.get("demoAccuracy"));
        JSON.writeValue(out.resolve("e2e.json").toFile(), all);
    }
}
