package io.hotpath.demo.p2p;

import io.hotpath.demo.SelfTimed;
import io.hotpath.demo.transport.ClientLink;
import io.hotpath.demo.transport.Connection;
import io.hotpath.demo.transport.EchoServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.charset.StandardCharsets;

/**
 * A small peer-to-peer mesh over loopback: online peers are connections to the echo server, the
 * offline peer is a port nobody listens on, so connecting to it fails for real
 * ({@link java.net.ConnectException}).
 */
public final class P2PMesh extends SelfTimed implements AutoCloseable
{

    /** A peer of the mesh; its name is its label. */
    public record Peer(String name, InetSocketAddress address)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    private final List<Peer> online = new ArrayList<>();
    private final Peer offline;
    private final ClientLink tracker;
    private final Map<Peer, Connection> connected = new ConcurrentHashMap<>();
    private final Random random;
    private final double errorRatio;

    public P2PMesh(final InetSocketAddress live, final InetSocketAddress dead, final int peers, final double errorRatio,
        final long seed)
    {
        for (int i = 0; i < peers; i++)
        {
            online.add(new Peer("peer-" + i, live));
        }
        offline = new Peer("peer-offline", dead);
        tracker = new ClientLink(live);
        this.errorRatio = errorRatio;
        this.random = new Random(seed);
    }

    /** Asks the tracker for the peers it knows; returns them (online and offline). */
    public List<Peer> discoverPeers() throws IOException
    {
        final long callStart = System.nanoTime();
        try
        {
            final byte[] query = "who is there".getBytes(StandardCharsets.US_ASCII);
            tracker.exchange(query, query.length, 200, EchoServer.STATUS_OK);
            final List<Peer> peers = new ArrayList<>(online);
            peers.add(offline);
            return peers;
        }
        finally
        {
            lastCallNanos = System.nanoTime() - callStart;
        }
    }

    /** A peer to connect to next: the offline one with the error ratio's probability. */
    public Peer choosePeer()
    {
        synchronized (random)
        {
            return random.nextDouble() < errorRatio ? offline : online.get(random.nextInt(online.size()));
        }
    }

    /** (Re)connects to {@code peer} and exchanges a hello. */
    public void connect(final Peer peer) throws IOException
    {
        final long callStart = System.nanoTime();
        try
        {
            final Connection connection = new Connection(peer.address(), 1000);
            final byte[] hello = ("hello " + peer.name()).getBytes(StandardCharsets.US_ASCII);
            try
            {
                connection.exchange(hello, hello.length, 100, EchoServer.STATUS_OK);
            }
            catch (final IOException e)
            {
                connection.close();
                throw e;
            }
            final Connection previous = connected.put(peer, connection);
            if (previous != null)
            {
                previous.close();
            }
        }
        finally
        {
            lastCallNanos = System.nanoTime() - callStart;
        }
    }

    /**
     * Sends {@code message} to every connected peer; returns how many acknowledged it. A peer whose
     * link fails is dropped (the next connect replaces it) and the failure is thrown after the others
     * were tried.
     */
    public int propagate(final byte[] message) throws IOException
    {
        final long callStart = System.nanoTime();
        try
        {
            int delivered = 0;
            IOException failure = null;
            for (final Map.Entry<Peer, Connection> entry : connected.entrySet())
            {
                try
                {
                    if (entry.getValue().exchange(message, message.length, 50, EchoServer.STATUS_OK) == EchoServer.STATUS_OK)
                    {
                        delivered++;
                    }
                }
                catch (final IOException e)
                {
                    connected.remove(entry.getKey(), entry.getValue());
                    entry.getValue().close();
                    if (failure == null)
                    {
                        failure = e;
                    }
                    else
                    {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null)
            {
                throw failure;
            }
            return delivered;
        }
        finally
        {
            lastCallNanos = System.nanoTime() - callStart;
        }
    }

    @Override
    public void close() throws IOException
    {
        tracker.close();
        for (final Connection connection : connected.values())
        {
            connection.close();
        }
    }
}
