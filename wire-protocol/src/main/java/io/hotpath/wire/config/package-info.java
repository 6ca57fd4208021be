/**
 * What the agent's and the daemon's configurations share: the one grammar of durations
 * ({@link io.hotpath.wire.config.Durations}) and sizes ({@link io.hotpath.wire.config.Sizes}), and the
 * base of both sides' configuration exception ({@link io.hotpath.wire.config.ConfigException}: file,
 * line, field, what was expected), and the one YAML reader ({@link io.hotpath.wire.config.YamlNode},
 * on snakeyaml-engine, which the agent shades). Here because this is the one module both sides depend on.
 */
package io.hotpath.wire.config;
