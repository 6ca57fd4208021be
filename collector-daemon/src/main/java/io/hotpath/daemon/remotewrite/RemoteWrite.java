package io.hotpath.daemon.remotewrite;

import io.hotpath.daemon.aggregate.AggregateSnapshot;
import io.hotpath.daemon.aggregate.NativeHistograms;
import io.hotpath.daemon.config.RemoteWriteEndpoint;
import io.hotpath.daemon.expose.Labels;
import io.hotpath.daemon.expose.MetricFamilySource;
import io.hotpath.daemon.expose.MetricType;
import io.hotpath.daemon.expose.MetricWriter;
import io.hotpath.daemon.state.CheckpointPart;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 4b of the data flow, beside {@code /metrics}: every rotation's series go to each
 * {@code remote-write} endpoint (Remote-Write 1.0), resumably.
 *
 * <h2>Exactly once across outages and crashes</h2>
 * Each rotation is encoded (cumulative counts, like a scrape) into the endpoint's on-disk
 * {@link Backlog} under the next sequence number, on the aggregation thread, before the checkpoint
 * is captured; the checkpoint stores the last sequence number ({@link #capture}), so positions,
 * counters and the backlog agree. A record is sent only once a checkpoint covering it is on disk
 * ({@link #checkpointWritten}). After {@code kill -9} the daemon restores the checkpoint, keeps the
 * backlog up to its sequence number — the unacknowledged part is sent first — and drops what came
 * after, which it rebuilds by re-reading the spool from the checkpoint's positions. A receiver
 * outage only delays: records wait on disk (bounded by {@code max-backlog}) and go in order.
 */
public final class RemoteWrite implements CheckpointPart, MetricFamilySource, AutoCloseable
{
    private final List<RemoteWriter> writers = new ArrayList<>();
    private final NativeHistograms natives;
    private Map<String, Long> restored;
    private final Map<String, Long> lastCaptured = new HashMap<>();
    private final Map<RemoteWriter, Labels> labels = new HashMap<>();

    public RemoteWrite(final List<RemoteWriteEndpoint> endpoints, final Path stateDir, final NativeHistograms natives) throws IOException
    {
        this.natives = natives;
        for (final RemoteWriteEndpoint endpoint : endpoints)
        {
            final Map<String, String> external = new LinkedHashMap<>();
            if (endpoint.externalLabels().isEmpty())
            {
                external.put("instance", hostName());
            }
            external.putAll(endpoint.externalLabels());
            final RemoteWriter writer = new RemoteWriter(endpoint, stateDir, external);
            writers.add(writer);
            labels.put(writer, Labels.of("url", writer.url()));
        }
    }

    private static String hostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException e)
        {
            return "localhost";
        }
    }

    /** After the checkpoint was restored (or none was): keeps the backlog the checkpoint covers, then starts the senders. */
    public void start() throws IOException
    {
        for (final RemoteWriter writer : writers)
        {
            writer.open(restored == null ? -1 : restored.getOrDefault(writer.id(), -1L));
            writer.start();
        }
    }

    /** Aggregation thread, after each rotation and before the checkpoint: encodes the rotation for every endpoint. */
    public void afterRotation(final AggregateSnapshot snapshot)
    {
        if (snapshot.intervalStartEpochMillis() <= 0)
        {
            return;
        }
        final long timestamp = snapshot.intervalStartEpochMillis() + 1000;
        for (final RemoteWriter writer : writers)
        {
            writer.append(snapshot, natives, timestamp);
        }
    }

    // ---- checkpoint ----

    @Override
    public String name()
    {
        return "remote-write";
    }

    @Override
    public Map<String, byte[]> capture()
    {
        final Map<String, byte[]> state = new HashMap<>();
        lastCaptured.clear();
        for (final RemoteWriter writer : writers)
        {
            final long seq = writer.lastSeq();
            lastCaptured.put(writer.id(), seq);
            state.put(writer.id(), ByteBuffer.allocate(8).putLong(seq).array());
        }
        return state;
    }

    /** The sequence numbers the last {@link #capture} stored; hand them to {@link #checkpointWritten} once that checkpoint is on disk. */
    public Map<String, Long> lastCaptured()
    {
        return Map.copyOf(lastCaptured);
    }

    @Override
    public void restore(final Map<String, byte[]> saved)
    {
        restored = new HashMap<>();
        saved.forEach((id, bytes) ->
        {
            if (bytes.length == 8)
            {
                restored.put(id, ByteBuffer.wrap(bytes).getLong());
            }
        });
    }

    /** Any thread: the checkpoint holding {@code captured} is on disk; its records may be sent. */
    public void checkpointWritten(final Map<String, Long> captured)
    {
        for (final RemoteWriter writer : writers)
        {
            final Long seq = captured.get(writer.id());
            if (seq != null)
            {
                writer.durable(seq);
            }
        }
    }

    // ---- observability ----

    @Override
    public void writeTo(final MetricWriter writer, final AggregateSnapshot snapshot)
    {
        if (writers.isEmpty())
        {
            return;
        }
        final long now = System.currentTimeMillis();
        writer.family("hotpath_remote_write_samples_sent", MetricType.COUNTER, "Samples (series points) the endpoint acknowledged.");
        for (final RemoteWriter w : writers)
        {
            writer.sample("_total", labels.get(w), null, null, null, null, w.sentSamples.get());
        }
        writer.family("hotpath_remote_write_bytes_sent", MetricType.COUNTER, "Request bytes (snappy) the endpoint acknowledged.");
        for (final RemoteWriter w : writers)
        {
            writer.sample("_total", labels.get(w), null, null, null, null, w.sentBytes.get());
        }
        writer.family("hotpath_remote_write_requests_failed", MetricType.COUNTER,
            "Requests that failed (connection error, 5xx, 429) and are retried with back-off.");
        for (final RemoteWriter w : writers)
        {
            writer.sample("_total", labels.get(w), null, null, null, null, w.failedRequests.get());
        }
        writer.family("hotpath_remote_write_samples_dropped", MetricType.COUNTER,
            "Samples not delivered: rejected by the endpoint (4xx), dropped from a full backlog, or not written to it.");
        for (final RemoteWriter w : writers)
        {
            writer.sample("_total", labels.get(w), "reason", "rejected", null, null, w.droppedRejectedSamples.get());
            writer.sample("_total", labels.get(w), "reason", "backlog_full", null, null, w.droppedBacklogSamples());
            writer.sample("_total", labels.get(w), "reason", "backlog_write", null, null, w.encodeFailures.get());
        }
        writer.family("hotpath_remote_write_pending_requests", MetricType.GAUGE, "Requests in the backlog not yet acknowledged.");
        for (final RemoteWriter w : writers)
        {
            writer.sample("", labels.get(w), null, null, null, null, w.pendingRecords());
        }
        writer.family("hotpath_remote_write_backlog_bytes", MetricType.GAUGE, "Bytes of the on-disk backlog.");
        for (final RemoteWriter w : writers)
        {
            writer.sample("", labels.get(w), null, null, null, null, w.backlogBytes());
        }
        writer.family("hotpath_remote_write_lag_seconds", MetricType.GAUGE,
            "Age of the oldest rotation not yet acknowledged (0 when caught up).");
        for (final RemoteWriter w : writers)
        {
            writer.sample("", labels.get(w), null, null, null, null, w.lagSeconds(now));
        }
    }

    /** The {@code remoteWrite} section of {@code /health}. */
    public List<Map<String, Object>> health()
    {
        final long now = System.currentTimeMillis();
        final List<Map<String, Object>> list = new ArrayList<>();
        for (final RemoteWriter w : writers)
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("url", w.url());
            entry.put("state", w.lastError.isEmpty() ? (w.pendingRecords() > 0 ? "catching_up" : "ok") : "retrying");
            if (!w.lastError.isEmpty())
            {
                entry.put("lastError", w.lastError);
            }
            entry.put("samplesSent", w.sentSamples.get());
            entry.put("bytesSent", w.sentBytes.get());
            entry.put("requestsFailed", w.failedRequests.get());
            entry.put("samplesDropped", w.droppedRejectedSamples.get() + w.droppedBacklogSamples() + w.encodeFailures.get());
            entry.put("pendingRequests", w.pendingRecords());
            entry.put("backlogBytes", w.backlogBytes());
            entry.put("lagSeconds", w.lagSeconds(now));
            list.add(entry);
        }
        return list;
    }

    @Override
    public void close()
    {
        for (final RemoteWriter writer : writers)
        {
            writer.close();
        }
    }
}
