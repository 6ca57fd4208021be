package io.hotpath.agent.config;

import io.hotpath.agent.TextFiles;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.wire.MetricKind;
import io.hotpath.wire.config.YamlNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses rules YAML into {@link RuleDefinition}s. Works on the composed node tree ({@link YamlNode},
 * not plain maps) so that every error names the file, the line and column, the field path and what
 * was expected, e.g. {@code rules.yaml:12:7: rules[1].labels.transport.arg: expected a non-negative
 * integer, got 'one'}. Keys are kebab-case; the snake_case spellings of earlier releases
 * ({@code max_series}) are read with a warning until the next release.
 *
 * <pre>
 * rules:
 *   - type: { name: com.example.TransportManager }      # or name-pattern: "com.example.**Manager",
 *                                                       # or subtype-of: java.nio.channels.SocketChannel
 *     method: { name: sendMessage, parameters: [byte[], com.example.TransportType] }
 *     metric: transport_send
 *     kind: transport                                   # transport | p2p | migration | custom
 *     labels:
 *       component: demo                                 # static label
 *       transport: { arg: 1, max-values: 8 }            # label from an argument
 *     size: { arg: 0 }                                  # or { return: true }
 *     failure-on: false                                 # or null
 *     async: auto                                       # true | false | auto
 *     max-series: 64
 *     status-class: true                                # label status_class (1xx..5xx) from the returned HTTP
 *                                                       # response, 5xx an error; or { error-from: 400 | none }
 * </pre>
 */
public final class RuleConfigParser
{
    private static final Set<String> RESERVED_LABELS = Set.of(
        "service", "metric", "kind", "le", "quantile", "outcome", "error_type", "window", "pid", "signal", "detector");
    private static final Set<String> RULE_KEYS = Set.of(
        "name", "type", "method", "metric", "kind", "labels", "size", "failure-on", "async", "max-series", "status-class");

    private RuleConfigParser()
    {
    }

