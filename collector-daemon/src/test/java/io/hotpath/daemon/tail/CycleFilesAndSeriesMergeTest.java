package io.hotpath.daemon.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.aggregate.AggregationSettings;
import io.hotpath.daemon.aggregate.Aggregator;
import io.hotpath.daemon.aggregate.SeriesSnapshot;
import io.hotpath.daemon.expose.MetricsRenderer;
import io.hotpath.daemon.expose.SeriesMetricFamilies;
import io.hotpath.daemon.state.Checkpoint;
import io.hotpath.daemon.state.CheckpointStore;
import io.hotpath.daemon.state.Checkpoints;
import io.hotpath.daemon.testkit.TestQueueWriter;
import io.hotpath.wire.MetricKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real Chronicle queues: series with identical identity fold into one (across ids of one queue
 * and across JVMs, and after a restart from the checkpoint); cycle files the agent's size cap
 * deleted are skipped and counted as gaps, never re-counted; retention deletes only cycle files of
 * live queues that a durable checkpoint has passed.
 */
class CycleFilesAndSeriesMergeTest
{
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path spool;

    private final long now = System.currentTimeMillis();
    private final IngestCounters counters = new IngestCounters();

    private static void samples(final TestQueueWriter writer, final int seriesId, final int n, final int errorTypeId)
    {
        final int[] ids = new int[n];
        final long[] ends = new long[n];
        final long[] durations = new long[n];
        final int[] errors = new int[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = seriesId;
            ends[i] = System.currentTimeMillis() * 1_000_000L;
            durations[i] = 2_000_000 + i;
            errors[i] = errorTypeId;
        }
        writer.writeBatch(ids, ends, durations, errors, 10);
    }

    private static QueueTailer open(final Path directory, final QueueCheckpoint state, final Aggregator aggregator,
        final IngestCounters counters)
    {
        final QueueTailer tailer = new QueueTailer(directory, state, aggregator, counters);
        tailer.open();
        return tailer;
    }

    /** Passes until nothing is left: one pass ends after its time budget (20 ms), which a cold first read can use up on a busy machine. */
    private int pollToTheEnd(final SpoolTailers tailers)
    {
        int documents = 0;
        for (int read; (read = tailers.pollAll(100, now)) > 0; )
        {
            documents += read;
        }
        return documents;
    }

    private static QueueCheckpoint fresh(final Path directory)
    {
        final QueueCheckpoint state = new QueueCheckpoint();
        state.queue = directory.getFileName().toString();
        return state;
    }

    @Test
    void identicalSeriesFoldIntoOneAcrossIdsJvmsAndRestarts() throws Exception
    {
        final TestQueueWriter first = new TestQueueWriter(spool, "svc", 101, now, true);
        // Two rules emitting the same metric and labels, in another label order: two ids, one series.
        first.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "app", "demo", "transport", "QUIC");
        first.defineSeries(2, MetricKind.TRANSPORT, "transport_send", "transport", "QUIC", "app", "demo");
        first.defineSeries(3, MetricKind.TRANSPORT, "transport_send", "app", "demo", "transport", "TCP");
        first.defineErrorType(1, "IOException");
        samples(first, 1, 10, 0);
        samples(first, 2, 20, 1);
        samples(first, 3, 5, 0);
        // A second JVM of the same service, other ids.
        final TestQueueWriter second = new TestQueueWriter(spool, "svc", 102, now + 1, true);
        second.defineSeries(7, MetricKind.TRANSPORT, "transport_send", "transport", "QUIC", "app", "demo");
        second.defineErrorType(4, "IOException");
        samples(second, 7, 40, 4);

        Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        SpoolTailers tailers = new SpoolTailers(spool, aggregator, counters, null);
        tailers.scan(now);
        assertEquals(12, pollToTheEnd(tailers), "8 documents of the first queue, 4 of the second");
        assertEquals(2, aggregator.registry().size(), "QUIC (three ids, two JVMs) and TCP");
        aggregator.rotate(aggregator.nextRotationEpochMillis());
        assertEquals(Map.of("ok", 10L, "IOException", 60L), calls(aggregator, "QUIC"));
        final String text = render(aggregator);
        assertEquals(1, count(text, "hotpath_calls_total{service=\"svc\",metric=\"transport_send\",kind=\"transport\",app=\"demo\"," +
            "transport=\"QUIC\",outcome=\"error\",error_type=\"IOException\"} 60\n"), text);

