package io.hotpath.daemon.rules;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hotpathd dashboards}: writes the Grafana dashboards as JSON files. */
@Command(
    name = "dashboards",
    mixinStandardHelpOptions = true,
    description = {
        "Write Grafana dashboards (JSON): overview, transport, P2P, migration, SLOs and error budgets,",
        "hotpath self-monitoring. Import them, or point Grafana's dashboard provisioning at the directory."},
    footer = {"", "Exit status: 0 written, 1 cannot write."})
public final class DashboardsCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
        description = "directory to write the dashboards to, created if missing (default: ${DEFAULT-VALUE})")
    private Path out;

    @Override
    public Integer call()
    {
        final PrintWriter err = spec.commandLine().getErr();
        try
        {
            Files.createDirectories(out);
            for (final Map.Entry<String, ObjectNode> dashboard : new DashboardGenerator().generate().entrySet())
            {
                final Path file = out.resolve(dashboard.getKey());
                Files.writeString(file, DashboardGenerator.toJson(dashboard.getValue()), StandardCharsets.UTF_8);
                spec.commandLine().getOut().println(file);
            }
        }
        catch (final IOException e)
        {
            err.println("dashboards: cannot write to " + out + ": " + e);
            return 1;
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
