/**
 * Step 4b, beside {@code expose}: every rotation's series (native histograms, call counters,
 * quantile gauges) sent to Remote-Write 1.0 endpoints ({@link io.hotpath.daemon.remotewrite.RemoteWrite}),
 * through an on-disk backlog tied to the checkpoint so that receiver outages and crashes lose
 * nothing and count nothing twice.
 */
package io.hotpath.daemon.remotewrite;
