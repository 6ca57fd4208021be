package io.hotpath.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories of the benchmarks, removed when done. */
public final class Directories
{
    private Directories()
    {
    }

    /** Deletes {@code directory} and everything below it; quietly does nothing if it is gone. */
    public static void deleteTree(final Path directory)
    {
        if (directory == null || !Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a spool directory when the JVM exits, after the agent's own shutdown hook has drained
     * into it and written its {@code hotpath.closed} marker (shutdown hooks run concurrently; at
     * most 15 s are waited for the marker).
     */
    public static void deleteSpoolAtExit(final Path directory)
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            final long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline && !hasClosedMarker(directory))
            {
                try
                {
                    Thread.sleep(20);
                }
                catch (final InterruptedException e)
                {
                    break;
                }
            }
            deleteTree(directory);
        }, "benchmark-spool-cleanup"));
    }

    private static boolean hasClosedMarker(final Path directory)
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            return files.anyMatch(p -> p.getFileName().toString().equals("hotpath.closed"));
        }
        catch (final IOException | UncheckedIOException e)
        {
            return true;
        }
    }
}
