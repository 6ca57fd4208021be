/**
 * What another Java agent hosting hotpath may use of it (the OpenTelemetry Java agent running
 * {@code hotpath-otel-extension.jar}); everything else of the agent is internal and may change.
 * {@code ApiOnlyTest} in {@code otel-extension} fails when the extension names any other agent package.
 *
 * <ul>
 *   <li>{@link io.hotpath.agent.api.BootstrapClasses}: define the bootstrap bridge in the bootstrap loader
 *       (JDK types only: the standalone agent's premain uses it too, from its jar root);</li>
 *   <li>{@link io.hotpath.agent.api.HostedAgent}: the standalone agent's settings, guard, recorder and drain;</li>
 *   <li>{@link io.hotpath.agent.api.HostedRule}: one rule as a Byte Buddy type matcher and transformer.</li>
 * </ul>
 */
package io.hotpath.agent.api;
