package io.hotpath.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.charset.StandardCharsets;

/** checkpoint.json is 0640 whatever the process umask (the test JVM's is the usual 0022, which would give 0644). */
class CheckpointPermissionsTest
{
    @TempDir
    Path temp;

    @Test
    void checkpointIsNeverWorldReadable() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(temp.resolve("state"));
        store.prepare();
        store.writeBytes("{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("state"))));
    }
}
