package io.hotpath.agent.config;

import io.hotpath.agent.TextFiles;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.wire.MetricKind;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Parses rules YAML into {@link RuleDefinition}s. Works on the composed node tree (not on plain
 * maps) so that every error names the file, the line and column, the field path and what was
 * expected, e.g. {@code rules.yaml:12:7: rules[1].labels.transport.arg: expected a non-negative
 * integer, got 'one'}.
 *
 * <pre>
 * rules:
 *   - type: { name: com.example.TransportManager }      # or name_pattern: "com.example.**Manager",
 *                                                       # or subtype_of: java.nio.channels.SocketChannel
 *     method: { name: sendMessage, parameters: [byte[], com.example.TransportType] }
 *     metric: transport_send
 *     kind: transport                                   # transport | p2p | migration | custom
 *     labels:
 *       component: demo                                 # static label
 *       transport: { arg: 1, max_values: 8 }            # label from an argument
 *     size: { arg: 0 }                                  # or { return: true }
 *     failure_on: false                                 # or null
 *     async: auto                                       # true | false | auto
 *     max_series: 64
 *     status_class: true                                # label status_class (1xx..5xx) from the returned HTTP
 *                                                       # response, 5xx an error; or { error_from: 400 | none }
 * </pre>
 */
public final class RuleConfigParser
{
    private static final Set<String> RESERVED_LABELS = Set.of(
        "service", "metric", "kind", "le", "quantile", "outcome", "error_type", "window", "pid", "signal", "detector");
    private static final Set<String> RULE_KEYS = Set.of(
        "name", "type", "method", "metric", "kind", "labels", "size", "failure_on", "async", "max_series", "status_class");

    private final String sourceName;

    private RuleConfigParser(final String sourceName)
    {
        this.sourceName = sourceName;
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
        return new RuleConfigParser(sourceName).parseDocument(yaml);
    }

