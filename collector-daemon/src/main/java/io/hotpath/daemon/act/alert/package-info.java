/**
 * Incidents as Alertmanager v2 alerts: built and resent by
 * {@link io.hotpath.daemon.act.alert.AlertPublisher}, posted with retries by
 * {@link io.hotpath.daemon.act.alert.AlertmanagerClient}.
 */
package io.hotpath.daemon.act.alert;
