package io.hotpath.agent;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * Reads the small text files the agent needs at start-up (rules file, host name) through
 * {@link FileInputStream}, not {@code Files.readString}. The reason is start-up cost: on JDK 21+
 * {@code Files.readString} goes through a {@code FileChannel} and {@code sun.nio.ch.Streams},
 * which loads {@code sun.nio.ch.SocketChannelImpl}, the class the {@code nio} pack instruments; the
 * agent would then load Byte Buddy and retransform it at premain in every JVM, networked or not
 * (+1 s and +35 MiB on a Temurin 25 hello-world).
 */
public final class TextFiles
{
    private TextFiles()
    {
    }

    public static String read(final Path file, final Charset charset) throws IOException
    {
        try (InputStream in = new FileInputStream(file.toFile()))
        {
            return new String(in.readAllBytes(), charset);
        }
    }
}