    private List<RuleDefinition> parseDocument(final String yaml) throws ConfigException
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
            throw new ConfigException(where(mark) + ": YAML syntax error: " + e.getProblem() +
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
        final MappingNode top = mapping(root.get(), "(top level)", "a mapping with the key 'rules'");
        final List<RuleDefinition> rules = new ArrayList<>();
        for (final NodeTuple tuple : top.getValue())
        {
            final String key = key(tuple, "(top level)");
            if (!key.equals("rules"))
            {
                throw error(tuple.getKeyNode(), key, "unknown key; expected 'rules'");
            }
            final Node value = tuple.getValueNode();
            if (isNull(value))
            {
                continue;
            }
            if (!(value instanceof SequenceNode))
            {
                throw error(value, "rules", "expected a list of rules, got " + describe(value));
            }
            final List<Node> items = ((SequenceNode)value).getValue();
            for (int i = 0; i < items.size(); i++)
            {
                rules.add(parseRule(items.get(i), "rules[" + i + "]"));
            }
        }
        return rules;
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

    private RuleDefinition parseRule(final Node node, final String path) throws ConfigException
    {
        final MappingNode rule = mapping(node, path, "a rule (a mapping with type, method and metric)");
        final Map<String, NodeTuple> fields = fields(rule, path, RULE_KEYS);

        final NodeTuple typeField = require(fields, "type", rule, path);
        String typeName = null;
        String typePattern = null;
        String subtypeOf = null;
        final Node typeNode = typeField.getValueNode();
        if (typeNode instanceof ScalarNode)
        {
            typeName = typeName(typeNode, path + ".type");
        }
        else
        {
            final MappingNode type = mapping(typeNode, path + ".type", "a type name or a mapping with name, name_pattern or subtype_of");
            final Map<String, NodeTuple> typeFields = fields(type, path + ".type", Set.of("name", "name_pattern", "subtype_of"));
            if (typeFields.containsKey("name"))
            {
                typeName = typeName(typeFields.get("name").getValueNode(), path + ".type.name");
                if (typeFields.size() > 1)
                {
                    throw error(type, path + ".type", "'name' matches one type exactly and cannot be combined with name_pattern or subtype_of");
                }
            }
            if (typeFields.containsKey("name_pattern"))
            {
                typePattern = string(typeFields.get("name_pattern").getValueNode(), path + ".type.name_pattern");
                if (!isTypeNameGlob(typePattern))
                {
                    throw error(typeFields.get("name_pattern").getValueNode(), path + ".type.name_pattern",
                        "expected a glob over a type name (letters, digits, '.', '*', '**', '?'), got '" + typePattern + "'");
                }
            }
            if (typeFields.containsKey("subtype_of"))
            {
                subtypeOf = typeName(typeFields.get("subtype_of").getValueNode(), path + ".type.subtype_of");
            }
            if (typeName == null && typePattern == null && subtypeOf == null)
            {
                throw error(type, path + ".type", "expected one of name, name_pattern, subtype_of");
            }
        }

        final NodeTuple methodField = require(fields, "method", rule, path);
        final String methodName;
        List<String> parameterTypes = null;
        final Node methodNode = methodField.getValueNode();
        if (methodNode instanceof ScalarNode)
        {
            methodName = identifier(methodNode, path + ".method", "a method name");
        }
        else
        {
            final MappingNode method = mapping(methodNode, path + ".method", "a method name or a mapping with name and parameters");
            final Map<String, NodeTuple> methodFields = fields(method, path + ".method", Set.of("name", "parameters"));
            methodName = identifier(require(methodFields, "name", method, path + ".method").getValueNode(),
                path + ".method.name", "a method name");
            if (methodFields.containsKey("parameters"))
            {
                final Node params = methodFields.get("parameters").getValueNode();
                if (!(params instanceof SequenceNode))
                {
                    throw error(params, path + ".method.parameters", "expected a list of parameter type names, got " + describe(params));
                }
                parameterTypes = new ArrayList<>();
                final List<Node> items = ((SequenceNode)params).getValue();
                for (int i = 0; i < items.size(); i++)
                {
                    parameterTypes.add(typeName(items.get(i), path + ".method.parameters[" + i + "]"));
                }
                parameterTypes = List.copyOf(parameterTypes);
            }
        }

        final String metric = identifier(require(fields, "metric", rule, path).getValueNode(), path + ".metric",
            "a metric name matching [a-zA-Z_][a-zA-Z0-9_]*");

        MetricKind kind = MetricKind.CUSTOM;
        if (fields.containsKey("kind"))
        {
            final Node kindNode = fields.get("kind").getValueNode();
            final String kindName = string(kindNode, path + ".kind");
            kind = MetricKind.fromLabel(kindName);
            if (kind == null)
            {
                throw error(kindNode, path + ".kind", "expected one of transport, p2p, migration, custom, got '" + kindName + "'");
            }
        }

        final Map<String, String> staticLabels = new TreeMap<>();
        final List<RuleDefinition.LabelArgument> labelArguments = new ArrayList<>();
        if (fields.containsKey("labels") && !isNull(fields.get("labels").getValueNode()))
        {
            final MappingNode labels = mapping(fields.get("labels").getValueNode(), path + ".labels",
                "a mapping of label names to values or to {arg: N}");
            for (final NodeTuple label : labels.getValue())
            {
                final String name = key(label, path + ".labels");
                final String labelPath = path + ".labels." + name;
                if (!isIdentifier(name))
                {
                    throw error(label.getKeyNode(), labelPath, "expected a label name matching [a-zA-Z_][a-zA-Z0-9_]*");
                }
                if (RESERVED_LABELS.contains(name))
                {
                    throw error(label.getKeyNode(), labelPath, "'" + name + "' is reserved by hotpath; choose another label name");
                }
                final Node value = label.getValueNode();
                if (value instanceof ScalarNode && !isNull(value))
                {
                    staticLabels.put(name, ((ScalarNode)value).getValue());
                }
                else
                {
                    labelArguments.add(parseLabelArgument(name, value, labelPath));
                }
            }
            if (labelArguments.size() > RuleDefinition.MAX_LABEL_ARGUMENTS)
            {
                throw error(labels, path + ".labels",
                    "at most " + RuleDefinition.MAX_LABEL_ARGUMENTS + " labels may come from arguments, got " + labelArguments.size());
            }
        }

        int sizeArgument = -1;
        boolean sizeFromReturn = false;
        if (fields.containsKey("size") && !isNull(fields.get("size").getValueNode()))
        {
            final Node sizeNode = fields.get("size").getValueNode();
            if (sizeNode instanceof ScalarNode && "return".equals(((ScalarNode)sizeNode).getValue()))
            {
                sizeFromReturn = true;
            }
            else
            {
                final MappingNode size = mapping(sizeNode, path + ".size", "{arg: N} or {return: true}");
                final Map<String, NodeTuple> sizeFields = fields(size, path + ".size", Set.of("arg", "return"));
                if (sizeFields.containsKey("arg") == sizeFields.containsKey("return"))
                {
                    throw error(size, path + ".size", "expected exactly one of arg and return");
                }
                if (sizeFields.containsKey("arg"))
                {
                    sizeArgument = nonNegativeInt(sizeFields.get("arg").getValueNode(), path + ".size.arg");
                }
                else
                {
                    sizeFromReturn = bool(sizeFields.get("return").getValueNode(), path + ".size.return");
                }
            }
        }

        int failureOn = HotpathBridge.FAILURE_ON_NOTHING;
        if (fields.containsKey("failure_on"))
        {
            final Node failureNode = fields.get("failure_on").getValueNode();
            if (isNull(failureNode))
            {
                failureOn = HotpathBridge.FAILURE_ON_NULL;
            }
            else if (failureNode instanceof ScalarNode && Tag.BOOL.equals(failureNode.getTag()) &&
                !Boolean.parseBoolean(((ScalarNode)failureNode).getValue()))
            {
                failureOn = HotpathBridge.FAILURE_ON_FALSE;
            }
            else
            {
                throw error(failureNode, path + ".failure_on", "expected false or null, got " + describe(failureNode));
            }
        }

        Boolean async = null;
        if (fields.containsKey("async"))
        {
            final Node asyncNode = fields.get("async").getValueNode();
            if (!(asyncNode instanceof ScalarNode && "auto".equals(((ScalarNode)asyncNode).getValue())))
            {
                async = bool(asyncNode, path + ".async");
            }
        }

        int maxSeries = RuleDefinition.DEFAULT_MAX_SERIES;
        if (fields.containsKey("max_series"))
        {
            maxSeries = nonNegativeInt(fields.get("max_series").getValueNode(), path + ".max_series");
            if (maxSeries < 1 || maxSeries > 65536)
            {
                throw error(fields.get("max_series").getValueNode(), path + ".max_series", "expected 1..65536, got " + maxSeries);
            }
        }

        int httpStatus = RuleDefinition.NO_HTTP_STATUS;
        if (fields.containsKey("status_class") && !isNull(fields.get("status_class").getValueNode()))
        {
            httpStatus = parseStatusClass(fields.get("status_class").getValueNode(), path + ".status_class");
            if (staticLabels.containsKey("status_class") || labelArguments.stream().anyMatch(l -> l.name().equals("status_class")))
            {
                throw error(fields.get("status_class").getValueNode(), path + ".status_class",
                    "the rule already has a label named status_class; remove one of them");
            }
        }

        return new RuleDefinition(
            where(rule.getStartMark()), typeName, typePattern, subtypeOf, methodName, parameterTypes, metric, kind,
            Collections.unmodifiableMap(staticLabels), List.copyOf(labelArguments), sizeArgument, sizeFromReturn, failureOn,
            async, maxSeries, httpStatus);
    }

    /** {@code true}, {@code false}, or {@code {error_from: N | none}}: see {@link RuleDefinition#httpStatus}. */
    private int parseStatusClass(final Node node, final String path) throws ConfigException
    {
        if (node instanceof ScalarNode)
        {
            return bool(node, path) ? RuleDefinition.DEFAULT_HTTP_ERROR_FROM : RuleDefinition.NO_HTTP_STATUS;
        }
        final MappingNode spec = mapping(node, path, "true, false or {error_from: N}");
        final Map<String, NodeTuple> fields = fields(spec, path, Set.of("error_from"));
        if (!fields.containsKey("error_from"))
        {
            return RuleDefinition.DEFAULT_HTTP_ERROR_FROM;
        }
        final Node from = fields.get("error_from").getValueNode();
        if (isNull(from) || (from instanceof ScalarNode && "none".equals(((ScalarNode)from).getValue())))
        {
            return 0;
        }
        final int value = nonNegativeInt(from, path + ".error_from");
        if (value < 100 || value > 599)
        {
            throw error(from, path + ".error_from", "expected an HTTP status 100..599 (or none), got " + value);
        }
        return value;
    }

    private RuleDefinition.LabelArgument parseLabelArgument(final String name, final Node value, final String path)
        throws ConfigException
    {
        final MappingNode spec = mapping(value, path, "a static value or {arg: N, max_values: M, allowed: [..]}");
        final Map<String, NodeTuple> fields = fields(spec, path, Set.of("arg", "max_values", "allowed"));
        final int argument = nonNegativeInt(require(fields, "arg", spec, path).getValueNode(), path + ".arg");
        int maxValues = RuleDefinition.DEFAULT_MAX_VALUES;
        if (fields.containsKey("max_values"))
        {
            maxValues = nonNegativeInt(fields.get("max_values").getValueNode(), path + ".max_values");
            if (maxValues < 1 || maxValues > RuleDefinition.LIMIT_MAX_VALUES)
            {
                throw error(fields.get("max_values").getValueNode(), path + ".max_values",
                    "expected 1.." + RuleDefinition.LIMIT_MAX_VALUES + ", got " + maxValues);
            }
        }
        List<String> allowed = null;
        if (fields.containsKey("allowed"))
        {
            final Node allowedNode = fields.get("allowed").getValueNode();
            if (!(allowedNode instanceof SequenceNode))
            {
                throw error(allowedNode, path + ".allowed", "expected a list of label values, got " + describe(allowedNode));
            }
            allowed = new ArrayList<>();
            final List<Node> items = ((SequenceNode)allowedNode).getValue();
            for (int i = 0; i < items.size(); i++)
            {
                allowed.add(string(items.get(i), path + ".allowed[" + i + "]"));
            }
            allowed = List.copyOf(allowed);
        }
        return new RuleDefinition.LabelArgument(name, argument, maxValues, allowed);
    }

    private Map<String, NodeTuple> fields(final MappingNode node, final String path, final Set<String> allowed)
        throws ConfigException
    {
        final Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (final NodeTuple tuple : node.getValue())
        {
            final String key = key(tuple, path);
            if (!allowed.contains(key))
            {
                throw error(tuple.getKeyNode(), path + "." + key, "unknown field; expected one of " + new TreeSet<>(allowed));
            }
            fields.put(key, tuple);
        }
        return fields;
    }

    private NodeTuple require(final Map<String, NodeTuple> fields, final String key, final Node parent, final String path)
        throws ConfigException
    {
        final NodeTuple tuple = fields.get(key);
        if (tuple == null)
        {
            throw error(parent, path + "." + key, "missing required field");
        }
        return tuple;
    }

    private String key(final NodeTuple tuple, final String path) throws ConfigException
    {
        final Node key = tuple.getKeyNode();
        if (!(key instanceof ScalarNode))
        {
            throw error(key, path, "expected a plain key, got " + describe(key));
        }
        return ((ScalarNode)key).getValue();
    }

    private MappingNode mapping(final Node node, final String path, final String expected) throws ConfigException
    {
        if (!(node instanceof MappingNode))
        {
            throw error(node, path, "expected " + expected + ", got " + describe(node));
        }
        return (MappingNode)node;
    }

    private String string(final Node node, final String path) throws ConfigException
    {
        if (!(node instanceof ScalarNode) || isNull(node) || ((ScalarNode)node).getValue().isBlank())
        {
            throw error(node, path, "expected a non-empty string, got " + describe(node));
        }
        return ((ScalarNode)node).getValue().trim();
    }

    private String identifier(final Node node, final String path, final String expected) throws ConfigException
    {
        final String value = string(node, path);
        if (!isIdentifier(value))
        {
            throw error(node, path, "expected " + expected + ", got '" + value + "'");
        }
        return value;
    }

    // Character checks instead of regular expressions: compiling the patterns (\\p{L} classes) at
    // start-up costs the agent milliseconds in a cold JVM for what a loop over the characters does.

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*} */
    static boolean isIdentifier(final String value)
    {
        if (value.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            final boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9'))
            {
                return false;
            }
        }
        return true;
    }

