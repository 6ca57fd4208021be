package io.hotpath.demo.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-process peer every demo call talks to over real loopback TCP (127.0.0.1, a free port).
 * One thread per connection. A request is {@code [int length][int delayMicros][byte status][payload]};
 * the server waits {@code delayMicros}, then answers {@code [byte status][int length][payload]}.
 * The client decides delays and failures, so outcomes are reproducible from its seed.
 */
public final class EchoServer implements AutoCloseable
{
    public static final byte STATUS_OK = 0;
    public static final byte STATUS_REJECTED = 1;
    public static final byte STATUS_TIMEOUT = 2;
    public static final byte STATUS_LOST = 3;

    private final ServerSocket serverSocket;
    private final ExecutorService connections = Executors.newCachedThreadPool(r ->
    {
        final Thread thread = new Thread(r, "echo-connection");
        thread.setDaemon(true);
        return thread;
    });

    public EchoServer() throws IOException
    {
        serverSocket = new ServerSocket();
        // Every driver thread opens several links at start: a deep backlog keeps a slow acceptor (busy
        // host, cold JIT) from turning them into SYN drops and connect timeouts.
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        final Thread acceptor = new Thread(this::acceptLoop, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address()
    {
        return (InetSocketAddress)serverSocket.getLocalSocketAddress();
    }

    private void acceptLoop()
    {
        while (!serverSocket.isClosed())
        {
            try
            {
                final Socket socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
                try
                {
                    connections.execute(() -> serve(socket));
                }
                catch (final RejectedExecutionException closedMeanwhile)
                {
                    socket.close();
                    return;
                }
            }
            catch (final IOException e)
            {
                return;
            }
        }
    }

    private static void serve(final Socket socket)
    {
        try (socket;
             DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())))
        {
            byte[] payload = new byte[0];
            while (true)
            {
                final int length = in.readInt();
                final int delayMicros = in.readInt();
                final byte status = in.readByte();
                if (payload.length < length)
                {
                    payload = new byte[length];
                }
                in.readFully(payload, 0, length);
                if (delayMicros > 0)
                {
                    LockSupport.parkNanos(delayMicros * 1000L);
                }
                out.writeByte(status);
                out.writeInt(length);
                out.write(payload, 0, length);
                out.flush();
            }
        }
        catch (final IOException e)
        {
            // client closed the connection
        }
    }

    @Override
    public void close() throws IOException
    {
        serverSocket.close();
        connections.shutdownNow();
    }
}
