/**
 * From detection to action: {@code aggregate → detect → act → expose}.
 *
 * <p>Incident sources ({@link io.hotpath.daemon.act.incident.AnomalyIncidentSource},
 * {@link io.hotpath.daemon.act.incident.SloIncidentSource}) turn detections into
 * {@link io.hotpath.daemon.act.incident.SourceEvent}s; {@link io.hotpath.daemon.act.ActEngine}
 * owns everything after that on its own thread: the incidents and their journal-backed timelines
 * ({@code incident}), the Alertmanager posts ({@code alert}) and the remediation actions with their
 * guardrails ({@code action}). {@link io.hotpath.daemon.act.ActRoutes} serves
 * {@code /api/incidents}, {@link io.hotpath.daemon.act.IncidentsCommand} is
 * {@code hotpathd incidents}. To feed incidents from another detector (e.g. its own grouping),
 * write one adapter to {@code SourceEvent} and hand it {@code ActEngine.sink()}.
 */
package io.hotpath.daemon.act;
