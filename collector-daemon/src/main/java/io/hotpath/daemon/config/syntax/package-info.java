/**
 * What every hotpathd configuration file shares, below the sections that use it: the daemon's entry to
 * the YAML node reader with file:line positions it shares with the agent
 * ({@link io.hotpath.daemon.config.syntax.YamlFiles} over {@link io.hotpath.wire.config.YamlNode}), the same YAML as a
 * Jackson tree for the files bound onto config classes ({@link io.hotpath.daemon.config.syntax.YamlTree}), old key
 * spellings accepted with a warning ({@link io.hotpath.daemon.config.syntax.KeySpelling}), the
 * http(s) URL check ({@link io.hotpath.daemon.config.syntax.Urls}), the setters' value checks
 * ({@link io.hotpath.daemon.config.syntax.Checks}) and the error they raise
 * ({@link io.hotpath.daemon.config.syntax.ConfigException}). It depends on nothing of the daemon, so
 * the section packages (act, detect, slo, expose) and {@code config}, which assembles them, form no cycle.
 */
package io.hotpath.daemon.config.syntax;
