package io.hotpath.daemon.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Reads and writes {@link Checkpoint}s in the state directory. A write is atomic and durable
 * ({@link AtomicFile}): a crash at any point leaves either the old or the new checkpoint, whole.
 */
public final class CheckpointStore
{
    public static final String FILE_NAME = "checkpoint.json";

    private final Path directory;
    /**
     * The JSON field names are the on-disk format (golden file {@code checkpoint-v1.json} in the
     * tests): a name this daemon does not know means a checkpoint of another format (or a renamed
     * field) and is refused, never skipped, as skipping it could leave a queue position at its
     * default and count the queue twice.
     */
    private final ObjectMapper mapper = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public CheckpointStore(final Path directory)
    {
        this.directory = directory;
    }

    public Path file()
    {
        return directory.resolve(FILE_NAME);
    }

    /** Creates the state directory (0750 where POSIX permissions exist). */
    public void prepare() throws IOException
    {
        Files.createDirectories(directory);
        try
        {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        }
        catch (final UnsupportedOperationException ignored)
        {
            // Not a POSIX file system: keep its defaults.
        }
    }

    /** The last checkpoint, or empty when there is none yet. */
    public Optional<Checkpoint> read() throws IOException
    {
        final Path file = file();
        if (!Files.exists(file))
        {
            return Optional.empty();
        }
        final Checkpoint checkpoint;
        try
        {
            checkpoint = mapper.readValue(file.toFile(), Checkpoint.class);
        }
        catch (final IOException e)
        {
            throw new IOException("checkpoint " + file + " is unreadable (" + e.getMessage() + "); refusing to start rather than " +
                "count queues twice. Move it away to start from scratch: counters restart and every queue is re-read", e);
        }
        if (checkpoint.formatVersion != Checkpoint.FORMAT_VERSION)
        {
            throw new IOException(file + ": checkpoint format " + checkpoint.formatVersion + ", this daemon reads " +
                Checkpoint.FORMAT_VERSION);
        }
        return Optional.of(checkpoint);
    }

    public void write(final Checkpoint checkpoint) throws IOException
    {
        writeBytes(serialize(checkpoint));
    }

    /** The checkpoint's JSON: taken on the aggregation thread, so the file can be written elsewhere. */
    public byte[] serialize(final Checkpoint checkpoint) throws IOException
    {
        return mapper.writeValueAsBytes(checkpoint);
    }

    /** Writes serialized checkpoint bytes atomically and durably ({@link AtomicFile}: temp, fsync, rename, directory fsync, 0640). */
    public synchronized void writeBytes(final byte[] json) throws IOException
    {
        AtomicFile.write(file(), json);
    }
}
