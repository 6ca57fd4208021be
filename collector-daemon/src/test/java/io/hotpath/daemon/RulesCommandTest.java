package io.hotpath.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `hotpathd rules` exits 2 like the daemon on an invalid SLO file or a threshold the daemon's buckets cannot count. */
class RulesCommandTest
{
    @TempDir
    Path temp;

    private record Run(int exit, String out, String err)
    {
    }

    private static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine command = Hotpathd.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        final int exit = command.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path slo(final String threshold) throws Exception
    {
        return Files.writeString(temp.resolve("slo-" + threshold + ".yaml"), """
            slos:
              - name: send-latency
                sli:
                  latency:
                    metric: transport_send
                    threshold: %s
                target: 0.99
                window: 30d
            """.formatted(threshold));
    }

    @Test
    void aThresholdOnABucketBoundPassesSilently() throws Exception
    {
        final Run run = run("rules", "--slo", slo("100ms").toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("le=~\"0\\\\.1"), run.out());
        assertEquals("", run.err(), "no note for a valid threshold");
    }

    @Test
    void aThresholdOffTheBucketsIsAnErrorNamingTheFix() throws Exception
    {
        final Run run = run("rules", "--slo", slo("300ms").toString());
        assertEquals(2, run.exit(), run.err());
        assertEquals("", run.out(), "nothing written");
        assertTrue(run.err().contains("SLO send-latency: threshold 300ms is not a bucket bound"), run.err());
        assertTrue(run.err().contains("le=\"0.3\"") && run.err().contains("aggregation.histogram-buckets") && run.err().contains("--config"), run.err());

        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"),
            "aggregation:\n  histogram-buckets: [0.1, 0.3, 1]\n");
        final Run withConfig = run("rules", "--slo", slo("300ms").toString(), "--config", config.toString());
        assertEquals(0, withConfig.exit(), withConfig.err());
        assertTrue(withConfig.out().contains("le=~\"0\\\\.3"), withConfig.out());
        final Run offTheConfigs = run("rules", "--slo", slo("100ms").toString(), "--config",
            Files.writeString(temp.resolve("other.yaml"), "aggregation:\n  histogram-buckets: [0.3, 1]\n").toString());
        assertEquals(2, offTheConfigs.exit(), offTheConfigs.err());
        assertTrue(offTheConfigs.err().contains("the histogram of " + temp.resolve("other.yaml")), offTheConfigs.err());
    }

    @Test
    void anInvalidSloFileExitsTwoAsInTheDaemon() throws Exception
    {
        final Path bad = Files.writeString(temp.resolve("bad.yaml"), "slos:\n  - name: x\n    target: 2\n");
        final Run run = run("rules", "--slo", bad.toString());
        assertEquals(2, run.exit(), run.err());
        assertFalse(run.err().isEmpty());
    }
}
