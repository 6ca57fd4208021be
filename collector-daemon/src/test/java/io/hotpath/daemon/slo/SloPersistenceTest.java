package io.hotpath.daemon.slo;

import io.hotpath.daemon.config.syntax.ConfigException;
import static io.hotpath.daemon.slo.SloEngineTest.feedSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import java.util.Set;

/**
 * A restart must not reset the error budget: the counters go into the daemon's checkpoint
 * ({@link SloEngine#captureState}) and come back from it ({@link SloEngine#restoreState}).
 */
class SloPersistenceTest
{
    private static final String SLO = """
        slos:
          - name: p2p
            sli: {success: {metric: p2p_propagate}}
            target: 0.99
            window: 30d
        """;

    private static SloEngine open(final String yaml) throws ConfigException
    {
        return new SloEngine(SloFile.parse(yaml, "slo.yaml"));
    }

    /** A new engine for {@code yaml} restored from {@code states}, as the daemon does after a restart. */
    private static SloEngine restart(final String yaml, final Map<String, byte[]> states) throws ConfigException
    {
        final SloEngine engine = open(yaml);
        engine.restoreState(states);
        return engine;
    }

    @Test
    void aRestartContinuesTheSameBudget() throws Exception
    {
        final SloEngine first = open(SLO);
        // 90 minutes at 2 % errors: burn 2 over every window.
        feedSuccess(first, "p2p_propagate", 0, 90 * 60, 100, 2);
        first.rotationComplete();
        final SloStatus before = first.statuses().get(0);
        final Map<String, byte[]> states = first.captureState();
        assertEquals(Set.of("p2p"), states.keySet());
        assertEquals(2.0, before.budgetConsumed(), 1e-9);

        // Restarted 2 hours later: the 1 h window is empty, the 30 d budget is what it was.
        final SloEngine second = restart(SLO, states);
        final SloStatus restored = second.statuses().get(0);
        assertEquals(before.goodEvents(), restored.goodEvents());
        assertEquals(before.badEvents(), restored.badEvents());
        assertEquals(before.window(Duration.ofDays(30)).total(), restored.window(Duration.ofDays(30)).total(), 0.0);
        assertEquals(2.0, restored.budgetConsumed(), 1e-9);

        final long restartSecond = 90 * 60 + 2 * 3600;
        feedSuccess(second, "p2p_propagate", restartSecond, 30 * 60, 100, 0);
        second.rotationComplete();
        final SloStatus after = second.statuses().get(0);
        assertEquals(0.0, after.window(Duration.ofHours(1)).burnRate(), 0.0, "the last hour is clean");
        // 30 d: 540 000 calls at 2 % + 180 000 clean -> 10 800 / 720 000 = 0.015, consumed 1.5.
        assertEquals(720_000, after.window(Duration.ofDays(30)).total(), 0.0);
        assertEquals(1.5, after.budgetConsumed(), 1e-9);
        assertEquals(10_800, after.badEvents());
        assertEquals(before.window(Duration.ofDays(30)).good() + 180_000, after.window(Duration.ofDays(30)).good(), 0.0);
    }

    @Test
    void corruptSavedCountersStartTheSloAfresh() throws Exception
    {
        final SloEngine first = open(SLO);
        feedSuccess(first, "p2p_propagate", 0, 120, 10, 1);
        final byte[] bytes = first.captureState().get("p2p");
        bytes[SloStateDescriptor.HEADER_LENGTH + 3] ^= 0x40;
        assertEquals(0, restart(SLO, Map.of("p2p", bytes)).statuses().get(0).badEvents());
        assertEquals(0, restart(SLO, Map.of("p2p", new byte[] { 1, 2, 3 })).statuses().get(0).badEvents());
    }

    @Test
    void aChangedSliStartsANewBudgetButAChangedTargetKeepsTheEvents() throws Exception
    {
        final SloEngine first = open(SLO);
        feedSuccess(first, "p2p_propagate", 0, 120, 10, 1);
        first.rotationComplete();
        final Map<String, byte[]> states = first.captureState();
        final SloEngine retargeted = restart(SLO.replace("0.99", "0.95"), states);
        assertEquals(120, retargeted.statuses().get(0).badEvents(), "same events, new target");
        assertEquals(0.1 / 0.05, retargeted.statuses().get(0).budgetConsumed(), 1e-9);
        assertEquals(0, restart(SLO.replace("p2p_propagate", "p2p_connect"), states).statuses().get(0).badEvents());
        assertEquals(0, restart(SLO, Map.of("other-slo", states.get("p2p"))).statuses().get(0).badEvents(),
            "a state under another name is not this SLO's");
    }

    @Test
    void aShorterWindowKeepsTheMostRecentHours() throws Exception
    {
        final SloEngine first = open(SLO);
        // 10 hours at 1 error per second.
        feedSuccess(first, "p2p_propagate", 0, 10 * 3600, 10, 1);
        first.rotationComplete();
        final String weekly = SLO.replace("window: 30d", "window: 7d")
            + "    burn_rate_alerts: [{severity: page, long_window: 1h, short_window: 5m, factor: 14.4}]\n";
        final SloStatus status = restart(weekly, first.captureState()).statuses().get(0);
        assertEquals(10 * 3600 * 10, status.window(Duration.ofDays(7)).total(), 0.0);
    }

    /** Golden bytes pin the version 1 layout: changing it breaks this test on purpose. */
    @Test
    void version1LayoutMatchesTheGoldenFile() throws Exception
    {
        final SloCounters counters = new SloCounters(2, 3);
        counters.add(28_000_000L, 7, 9);
        counters.add(28_000_001L, 1, 1);
        final SloStateCodec.State state = new SloStateCodec.State(0x0123456789ABCDEFL, counters, 28_000_001L, 5, 6);
        final byte[] encoded = SloStateCodec.encode(state);
        final String golden = Files.readString(Path.of("src/test/resources/slo/state-v1.hex")).replaceAll("\\s", "");
        assertEquals(golden, HexFormat.of().formatHex(encoded));

        final SloStateCodec.State decoded = SloStateCodec.decode(HexFormat.of().parseHex(golden), 3);
        assertEquals(0x0123456789ABCDEFL, decoded.fingerprint());
        assertEquals(28_000_001L, decoded.counters().headMinute());
        assertEquals(8, decoded.counters().goodEvents());
        assertEquals(2, decoded.counters().badEvents());
        assertEquals(6, decoded.sliceTotalCalls());
        assertEquals(10, decoded.counters().window(28_000_001L, 2)[1], 0.0);
    }
}
