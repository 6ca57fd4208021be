package io.hotpath.agent.config;

import io.hotpath.agent.AgentLog;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a composed YAML document that knows its file, field path and (through snakeyaml-engine's
 * marks) its line and column, so that every reader error says where and what was expected: {@code
 * rules.yaml:12:7: rules[1].labels.transport.arg: expected a non-negative integer, got 'one'}. The
 * agent's counterpart of the daemon's {@code io.hotpath.daemon.config.syntax.YamlNode} (the agent cannot
 * depend on daemon code, and ships snakeyaml-engine shaded).
 *
 * <p>Keys are kebab-case ({@code max-series}); the snake_case spelling of older releases
 * ({@code max_series}) is read too, with one warning per file line, until the next release.
 */
final class YamlNode
{
    private final Node node;
    private final Node key;
    private final String source;
    private final String path;

    private YamlNode(final Node node, final Node key, final String source, final String path)
    {
        this.node = node;
        this.key = key;
        this.source = source;
        this.path = path;
    }

    static YamlNode root(final Node node, final String source)
    {
        return new YamlNode(node, null, source, "");
    }

    String path()
    {
        return path;
    }

    boolean isNull()
    {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    boolean isScalar()
    {
        return node instanceof ScalarNode;
    }

    boolean isBool()
    {
        return node instanceof ScalarNode && Tag.BOOL.equals(node.getTag());
    }

    /** The text of a scalar, else null. */
    String scalar()
    {
        return node instanceof ScalarNode ? ((ScalarNode)node).getValue() : null;
    }

    /** {@code file:line:column} of the node's start. */
    String where()
    {
        return where(node.getStartMark());
    }

    /** An error at this node. */
    ConfigException error(final String problem)
    {
        return error(node, path, problem);
    }

    /** An error at this node's key (where a user looks for a misspelt or unwanted field). */
    ConfigException keyError(final String problem)
    {
        return error(key != null ? key : node, path, problem);
    }

    /** An error about the field {@code field} of this mapping (e.g. a missing one), at the mapping. */
    ConfigException fieldError(final String field, final String problem)
    {
        return error(node, child(field), problem);
    }

    /**
     * The fields of a mapping by their kebab-case name, each one of {@code allowed}; an old snake_case
     * spelling is accepted with a warning.
     */
    Map<String, YamlNode> fields(final String expected, final Set<String> allowed) throws ConfigException
    {
        final Map<String, YamlNode> fields = new LinkedHashMap<>();
        for (final Map.Entry<String, YamlNode> entry : entries(expected).entrySet())
        {
            final String written = entry.getKey();
            final String name = written.replace('_', '-');
            final YamlNode value = entry.getValue();
            if (!allowed.contains(name))
            {
                throw value.keyError("unknown field; expected one of " + new TreeSet<>(allowed));
            }
            if (!name.equals(written))
            {
                AgentLog.warnOnce("snake-key:" + value.keyWhere(), value.keyWhere() + ": " + value.path + ": '" + written
                    + "' is the old spelling of '" + name + "'; snake_case keys are read until the next release");
            }
            if (fields.put(name, value) != null)
            {
                throw value.keyError("'" + name + "' is given twice (once as " + written + ")");
            }
        }
        return fields;
    }

    /** The entries of a mapping as written (label names, not fields: no spelling is changed). */
    Map<String, YamlNode> entries(final String expected) throws ConfigException
    {
        if (!(node instanceof MappingNode))
        {
            throw error("expected " + expected + ", got " + describe());
        }
        final Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (final NodeTuple tuple : ((MappingNode)node).getValue())
        {
            final Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode))
            {
                throw error(keyNode, path, "expected a plain key, got " + new YamlNode(keyNode, null, source, path).describe());
            }
            final String name = ((ScalarNode)keyNode).getValue();
            entries.put(name, new YamlNode(tuple.getValueNode(), keyNode, source, child(name)));
        }
        return entries;
    }

    /** {@code fields.get(name)}, or an error at this mapping when it is missing. */
    YamlNode require(final Map<String, YamlNode> fields, final String name) throws ConfigException
    {
        final YamlNode value = fields.get(name);
        if (value == null)
        {
            throw fieldError(name, "missing required field");
        }
        return value;
    }

    /** The elements of a sequence, with paths {@code path[i]}. */
    List<YamlNode> elements(final String expected) throws ConfigException
    {
        if (!(node instanceof SequenceNode))
        {
            throw error("expected " + expected + ", got " + describe());
        }
        final List<YamlNode> elements = new ArrayList<>();
        final List<Node> items = ((SequenceNode)node).getValue();
        for (int i = 0; i < items.size(); i++)
        {
            elements.add(new YamlNode(items.get(i), null, source, path + "[" + i + "]"));
        }
        return elements;
    }

    /** A non-empty string, trimmed. */
    String string() throws ConfigException
    {
        if (!(node instanceof ScalarNode) || isNull() || ((ScalarNode)node).getValue().isBlank())
        {
            throw error("expected a non-empty string, got " + describe());
        }
        return ((ScalarNode)node).getValue().trim();
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}; {@code expected} says what it names. */
    String identifier(final String expected) throws ConfigException
    {
        final String value = string();
        if (!NameChecks.isIdentifier(value))
        {
            throw error("expected " + expected + ", got '" + value + "'");
        }
        return value;
    }

    String typeName() throws ConfigException
    {
        final String value = string();
        if (!NameChecks.isTypeName(value))
        {
            throw error("expected a fully qualified type name (e.g. java.lang.String or byte[]), got '" + value + "'");
        }
        return value;
    }

    int nonNegativeInt() throws ConfigException
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
        throw error("expected a non-negative integer, got " + describe());
    }

    /** A whole number in {@code [min, max]}. */
    int intIn(final int min, final int max) throws ConfigException
    {
        final int value = nonNegativeInt();
        if (value < min || value > max)
        {
            throw error("expected " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    boolean bool() throws ConfigException
    {
        if (isBool())
        {
            return Boolean.parseBoolean(((ScalarNode)node).getValue());
        }
        throw error("expected true or false, got " + describe());
    }

    String describe()
    {
        if (node instanceof MappingNode)
        {
            return "a mapping";
        }
        if (node instanceof SequenceNode)
        {
            return "a list";
        }
        if (isNull())
        {
            return "nothing (null)";
        }
        return "'" + ((ScalarNode)node).getValue() + "'";
    }

    private String keyWhere()
    {
        return where((key != null ? key : node).getStartMark());
    }

    private String child(final String name)
    {
        return path.isEmpty() ? name : path + "." + name;
    }

    private ConfigException error(final Node at, final String field, final String problem)
    {
        final Optional<Mark> mark = at.getStartMark();
        return mark.isEmpty() ? new ConfigException(source, 0, 0, field, problem)
            : new ConfigException(source, mark.get().getLine() + 1, mark.get().getColumn() + 1, field, problem);
    }

    private String where(final Optional<Mark> mark)
    {
        return mark.isEmpty() ? source : source + ":" + (mark.get().getLine() + 1) + ":" + (mark.get().getColumn() + 1);
    }
}
