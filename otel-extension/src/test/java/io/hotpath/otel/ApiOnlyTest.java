package io.hotpath.otel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import io.hotpath.daemon.testkit.Jdeps;
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
        final Set<String> api = new TreeSet<>();
        final Set<String> internal = new TreeSet<>();
        for (final String[] edge : Jdeps.edges(Path.of("target/classes"), "class"))
        {
            if (edge[0].startsWith("io.hotpath.otel.") && edge[1].startsWith(AGENT))
            {
                (edge[1].startsWith(API) ? api : internal).add(edge[0] + " -> " + edge[1]);
            }
        }
        assertTrue(api.size() >= 3, "jdeps found too few uses of the agent's API to mean anything: " + api);
        assertTrue(internal.isEmpty(), "the extension uses agent internals; add what it needs to " + API + "*: " + internal);
    }
}