    /** {@code [\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*(\[])*} */
    static boolean isTypeName(final String value)
    {
        int end = value.length();
        while (end >= 2 && value.charAt(end - 2) == '[' && value.charAt(end - 1) == ']')
        {
            end -= 2;
        }
        boolean segmentStart = true;
        for (int i = 0; i < end; )
        {
            final int c = value.codePointAt(i);
            if (c == '.')
            {
                if (segmentStart)
                {
                    return false;
                }
                segmentStart = true;
            }
            else if (Character.isLetter(c) || c == '_' || c == '$' || (!segmentStart && isNumber(c)))
            {
                segmentStart = false;
            }
            else
            {
                return false;
            }
            i += Character.charCount(c);
        }
        return !segmentStart;
    }

    /** {@code [\p{L}\p{N}_$.*?\[\]]+} */
    static boolean isTypeNameGlob(final String value)
    {
        if (value.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < value.length(); )
        {
            final int c = value.codePointAt(i);
            if (!(Character.isLetter(c) || isNumber(c) || c == '_' || c == '$' || c == '.' || c == '*' || c == '?' ||
                c == '[' || c == ']'))
            {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /** {@code \p{N}}: decimal digit, letter and other numbers. */
    private static boolean isNumber(final int codePoint)
    {
        final int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    private String typeName(final Node node, final String path) throws ConfigException
    {
        final String value = string(node, path);
        if (!isTypeName(value))
        {
            throw error(node, path, "expected a fully qualified type name (e.g. java.lang.String or byte[]), got '" + value + "'");
        }
        return value;
    }

    private int nonNegativeInt(final Node node, final String path) throws ConfigException
    {
        if (node instanceof ScalarNode && Tag.INT.equals(node.getTag()))
        {
            try
            {
                final int value = Integer.parseInt(((ScalarNode)node).getValue());
                if (value >= 0)
                {
                    return value;
                }
            }
            catch (final NumberFormatException ignore)
            {
                // reported below
            }
        }
        throw error(node, path, "expected a non-negative integer, got " + describe(node));
    }

    private boolean bool(final Node node, final String path) throws ConfigException
    {
        if (node instanceof ScalarNode && Tag.BOOL.equals(node.getTag()))
        {
            return Boolean.parseBoolean(((ScalarNode)node).getValue());
        }
        throw error(node, path, "expected true or false, got " + describe(node));
    }

    private static boolean isNull(final Node node)
    {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(final Node node)
    {
        if (node instanceof MappingNode)
        {
            return "a mapping";
        }
        if (node instanceof SequenceNode)
        {
            return "a list";
        }
        if (isNull(node))
        {
            return "nothing (null)";
        }
        return "'" + ((ScalarNode)node).getValue() + "'";
    }

    private ConfigException error(final Node node, final String path, final String message)
    {
        final Optional<Mark> mark = node.getStartMark();
        return mark.isEmpty() ? new ConfigException(sourceName, 0, 0, path, message)
            : new ConfigException(sourceName, mark.get().getLine() + 1, mark.get().getColumn() + 1, path, message);
    }

    private String where(final Optional<Mark> mark)
    {
        if (mark.isEmpty())
        {
            return sourceName;
        }
        return sourceName + ":" + (mark.get().getLine() + 1) + ":" + (mark.get().getColumn() + 1);
    }
}
