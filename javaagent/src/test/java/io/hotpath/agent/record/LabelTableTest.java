package io.hotpath.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link LabelTable}: indexes given once per value and none lost when several threads see a new value
 * at the same instant (each value's first sight raced by every thread, many times over).
 */
class LabelTableTest
{
    enum Peer
    {
        A, B, C, D
    }

    private static final int THREADS = 4;
    private static final int TRIALS = 5_000;

    @Test
    void valuesGetTheirIndexesInOrderAndFoldOnceAllAreTaken()
    {
        final LabelTable table = new LabelTable(3, null);
        assertEquals(0, table.indexOf("a"));
        assertEquals(1, table.indexOf(Peer.B));
        assertEquals(1, table.indexOf("B"), "an enum and its name share one index");
        assertEquals(0, table.indexOf(new String("a")));
        assertEquals(2, table.indexOf(null));
        assertEquals("null", table.value(2));
        assertTrue(table.isFull());
        assertEquals(3, table.indexOf("d"));
        assertEquals(3, table.indexOf(Peer.C));
        assertEquals(LabelTable.OTHER, table.value(table.otherIndex()));
        assertEquals(3, table.size());
        assertEquals(List.of("a", "B", "null"), List.of(table.value(0), table.value(1), table.value(2)));

        final LabelTable allowed = new LabelTable(4, List.of("x"));
        assertEquals(4, allowed.indexOf("y"));
        assertEquals(0, allowed.indexOf("x"));
        assertEquals(1, allowed.size());
    }

    /**
     * All threads meet each new value at once: every value gets one index, the first {@code max}
     * values take indexes 0 … max − 1 between them (none wasted on a thread that lost a race), so none
     * of them folds, and the next value does. Strings (equal, not the same object) and enums.
     */
    @Test
    void threadsSeeingANewValueAtOnceAgreeOnOneIndexAndWasteNone() throws Exception
    {
        final int max = 4;
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS); // as many threads as the barrier waits for
        try
        {
            for (int trial = 0; trial < TRIALS; trial++)
            {
                final LabelTable table = new LabelTable(max, null);
                final boolean enums = trial % 2 == 1;
                final CyclicBarrier start = new CyclicBarrier(THREADS);
                final Callable<int[]> firstSights = () ->
                {
                    final int[] indexes = new int[max];
                    start.await();
                    for (int v = 0; v < max; v++)
                    {
                        indexes[v] = table.indexOf(enums ? Peer.values()[v] : new String("peer-" + v));
                    }
                    return indexes;
                };
                final List<Future<int[]>> results = pool.invokeAll(Collections.nCopies(THREADS, firstSights));
                final int[][] seen = new int[THREADS][];
                for (int t = 0; t < THREADS; t++)
                {
                    seen[t] = results.get(t).get();
                }
                check(table, enums, trial, seen);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void check(final LabelTable table, final boolean enums, final int trial, final int[][] seen)
    {
        final int max = seen[0].length;
        final Set<Integer> indexes = new HashSet<>();
        for (int v = 0; v < max; v++)
        {
            for (int t = 1; t < THREADS; t++)
            {
                assertEquals(seen[0][v], seen[t][v], "trial " + trial + ": threads disagree on value " + v + ": " +
                    Arrays.deepToString(seen));
            }
            indexes.add(seen[0][v]);
            assertEquals(enums ? Peer.values()[v].name() : "peer-" + v, table.value(seen[0][v]), "trial " + trial);
        }
        assertEquals(Set.of(0, 1, 2, 3), indexes, "trial " + trial + ": an index lost to a race " + Arrays.deepToString(seen));
        assertEquals(max, table.size());
        assertTrue(table.isFull());
        assertEquals(max, table.indexOf("one-more"), "the next value folds");
    }
}
