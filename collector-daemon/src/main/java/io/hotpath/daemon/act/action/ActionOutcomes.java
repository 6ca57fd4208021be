package io.hotpath.daemon.act.action;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts of {@code hotpath_actions_total{action,outcome}}: written on the act thread, read by scrapes. */
final class ActionOutcomes
{
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void count(final String action, final String outcome)
    {
        counts.computeIfAbsent(action + "\u0000" + outcome, k -> new AtomicLong()).incrementAndGet();
    }

    /** {@code action + "\0" + outcome} → count, sorted. */
    Map<String, Long> counts()
    {
        final Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((key, count) -> snapshot.put(key, count.get()));
        return snapshot;
    }
}
