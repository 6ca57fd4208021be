package io.hotpath.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The extension uses the agent through its published API only ({@code io.hotpath.agent.api}); the
 * agent's other packages are internal. Read from the compiled classes by the JDK's own jdeps, so an
 * import, a fully qualified name or an inlined signature type all count.
 */
class ApiOnlyTest
{
    private static final String AGENT = "io.hotpath.agent.";
    private static final String API = "io.hotpath.agent.api.";

    @Test
    void extensionNamesNoAgentPackageButTheApi()
    {
        final Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("io/hotpath/otel")), "compiled classes expected in " + classes.toAbsolutePath());
        final ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        final StringWriter out = new StringWriter();
        final int exit = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
            "-verbose:class", "-filter:none", classes.toString());
        assertEquals(0, exit, out.toString());
        final Set<String> api = new TreeSet<>();
        final Set<String> internal = new TreeSet<>();
        for (final String line : out.toString().split("\n"))
        {
            final String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[1].equals("->") && parts[0].startsWith("io.hotpath.otel.") && parts[2].startsWith(AGENT))
            {
                (parts[2].startsWith(API) ? api : internal).add(parts[0] + " -> " + parts[2]);
            }
        }
        assertTrue(api.size() >= 3, "jdeps found too few uses of the agent's API to mean anything: " + api);
        assertTrue(internal.isEmpty(), "the extension uses agent internals; add what it needs to " + API + "*: " + internal);
    }
}
