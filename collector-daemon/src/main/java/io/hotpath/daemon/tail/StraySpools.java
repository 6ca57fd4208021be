package io.hotpath.daemon.tail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Agents that could not write into the spool fall back to {@code $TMPDIR/hotpath-spool}, which the
 * daemon does not read. This looks at the fallback places it can see ({@code /tmp/hotpath-spool},
 * its own {@code $TMPDIR} and {@code java.io.tmpdir}; not a service's private {@code /tmp}) so that
 * {@code /health} can say "an agent on this host writes elsewhere". Checked at most every 10 s
 * (a directory listing), never fails.
 */
public final class StraySpools
{
    private static final long RECHECK_NANOS = 10_000_000_000L;
    private static volatile Path spoolDirectory;
    private static volatile List<String> last = List.of();
    private static volatile long checkedAt;
    private static volatile boolean checked;

    private StraySpools()
    {
    }

    /** The daemon's own spool directory (never reported as elsewhere). */
    public static void spoolDirectory(final Path dir)
    {
        spoolDirectory = dir == null ? null : dir.toAbsolutePath().normalize();
    }

    /** Fallback spool directories that hold at least one queue directory (or cannot be listed), as paths. */
    public static List<String> elsewhere()
    {
        final long now = System.nanoTime();
        if (checked && now - checkedAt < RECHECK_NANOS)
        {
            return last;
        }
        last = find(candidates(), spoolDirectory);
        checkedAt = now;
        checked = true;
        return last;
    }

    /** Of {@code candidates}, the directories other than {@code own} that hold a queue directory or cannot be listed. */
    static List<String> find(final Set<Path> candidates, final Path own)
    {
        final List<String> found = new ArrayList<>();
        try
        {
            for (final Path candidate : candidates)
            {
                if (candidate.equals(own) || !Files.isDirectory(candidate))
                {
                    continue;
                }
                try (DirectoryStream<Path> queues = Files.newDirectoryStream(candidate, Files::isDirectory))
                {
                    if (queues.iterator().hasNext())
                    {
                        found.add(candidate.toString());
                    }
                }
                catch (final IOException | RuntimeException unreadable)
                {
                    found.add(candidate.toString()); // there, but another user's: still worth saying
                }
            }
        }
        catch (final RuntimeException e)
        {
            // nothing to report
        }
        return List.copyOf(found);
    }

    private static Set<Path> candidates()
    {
        final Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(Paths.get("/tmp", "hotpath-spool"));
        final String tmpdir = System.getenv("TMPDIR");
        if (tmpdir != null && !tmpdir.isBlank())
        {
            candidates.add(Paths.get(tmpdir, "hotpath-spool").toAbsolutePath().normalize());
        }
        candidates.add(Paths.get(System.getProperty("java.io.tmpdir"), "hotpath-spool").toAbsolutePath().normalize());
        return candidates;
    }
}
