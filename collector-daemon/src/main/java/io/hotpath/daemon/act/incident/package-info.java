/**
 * Incidents: detections grouped ({@link io.hotpath.daemon.act.incident.IncidentBook}), each
 * transition a fsync'd line of {@code state.dir/incidents.jsonl}
 * ({@link io.hotpath.daemon.act.incident.IncidentJournal}) replayed at start.
 */
package io.hotpath.daemon.act.incident;
