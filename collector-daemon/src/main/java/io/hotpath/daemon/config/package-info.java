/** hotpathd's YAML configuration and its error messages (file, line, field, expectation). */
package io.hotpath.daemon.config;
