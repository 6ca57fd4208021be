package io.hotpath.daemon.remotewrite;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.config.RemoteWriteEndpoint;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One remote-write endpoint. The aggregation thread encodes every rotation into its {@link Backlog}
 * ({@link #append}); a sender thread posts the records in order, one request in flight, each only
 * once the checkpoint that covers it is on disk ({@link #durable}) — so what was sent is never
 * counted again after a crash — and advances the acknowledged cursor on 2xx.
 *
 * <p>Retries: connection errors, 5xx and 429 are retried with exponential back-off (min … max,
 * doubled per failure, {@code Retry-After} honoured), for as long as the backlog holds the record;
 * other 4xx answers drop that record (the next carries the cumulative counts again, so counters and
 * histograms lose resolution, not counts) and count it in {@code hotpath_remote_write_dropped_*}.
 */
final class RemoteWriter implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(RemoteWriter.class.getName());

    private final RemoteWriteEndpoint endpoint;
    private final String id;
    private final Backlog backlog;
    private final WriteRequestEncoder encoder;
    private final HttpClient client;
    private final List<WriteRequestEncoder.Encoded> encoded = new ArrayList<>();
    private volatile long durableSeq;
    private volatile boolean running;
    private Thread sender;

    // Counters (any thread reads).
    final AtomicLong sentSamples = new AtomicLong();
    final AtomicLong sentRequests = new AtomicLong();
    final AtomicLong sentBytes = new AtomicLong();
    final AtomicLong failedRequests = new AtomicLong();
    final AtomicLong droppedRejectedSamples = new AtomicLong();
    final AtomicLong droppedRejectedRequests = new AtomicLong();
    final AtomicLong encodedSamples = new AtomicLong();
    final AtomicLong encodeFailures = new AtomicLong();
    volatile long lastAckedTimestampMillis;
    volatile long oldestPendingTimestampMillis;
    volatile long newestTimestampMillis;
    volatile String lastError = "";

    RemoteWriter(final RemoteWriteEndpoint endpoint, final Path stateDir, final Map<String, String> externalLabels) throws IOException
    {
        this.endpoint = endpoint;
        this.id = idOf(endpoint);
        this.backlog = new Backlog(stateDir.resolve("remote-write").resolve(id), endpoint.maxBacklogBytes());
        this.encoder = new WriteRequestEncoder(externalLabels, endpoint.maxSamplesPerSend(), endpoint.quantileWindows());
        this.client = HttpClients.build(endpoint);
    }

    /** Stable directory name of an endpoint: its URL's host, port and a hash of the URL. */
    static String idOf(final RemoteWriteEndpoint endpoint)
    {
        final String url = endpoint.url().toString();
        final String host = (endpoint.url().getHost() + "-" + endpoint.url().getPort()).replaceAll("[^A-Za-z0-9.-]", "_");
        return host + "-" + Integer.toHexString(url.hashCode());
    }

    String id()
    {
        return id;
    }

    String url()
    {
        return endpoint.url().toString();
    }

    /** At start, after the checkpoint was read: keeps the backlog up to {@code keepUpToSeq} (-1: none). */
    void open(final long keepUpToSeq) throws IOException
    {
        backlog.open(keepUpToSeq);
        durableSeq = Math.max(0, keepUpToSeq);
    }

    long lastSeq()
    {
        return backlog.lastSeq();
    }

    /** Aggregation thread: encodes the rotation into the backlog. */
    void append(final AggregateSnapshot snapshot, final NativeHistograms natives, final long timestampMillis)
    {
        encoded.clear();
        try
        {
            encoder.encode(snapshot, natives, timestampMillis, encoded);
            long seq = backlog.lastSeq();
            for (final WriteRequestEncoder.Encoded request : encoded)
            {
                backlog.append(++seq, timestampMillis, request.samples(), request.snappy());
                encodedSamples.addAndGet(request.samples());
            }
            newestTimestampMillis = timestampMillis;
        }
        catch (final IOException | RuntimeException e)
        {
            if (encodeFailures.getAndIncrement() == 0)
            {
                LOG.log(Level.WARNING, "remote-write " + url() + ": cannot append to the backlog (counted in " +
                    "hotpath_remote_write_dropped_samples_total{reason=\"backlog_write\"}; logged once)", e);
            }
        }
    }

    /** The checkpoint holding records up to {@code seq} is on disk: they may be sent. */
    void durable(final long seq)
    {
        if (seq > durableSeq)
        {
            durableSeq = seq;
            final Thread t = sender;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        }
    }

    void start()
    {
        running = true;
        sender = new Thread(this::sendLoop, "hotpathd-remote-write-" + id);
        sender.setDaemon(true);
        sender.start();
    }

    private void sendLoop()
    {
        long backoff = endpoint.minBackoffMillis();
        while (running)
        {
            try
            {
                long acked = backlog.acked();
                final long first = backlog.firstSeq();
                if (acked < first - 1)
                {
                    backlog.ackedUpTo(first - 1); // dropped for space: counted by the backlog
                    acked = first - 1;
                }
                if (acked >= Math.min(durableSeq, backlog.lastSeq()))
                {
                    oldestPendingTimestampMillis = 0;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    continue;
                }
                final Backlog.Entry entry = backlog.next(acked);
                if (entry == null)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    continue;
                }
                oldestPendingTimestampMillis = entry.timestampMillis();
                final Outcome outcome = post(entry);
                if (outcome == Outcome.RETRY)
                {
                    failedRequests.incrementAndGet();
                    sleep(backoff);
                    backoff = Math.min(endpoint.maxBackoffMillis(), backoff * 2);
                    continue;
                }
                backoff = endpoint.minBackoffMillis();
                if (outcome == Outcome.SENT)
                {
                    sentSamples.addAndGet(entry.samples());
                    sentRequests.incrementAndGet();
                    sentBytes.addAndGet(entry.payload().length);
                }
                else
                {
                    droppedRejectedSamples.addAndGet(entry.samples());
                    droppedRejectedRequests.incrementAndGet();
                }
                lastAckedTimestampMillis = entry.timestampMillis();
                backlog.ackedUpTo(entry.seq());
            }
            catch (final IOException | RuntimeException e)
            {
                lastError = e.toString();
                LOG.log(Level.WARNING, "remote-write " + url() + ": backlog read failed", e);
                sleep(backoff);
                backoff = Math.min(endpoint.maxBackoffMillis(), backoff * 2);
            }
        }
    }

    private enum Outcome
    {
        SENT, RETRY, REJECTED
    }

    private long retryAfterMillis;

    private Outcome post(final Backlog.Entry entry)
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url())
            .timeout(Duration.ofMillis(endpoint.timeoutMillis()))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("User-Agent", "hotpathd")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(entry.payload()));
        try
        {
            authorize(request);
            endpoint.headers().forEach(request::header);
            final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            final int status = response.statusCode();
            if (status / 100 == 2)
            {
                if (!lastError.isEmpty())
                {
                    LOG.info("remote-write " + url() + ": sending again");
                    lastError = "";
                }
                return Outcome.SENT;
            }
            final String body = response.body().length() > 300 ? response.body().substring(0, 300) : response.body();
            noteError("HTTP " + status + ": " + body.trim());
            if (status == 429 || status / 100 == 5)
            {
                retryAfterMillis = response.headers().firstValue("Retry-After").map(RemoteWriter::seconds).orElse(0L);
                return Outcome.RETRY;
            }
            return Outcome.REJECTED;
        }
        catch (final IOException e)
        {
            noteError(e.toString());
            return Outcome.RETRY;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return Outcome.RETRY;
        }
    }

    private void noteError(final String error)
    {
        if (lastError.isEmpty())
        {
            LOG.warning("remote-write " + url() + ": " + error + " (retrying or dropping as counted in /metrics; logged until it recovers)");
        }
        lastError = error;
    }

    private static long seconds(final String value)
    {
        try
        {
            return Math.min(300, Long.parseLong(value.trim())) * 1000L;
        }
        catch (final NumberFormatException e)
        {
            return 0;
        }
    }

    private void authorize(final HttpRequest.Builder request) throws IOException
    {
        if (endpoint.bearerTokenFile() != null)
        {
            request.header("Authorization", "Bearer " + Files.readString(endpoint.bearerTokenFile()).trim());
        }
        else if (endpoint.basicAuthUser() != null)
        {
            final String password = endpoint.basicAuthPasswordFile() != null
                ? Files.readString(endpoint.basicAuthPasswordFile()).trim()
                : endpoint.basicAuthPassword() == null ? "" : endpoint.basicAuthPassword();
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (endpoint.basicAuthUser() + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private void sleep(final long millis)
    {
        final long wait = Math.max(millis, retryAfterMillis);
        retryAfterMillis = 0;
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
    }

    /** Unsent records, bytes on disk, dropped by the backlog limit. */
    long pendingRecords()
    {
        return Math.max(0, backlog.lastSeq() - backlog.acked());
    }

    long backlogBytes()
    {
        return backlog.bytes();
    }

    long droppedBacklogSamples()
    {
        return backlog.droppedSamples();
    }

    /** Seconds between the newest rotation encoded and the oldest one not yet acknowledged (0 when caught up). */
    double lagSeconds(final long nowMillis)
    {
        final long pending = oldestPendingTimestampMillis;
        return pendingRecords() == 0 || pending == 0 ? 0 : Math.max(0, nowMillis - pending) / 1000.0;
    }

    /** Waits up to {@code timeoutMillis} for everything durable to be sent (shutdown), then stops the sender. */
    @Override
    public void close()
    {
        final long deadline = System.currentTimeMillis() + 5_000;
        while (sender != null && backlog.acked() < Math.min(durableSeq, backlog.lastSeq()) && System.currentTimeMillis() < deadline
            && lastError.isEmpty())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        running = false;
        if (sender != null)
        {
            LockSupport.unpark(sender);
            try
            {
                sender.join(endpoint.timeoutMillis() + 1000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        try
        {
            backlog.close();
        }
        catch (final IOException e)
        {
            LOG.warning("remote-write " + url() + ": closing the backlog: " + e);
        }
    }
}
