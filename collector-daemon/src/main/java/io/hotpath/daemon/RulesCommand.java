package io.hotpath.daemon;

import io.hotpath.daemon.rules.PromQl;
import io.hotpath.daemon.rules.RuleFileGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.wire.config.Durations;
import io.hotpath.daemon.slo.SliSpec;
import io.hotpath.daemon.slo.SloDefinition;
import io.hotpath.daemon.slo.SloFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.config.EffectiveConfig;

/** {@code hotpathd rules}: validates an SLO file and writes the matching Prometheus rule file. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = {
        "Validate an SLO file and write a Prometheus rule file: SLO error ratios per window, error budget,",
        "multi-window burn-rate alerts (severity page/ticket), and standard alerts on hotpath's own metrics."},
    footer = {"", "Latency thresholds must be bucket bounds of the daemon's hotpath_duration_seconds histogram: checked",
        "against --config's aggregation.histogram-buckets (HOTPATHD_* variables included), else the default buckets.",
        "Exit status: 0 written, 1 unwritable output, 2 invalid SLO file, threshold not a bucket bound, or bad options."})
public final class RulesCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--slo", required = true, paramLabel = "FILE", description = "the SLO file (YAML)")
    private Path sloFile;

    @Option(names = "--config", paramLabel = "FILE",
        description = "the daemon's config file: latency thresholds are checked against its histogram buckets")
    private Path configFile;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the rules (default: standard output)")
    private Path out;

    @Option(names = "--p95-threshold", paramLabel = "DURATION", defaultValue = "500ms",
        description = "HotpathHighLatencyP95 fires above this p95 (default: ${DEFAULT-VALUE})")
    private String p95Threshold;

    @Option(names = "--error-ratio-threshold", paramLabel = "RATIO", defaultValue = "0.01",
        description = "HotpathHighErrorRatio fires above this error ratio (default: ${DEFAULT-VALUE})")
    private double errorRatioThreshold;

    @Option(names = "--lag-threshold", paramLabel = "DURATION", defaultValue = "30s",
        description = "HotpathDaemonLagging fires above this queue lag (default: ${DEFAULT-VALUE})")
    private String lagThreshold;

    @Option(names = "--job-regex", paramLabel = "REGEX", defaultValue = ".*hotpath.*",
        description = "Prometheus job(s) scraping hotpathd, for HotpathTargetDown (default: ${DEFAULT-VALUE})")
    private String jobRegex;

    @Option(names = "--runbook-base", paramLabel = "URL", defaultValue = "",
        description = "runbook URL for the standard alerts (an #anchor per alert is appended)")
    private String runbookBase;

    @Override
    public Integer call()
    {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RuleFileGenerator.Settings settings;
        try
        {
            if (!(errorRatioThreshold > 0 && errorRatioThreshold < 1))
            {
                throw new IllegalArgumentException("--error-ratio-threshold must be in (0, 1)");
            }
            settings = new RuleFileGenerator.Settings(Durations.parse(p95Threshold), errorRatioThreshold,
                Durations.parse(lagThreshold), jobRegex, runbookBase);
        }
        catch (final IllegalArgumentException e)
        {
            err.println("rules: " + e.getMessage());
            return 2;
        }
        final SloFile slos;
        try
        {
            slos = SloFile.load(sloFile);
        }
        catch (final ConfigException e)
        {
            err.println("rules: " + e.getMessage());
            return 2;
        }
        final long[] buckets;
        try
        {
            buckets = configFile == null && System.getenv("HOTPATHD_AGGREGATION_HISTOGRAM_BUCKETS") == null
                ? AggregationSettings.DEFAULT_BUCKETS_NANOS.clone()
                : EffectiveConfig.load(configFile, System.getenv(), List.of())
                    .config().getAggregation().bucketBoundsNanos();
        }
        catch (final ConfigException e)
        {
            err.println("rules: --config: " + e.getMessage());
            return 2;
        }
        int notBounds = 0;
        for (final SloDefinition slo : slos.slos())
        {
            if (slo.sli().type() == SliSpec.Type.LATENCY && Arrays.stream(buckets).noneMatch(b -> b == slo.sli().thresholdNanos()))
            {
                notBounds++;
                err.println("rules: " + sloFile + ": SLO " + slo.name() + ": threshold "
                    + Durations.format(Duration.ofNanos(slo.sli().thresholdNanos())) + " is not a bucket bound of "
                    + (configFile == null ? "hotpathd's default histogram" : "the histogram of " + configFile)
                    + ", so no hotpath_duration_seconds_bucket{le=\""
                    + PromQl.number(new BigDecimal(Double.toString(slo.sli().thresholdSeconds())))
                    + "\"} exists to count good calls: add it to aggregation.histogram-buckets (the same on every host)"
                    + (configFile == null ? ", or pass the daemon's --config if it has it already" : "")
                    + ", or use a bound as the threshold");
            }
        }
        if (notBounds > 0)
        {
            return 2;
        }
        final String yaml = new RuleFileGenerator(settings).toYaml(slos);
        if (out == null)
        {
            stdout.print(yaml);
            stdout.flush();
        }
        else
        {
            try
            {
                Files.writeString(out, yaml, StandardCharsets.UTF_8);
            }
            catch (final IOException e)
            {
                err.println("rules: cannot write " + out + ": " + e);
                return 1;
            }
            err.println("rules: wrote " + slos.slos().size() + " SLOs to " + out);
        }
        err.flush();
        return 0;
    }
}
