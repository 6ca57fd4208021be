/**
 * Step 1 of the daemon's data flow: find agent queues in the spool directory
 * ({@link io.hotpath.daemon.tail.SpoolTailers}), tail each with a Chronicle tailer and validate and
 * decode its wire records ({@link io.hotpath.daemon.tail.QueueTailer}), delete finished queues by
 * retention ({@link io.hotpath.daemon.tail.SpoolRetention}). Samples go to
 * {@link io.hotpath.daemon.aggregate}.
 */
package io.hotpath.daemon.tail;
