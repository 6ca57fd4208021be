package io.hotpath.daemon.state;

import java.util.Map;
import java.util.TreeMap;

/** Cumulative counters of one series, as Prometheus has seen them; see {@link Checkpoint}. */
public final class SeriesCheckpoint
{
    public String key;
    public String service;
    public String metric;
    public String kind;
    public Map<String, String> labels = new TreeMap<>();
    public long okCalls;
    /** Error calls by error type name. */
    public Map<String, Long> errorCalls = new TreeMap<>();
    public long payloadBytes;
    /** Per-bucket counts, +Inf last, taken with {@link Checkpoint#bucketBoundsNanos}. */
    public long[] bucketCounts;
    public long sumNanos;
    public long lateSamples;
}
