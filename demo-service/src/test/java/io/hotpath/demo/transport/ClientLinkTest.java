package io.hotpath.demo.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import java.util.concurrent.CountDownLatch;

/**
 * A connect timeout (the {@code SocketTimeoutException: Connect timed out} that took the demo down at
 * 16 threads, thrown by a constructor that connected eagerly) is now the failure of the one call that
 * needed the link: thrown from that call, so the agent and the exact results count it as an error,
 * and the next call connects again.
 */
class ClientLinkTest
{
    /**
     * A loopback server that does not accept yet, with its 1-slot backlog filled: Linux drops further
     * SYNs, so a connect to it times out.
     */
    private static final class StalledServer implements AutoCloseable
    {
        final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final List<Socket> fillers = new ArrayList<>();

        StalledServer() throws IOException
        {
            for (int i = 0; i < 4; i++)
            {
                final Socket socket = new Socket();
                try
                {
                    socket.connect(server.getLocalSocketAddress(), 200);
                    fillers.add(socket);
                }
                catch (final SocketTimeoutException full)
                {
                    socket.close();
                    return;
                }
            }
        }

        InetSocketAddress address()
        {
            return (InetSocketAddress)server.getLocalSocketAddress();
        }

        /** Drains the backlog and answers every later connection with the echo protocol; returns once drained. */
        void start() throws InterruptedException
        {
            final CountDownLatch drained = new CountDownLatch(fillers.size());
            final Thread acceptor = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        final Socket socket = server.accept();
                        drained.countDown();
                        final Thread serve = new Thread(() -> echo(socket));
                        serve.setDaemon(true);
                        serve.start();
                    }
                }
                catch (final IOException closed)
                {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            drained.await();
        }

        private static void echo(final Socket socket)
        {
            try (socket; DataInputStream in = new DataInputStream(socket.getInputStream());
                 DataOutputStream out = new DataOutputStream(socket.getOutputStream()))
            {
                while (true)
                {
                    final int length = in.readInt();
                    in.readInt();
                    final byte status = in.readByte();
                    final byte[] payload = in.readNBytes(length);
                    out.writeByte(status);
                    out.writeInt(length);
                    out.write(payload);
                    out.flush();
                }
            }
            catch (final IOException e)
            {
                // client gone
            }
        }

        @Override
        public void close() throws IOException
        {
            for (final Socket socket : fillers)
            {
                socket.close();
            }
            server.close();
        }
    }

    @Test
    void aConnectTimeoutFailsTheCallThatNeededTheLinkAndTheNextCallReconnects() throws Exception
    {
        try (StalledServer stalled = new StalledServer(); ClientLink link = new ClientLink(stalled.address(), 300))
        {
            final byte[] hello = { 1, 2, 3 };
            final SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class,
                () -> link.exchange(hello, hello.length, 0, EchoServer.STATUS_OK));
            assertEquals("Connect timed out", timeout.getMessage());

            stalled.start();
            assertEquals(EchoServer.STATUS_OK, link.exchange(hello, hello.length, 0, EchoServer.STATUS_OK), "reconnected");
            assertEquals(EchoServer.STATUS_REJECTED, link.exchange(hello, hello.length, 0, EchoServer.STATUS_REJECTED));
        }
    }

    @Test
    void driversConnectNothingWhenBuiltSoAStalledServerCannotKillAWorker() throws Exception
    {
        try (StalledServer stalled = new StalledServer())
        {
            // Built eagerly, these connected in their constructors and a timeout escaped the worker's set-up.
            try (TransportManager transports = new TransportManager(stalled.address(), 0.0, 1))
            {
                stalled.start();
                assertEquals(true, transports.sendMessage(new byte[] { 9 }, TransportType.QUIC));
            }
        }
    }

    @Test
    void theEchoServerKeepsABacklogForManyDriverThreads() throws Exception
    {
        // 16 driver threads open 5 links each at start; the acceptor may be slow on a busy host.
        try (EchoServer server = new EchoServer())
        {
            final List<Socket> sockets = new ArrayList<>();
            try
            {
                for (int i = 0; i < 16 * 5; i++)
                {
                    final Socket socket = new Socket();
                    socket.connect(server.address(), 1000);
                    sockets.add(socket);
                }
                assertEquals(80, sockets.size());
            }
            finally
            {
                for (final Socket socket : sockets)
                {
                    socket.close();
                }
            }
        }
    }
}
