/** Optional periodic push of the hotpath families to a Prometheus Pushgateway. */
package io.hotpath.daemon.push;
