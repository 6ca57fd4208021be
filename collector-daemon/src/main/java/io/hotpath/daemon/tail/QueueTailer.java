package io.hotpath.daemon.tail;

import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.ErrorTypes;
import io.hotpath.daemon.aggregate.Series;
import io.hotpath.daemon.aggregate.SeriesKey;
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
import io.hotpath.wire.SpoolLayoutDescriptor;
import io.hotpath.wire.UnsupportedFormatException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.List;

/**
 * Tails one agent queue: takes each document's bytes from {@link QueueReader} (cycle files read
 * directly, damage stepped over), decodes the wire records in it and feeds samples to the
 * {@link Aggregator}, validating stream semantics on the way:
 * <ul>
 *   <li>the first document must hold the QUEUE_HEADER, else the queue is refused (logged, counted
 *       {@code missing_header}; another format: {@code bad_magic} / {@code unsupported_version});</li>
 *   <li>a sample must name a series and error type the queue defined before; otherwise it is
 *       counted {@code undeclared_series} / {@code undeclared_error_type}, skipped and counted lost;</li>
 *   <li>a malformed record is counted under the decoder's reason and the rest of its document is
 *       skipped, its samples counted as lost.</li>
 * </ul>
 * Each reason is logged once per queue, with the queue directory and cycle file.
 *
 * <p>Fault isolation: any failure reading this queue (permission, I/O, anything unexpected)
 * quarantines it alone ({@link Quarantine}: reason, logged once, retried when its files change);
 * nothing but a VirtualMachineError other than InternalError leaves this class.
 *
 * <p>Accounting: per queue, samples counted and lost, and at each AGENT_STATS record the agent's
 * samples written beside them; damage met since the agent's previous record lets the difference be
 * counted as lost rather than left unexplained.
 *
 * <p>Position: {@link QueueCheckpoint#lastIndex} is the index of the last document read, recorded
 * before it is processed. A document counts all or nothing: its samples are staged while it decodes
 * and handed to the aggregator only afterwards, so a failure half-way never leaves part of it
 * counted, and it is never read twice.
 *
 * <p>Per-sample path: an array lookup for the series, one for the error type, then
 * {@link Aggregator#record}: no allocation.
 *
 * <p>Not thread-safe: owned by the aggregation thread.
 *
 * <p>Over 400 lines because the record callbacks, the all-or-nothing document processing and the
 * quarantine boundary share one document's state; the other jobs are in their own classes: position
 * and cycle gaps ({@link QueueReader}), definitions ({@link QueueIds}), staged samples
 * ({@link StagedSamples}), AGENT_STATS accounting ({@link AgentStatsAccount}), agent liveness
 * ({@link AgentLiveness}), faults ({@link Quarantine}).
 */
