/**
 * What the agent's and the daemon's configurations share: the one grammar of durations
 * ({@link io.hotpath.wire.config.Durations}) and sizes ({@link io.hotpath.wire.config.Sizes}), and the
 * base of both sides' configuration exception ({@link io.hotpath.wire.config.ConfigException}: file,
 * line, field, what was expected). Here because this is the one module both sides depend on; no
 * dependency of its own.
 */
package io.hotpath.wire.config;