        // Restart from a checkpoint: ids map back to the same series; new samples keep folding.
        final CheckpointStore store = new CheckpointStore(spool.resolve("state"));
        store.prepare();
        store.write(Checkpoints.capture(now, aggregator, tailers, counters));
        tailers.close();
        samples(first, 2, 3, 0);
        samples(second, 7, 4, 0);
        final Checkpoint checkpoint = store.read().orElseThrow();
        aggregator = new Aggregator(AggregationSettings.defaults(), now);
        tailers = new SpoolTailers(spool, aggregator, counters, null);
        Checkpoints.restore(checkpoint, aggregator, tailers, counters);
        tailers.scan(now);
        assertEquals(2, pollToTheEnd(tailers));
        assertEquals(2, aggregator.registry().size());
        aggregator.rotate(aggregator.nextRotationEpochMillis());
        assertEquals(Map.of("ok", 17L, "IOException", 60L), calls(aggregator, "QUIC"));
        tailers.close();
        first.close();
        second.close();
    }

    @Test
    void aDeletedCheckpointedCycleIsAGapNotAStopAndNothingIsCountedTwice() throws Exception
    {
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(now - 10 * HOUR));
        final TestQueueWriter writer = new TestQueueWriter(spool, "svc", 201, now, true, clock);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "QUIC");
        samples(writer, 1, 1, 0);                 // cycle A: header, definition, 1 sample
        clock.advanceMillis(HOUR);
        samples(writer, 1, 10, 0);                // cycle B
        clock.advanceMillis(HOUR);
        samples(writer, 1, 100, 0);               // cycle C
        clock.advanceMillis(HOUR);
        samples(writer, 1, 1000, 0);              // cycle D
        final List<Path> cycles = cycleFiles(writer.directory());
        assertEquals(4, cycles.size(), cycles.toString());

        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final QueueCheckpoint state = fresh(writer.directory());
        QueueTailer tailer = open(writer.directory(), state, aggregator, counters);
        assertEquals(3, tailer.poll(3, now), "cycle A");
        tailer.close();

        // hotpathd down; the agent's cap deletes the two oldest cycles, including the checkpointed position.
        Files.delete(cycles.get(0));
        Files.delete(cycles.get(1));
        final Map<Integer, String> ids = state.seriesIds;
        tailer = open(writer.directory(), state, aggregator, counters);
        assertTrue(tailer.isActive(), "not refused: " + tailer.problem());
        assertEquals(1, counters.queueGaps());
        tailer.close();
        // Restarted again before reading anything: same place, no second gap.
        tailer = new QueueTailer(writer.directory(), state, aggregator, counters);
        tailer.restoreSeriesId(1, aggregator.registry().all().get(0));
        tailer.open();
        assertEquals(1, counters.queueGaps());
        assertEquals(2, tailer.poll(100, now), "cycles C and D");
        assertEquals(ids, state.seriesIds);
        aggregator.rotate(aggregator.nextRotationEpochMillis());
        assertEquals(Map.of("ok", 1101L), calls(aggregator, "QUIC"));
        assertEquals(-1, state.resumeAtCycle);
        tailer.close();
        writer.close();
    }

    @Test
    void anUnreadCycleDeletedWhileTailingIsCountedAndSkipped() throws Exception
    {
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(now - 10 * HOUR));
        final TestQueueWriter writer = new TestQueueWriter(spool, "svc", 301, now, true, clock);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "QUIC");
        samples(writer, 1, 1, 0);
        clock.advanceMillis(HOUR);
        samples(writer, 1, 10, 0);
        clock.advanceMillis(HOUR);
        samples(writer, 1, 100, 0);
        final List<Path> cycles = cycleFiles(writer.directory());

        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final QueueTailer tailer = open(writer.directory(), fresh(writer.directory()), aggregator, counters);
        assertEquals(3, tailer.poll(3, now));
        tailer.checkForDeletedCycles();
        assertEquals(0, counters.queueGaps());
        Files.delete(cycles.get(1));
        tailer.checkForDeletedCycles();
        assertEquals(1, counters.queueGaps());
        tailer.checkForDeletedCycles();
        assertEquals(1, counters.queueGaps(), "counted once");
        assertEquals(1, tailer.poll(100, now));
        aggregator.rotate(aggregator.nextRotationEpochMillis());
        assertEquals(Map.of("ok", 101L), calls(aggregator, "QUIC"));
        tailer.close();
        writer.close();
    }

    @Test
    void retentionDeletesOnlyCycleFilesADurableCheckpointHasPassed() throws Exception
    {
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(now - 10 * HOUR));
        final TestQueueWriter writer = new TestQueueWriter(spool, "svc", ProcessHandle.current().pid(), now, true, clock);
        writer.defineSeries(1, MetricKind.TRANSPORT, "transport_send", "transport", "QUIC");
        for (int cycle = 0; cycle < 4; cycle++)
        {
            samples(writer, 1, 10, 0);
            clock.advanceMillis(HOUR);
        }
        final List<Path> cycles = cycleFiles(writer.directory());
        final Aggregator aggregator = new Aggregator(AggregationSettings.defaults(), now);
        final QueueCheckpoint state = fresh(writer.directory());
        final QueueTailer tailer = open(writer.directory(), state, aggregator, counters);
        assertEquals(6, tailer.poll(100, now), "everything, up to cycle D");
        final long readToTheEnd = state.lastIndex;
        final SpoolRetention bySize = new SpoolRetention(7 * 24 * HOUR, 1);

        // Nothing durable yet: nothing deleted however full the spool.
        bySize.apply(spool, List.of(tailer), now, Map.of());
        assertEquals(4, cycleFiles(writer.directory()).size());
        // The durable checkpoint stands in cycle B (the file on disk lags the tailer): only A may go.
        final long inCycleB = net.openhft.chronicle.queue.RollCycles.FAST_HOURLY.toIndex(
            net.openhft.chronicle.queue.RollCycles.FAST_HOURLY.toCycle(readToTheEnd) - 2, 0);
        bySize.apply(spool, List.of(tailer), now, Map.of(state.queue, inCycleB));
        assertEquals(cycles.subList(1, 4), cycleFiles(writer.directory()));
        // Age cap only: recent files stay even when read.
        new SpoolRetention(7 * 24 * HOUR, Long.MAX_VALUE).apply(spool, List.of(tailer), now, Map.of(state.queue, readToTheEnd));
        assertEquals(3, cycleFiles(writer.directory()).size());
        // Checkpointed in D: A-C may go, D (being written) never.
        bySize.apply(spool, List.of(tailer), now, Map.of(state.queue, readToTheEnd));
        assertEquals(cycles.subList(3, 4), cycleFiles(writer.directory()));
        assertTrue(tailer.isActive());
        samples(writer, 1, 5, 0);
        tailer.checkForDeletedCycles(); // the daemon's spool scan: sees the agent's new cycle file
        assertEquals(1, tailer.poll(100, now), "the live queue goes on");
        assertEquals(0, counters.queueGaps(), "deleting read cycles is no gap");
        tailer.checkForDeletedCycles();
        assertEquals(0, counters.queueGaps());
        tailer.close();
        writer.close();
        assertFalse(Files.exists(cycles.get(0)));
    }

    private static List<Path> cycleFiles(final Path directory) throws Exception
    {
        try (var files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static Map<String, Long> calls(final Aggregator aggregator, final String transport)
    {
        final SeriesSnapshot snapshot = aggregator.latest().series().stream()
            .filter(s -> transport.equals(s.key().ownLabels().get("transport"))).findFirst().orElseThrow();
        final Map<String, Long> calls = new TreeMap<>();
        if (snapshot.okCalls() > 0)
        {
            calls.put("ok", snapshot.okCalls());
        }
        final long[] errors = snapshot.errorCallsByType();
        for (int i = 0; i < errors.length; i++)
        {
            if (errors[i] > 0)
            {
                calls.put(aggregator.latest().errorTypeNames()[i], errors[i]);
            }
        }
        return calls;
    }

    private static String render(final Aggregator aggregator)
    {
        final MetricsRenderer renderer = new MetricsRenderer();
        renderer.addSource(new SeriesMetricFamilies(aggregator.settings().bucketBoundsNanos()));
        renderer.render(aggregator.latest(), System.currentTimeMillis());
        return new String(renderer.latest().prometheusText(), StandardCharsets.UTF_8);
    }

    private static int count(final String text, final String line)
    {
        final Matcher matcher = Pattern.compile(Pattern.quote(line)).matcher(text);
        int n = 0;
        while (matcher.find())
        {
            n++;
        }
        return n;
    }
}