public final class QueueTailer implements RecordHandler, AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(QueueTailer.class.getName());
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    static final String CLOSED_MARKER = SpoolLayoutDescriptor.CLOSED_MARKER;

    private final Path directory;
    private final QueueCheckpoint state;
    private final Aggregator aggregator;
    private final IngestCounters counters;
    private final RecordDecoder decoder = new RecordDecoder();
    private final Set<String> loggedReasons = new HashSet<>();

    private final QueueIds ids = new QueueIds();
    /** A document's samples, staged while it decodes and counted only once it decoded: all or nothing. */
    private final StagedSamples staged = new StagedSamples();

    private final QueueReader reader;
    private final Quarantine quarantine;
    private boolean inHeaderDocument;
    private long currentIndex = -1;
    private long lastSampleEpochNanos;
    private long lastReadEpochMillis;
    private final AgentStatsAccount statsAccount;
    private long damageEvents;
    private boolean rollCycleChecked;
    private final AgentLiveness liveness;
    private final UpkeepSchedule upkeep;

    public QueueTailer(final Path directory, final QueueCheckpoint state, final Aggregator aggregator, final IngestCounters counters)
    {
        this.directory = directory;
        this.state = state;
        this.aggregator = aggregator;
        this.counters = counters;
        this.reader = new QueueReader(directory, state, counters);
        this.quarantine = new Quarantine(directory, counters);
        this.statsAccount = new AgentStatsAccount(state);
        this.liveness = new AgentLiveness(directory, state);
        this.upkeep = new UpkeepSchedule(directory);
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
        return state.rejectedReason != null ? state.rejectedReason : quarantine.reason();
    }

    public boolean isActive()
    {
        return state.rejectedReason == null && !quarantine.active() && !state.finished;
    }

    public boolean caughtUp()
    {
        return reader.caughtUp();
    }

    /** tailing, quarantined, finished or refused. */
    public String stateName()
    {
        return state.rejectedReason != null ? "refused" : quarantine.active() ? "quarantined" : state.finished ? "finished" : "tailing";
    }

    /** What went wrong, for /health: the quarantine's detail, or null. */
    public String problemDetail()
    {
        return quarantine.detail();
    }

    /** Seconds between now and the end time of the newest sample read, 0 when caught up. */
    public double lagSeconds(final long nowEpochMillis)
    {
        if (reader.caughtUp() || lastSampleEpochNanos == 0)
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
        return statsAccount.latest();
    }

    private void restoreDefinitions()
    {
        for (final Map.Entry<Integer, String> entry : state.errorTypeIds.entrySet())
        {
            ids.putErrorType(entry.getKey(), aggregator.errorTypes().intern(entry.getValue()));
        }
    }

    /** Re-binds a checkpointed series id (called by the spool when restoring). */
    void restoreSeriesId(final int seriesId, final Series series)
    {
        ids.putSeries(seriesId, series);
    }

    /**
     * Opens the cycle file of the position (counting a gap when the agent's size cap deleted it);
     * cheap and bounded: one directory listing and one file open, no mapping. {@link #poll} opens
     * it too when needed.
     */
    public void open()
    {
        if (!isActive() || refusedForItsRollCycle())
        {
            return;
        }
        try
        {
            reader.open();
        }
        catch (final Throwable t)
        {
            quarantine(t, "opening its cycle file failed");
        }
    }

    /**
     * On open and per spool scan until the queue's first cycle file is seen: a queue written in
     * another roll cycle than the spool layout's (an agent whose {@code hotpath.spool.rollCycle} was
     * changed, which older agents allowed) is refused with a reason rather than read as empty or
     * with misplaced indexes.
     */
    private boolean refusedForItsRollCycle()
    {
        if (rollCycleChecked)
        {
            return false;
        }
        final String foreign = reader.cycleFiles().foreign(directory);
        if (foreign != null)
        {
            counters.reject(IngestCounters.ROLL_CYCLE);
            state.rejectedReason = IngestCounters.ROLL_CYCLE;
            LOG.severe("queue " + name() + ": cycle file " + foreign + " is not named for the " + SpoolLayoutDescriptor.ROLL_CYCLE +
                " roll cycle the spool layout fixes (an agent with hotpath.spool.rollCycle changed?); queue refused, not read");
            return true;
        }
        rollCycleChecked = !reader.cycleFiles().list(directory).isEmpty();
        return false;
    }

    /** Queue directories hotpathd's user cannot list are quarantined before a tailer would read them. */
    void quarantineUnreadable(final Throwable cause)
    {
        quarantine.enter(cause, "cannot list the queue directory");
    }

    /**
     * Once per spool scan: {@link #checkForDeletedCycles} and {@link #finishIfDone}, when
     * {@link UpkeepSchedule} finds them due (the queue busy, its files changed unread, or 10 s passed).
     */
    public void upkeep(final long nowEpochMillis)
    {
        if (!isActive())
        {
            upkeep.dueAtNextScan();
            return;
        }
        if (upkeep.due(nowEpochMillis, reader.busy(), reader.currentFile(), state.lastIndex))
        {
            checkForDeletedCycles();
            finishIfDone();
        }
    }

    /**
     * At an upkeep: re-reads the cycle files present (gaps: cycle files the agent's size cap
     * deleted unread) and whether the writer is gone, which tells damage from a write in progress.
     */
    public void checkForDeletedCycles()
    {
        if (!isActive() || refusedForItsRollCycle())
        {
            return;
        }
        try
        {
            reader.refresh(agentGone());
        }
        catch (final Throwable t)
        {
            quarantine(t, "listing its cycle files failed");
        }
    }

    /**
     * Cycle files entirely before the one holding {@code durableIndex} (a position already in a
     * checkpoint on disk): read and counted for good, so retention may delete them while the agent
     * still writes the queue. Empty while the queue is quarantined.
     */
    public List<Path> cycleFilesReadBefore(final long durableIndex)
    {
        if (quarantine.active())
        {
            return List.of();
        }
        return reader.cycleFilesReadBefore(durableIndex);
    }

    /**
     * Reads up to {@code maxDocuments} documents.
     *
     * @return documents read; 0 when there was nothing new (or the queue is not active).
     */
    public int poll(final int maxDocuments, final long nowEpochMillis)
    {
        if (!isActive())
        {
            return 0;
        }
        int documents = 0;
        try
        {
            while (documents < maxDocuments && reader.next())
            {
                final long index = reader.index();
                currentIndex = index;
                state.documentsRead++;
                documents++;
                processDocument(reader.document(), reader.documentLength(), index);
                if (!isActive())
                {
                    break;
                }
            }
        }
        catch (final Throwable t)
        {
            // A document counts all or nothing and its position is recorded before it is processed:
            // whatever failed, nothing is counted twice when the queue is retried.
            quarantine(t, "reading failed after document 0x" + Long.toHexString(state.lastIndex));
        }
        if (documents > 0)
        {
            lastReadEpochMillis = nowEpochMillis;
            quarantine.healthy();
        }
        return documents;
    }

    /**
     * The boundary of one queue: any failure stops this queue only (quarantined with its reason,
     * retried when its files change). A VirtualMachineError other than InternalError (a fault on a
     * mapped file) is the JVM's own trouble and goes up.
     */
    private void quarantine(final Throwable t, final String what)
    {
        if (t instanceof VirtualMachineError && !(t instanceof InternalError))
        {
            throw (VirtualMachineError)t;
        }
        staged.clear();
        damageEvents++;
        reader.close();
        quarantine.enter(t, what);
    }

    /**
     * Decodes one document's bytes exactly as if read from the queue, without touching the queue
     * position: for benchmarks and tests of the decode + aggregate path.
     */
    public void ingestDocument(final org.agrona.DirectBuffer buffer, final int length)
    {
        processDocument(buffer, length, -1);
    }

    /** Damage seen (bytes skipped, a malformed or failed document): lets an AGENT_STATS record name what it cost. */
    private long damageMark()
    {
        return state.bytesSkipped + damageEvents;
    }

    private void lose(final long samples)
    {
        state.samplesLost += samples;
        counters.lostSamples(samples);
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
        staged.clear();
        int position = 0;
        try
        {
            // Record by record (as decodeAll), knowing where a bad one starts: the samples after it are counted as lost.
            while (position < length)
            {
                position += decoder.decode(buffer, position, length - position, state.queue, this);
                state.recordsRead++;
            }
        }
        catch (final UnsupportedFormatException e)
        {
            counters.reject(e.reason());
            state.rejectedReason = e.reason();
            LOG.severe(where(index) + ": " + e.getMessage() + "; queue refused, not read further");
            staged.clear();
        }
        catch (final MalformedRecordException e)
        {
            // Well-formed records before it count (as a re-read would find them again); the rest is skipped.
            counters.reject(e.reason());
            damageEvents++;
            lose(RecordScan.samplesIn(buffer, position, length - position));
            logOnce(e.reason(), index, "malformed record skipped with the rest of its document: " + e.getMessage());
        }
        catch (final RuntimeException e)
        {
            // Unexpected (a decoder bug, bytes it did not anticipate): the document is skipped whole,
            // none of its samples counted, so it is never half counted (and never counted twice).
            staged.clear();
            lose(RecordScan.samplesIn(buffer, 0, length));
            damageEvents++;
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
        final int n = staged.size();
        lastSampleEpochNanos = staged.commit(aggregator, lastSampleEpochNanos);
        state.samplesCounted += n;
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
        final Series existing = ids.series(id);
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
        ids.putSeries(id, series);
        state.seriesIds.put(id, series.key().key());
    }

    @Override
    public void onErrorTypeDefinition(final ErrorTypeDefinitionDecoder definition)
    {
        final int id = definition.errorTypeId();
        if (ids.errorIndex(id) >= 0)
        {
            return;
        }
        final String name = definition.name();
        ids.putErrorType(id, aggregator.errorTypes().intern(name.isEmpty() ? ErrorTypes.UNKNOWN : name));
        state.errorTypeIds.put(id, name.isEmpty() ? ErrorTypes.UNKNOWN : name);
    }

    @Override
    public void onSample(final SampleDecoder sample)
    {
        final Series series = ids.series(sample.seriesId());
        if (series == null)
        {
            counters.reject(IngestCounters.UNDECLARED_SERIES);
            lose(1);
            logOnce(IngestCounters.UNDECLARED_SERIES, currentIndex, "sample for undeclared series id " + sample.seriesId() + " skipped");
            return;
        }
        final boolean error = sample.isError();
        int errorIndex = 0;
        if (error && sample.errorTypeId() != 0)
        {
            errorIndex = ids.errorIndex(sample.errorTypeId());
            if (errorIndex < 0)
            {
                counters.reject(IngestCounters.UNDECLARED_ERROR_TYPE);
                lose(1);
                logOnce(IngestCounters.UNDECLARED_ERROR_TYPE, currentIndex,
                    "sample with undeclared error type id " + sample.errorTypeId() + " skipped");
                return;
            }
        }
        final boolean traced = sample.isTraced();
        final long end = sample.endEpochNanos();
        // written in a later second than the one it ended in: the writer stalled at the boundary (NOT_STAMPED: never)
        final boolean writtenLate = Math.floorDiv(sample.writtenEpochNanos(), NANOS_PER_SECOND) > Math.floorDiv(end, NANOS_PER_SECOND);
        staged.add(series, end, sample.durationNanos(), error, errorIndex, sample.payloadBytes(), traced,
            traced ? sample.traceIdHigh() : 0, traced ? sample.traceIdLow() : 0, traced ? sample.spanId() : 0, writtenLate);
    }

    @Override
    public void onAgentStats(final AgentStatsDecoder stats)
    {
        final long missing = statsAccount.onStats(stats, state, state.samplesCounted + staged.size(), damageMark());
        if (missing > 0)
        {
            // Damage since the agent's previous record: what it wrote that was neither counted nor
            // counted as lost was in the damaged bytes (whole batches overwritten). Counted as lost.
            lose(missing);
            logOnce("inferred_lost", currentIndex, missing + " samples the agent wrote (by its AGENT_STATS) were in damaged " +
                "bytes; counted as lost (hotpath_daemon_samples_lost_total)");
        }
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
        return state.finished || state.rejectedReason != null || liveness.gone();
    }

    /** True once the agent is gone (closed marker, or its process no longer alive) and everything is read. */
    public boolean finishIfDone()
    {
        if (!isActive())
        {
            return false;
        }
        final boolean agentGone = liveness.gone();
        if (!agentGone)
        {
            return false;
        }
        try
        {
            reader.refresh(true);
        }
        catch (final Throwable t)
        {
            quarantine(t, "listing its cycle files failed");
            return false;
        }
        if (!reader.caughtUp())
        {
            return false;
        }
        // The marker (or death) was observed before this read: if it finds nothing, everything is read.
        final int more = poll(256, System.currentTimeMillis());
        if (more == 0 && reader.caughtUp() && isActive())
        {
            state.finished = true;
            LOG.info("queue " + state.queue + " finished after " + state.documentsRead + " documents");
            close();
            return true;
        }
        return false;
    }

    private void logOnce(final String reason, final long index, final String message)
    {
        if (loggedReasons.add(reason))
        {
            LOG.warning(where(index) + ": " + message + " (reason " + reason + "; further ones in this queue are only counted)");
        }
    }

    /** Retries a quarantined queue once its files changed and its back-off has passed; it resumes at its position. */
    public void retryIfDue(final long nowEpochMillis)
    {
        if (state.rejectedReason == null && !state.finished)
        {
            quarantine.retryIfDue(nowEpochMillis);
        }
    }

    private String where(final long index)
    {
        return reader.where(index);
    }

    @Override
    public void close()
    {
        reader.close();
    }

    /** The latest AGENT_STATS of this queue's agent. */
    public record AgentStatsSnapshot(
        long timestampEpochNanos, long samplesRecorded, long samplesDropped, long samplesDrained, long ringOccupancyBytes,
        long ringCapacityBytes, long drainLagNanos, long adviceErrors, long labelOverflows)
    {
    }
}
