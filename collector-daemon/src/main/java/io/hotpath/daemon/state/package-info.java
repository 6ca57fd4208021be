/**
 * Durable state: one atomic checkpoint of queue positions together with the cumulative counters
 * they produced ({@link io.hotpath.daemon.state.Checkpoints}, {@link io.hotpath.daemon.state.CheckpointStore}).
 */
package io.hotpath.daemon.state;
