package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hotpath.daemon.testkit.DaemonProcess;
import io.hotpath.daemon.testkit.ExternalProcess;
import io.hotpath.daemon.testkit.LaunchedDaemon;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/hotpathd on JDK 25 (when installed): reads queues, and stderr carries no sun.misc.Unsafe warnings. */
class LauncherIT
{
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @TempDir
    Path temp;

    @Test
    void launcherOnJdk25KeepsStderrClean() throws Exception
    {
        assumeTrue(Files.isExecutable(JDK25), "JDK 25 not installed");
        final Path spool = temp.resolve("spool");
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "launch", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.CUSTOM, "job_run");
            final long now = System.currentTimeMillis() * 1_000_000L;
            writer.writeBatch(new int[] { 1, 1 }, new long[] { now, now }, new long[] { 5, 6 }, null, -1);
        }
        final Path launcher = Path.of("bin", "hotpathd").toAbsolutePath();
        final LaunchedDaemon daemon = LaunchedDaemon.start(
            List.of(launcher.toString(), "--spool", spool.toString(), "--state-dir", temp.resolve("state").toString()),
            Map.of("JAVA", JDK25.toString(), "HOTPATHD_JAR", DaemonProcess.jar().toAbsolutePath().toString()),
            temp.resolve("launcher.log"));
        try
        {
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Double> calls = Map.of();
            while (calls.isEmpty() && System.nanoTime() < deadline)
            {
                Thread.sleep(200);
                calls = MetricsText.samples(ExternalProcess.get(daemon.url() + "/metrics").body(), "hotpath_calls_total");
            }
            assertEquals(2.0, calls.values().stream().mapToDouble(Double::doubleValue).sum(), daemon.log());
        }
        finally
        {
            daemon.terminate(Duration.ofSeconds(20));
        }
        assertFalse(daemon.log().contains("sun.misc.Unsafe"), daemon.log());
        assertFalse(daemon.log().contains("WARNING: "), daemon.log());
    }
}
