package io.hotpath.agent.config;

import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.wire.MetricKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built-in rule packs ({@code hotpath.packs}) as Java: their rules without parsing YAML.
 *
 * <p>Why: a service that switches on only packs would otherwise load snakeyaml (about 120 classes
 * through the agent class loader, tens of milliseconds of start-up) for three small fixed files.
 * The YAML files under {@code src/main/resources/io/hotpath/agent/packs/} stay the documented form
 * and the reference: {@code BuiltInPacksTest} checks that each pack here equals what
 * {@link RuleConfigParser} makes of its file, source positions included. Change both together.
 */
public final class BuiltInPacks
{
    /** The pack names, in the order error messages list them. */
    public static final List<String> NAMES = List.of("jdk-httpclient", "nio", "netty");

    private BuiltInPacks()
    {
    }

    /** The rules of pack {@code name}, or {@code null} if there is no such pack. */
    public static List<RuleDefinition> rules(final String name)
    {
        final List<RuleDefinition> rules = new ArrayList<>();
        switch (name)
        {
            case "jdk-httpclient":
            {
                final String facade = "jdk.internal.net.http.HttpClientFacade";
                rules.add(withStatusClass(rule("pack jdk-httpclient:6:5", facade, "send", null, "http_client_request",
                    Map.of("library", "jdk-httpclient", "mode", "sync"), -1, false)));
                rules.add(withStatusClass(rule("pack jdk-httpclient:12:5", facade, "sendAsync", null, "http_client_request",
                    Map.of("library", "jdk-httpclient", "mode", "async"), -1, false)));
                return rules;
            }
            case "nio":
            {
                final String channel = "sun.nio.ch.SocketChannelImpl";
                final Map<String, String> labels = Map.of("library", "jdk-nio");
                rules.add(rule("pack nio:3:5", channel, "write", List.of("java.nio.ByteBuffer"), "nio_socket_write", labels, -1, true));
                rules.add(rule("pack nio:9:5", channel, "read", List.of("java.nio.ByteBuffer"), "nio_socket_read", labels, -1, true));
                rules.add(rule("pack nio:15:5", channel, "connect", List.of("java.net.SocketAddress"), "nio_socket_connect", labels,
                    -1, false));
                return rules;
            }
            case "netty":
            {
                final String channel = "io.netty.channel.Channel";
                final String abstractChannel = "io.netty.channel.AbstractChannel";
                final Map<String, String> labels = Map.of("library", "netty");
                rules.add(rule("pack netty:7:5", channel, "writeAndFlush", null, "netty_write_and_flush", labels, 0, false));
                rules.add(rule("pack netty:13:5", abstractChannel, "writeAndFlush", null, "netty_write_and_flush", labels, 0, false));
                rules.add(rule("pack netty:19:5", channel, "connect", null, "netty_connect", labels, -1, false));
                rules.add(rule("pack netty:24:5", abstractChannel, "connect", null, "netty_connect", labels, -1, false));
                return rules;
            }
            default:
                return null;
        }
    }

    /** {@code status-class: true}: the response's status class as a label, 5xx an error. */
    private static RuleDefinition withStatusClass(final RuleDefinition rule)
    {
        return new RuleDefinition(rule.source(), rule.typeName(), rule.typePattern(), rule.subtypeOf(), rule.methodName(),
            rule.parameterTypes(), rule.metric(), rule.kind(), rule.staticLabels(), rule.labelArguments(), rule.sizeArgument(),
            rule.sizeFromReturn(), rule.failureOn(), rule.async(), rule.maxSeries(), RuleDefinition.DEFAULT_HTTP_ERROR_FROM);
    }

    /** A transport rule on an exact type with static labels only and the parser's defaults otherwise. */
    private static RuleDefinition rule(
        final String source, final String typeName, final String methodName, final List<String> parameterTypes,
        final String metric, final Map<String, String> staticLabels, final int sizeArgument, final boolean sizeFromReturn)
    {
        return new RuleDefinition(source, typeName, null, null, methodName, parameterTypes, metric, MetricKind.TRANSPORT,
            staticLabels, List.of(), sizeArgument, sizeFromReturn, HotpathBridge.FAILURE_ON_NOTHING, null,
            RuleDefinition.DEFAULT_MAX_SERIES);
    }
}
