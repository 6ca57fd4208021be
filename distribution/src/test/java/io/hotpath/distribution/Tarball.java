package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The built tarball, unpacked with the system's tar as a user would. */
final class Tarball
{
    private Tarball()
    {
    }

    static Path file()
    {
        final Path tarball = Path.of(System.getProperty("hotpath.tarball", "target/hotpath.tar.gz"));
        assertTrue(Files.isRegularFile(tarball), tarball + " not built (mvn package builds it)");
        return tarball;
    }

    static String version()
    {
        return System.getProperty("hotpath.version", "0.1.0-SNAPSHOT");
    }

    /** Unpacks into {@code dir} and returns the install directory {@code dir/hotpath-<version>}. */
    static Path unpack(final Path dir) throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        final Processes.Result tar = Processes.run(dir, List.of("tar", "-xzf", file().toString(), "-C", dir.toString()));
        assertEquals(0, tar.exit(), tar.toString());
        final Path home = dir.resolve("hotpath-" + version());
        assertTrue(Files.isDirectory(home), "tarball has no top directory hotpath-" + version());
        return home;
    }

    /** A JDK 17+ {@code java}: the one running the tests. */
    static Path testJava()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Temurin 25 when installed (the machine's second JDK), else null. */
    static Path jdk25()
    {
        final Path java = Path.of(System.getProperty("hotpath.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
        return Files.isExecutable(java) ? java : null;
    }
}
