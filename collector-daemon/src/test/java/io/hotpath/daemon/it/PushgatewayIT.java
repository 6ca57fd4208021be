package io.hotpath.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hotpath.daemon.Daemon;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.testkit.PushgatewayServer;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon pushes into a real Pushgateway; the metrics are read back from it, and the group is deleted on shutdown. */
class PushgatewayIT
{
    @TempDir
    Path temp;

    @Test
    void pushesPeriodicallyAndDeletesItsGroupOnShutdown() throws Exception
    {
        assumeTrue(PushgatewayServer.available(), "prometheus-pushgateway not installed");
        final Path spool = temp.resolve("spool");
        try (TestQueueWriter writer = TestQueueWriter.create(spool, "pushed", System.currentTimeMillis()))
        {
            writer.defineSeries(1, MetricKind.MIGRATION, "vm_migrate", "target", "h2");
            final long now = System.currentTimeMillis() * 1_000_000L;
            writer.writeBatch(new int[] { 1, 1, 1 }, new long[] { now, now, now }, new long[] { 1_000_000_000L, 2_000_000_000L, 3_000_000_000L },
                null, -1);
        }
        try (PushgatewayServer gateway = PushgatewayServer.start(temp.resolve("pushgateway")))
        {
            final DaemonConfig config = new DaemonConfig();
            config.setListen("127.0.0.1:0");
            config.getSpool().setDir(spool.toString());
            config.getState().setDir(temp.resolve("state").toString());
            config.getPush().setEnabled(true);
            config.getPush().setUrl(gateway.url());
            config.getPush().setInterval("1s");
            config.getPush().setJob("hotpathd-it");
            config.getPush().setGroupingKey(Map.of("dc", "test"));
            config.getPush().setDeleteOnShutdown(true);
            final Daemon daemon = new Daemon(config);
            daemon.start();
            final String line;
            try
            {
                line = awaitLine(gateway, "hotpath_calls_total{", "service=\"pushed\"");
                assertTrue(line.contains("job=\"hotpathd-it\""), line);
                assertTrue(line.contains("dc=\"test\""), line);
                assertTrue(line.contains("instance=\""), line);
                assertTrue(line.contains("outcome=\"ok\""), line);
                assertEquals(3.0, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), line);
                final String sum = awaitLine(gateway, "hotpath_duration_seconds_sum{", "service=\"pushed\"");
                assertEquals(6.0, Double.parseDouble(sum.substring(sum.lastIndexOf(' ') + 1)), sum);
            }
            finally
            {
                daemon.stop();
            }
            assertTrue(!gateway.metricsText().contains("service=\"pushed\""), "group deleted on shutdown:\n" + gateway.metricsText());
        }
    }

    private static String awaitLine(final PushgatewayServer gateway, final String prefix, final String contains) throws Exception
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        String text = "";
        while (System.nanoTime() < deadline)
        {
            text = gateway.metricsText();
            for (final String line : text.split("\n"))
            {
                if (line.startsWith(prefix) && line.contains(contains))
                {
                    return line;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + prefix + " with " + contains + " in the Pushgateway:\n" + text + "\n" + gateway.log());
    }
}
