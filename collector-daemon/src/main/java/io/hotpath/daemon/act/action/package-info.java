/**
 * Remediation: actions from the config ({@link io.hotpath.daemon.act.action.ActionConfig}) bound to
 * incidents by the {@link io.hotpath.daemon.act.action.Remediator}, within the guardrails of
 * {@link io.hotpath.daemon.act.action.ActionGuard}, run by
 * {@link io.hotpath.daemon.act.action.ActionRunner}.
 */
package io.hotpath.daemon.act.action;
