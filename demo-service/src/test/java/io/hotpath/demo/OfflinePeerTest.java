package io.hotpath.demo;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.demo.transport.Connection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The offline peer must stay offline for the whole run. It used to be a port found free and released:
 * a test that started hotpathd on "free" ports handed one of them to a daemon, the demo's P2P connect
 * then read {@code HTTP/1.1 400} as its echo header, took {@code "TTP/"} (1.4 G) for a length and died
 * of {@code OutOfMemoryError}.
 */
class OfflinePeerTest
{
    @Test
    void theReservedPortRefusesConnectionsAndCannotBeTakenByAServer() throws IOException
    {
        try (Socket reserved = DemoMain.reservedDeadPort())
        {
            final InetSocketAddress dead = (InetSocketAddress)reserved.getLocalSocketAddress();
            assertThrows(ConnectException.class, () -> new Connection(dead, 1000).close());
            try (ServerSocket server = new ServerSocket())
            {
                server.setReuseAddress(true);
                assertThrows(BindException.class, () -> server.bind(dead));
            }
        }
    }

    @Test
    void aPeerSpeakingAnotherProtocolFailsTheCallBeforeAnyBufferIsSized() throws Exception
    {
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Thread server = new Thread(() ->
            {
                try (Socket client = http.accept(); OutputStream out = client.getOutputStream())
                {
                    out.write("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    client.getInputStream().readNBytes(64);
                }
                catch (final IOException ignored)
                {
                    // the client hung up: fine
                }
            });
            server.start();
            try (Connection connection = new Connection((InetSocketAddress)http.getLocalSocketAddress(), 1000))
            {
                final byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                final IOException failure = assertThrows(IOException.class,
                    () -> connection.exchange(hello, hello.length, 0, (byte)0));
                assertTrue(failure.getMessage().contains("announced"), failure.toString());
            }
            server.join(10_000);
        }
    }
}
