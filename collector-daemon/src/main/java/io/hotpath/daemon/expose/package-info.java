/**
 * Step 4: what leaves the daemon over HTTP. {@link io.hotpath.daemon.expose.MetricFamilySource}s
 * write families through a {@link io.hotpath.daemon.expose.MetricWriter} (Prometheus text,
 * OpenMetrics, simpleclient samples), rendered once per rotation by
 * {@link io.hotpath.daemon.expose.MetricsRenderer}; the Netty server
 * ({@link io.hotpath.daemon.expose.HttpServer} / {@link io.hotpath.daemon.expose.HttpServerInitializer} /
 * {@link io.hotpath.daemon.expose.HttpRequestHandler}) serves {@link io.hotpath.daemon.expose.Routes}.
 */
package io.hotpath.daemon.expose;
