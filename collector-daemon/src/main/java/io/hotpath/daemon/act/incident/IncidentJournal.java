package io.hotpath.daemon.act.incident;

import io.hotpath.daemon.state.AtomicFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The incident timeline on disk: {@code incidents.jsonl}, one JSON object per line, appended and
 * fsync'd per transition, so after a {@code kill -9} every transition the daemon acted on is there.
 * A torn last line (the crash hit the write) is skipped and counted, never fatal. Compaction
 * rewrites the kept lines into a temporary file, fsyncs it and renames it over the journal ({@link AtomicFile}).
 * Mode 0640. One writer thread.
 *
 * <p>Line format: {@code {"ts":<epoch ms>,"incident":<id>,"type":"<transition>", ...fields}}.
 */
public final class IncidentJournal implements AutoCloseable
{
    public static final String FILE_NAME = "incidents.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private FileChannel channel;
    private volatile long linesSkipped;
    private volatile long writeFailures;

    public IncidentJournal(final Path stateDir)
    {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path file()
    {
        return file;
    }

    /** Every readable line, oldest first; unreadable ones are counted in {@link #linesSkipped}. */
    public List<ObjectNode> load() throws IOException
    {
        final List<ObjectNode> records = new ArrayList<>();
        if (!Files.exists(file))
        {
            return records;
        }
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (line.isBlank())
            {
                continue;
            }
            try
            {
                final JsonNode node = JSON.readTree(line);
                if (node instanceof ObjectNode && node.hasNonNull("type") && node.hasNonNull("ts") && node.hasNonNull("incident"))
                {
                    records.add((ObjectNode)node);
                    continue;
                }
            }
            catch (final IOException e)
            {
                // a torn or foreign line: skipped below
            }
            linesSkipped++;
        }
        return records;
    }

    /** Appends one line and forces it to disk; false (counted) if that failed. */
    public boolean append(final ObjectNode record)
    {
        try
        {
            if (channel == null)
            {
                open();
            }
            final ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(false);
            return true;
        }
        catch (final IOException | RuntimeException e)
        {
            writeFailures++;
            closeQuietly();
            return false;
        }
    }

    /** Replaces the journal with {@code records} (compaction): {@link AtomicFile}'s temporary file, fsync, atomic rename. */
    public void rewrite(final List<ObjectNode> records) throws IOException
    {
        closeQuietly();
        final StringBuilder text = new StringBuilder();
        for (final ObjectNode record : records)
        {
            text.append(JSON.writeValueAsString(record)).append('\n');
        }
        AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void open() throws IOException
    {
        final boolean created = !Files.exists(file);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        if (created)
        {
            setMode(file);
        }
    }

    private static void setMode(final Path path)
    {
        try
        {
            AtomicFile.ownerWriteGroupRead(path);
        }
        catch (final IOException e)
        {
            // not settable: the directory's protection applies
        }
    }

    public long linesSkipped()
    {
        return linesSkipped;
    }

    public long writeFailures()
    {
        return writeFailures;
    }

    private void closeQuietly()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException e)
            {
                // nothing left to save
            }
            channel = null;
        }
    }

    @Override
    public void close()
    {
        closeQuietly();
    }
}
