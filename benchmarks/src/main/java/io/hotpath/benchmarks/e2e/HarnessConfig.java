package io.hotpath.benchmarks.e2e;

import java.util.List;
import java.util.Map;

/**
 * The {@code config} object of {@code e2e.json}: what {@link EndToEndHarness} ran with, written by
 * Jackson in this order (read by {@code benchmarks/report/generate_results.py}).
 *
 * @param serviceCommands           the service command line per variant, at 10 000 msg/s
 * @param transportAccuracyCommand  the command line of the transport accuracy run
 */
record HarnessConfig(
    String mode,
    List<String> variants,
    List<Double> ratesPerSecond,
    int repetitions,
    double warmupSeconds,
    double measuredSeconds,
    int connections,
    List<String> serviceJvmArgs,
    String started,
    Map<String, String> serviceCommands,
    String transportAccuracyCommand,
    double accuracyRatePerSecond)
{
}