    public static List<RuleDefinition> parse(final Path file) throws ConfigException
    {
        final String text;
        try
        {
            text = TextFiles.read(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new ConfigException(file + ": cannot read the rules file: " + e);
        }
        return parse(file.toString(), text);
    }

    public static List<RuleDefinition> parse(final String sourceName, final String yaml) throws ConfigException
    {
        final Optional<Node> root;
        try
        {
            root = new Compose(LoadSettings.builder().setLabel(sourceName).setAllowDuplicateKeys(false).build())
                .composeString(yaml);
        }
        catch (final MarkedYamlEngineException e)
        {
            final Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            throw new ConfigException(where(sourceName, mark) + ": YAML syntax error: " + e.getProblem() +
                (e.getContext() != null ? " (" + e.getContext() + ")" : "") + arrayTypeHint(yaml, mark));
        }
        catch (final YamlEngineException e)
        {
            throw new ConfigException(sourceName + ": YAML error: " + e.getMessage());
        }
        if (root.isEmpty())
        {
            return Collections.emptyList();
        }
        final List<RuleDefinition> rules = new ArrayList<>();
        for (final Map.Entry<String, YamlNode<ConfigException>> entry : YamlNode.root(root.get(), sourceName, ConfigException.YAML)
            .entries("a mapping with the key 'rules'").entrySet())
        {
            if (!entry.getKey().equals("rules"))
            {
                throw entry.getValue().keyError("unknown key; expected 'rules'");
            }
            if (!entry.getValue().isNull())
            {
                for (final YamlNode<ConfigException> rule : entry.getValue().elements("a list of rules"))
                {
                    rules.add(parseRule(rule));
                }
            }
        }
        return rules;
    }

    private static String where(final String sourceName, final Optional<Mark> mark)
    {
        return mark.isEmpty() ? sourceName : sourceName + ":" + (mark.get().getLine() + 1) + ":" + (mark.get().getColumn() + 1);
    }

    /**
     * An array type in a flow list ({@code parameters: [byte[], int]}) is a nested list to YAML and
     * a syntax error: when the offending line (or the one before) has an unquoted {@code []}, say how to write it.
     */
    static String arrayTypeHint(final String yaml, final Optional<Mark> mark)
    {
        if (mark.isEmpty())
        {
            return "";
        }
        final String[] lines = yaml.split("\n", -1);
        final int line = mark.get().getLine();
        for (int i = Math.max(0, line - 1); i <= line && i < lines.length; i++)
        {
            final String text = lines[i];
            final int brackets = text.indexOf("[]");
            if (brackets > 0 && Character.isLetterOrDigit(text.charAt(brackets - 1)) && !quoted(text, brackets))
            {
                int start = brackets;
                while (start > 0 && (Character.isJavaIdentifierPart(text.charAt(start - 1)) || text.charAt(start - 1) == '.'))
                {
                    start--;
                }
                final String type = text.substring(start, brackets + 2);
                return "; array types must be quoted in flow lists, e.g. parameters: [\"" + type + "\"] (line " + (i + 1) + ")";
            }
        }
        return "";
    }

    private static boolean quoted(final String text, final int index)
    {
        int quotes = 0;
        for (int i = 0; i < index; i++)
        {
            if (text.charAt(i) == '"' || text.charAt(i) == '\'')
            {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }

    /** One rule: each field has its own reader below, in the order of the class comment's example. */
    private static RuleDefinition parseRule(final YamlNode<ConfigException> rule) throws ConfigException
    {
        final Map<String, YamlNode<ConfigException>> fields = rule.fields("a rule (a mapping with type, method and metric)", RULE_KEYS);
        final TypeMatch type = parseType(rule.require(fields, "type"));
        final YamlNode<ConfigException> methodNode = rule.require(fields, "method");
        final String methodName;
        List<String> parameterTypes = null;
        if (methodNode.isScalar())
        {
            methodName = NameChecks.identifier(methodNode, "a method name");
        }
        else
        {
            final Map<String, YamlNode<ConfigException>> method = methodNode.fields("a method name or a mapping with name and parameters",
                Set.of("name", "parameters"));
            methodName = NameChecks.identifier(methodNode.require(method, "name"), "a method name");
            if (method.containsKey("parameters"))
            {
                parameterTypes = new ArrayList<>();
                for (final YamlNode<ConfigException> parameter : method.get("parameters").elements("a list of parameter type names"))
                {
                    parameterTypes.add(NameChecks.typeName(parameter));
                }
                parameterTypes = List.copyOf(parameterTypes);
            }
        }
        final String metric = NameChecks.identifier(rule.require(fields, "metric"), "a metric name matching [a-zA-Z_][a-zA-Z0-9_]*");
        final MetricKind kind = fields.containsKey("kind") ? parseKind(fields.get("kind")) : MetricKind.CUSTOM;

        final Map<String, String> staticLabels = new TreeMap<>();
        final List<RuleDefinition.LabelArgument> labelArguments = new ArrayList<>();
        if (fields.containsKey("labels") && !fields.get("labels").isNull())
        {
            parseLabels(fields.get("labels"), staticLabels, labelArguments);
        }
        int sizeArgument = -1;
        boolean sizeFromReturn = false;
        if (fields.containsKey("size") && !fields.get("size").isNull())
        {
            sizeArgument = parseSizeArgument(fields.get("size"));
            sizeFromReturn = sizeArgument == SIZE_FROM_RETURN;
            sizeArgument = sizeFromReturn || sizeArgument == SIZE_NONE ? -1 : sizeArgument;
        }
        final int failureOn = fields.containsKey("failure-on") ? parseFailureOn(fields.get("failure-on"))
            : HotpathBridge.FAILURE_ON_NOTHING;
        Boolean async = null;
        if (fields.containsKey("async") && !"auto".equals(fields.get("async").scalar()))
        {
            async = fields.get("async").bool();
        }
        final int maxSeries = fields.containsKey("max-series") ? fields.get("max-series").intIn(1, 65536)
            : RuleDefinition.DEFAULT_MAX_SERIES;
        int httpStatus = RuleDefinition.NO_HTTP_STATUS;
        if (fields.containsKey("status-class") && !fields.get("status-class").isNull())
        {
            httpStatus = parseStatusClass(fields.get("status-class"));
            if (staticLabels.containsKey("status_class") || labelArguments.stream().anyMatch(l -> l.name().equals("status_class")))
            {
                throw fields.get("status-class").error("the rule already has a label named status_class; remove one of them");
            }
        }
        return new RuleDefinition(
            rule.where(), type.name, type.pattern, type.subtypeOf, methodName, parameterTypes, metric, kind,
            Collections.unmodifiableMap(staticLabels), List.copyOf(labelArguments), sizeArgument, sizeFromReturn, failureOn,
            async, maxSeries, httpStatus);
    }

    /** What {@code type:} matches: one name, a glob over names, and/or the subtypes of a type. */
    private record TypeMatch(String name, String pattern, String subtypeOf)
    {
    }

    private static TypeMatch parseType(final YamlNode<ConfigException> node) throws ConfigException
    {
        if (node.isScalar())
        {
            return new TypeMatch(NameChecks.typeName(node), null, null);
        }
        final Map<String, YamlNode<ConfigException>> type = node.fields("a type name or a mapping with name, name-pattern or subtype-of",
            Set.of("name", "name-pattern", "subtype-of"));
        String name = null;
        String pattern = null;
        String subtypeOf = null;
        if (type.containsKey("name"))
        {
            name = NameChecks.typeName(type.get("name"));
            if (type.size() > 1)
            {
                throw node.error("'name' matches one type exactly and cannot be combined with name-pattern or subtype-of");
            }
        }
        if (type.containsKey("name-pattern"))
        {
            pattern = type.get("name-pattern").string();
            if (!NameChecks.isTypeNameGlob(pattern))
            {
                throw type.get("name-pattern").error(
                    "expected a glob over a type name (letters, digits, '.', '*', '**', '?'), got '" + pattern + "'");
            }
        }
        if (type.containsKey("subtype-of"))
        {
            subtypeOf = NameChecks.typeName(type.get("subtype-of"));
        }
        if (name == null && pattern == null && subtypeOf == null)
        {
            throw node.error("expected one of name, name-pattern, subtype-of");
        }
        return new TypeMatch(name, pattern, subtypeOf);
    }

    private static MetricKind parseKind(final YamlNode<ConfigException> node) throws ConfigException
    {
        final String name = node.string();
        final MetricKind kind = MetricKind.fromLabel(name);
        if (kind == null)
        {
            throw node.error("expected one of transport, p2p, migration, custom, got '" + name + "'");
        }
        return kind;
    }

    /** Static labels ({@code component: demo}) and labels from arguments ({@code transport: {arg: 1}}). */
    private static void parseLabels(final YamlNode<ConfigException> node, final Map<String, String> staticLabels,
        final List<RuleDefinition.LabelArgument> labelArguments) throws ConfigException
    {
        for (final Map.Entry<String, YamlNode<ConfigException>> label : node.entries("a mapping of label names to values or to {arg: N}").entrySet())
        {
            final String name = label.getKey();
            final YamlNode<ConfigException> value = label.getValue();
            if (!NameChecks.isIdentifier(name))
            {
                throw value.keyError("expected a label name matching [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (RESERVED_LABELS.contains(name))
            {
                throw value.keyError("'" + name + "' is reserved by hotpath; choose another label name");
            }
            if (value.isScalar() && !value.isNull())
            {
                staticLabels.put(name, value.scalar());
            }
            else
            {
                labelArguments.add(parseLabelArgument(name, value));
            }
        }
        if (labelArguments.size() > RuleDefinition.MAX_LABEL_ARGUMENTS)
        {
            throw node.error("at most " + RuleDefinition.MAX_LABEL_ARGUMENTS + " labels may come from arguments, got "
                + labelArguments.size());
        }
    }

    private static RuleDefinition.LabelArgument parseLabelArgument(final String name, final YamlNode<ConfigException> node) throws ConfigException
    {
        final Map<String, YamlNode<ConfigException>> fields = node.fields("a static value or {arg: N, max-values: M, allowed: [..]}",
            Set.of("arg", "max-values", "allowed"));
        final int argument = node.require(fields, "arg").nonNegativeInt();
        final int maxValues = fields.containsKey("max-values")
            ? fields.get("max-values").intIn(1, RuleDefinition.LIMIT_MAX_VALUES) : RuleDefinition.DEFAULT_MAX_VALUES;
        List<String> allowed = null;
        if (fields.containsKey("allowed"))
        {
            allowed = new ArrayList<>();
            for (final YamlNode<ConfigException> value : fields.get("allowed").elements("a list of label values"))
            {
                allowed.add(value.string());
            }
            allowed = List.copyOf(allowed);
        }
        return new RuleDefinition.LabelArgument(name, argument, maxValues, allowed);
    }

    private static final int SIZE_FROM_RETURN = -2;
    private static final int SIZE_NONE = -1;

    /** {@code {arg: N}}: N; {@code return} or {@code {return: true}}: {@link #SIZE_FROM_RETURN}; {@code {return: false}}: none. */
    private static int parseSizeArgument(final YamlNode<ConfigException> node) throws ConfigException
    {
        if (node.isScalar() && "return".equals(node.scalar()))
        {
            return SIZE_FROM_RETURN;
        }
        final Map<String, YamlNode<ConfigException>> size = node.fields("{arg: N} or {return: true}", Set.of("arg", "return"));
        if (size.containsKey("arg") == size.containsKey("return"))
        {
            throw node.error("expected exactly one of arg and return");
        }
        if (size.containsKey("arg"))
        {
            return size.get("arg").nonNegativeInt();
        }
        return size.get("return").bool() ? SIZE_FROM_RETURN : SIZE_NONE;
    }

    /** {@code false}: a false return is a failure; {@code null}: a null return is. */
    private static int parseFailureOn(final YamlNode<ConfigException> node) throws ConfigException
    {
        if (node.isNull())
        {
            return HotpathBridge.FAILURE_ON_NULL;
        }
        if (node.isBool() && !Boolean.parseBoolean(node.scalar()))
        {
            return HotpathBridge.FAILURE_ON_FALSE;
        }
        throw node.error("expected false or null, got " + node.describe());
    }

    /** {@code true}, {@code false}, or {@code {error-from: N | none}}: see {@link RuleDefinition#httpStatus}. */
    private static int parseStatusClass(final YamlNode<ConfigException> node) throws ConfigException
    {
        if (node.isScalar())
        {
            return node.bool() ? RuleDefinition.DEFAULT_HTTP_ERROR_FROM : RuleDefinition.NO_HTTP_STATUS;
        }
        final Map<String, YamlNode<ConfigException>> fields = node.fields("true, false or {error-from: N}", Set.of("error-from"));
        if (!fields.containsKey("error-from"))
        {
            return RuleDefinition.DEFAULT_HTTP_ERROR_FROM;
        }
        final YamlNode<ConfigException> from = fields.get("error-from");
        if (from.isNull() || "none".equals(from.scalar()))
        {
            return 0;
        }
        final int value = from.nonNegativeInt();
        if (value < 100 || value > 599)
        {
            throw from.error("expected an HTTP status 100..599 (or none), got " + value);
        }
        return value;
    }
}
