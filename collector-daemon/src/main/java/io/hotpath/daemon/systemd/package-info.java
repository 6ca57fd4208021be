/**
 * Running under systemd ({@code Type=notify}): {@link io.hotpath.daemon.systemd.SystemdNotifier}
 * speaks {@code sd_notify(3)} over {@code $NOTIFY_SOCKET};
 * {@link io.hotpath.daemon.systemd.SystemdSupervisor} decides when to send readiness, watchdog
 * pings, status lines and the stop notice. The unit file is {@code systemd/hotpathd.service}.
 */
package io.hotpath.daemon.systemd;
