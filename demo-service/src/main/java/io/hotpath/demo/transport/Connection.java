package io.hotpath.demo.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/** One client connection to an {@link EchoServer}; one exchange at a time (callers synchronise). */
public final class Connection implements AutoCloseable
{
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private byte[] reply = new byte[1024];

    public Connection(final InetSocketAddress address, final int connectTimeoutMillis) throws IOException
    {
        socket = new Socket();
        socket.connect(address, connectTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /** Sends {@code payload}, waits for the echo, checks it and returns the server's status byte. */
    public synchronized byte exchange(final byte[] payload, final int length, final int delayMicros, final byte status)
        throws IOException
    {
        out.writeInt(length);
        out.writeInt(delayMicros);
        out.writeByte(status);
        out.write(payload, 0, length);
        out.flush();
        final byte answer = in.readByte();
        final int echoed = in.readInt();
        if (echoed != length)
        {
            // Checked before allocating: a peer that speaks another protocol must fail the call, not size a buffer.
            throw new IOException("corrupted echo: " + echoed + " bytes announced, " + length + " sent");
        }
        if (reply.length < echoed)
        {
            reply = new byte[echoed];
        }
        in.readFully(reply, 0, echoed);
        if (!Arrays.equals(reply, 0, echoed, payload, 0, length))
        {
            throw new IOException("corrupted echo");
        }
        return answer;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
