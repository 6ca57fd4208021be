/**
 * {@code hotpathd top}: a terminal view of a running daemon, read over HTTP from the endpoints of
 * {@link io.hotpath.daemon.expose} (the end of the data flow, seen by a person).
 */
package io.hotpath.daemon.top;
