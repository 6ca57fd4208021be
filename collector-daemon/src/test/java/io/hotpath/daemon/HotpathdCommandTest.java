package io.hotpath.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import io.hotpath.daemon.config.DaemonConfig;

class HotpathdCommandTest
{
    @TempDir
    Path temp;

    @Test
    void helpListsTheOptions()
    {
        final StringWriter out = new StringWriter();
        final CommandLine command = Hotpathd.commandLine();
        command.setOut(new PrintWriter(out));
        assertEquals(0, command.execute("--help"));
        for (final String option : new String[] { "--config", "--spool", "--listen", "--state-dir", "backtest", "rules", "dashboards" })
        {
            assertTrue(out.toString().contains(option), out.toString());
        }
    }

    @Test
    void aConfigErrorExitsWithTwoBeforeBindingAnything() throws Exception
    {
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), "listen: 127.0.0.1:0\nstate:\n  checkpoint-interval: often\n");
        final String err = runCapturingStderr(() -> assertEquals(Hotpathd.EXIT_CONFIG, Hotpathd.commandLine().execute(
            "--config", config.toString(), "--state-dir", temp.resolve("state").toString())));
        assertTrue(err.contains(config + ":3:") && err.contains("state.checkpoint-interval"), err);
        assertTrue(!Files.exists(temp.resolve("state")), "nothing created before the config is valid");

        final Path slo = Files.writeString(temp.resolve("slo.yaml"), "slos:\n  - name: x\n    sli: {success: {metric: m}}\n    target: 0.99\n    windw: 30d\n");
        final Path withSlo = Files.writeString(temp.resolve("with-slo.yaml"), "listen: 127.0.0.1:0\nslo:\n  file: " + slo + "\n");
        final String sloErr = runCapturingStderr(() -> assertEquals(Hotpathd.EXIT_CONFIG, Hotpathd.commandLine().execute(
            "--config", withSlo.toString(), "--state-dir", temp.resolve("state").toString())));
        assertTrue(sloErr.contains(slo + ":5: slos[0].windw: unknown field"), sloErr);
        assertTrue(!Files.exists(temp.resolve("state")), "nothing created before the SLO file is valid");

        final String listenErr = runCapturingStderr(() -> assertEquals(Hotpathd.EXIT_CONFIG,
            Hotpathd.commandLine().execute("--listen", "localhost")));
        assertTrue(listenErr.contains("--listen") && listenErr.contains("HOST:PORT"), listenErr);
    }

    @Test
    void analysisSubcommandsRunFromTheMainCommand() throws Exception
    {
        final CommandLine command = Hotpathd.commandLine();
        command.setOut(new PrintWriter(new StringWriter()));
        final Path rules = temp.resolve("rules.yaml");
        assertEquals(0, command.execute("rules", "--slo", "src/main/resources/examples/slo-demo.yaml", "--out", rules.toString()));
        assertTrue(Files.readString(rules).contains("HotpathSLOErrorBudgetBurnPage"));
        final Path dashboards = temp.resolve("dashboards");
        Files.createDirectories(dashboards);
        assertEquals(0, Hotpathd.commandLine().execute("dashboards", "--out", dashboards.toString()));
        try (var files = Files.list(dashboards))
        {
            assertEquals(6, files.count());
        }
        final StringWriter backtest = new StringWriter();
        final CommandLine backtestCommand = Hotpathd.commandLine();
        backtestCommand.setOut(new PrintWriter(backtest));
        assertEquals(0, backtestCommand.execute("backtest", "--csv", "src/test/resources/anomaly/level_shift.csv",
            "--labels", "src/test/resources/anomaly/level_shift.labels.csv"));
        assertTrue(backtest.toString().toLowerCase(Locale.ROOT).contains("recall"), backtest.toString());
    }

    @Test
    void aTakenPortExitsWithThree() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final String err = runCapturingStderr(() -> assertEquals(Hotpathd.EXIT_START, Hotpathd.commandLine().execute(
                "--listen", "127.0.0.1:" + taken.getLocalPort(), "--spool", temp.resolve("spool").toString(),
                "--state-dir", temp.resolve("state").toString())));
            assertTrue(err.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), err);
            assertTrue(err.contains("--listen HOST:PORT"), "the message names the fix: " + err);
            assertTrue(!Files.exists(temp.resolve("spool")) && !Files.exists(temp.resolve("state")), "nothing created before the port is known free");
        }
    }

    @Test
    void aSecondDaemonOnTheSameStateDirectoryIsRefused() throws Exception
    {
        final DaemonConfig config = new DaemonConfig();
        config.setListen("127.0.0.1:0");
        config.getSpool().setDir(temp.resolve("spool").toString());
        config.getState().setDir(temp.resolve("state").toString());
        final Daemon first = new Daemon(config);
        first.start();
        try
        {
            final Daemon second = new Daemon(config);
            final IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, second::start);
            assertTrue(refused.getMessage().contains("another hotpathd"), refused.getMessage());
        }
        finally
        {
            first.stop();
        }
        final Daemon again = new Daemon(config);
        again.start();
        again.stop();
    }

    private static String runCapturingStderr(final Runnable body)
    {
        final PrintStream saved = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            body.run();
        }
        finally
        {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
