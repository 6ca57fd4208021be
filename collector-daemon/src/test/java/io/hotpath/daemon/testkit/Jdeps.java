package io.hotpath.daemon.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/** Dependencies read from compiled classes by the JDK's own jdeps (package cycles, API-only rules). */
public final class Jdeps
{
    private Jdeps()
    {
    }

    /**
     * Every {@code from -> to} jdeps reports for the classes under {@code classes}, as two-element arrays.
     *
     * @param level {@code package} or {@code class}
     */
    public static List<String[]> edges(final Path classes, final String level)
    {
        if (!Files.isDirectory(classes))
        {
            throw new IllegalStateException("compiled classes expected in " + classes.toAbsolutePath());
        }
        final ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        final StringWriter out = new StringWriter();
        final int exit = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
            "-verbose:" + level, "-filter:none", classes.toString());
        if (exit != 0)
        {
            throw new IllegalStateException("jdeps exited with " + exit + ": " + out);
        }
        final List<String[]> edges = new ArrayList<>();
        for (final String line : out.toString().split("\n"))
        {
            final String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[1].equals("->"))
            {
                edges.add(new String[] {parts[0], parts[2]});
            }
        }
        return edges;
    }
}
