package io.hotpath.daemon.tail;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.ErrorTypes;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
import io.hotpath.daemon.state.QueueCheckpoint;
import io.hotpath.wire.AgentStatsDecoder;
import io.hotpath.wire.ErrorTypeDefinitionDecoder;
import io.hotpath.wire.MalformedRecordException;
import io.hotpath.wire.QueueHeaderDecoder;
import io.hotpath.wire.RecordDecoder;
import io.hotpath.wire.RecordHandler;
import io.hotpath.wire.RecordHeaderDescriptor;
import io.hotpath.wire.RecordType;
import io.hotpath.wire.SampleDecoder;
import io.hotpath.wire.SeriesDefinitionDecoder;
import io.hotpath.wire.UnsupportedFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Tails one agent queue: reads each Chronicle document's raw bytes, decodes the wire records in it
 * ({@link RecordDecoder#decodeAll}) and feeds samples to the {@link Aggregator}, validating stream
 * semantics on the way:
 * <ul>
 *   <li>the first document must hold the QUEUE_HEADER, else the queue is refused (logged, counted
 *       {@code missing_header}; another format: {@code bad_magic} / {@code unsupported_version});</li>
 *   <li>a sample must name a series and error type the queue defined before; otherwise it is
 *       counted {@code undeclared_series} / {@code undeclared_error_type} and skipped;</li>
 *   <li>a malformed record is counted under the decoder's reason and the rest of its document is
 *       skipped; a Chronicle failure on a corrupt file stops this queue only
 *       ({@code corrupt_queue}).</li>
 * </ul>
 * Each reason is logged once per queue, with the queue directory and cycle file.
 *
 * <p>Position: {@link QueueCheckpoint#lastIndex} is the index of the last document counted, updated
 * after the document; a restart moves the tailer there and skips that one document.
 *
 * <p>Per-sample path: an array lookup for the series, one for the error type, then
 * {@link Aggregator#record}: no allocation. Documents are copied into one reusable buffer so a
 * document never depends on how Chronicle maps file chunks.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 */
public final class QueueTailer implements RecordHandler, AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(QueueTailer.class.getName());
    /** Ids below this are looked up in arrays; larger (unusual) ids in hash maps. */
    private static final int DIRECT_ID_LIMIT = 1 << 16;
    static final String CLOSED_MARKER = "hotpath.closed";

    private final Path directory;
    private final QueueCheckpoint state;
    private final Aggregator aggregator;
    private final IngestCounters counters;
    private final RecordDecoder decoder = new RecordDecoder();
    private final UnsafeBuffer documentBuffer = new UnsafeBuffer(new byte[0]);
    private byte[] documentBytes = new byte[64 * 1024];
    private final Set<String> loggedReasons = new HashSet<>();

    private Series[] seriesById = new Series[64];
    private final Int2ObjectHashMap<Series> largeSeriesIds = new Int2ObjectHashMap<>();
    /** Global error type index + 1 by queue error type id; 0 = undeclared. */
    private int[] errorIndexById = new int[16];
    private final Int2ObjectHashMap<Integer> largeErrorIds = new Int2ObjectHashMap<>();

    private SingleChronicleQueue queue;
    private ExcerptTailer tailer;
    private String failure;
    private long retryAtMillis;
    /** After a failure the queue is reopened from its last counted document this much later. */
    static final long RETRY_AFTER_MILLIS = 30_000;
    private boolean caughtUp;
    private boolean inHeaderDocument;
    private long currentIndex = -1;
    private long lastSampleEpochNanos;
    private long lastReadEpochMillis;
    private AgentStatsSnapshot agentStats;

    public QueueTailer(final Path directory, final QueueCheckpoint state, final Aggregator aggregator, final IngestCounters counters)
    {
        this.directory = directory;
        this.state = state;
        this.aggregator = aggregator;
        this.counters = counters;
        restoreDefinitions();
    }

    public String name()
    {
        return state.queue;
    }

    public Path directory()
    {
        return directory;
    }

    public QueueCheckpoint state()
    {
        return state;
    }

    /** Why the queue is not read (refused or failed), or null while it is healthy. */
    public String problem()
    {
        return state.rejectedReason != null ? state.rejectedReason : failure;
    }

    public boolean isActive()
    {
        return state.rejectedReason == null && failure == null && !state.finished;
    }

    public boolean caughtUp()
    {
        return caughtUp;
    }

    /** Seconds between now and the end time of the newest sample read, 0 when caught up. */
    public double lagSeconds(final long nowEpochMillis)
    {
        if (caughtUp || lastSampleEpochNanos == 0)
        {
            return 0.0;
        }
        return Math.max(0.0, (nowEpochMillis - lastSampleEpochNanos / 1_000_000L) / 1000.0);
    }

    public long lastReadEpochMillis()
    {
        return lastReadEpochMillis;
    }

    public AgentStatsSnapshot agentStats()
    {
        return agentStats;
    }

    private void restoreDefinitions()
    {
        for (final Map.Entry<Integer, String> entry : state.errorTypeIds.entrySet())
        {
            putErrorType(entry.getKey(), aggregator.errorTypes().intern(entry.getValue()));
        }
    }

    /** Re-binds a checkpointed series id (called by the spool when restoring). */
    void restoreSeriesId(final int seriesId, final Series series)
    {
        putSeries(seriesId, series);
    }

    /** Opens the queue and positions the tailer after the last counted document. */
    public void open()
    {
        if (!isActive() || tailer != null)
        {
            return;
        }
        try
        {
            queue = SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(RollCycles.FAST_HOURLY)
                .readOnly(true)
                .build();
            tailer = queue.createTailer();
            if (state.lastIndex >= 0)
            {
                if (!tailer.moveToIndex(state.lastIndex))
                {
                    fail("cannot find the checkpointed position 0x" + Long.toHexString(state.lastIndex) +
                        " (cycle file " + cycleFile(queue.rollCycle().toCycle(state.lastIndex)) +
                        " deleted or truncated); not reading it again to avoid counting twice", null);
                    return;
                }
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || dc.index() != state.lastIndex)
                    {
                        fail("checkpointed document 0x" + Long.toHexString(state.lastIndex) + " is not readable", null);
                    }
                }
            }
        }
        catch (final RuntimeException e)
        {
            fail("cannot open the queue", e);
        }
    }

    /**
     * Reads up to {@code maxDocuments} documents.
     *
     * @return documents read; 0 when there was nothing new (or the queue is not active).
     */
    public int poll(final int maxDocuments, final long nowEpochMillis)
    {
        if (tailer == null || !isActive())
        {
            return 0;
        }
        int documents = 0;
        try
        {
            while (documents < maxDocuments)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        caughtUp = true;
                        break;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final int length = (int)bytes.readRemaining();
                    if (length > documentBytes.length)
                    {
                        documentBytes = new byte[Math.max(length, documentBytes.length * 2)];
                    }
                    bytes.read(documentBytes, 0, length);
                    documentBuffer.wrap(documentBytes, 0, length);
                    final long index = dc.index();
                    currentIndex = index;
                    processDocument(documentBuffer, length, index);
                    state.lastIndex = index;
                    state.documentsRead++;
                    documents++;
                    caughtUp = false;
                }
                if (!isActive())
                {
                    break;
                }
            }
        }
        catch (final RuntimeException e)
        {
            counters.reject(IngestCounters.CORRUPT_QUEUE);
            fail("reading failed after document 0x" + Long.toHexString(state.lastIndex), e);
        }
        if (documents > 0)
        {
            lastReadEpochMillis = nowEpochMillis;
        }
        return documents;
    }

    /**
     * Decodes one document's bytes exactly as if read from the queue, without touching the queue
     * position: for benchmarks and tests of the decode + aggregate path.
     */
    public void ingestDocument(final org.agrona.DirectBuffer buffer, final int length)
    {
        processDocument(buffer, length, -1);
    }

    private void processDocument(final org.agrona.DirectBuffer buffer, final int length, final long index)
    {
        if (!state.headerSeen)
        {
            final int type = length >= RecordHeaderDescriptor.HEADER_LENGTH ? RecordHeaderDescriptor.type(buffer, 0) : -1;
            if (type != RecordType.QUEUE_HEADER)
            {
                counters.reject(IngestCounters.MISSING_HEADER);
                state.rejectedReason = IngestCounters.MISSING_HEADER;
                LOG.severe(where(index) + ": first document is not a QUEUE_HEADER record (found " +
                    (type < 0 ? length + " bytes" : RecordType.name(type)) + "); queue refused, not read further");
                return;
            }
        }
        inHeaderDocument = !state.headerSeen;
        try
        {
            state.recordsRead += decoder.decodeAll(buffer, 0, length, state.queue, this);
        }
        catch (final UnsupportedFormatException e)
        {
            counters.reject(e.reason());
            state.rejectedReason = e.reason();
            LOG.severe(where(index) + ": " + e.getMessage() + "; queue refused, not read further");
        }
        catch (final MalformedRecordException e)
        {
            counters.reject(e.reason());
            logOnce(e.reason(), index, "malformed record skipped with the rest of its document: " + e.getMessage());
        }
    }

    @Override
    public void onQueueHeader(final QueueHeaderDecoder header)
    {
        if (!inHeaderDocument || state.headerSeen)
        {
            counters.reject(MalformedRecordException.BAD_VALUE);
            logOnce("duplicate_header", currentIndex, "QUEUE_HEADER after the first document ignored");
            return;
        }
        state.headerSeen = true;
        state.service = header.serviceName();
        state.host = header.host();
        state.pid = header.pid();
        state.jvmStartEpochMillis = header.jvmStartEpochMillis();
    }

    @Override
    public void onSeriesDefinition(final SeriesDefinitionDecoder definition)
    {
        final int id = definition.seriesId();
        final Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < definition.labelCount(); i++)
        {
            labels.put(definition.labelKey(i), definition.labelValue(i));
        }
        final SeriesKey key = new SeriesKey(state.service, definition.metricName(), definition.kind().label(), labels);
        final Series existing = seriesFor(id);
        if (existing != null)
        {
            if (!state.seriesIds.get(id).equals(key.key()))
            {
                counters.reject(IngestCounters.REDEFINED_ID);
                logOnce(IngestCounters.REDEFINED_ID, currentIndex, "series id " + id + " redefined as " + key + "; kept " +
                    state.seriesIds.get(id));
            }
            return;
        }
        final Series series = aggregator.registry().resolve(key);
        putSeries(id, series);
        state.seriesIds.put(id, series.key().key());
    }

    @Override
    public void onErrorTypeDefinition(final ErrorTypeDefinitionDecoder definition)
    {
        final int id = definition.errorTypeId();
        if (errorIndexFor(id) >= 0)
        {
            return;
        }
        final String name = definition.name();
        putErrorType(id, aggregator.errorTypes().intern(name.isEmpty() ? ErrorTypes.UNKNOWN : name));
        state.errorTypeIds.put(id, name.isEmpty() ? ErrorTypes.UNKNOWN : name);
    }

    @Override
    public void onSample(final SampleDecoder sample)
    {
        final Series series = seriesFor(sample.seriesId());
        if (series == null)
        {
            counters.reject(IngestCounters.UNDECLARED_SERIES);
            logOnce(IngestCounters.UNDECLARED_SERIES, currentIndex, "sample for undeclared series id " + sample.seriesId() + " skipped");
            return;
        }
        final boolean error = sample.isError();
        int errorIndex = 0;
        if (error && sample.errorTypeId() != 0)
        {
            errorIndex = errorIndexFor(sample.errorTypeId());
            if (errorIndex < 0)
            {
                counters.reject(IngestCounters.UNDECLARED_ERROR_TYPE);
                logOnce(IngestCounters.UNDECLARED_ERROR_TYPE, currentIndex,
                    "sample with undeclared error type id " + sample.errorTypeId() + " skipped");
                return;
            }
        }
        final long end = sample.endEpochNanos();
        aggregator.record(series, end, sample.durationNanos(), error, errorIndex, sample.payloadBytes(),
            sample.isTraced(), sample.traceIdHigh(), sample.traceIdLow(), sample.spanId());
        if (end > lastSampleEpochNanos)
        {
            lastSampleEpochNanos = end;
        }
    }

    @Override
    public void onAgentStats(final AgentStatsDecoder stats)
    {
        agentStats = new AgentStatsSnapshot(
            stats.timestampEpochNanos(), stats.samplesRecorded(), stats.samplesDropped(), stats.samplesDrained(),
            stats.ringOccupancyBytes(), stats.ringCapacityBytes(), stats.drainLagNanos(), stats.adviceErrors(),
            stats.labelOverflows());
    }

    @Override
    public void onUnknownRecord(final int type, final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        counters.reject(IngestCounters.UNKNOWN_TYPE);
        logOnce(IngestCounters.UNKNOWN_TYPE, currentIndex, "record of unknown type " + type + " skipped (newer agent?)");
    }

    /** True once the agent is gone (closed marker, or its process no longer alive) and everything is read. */
    public boolean finishIfDone()
    {
        if (!isActive())
        {
            return false;
        }
        final boolean agentGone = Files.exists(directory.resolve(CLOSED_MARKER)) || !processAlive();
        if (!agentGone)
        {
            return false;
        }
        if (!caughtUp)
        {
            return false;
        }
        // The marker (or death) was observed before this read: if it finds nothing, everything is read.
        final int more = poll(256, System.currentTimeMillis());
        if (more == 0 && caughtUp && isActive())
        {
            state.finished = true;
            LOG.info("queue " + state.queue + " finished after " + state.documentsRead + " documents");
            close();
            return true;
        }
        return false;
    }

    private boolean processAlive()
    {
        final long pid = state.headerSeen ? state.pid : parsedPid();
        if (pid <= 0)
        {
            return true;
        }
        final java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        // A reused pid belongs to a process that started well after the JVM that wrote this queue.
        final long jvmStart = state.headerSeen ? state.jvmStartEpochMillis : 0;
        final java.util.Optional<Instant> started = handle.get().info().startInstant();
        return jvmStart == 0 || started.isEmpty() || started.get().toEpochMilli() <= jvmStart + 60_000;
    }

    private long parsedPid()
    {
        final QueueName name = QueueName.parse(state.queue);
        return name == null ? -1 : name.pid();
    }

    private Series seriesFor(final int id)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            return id < seriesById.length ? seriesById[id] : null;
        }
        return largeSeriesIds.get(id);
    }

    private void putSeries(final int id, final Series series)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            if (id >= seriesById.length)
            {
                seriesById = java.util.Arrays.copyOf(seriesById, Math.max(id + 1, seriesById.length * 2));
            }
            seriesById[id] = series;
        }
        else
        {
            largeSeriesIds.put(id, series);
        }
    }

    private int errorIndexFor(final int id)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            return id < errorIndexById.length ? errorIndexById[id] - 1 : -1;
        }
        final Integer index = largeErrorIds.get(id);
        return index == null ? -1 : index;
    }

    private void putErrorType(final int id, final int globalIndex)
    {
        if (id >= 0 && id < DIRECT_ID_LIMIT)
        {
            if (id >= errorIndexById.length)
            {
                errorIndexById = java.util.Arrays.copyOf(errorIndexById, Math.max(id + 1, errorIndexById.length * 2));
            }
            errorIndexById[id] = globalIndex + 1;
        }
        else
        {
            largeErrorIds.put(id, Integer.valueOf(globalIndex));
        }
    }

    private void logOnce(final String reason, final long index, final String message)
    {
        if (loggedReasons.add(reason))
        {
            LOG.warning(where(index) + ": " + message + " (reason " + reason + "; further ones in this queue are only counted)");
        }
    }

    private void fail(final String message, final Throwable cause)
    {
        if (loggedReasons.add("failure:" + message))
        {
            LOG.log(Level.SEVERE, "queue " + directory + ": " + message + "; the daemon goes on and retries this queue every " +
                RETRY_AFTER_MILLIS / 1000 + " s from its last counted document (logged once)", cause);
        }
        failure = message;
        retryAtMillis = System.currentTimeMillis() + RETRY_AFTER_MILLIS;
        close();
    }

    /** Reopens a failed queue once its retry time has come; it resumes after the last counted document. */
    public void retryIfDue(final long nowEpochMillis)
    {
        if (failure != null && nowEpochMillis >= retryAtMillis && state.rejectedReason == null && !state.finished)
        {
            failure = null;
            open();
        }
    }

    private String where(final long index)
    {
        if (queue == null || index < 0)
        {
            return "queue " + directory;
        }
        return "queue " + directory + " file " + cycleFile(queue.rollCycle().toCycle(index)) + " index 0x" + Long.toHexString(index);
    }

    private String cycleFile(final int cycle)
    {
        final long millis = (long)cycle * queue.rollCycle().lengthInMillis();
        return DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(millis)) +
            SingleChronicleQueue.SUFFIX;
    }

    @Override
    public void close()
    {
        if (queue != null)
        {
            try
            {
                queue.close();
            }
            catch (final RuntimeException e)
            {
                LOG.log(Level.FINE, "closing " + directory, e);
            }
        }
        queue = null;
        tailer = null;
    }

    /** The latest AGENT_STATS of this queue's agent. */
    public record AgentStatsSnapshot(
        long timestampEpochNanos, long samplesRecorded, long samplesDropped, long samplesDrained, long ringOccupancyBytes,
        long ringCapacityBytes, long drainLagNanos, long adviceErrors, long labelOverflows)
    {
    }
}
