package io.hotpath.daemon.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.Hotpathd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopCommandTest
{
    @TempDir
    Path temp;

    @Test
    void readsTheListenAddressFromTheDaemonsConfig() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final Path config = Files.writeString(temp.resolve("hotpathd.yaml"), "listen: 0.0.0.0:" + port + "\n");
        final PrintStream saved = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            assertEquals(0, Hotpathd.commandLine().execute("top", "--config", config.toString(), "--once", "--screen", "plain"));
        }
        finally
        {
            System.setOut(saved);
        }
        final String frame = captured.toString(StandardCharsets.UTF_8);
        assertTrue(frame.startsWith("hotpath top - http://127.0.0.1:" + port + " - "), frame);
        assertTrue(frame.contains("hotpathd not reachable at http://127.0.0.1:" + port), frame);
    }
}
