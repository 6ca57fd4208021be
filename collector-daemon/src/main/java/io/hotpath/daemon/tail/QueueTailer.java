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
 * after the document; a restart moves the tailer there and skips that one document. A document
 * counts all or nothing: its samples are staged while it decodes and handed to the aggregator only
 * afterwards, so a failure half-way never leaves part of it counted (a retry would count it twice).
 *
 * <p>Cycle files: the agent's size cap may delete the oldest cycle files while hotpathd is behind
 * or down. Chronicle's tailer skips missing cycles; this class counts each unread cycle file that
 * vanished ({@code hotpath_daemon_queue_gaps_total}), and when the checkpointed position itself is
 * gone it goes on with the next cycle file instead of refusing the queue.
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

    // A document's samples, staged while it decodes and counted only once it decoded: all or nothing.
    private Series[] stagedSeries = new Series[256];
    private long[] stagedEnd = new long[256];
    private long[] stagedDuration = new long[256];
    private long[] stagedPayload = new long[256];
    private int[] stagedErrorIndex = new int[256];
    private boolean[] stagedError = new boolean[256];
    private boolean[] stagedTraced = new boolean[256];
    private long[] stagedTraceHigh = new long[256];
    private long[] stagedTraceLow = new long[256];
    private long[] stagedSpan = new long[256];
    private int staged;

    private SingleChronicleQueue queue;
    private CycleFiles cycleFiles;
    /** Cycle files after the one being read, as last listed: one that vanishes was deleted unread. */
    private java.util.NavigableSet<Integer> unreadCycles = new java.util.TreeSet<>();
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
            cycleFiles = new CycleFiles(queue.rollCycle());
            tailer = queue.createTailer();
            if (state.resumeAtCycle >= 0)
            {
                if (!tailer.moveToCycle(state.resumeAtCycle))
                {
                    fail("cannot move to the start of cycle file " + cycleFiles.name(state.resumeAtCycle), null);
                    return;
                }
            }
            else if (state.lastIndex >= 0 && !moveAfterCheckpointedDocument())
            {
                return;
            }
            unreadCycles = unreadCycleFiles();
        }
        catch (final RuntimeException e)
        {
            fail("cannot open the queue", e);
        }
    }

    /**
     * Positions the tailer just after the last counted document. When the cycle file holding it is
     * gone (the agent's size cap deleted it while hotpathd was behind or down), the rest of that
     * cycle is lost: count a gap and go on with the next cycle file present.
     */
    private boolean moveAfterCheckpointedDocument()
    {
        final int cycle = cycleFiles.cycleOf(state.lastIndex);
        if (tailer.moveToIndex(state.lastIndex))
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent() || dc.index() != state.lastIndex)
                {
                    fail("checkpointed document 0x" + Long.toHexString(state.lastIndex) + " is not readable", null);
                    return false;
                }
            }
            return true;
        }
        final java.util.NavigableMap<Integer, Path> files = cycleFiles.list(directory);
        if (files.containsKey(cycle))
        {
            fail("cannot find the checkpointed position 0x" + Long.toHexString(state.lastIndex) + " in cycle file " +
                cycleFiles.name(cycle) + " (truncated?); not reading it again to avoid counting twice", null);
            return false;
        }
        final Map.Entry<Integer, Path> next = files.higherEntry(cycle);
        if (next == null || !tailer.moveToCycle(next.getKey()))
        {
            // Nothing after it yet (the agent never deletes its current cycle, so this is short-lived): retry later.
            fail("cycle file " + cycleFiles.name(cycle) + " of the checkpointed position is gone and no later one is readable yet",
                null);
            return false;
        }
        counters.queueGap();
        LOG.warning("queue " + directory + ": cycle file " + cycleFiles.name(cycle) + " holding the last counted document 0x" +
            Long.toHexString(state.lastIndex) + " was deleted before it was read to its end (the agent's hotpath.spool.maxBytes " +
            "cap: hotpathd was behind or down); its remaining samples are lost (the agent counts them as dropped). " +
            "Going on with " + next.getValue().getFileName());
        // Documents of the next cycle are all new: nothing to skip, also after a restart before one is read.
        state.resumeAtCycle = next.getKey();
        return true;
    }

    /** Cycle files after the one holding the last counted document (all of them before the first). */
    private java.util.NavigableSet<Integer> unreadCycleFiles()
    {
        final java.util.NavigableSet<Integer> cycles = cycleFiles.list(directory).navigableKeySet();
        return new java.util.TreeSet<>(cycles.tailSet(readCycle(), false));
    }

    /** The cycle of the last counted document (cycles after it are unread); MIN_VALUE before the first. */
    private int readCycle()
    {
        if (state.resumeAtCycle >= 0)
        {
            return state.resumeAtCycle - 1;
        }
        return state.lastIndex < 0 ? Integer.MIN_VALUE : cycleFiles.cycleOf(state.lastIndex);
    }

    /**
     * Counts a gap for every cycle file that was present after the read position at the last check
     * and has vanished before the tailer reached it: the agent's size cap deleted it unread. Called
     * at each spool scan; Chronicle's tailer itself skips missing cycles.
     */
    public void checkForDeletedCycles()
    {
        if (tailer == null || !isActive())
        {
            return;
        }
        final java.util.NavigableSet<Integer> now = unreadCycleFiles();
        final int readCycle = readCycle();
        for (final int cycle : unreadCycles)
        {
            if (cycle > readCycle && !now.contains(cycle))
            {
                counters.queueGap();
                LOG.warning("queue " + directory + ": cycle file " + cycleFiles.name(cycle) + " was deleted before it was read " +
                    "(the agent's hotpath.spool.maxBytes cap: hotpathd is behind); its samples are lost (the agent counts " +
                    "them as dropped)");
            }
        }
        unreadCycles = now;
    }

    /**
     * Cycle files entirely before the one holding {@code durableIndex} (a position already in a
     * checkpoint on disk): read and counted for good, so retention may delete them while the agent
     * still writes the queue. Empty while the queue is not open.
     */
    public java.util.List<Path> cycleFilesReadBefore(final long durableIndex)
    {
        if (cycleFiles == null || durableIndex < 0)
        {
            return java.util.List.of();
        }
        return new java.util.ArrayList<>(cycleFiles.list(directory).headMap(cycleFiles.cycleOf(durableIndex), false).values());
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
        while (documents < maxDocuments)
        {
            final long index;
            final int length;
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    caughtUp = true;
                    break;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                length = (int)bytes.readRemaining();
                if (length > documentBytes.length)
                {
                    documentBytes = new byte[Math.max(length, documentBytes.length * 2)];
                }
                bytes.read(documentBytes, 0, length);
                index = dc.index();
            }
            catch (final RuntimeException e)
            {
                // Nothing of this document was counted: retrying from the last counted one is safe.
                counters.reject(IngestCounters.CORRUPT_QUEUE);
                fail("reading failed after document 0x" + Long.toHexString(state.lastIndex), e);
                break;
            }
            documentBuffer.wrap(documentBytes, 0, length);
            currentIndex = index;
            processDocument(documentBuffer, length, index);
            state.lastIndex = index;
            state.resumeAtCycle = -1;
            state.documentsRead++;
            documents++;
            caughtUp = false;
            if (!isActive())
            {
                break;
            }
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
        staged = 0;
        try
        {
            state.recordsRead += decoder.decodeAll(buffer, 0, length, state.queue, this);
        }
        catch (final UnsupportedFormatException e)
        {
            counters.reject(e.reason());
            state.rejectedReason = e.reason();
            LOG.severe(where(index) + ": " + e.getMessage() + "; queue refused, not read further");
            staged = 0;
        }
        catch (final MalformedRecordException e)
        {
            // Well-formed records before it count (as a re-read would find them again); the rest is skipped.
            counters.reject(e.reason());
            logOnce(e.reason(), index, "malformed record skipped with the rest of its document: " + e.getMessage());
        }
        catch (final RuntimeException e)
        {
            // Unexpected (a decoder bug, bytes it did not anticipate): the document is skipped whole,
            // none of its samples counted, so it is never half counted (and never counted twice).
            staged = 0;
            counters.reject(IngestCounters.PROCESSING_ERROR);
            if (loggedReasons.add(IngestCounters.PROCESSING_ERROR))
            {
                LOG.log(Level.WARNING, where(index) + ": processing the document failed; skipped whole, none of its samples " +
                    "counted (reason " + IngestCounters.PROCESSING_ERROR + "; further ones in this queue are only counted)", e);
            }
        }
        commitStaged();
    }

    /**
     * Counts the staged samples. Cannot fail on validated input; if it still throws (a bug), the
     * exception goes up and stops the aggregation thread, and the daemon restarts from its last
     * checkpoint — a document is never left half counted.
     */
    private void commitStaged()
    {
        final Aggregator aggregator = this.aggregator;
        for (int i = 0, n = staged; i < n; i++)
        {
            final long end = stagedEnd[i];
            aggregator.record(stagedSeries[i], end, stagedDuration[i], stagedError[i], stagedErrorIndex[i], stagedPayload[i],
                stagedTraced[i], stagedTraceHigh[i], stagedTraceLow[i], stagedSpan[i]);
            if (end > lastSampleEpochNanos)
            {
                lastSampleEpochNanos = end;
            }
            stagedSeries[i] = null;
        }
        staged = 0;
    }

    private void growStaging()
    {
        final int size = stagedSeries.length * 2;
        stagedSeries = java.util.Arrays.copyOf(stagedSeries, size);
        stagedEnd = java.util.Arrays.copyOf(stagedEnd, size);
        stagedDuration = java.util.Arrays.copyOf(stagedDuration, size);
        stagedPayload = java.util.Arrays.copyOf(stagedPayload, size);
        stagedErrorIndex = java.util.Arrays.copyOf(stagedErrorIndex, size);
        stagedError = java.util.Arrays.copyOf(stagedError, size);
        stagedTraced = java.util.Arrays.copyOf(stagedTraced, size);
        stagedTraceHigh = java.util.Arrays.copyOf(stagedTraceHigh, size);
        stagedTraceLow = java.util.Arrays.copyOf(stagedTraceLow, size);
        stagedSpan = java.util.Arrays.copyOf(stagedSpan, size);
    }

    @Override
    public void onQueueHeader(final QueueHeaderDecoder header)
    {
        if (!inHeaderDocument || state.headerSeen)
        {
            if (state.headerSeen && header.pid() == state.pid && header.jvmStartEpochMillis() == state.jvmStartEpochMillis &&
                header.serviceName().equals(state.service))
            {
                // The same JVM restating its header (e.g. at the start of a cycle file): nothing to do.
                return;
            }
            counters.reject(MalformedRecordException.BAD_VALUE);
            logOnce("duplicate_header", currentIndex, "QUEUE_HEADER of another JVM after the first document ignored");
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
        if (staged == stagedSeries.length)
        {
            growStaging();
        }
        final int i = staged++;
        stagedSeries[i] = series;
        stagedEnd[i] = sample.endEpochNanos();
        stagedDuration[i] = sample.durationNanos();
        stagedError[i] = error;
        stagedErrorIndex[i] = errorIndex;
        stagedPayload[i] = sample.payloadBytes();
        final boolean traced = sample.isTraced();
        stagedTraced[i] = traced;
        stagedTraceHigh[i] = traced ? sample.traceIdHigh() : 0;
        stagedTraceLow[i] = traced ? sample.traceIdLow() : 0;
        stagedSpan[i] = traced ? sample.spanId() : 0;
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

    /**
     * Whether the JVM that writes this queue has exited (queue finished or rejected, closed marker
     * present, or its process gone), whether or not everything is read yet. One stat (and a process
     * lookup) per call: meant for once a second.
     */
    public boolean agentGone()
    {
        return state.finished || state.rejectedReason != null || Files.exists(directory.resolve(CLOSED_MARKER)) || !processAlive();
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
        if (cycleFiles == null || index < 0)
        {
            return "queue " + directory;
        }
        return "queue " + directory + " file " + cycleFiles.name(cycleFiles.cycleOf(index)) + " index 0x" + Long.toHexString(index);
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
        cycleFiles = null;
    }

    /** The latest AGENT_STATS of this queue's agent. */
    public record AgentStatsSnapshot(
        long timestampEpochNanos, long samplesRecorded, long samplesDropped, long samplesDrained, long ringOccupancyBytes,
        long ringCapacityBytes, long drainLagNanos, long adviceErrors, long labelOverflows)
    {
    }
}
