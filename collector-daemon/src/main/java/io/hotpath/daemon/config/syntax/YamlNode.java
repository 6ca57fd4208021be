package io.hotpath.daemon.config.syntax;

import io.hotpath.wire.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

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

/**
 * A YAML node that remembers where it came from (file, line, field path), so that configuration
 * readers report errors a user can act on: {@code slo.yaml:12: slos[0].sli.latency.threshold:
 * expected a duration such as 100ms ...}. Built on snakeyaml-engine's composer (which keeps node
 * marks) rather than a data binder (which loses them once a value is bound).
 *
 * <p>Readers call {@link #allowOnly} on every mapping, so a misspelt key is an error, not a silently
 * ignored setting. Keys are kebab-case; the old snake_case spellings are read with a warning
 * ({@link KeySpelling}). Used by every YAML reader of the daemon that reports lines: the SLO file,
 * the anomaly settings (also inline in hotpathd.yaml). Over 400 lines: one short typed accessor per
 * kind of value (ratio, duration, labels, ...), which belong together.
 */
public final class YamlNode
{
    private final Node node;
    private final String source;
    private final String path;
    private final int keyLine;

    private YamlNode(final Node node, final String source, final String path)
    {
        this(node, source, path, 0);
    }

    /** {@code keyLine}: the line of the key this node is the value of (0: none), where errors point. */
    private YamlNode(final Node node, final String source, final String path, final int keyLine)
    {
        this.node = node;
        this.source = source;
        this.path = path;
        this.keyLine = keyLine;
    }

    /** Reads and composes a YAML file; an empty file is an error. */
    public static YamlNode load(final Path file) throws ConfigException
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new ConfigException(file.toString(), 0, "", "cannot read: " + e);
        }
        return parse(text, file.toString());
    }

    /** Composes YAML text; {@code source} names it in error messages. */
    public static YamlNode parse(final String text, final String source) throws ConfigException
    {
        final YamlNode root = parseOrEmpty(text, source);
        if (root == null)
        {
            throw new ConfigException(source, 0, "", "the file is empty");
        }
        return root;
    }

    /** Like {@link #parse}, with null for a document without content (only comments). */
    static YamlNode parseOrEmpty(final String text, final String source) throws ConfigException
    {
        final LoadSettings settings = LoadSettings.builder()
            .setLabel(source)
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(20)
            .setCodePointLimit(4 * 1024 * 1024)
            .build();
        final Optional<Node> root;
        try
        {
            root = new Compose(settings).composeString(text);
        }
        catch (final MarkedYamlEngineException e)
        {
            final int line = e.getProblemMark().map(mark -> mark.getLine() + 1).orElse(0);
            throw new ConfigException(source, line, "", "not valid YAML: " + e.getProblem());
        }
        catch (final YamlEngineException e)
        {
            throw new ConfigException(source, 0, "", "not valid YAML: " + e.getMessage());
        }
        return root.map(node -> new YamlNode(node, source, "")).orElse(null);
    }

    /** The composed node, with its marks ({@link YamlTree}). */
    Node node()
    {
        return node;
    }

    public String source()
    {
        return source;
    }

    /** Field path from the document root, e.g. {@code slos[1].target}; empty for the root. */
    public String path()
    {
        return path;
    }

    /** 1-based line of the node: of its key when it is a mapping's value, else where it starts. */
    public int line()
    {
        return keyLine > 0 ? keyLine : node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
    }

    public boolean isMapping()
    {
        return node instanceof MappingNode;
    }

    public boolean isSequence()
    {
        return node instanceof SequenceNode;
    }

    public boolean isNull()
    {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /** An error at this node. */
    public ConfigException error(final String problem)
    {
        return new ConfigException(source, line(), path, problem);
    }

    /** The keys of a mapping in file order, each with its value node. */
    public Map<String, YamlNode> entries() throws ConfigException
    {
        if (!(node instanceof MappingNode mapping))
        {
            throw error("expected a mapping (key: value lines), got " + describe());
        }
        final Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (final NodeTuple tuple : mapping.getValue())
        {
            final Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key))
            {
                throw new ConfigException(source, keyNode.getStartMark().map(Mark::getLine).orElse(-1) + 1, path,
                    "expected plain keys, got a " + keyNode.getNodeType().name().toLowerCase() + " as a key");
            }
            final String childPath = path.isEmpty() ? key.getValue() : path + '.' + key.getValue();
            final int keyLine = key.getStartMark().map(Mark::getLine).orElse(-1) + 1;
            if (entries.put(key.getValue(), new YamlNode(tuple.getValueNode(), source, childPath, keyLine)) != null)
            {
                throw new ConfigException(source, keyLine, childPath, "duplicate key");
            }
        }
        return entries;
    }

    /**
     * Rejects keys outside {@code allowed}, naming the line of the first unknown key and the allowed
     * ones. Keys compare in kebab-case ({@link KeySpelling}): {@code min-duration} and the old
     * {@code min_duration} (warned about) are both {@code allowed} "min_duration" or "min-duration".
     */
    public void allowOnly(final String... allowed) throws ConfigException
    {
        allowOnly(Arrays.stream(allowed).map(KeySpelling::kebab).toList(), KeySpelling::kebab);
    }

    /** Like {@link #allowOnly}, for names that are data ({@code latency_p99}): compared as written. */
    public void allowOnlyNames(final String... allowed) throws ConfigException
    {
        allowOnly(Arrays.asList(allowed), UnaryOperator.identity());
    }

    private void allowOnly(final List<String> allowed, final UnaryOperator<String> spelling) throws ConfigException
    {
        for (final Map.Entry<String, YamlNode> entry : entries().entrySet())
        {
            if (!allowed.contains(spelling.apply(entry.getKey())))
            {
                throw new ConfigException(source, keyLine(entry.getKey()), entry.getValue().path,
                    "unknown field; expected one of " + String.join(", ", allowed));
            }
        }
    }

    /**
     * The value of the field {@code key}, or null when absent (or explicitly null). The field is found
     * in kebab-case or in its old snake_case spelling (warned about once); both at once is an error.
     */
    public YamlNode get(final String key) throws ConfigException
    {
        final Map<String, YamlNode> entries = entries();
        final String kebab = KeySpelling.kebab(key);
        final String snake = kebab.replace('-', '_');
        YamlNode child = entries.get(kebab);
        if (!snake.equals(kebab) && entries.containsKey(snake))
        {
            if (child != null)
            {
                throw new ConfigException(source, keyLine(snake), entries.get(snake).path,
                    "given twice, as " + kebab + " and as " + snake + "; keep " + kebab);
            }
            child = entries.get(snake);
            KeySpelling.warnOldSpelling(source + ":" + keyLine(snake), path, snake);
        }
        return child == null || child.isNull() ? null : child;
    }

    /** A name that is data ({@code latency_p99}), compared as written; null when absent. */
    public YamlNode getName(final String name) throws ConfigException
    {
        final YamlNode child = entries().get(name);
        return child == null || child.isNull() ? null : child;
    }

    /** The value of {@code key}; an error naming the missing field when absent. */
    public YamlNode require(final String key, final String expected) throws ConfigException
    {
        final YamlNode child = get(key);
        if (child == null)
        {
            final String childPath = path.isEmpty() ? KeySpelling.kebab(key) : path + '.' + KeySpelling.kebab(key);
            throw new ConfigException(source, line(), childPath, "missing; expected " + expected);
        }
        return child;
    }

    /** Elements of a sequence; an empty list for null. */
    public List<YamlNode> elements() throws ConfigException
    {
        if (isNull())
        {
            return Collections.emptyList();
        }
        if (!(node instanceof SequenceNode sequence))
        {
            throw error("expected a list (- item lines), got " + describe());
        }
        final List<YamlNode> elements = new ArrayList<>();
        int index = 0;
        for (final Node element : sequence.getValue())
        {
            elements.add(new YamlNode(element, source, path + '[' + index++ + ']'));
        }
        return elements;
    }

    /** A scalar's text. */
    public String asString() throws ConfigException
    {
        if (!(node instanceof ScalarNode scalar) || isNull())
        {
            throw error("expected a single value, got " + describe());
        }
        return scalar.getValue();
    }

    /** A string matching {@code regex}; {@code expected} says in words what matches. */
    public String asString(final String regex, final String expected) throws ConfigException
    {
        final String value = asString();
        if (!value.matches(regex))
        {
            throw error("expected " + expected + ", got \"" + value + '"');
        }
        return value;
    }

    public double asDouble(final double min, final double max) throws ConfigException
    {
        final String text = asString();
        final double value;
        try
        {
            value = Double.parseDouble(text);
        }
        catch (final NumberFormatException e)
        {
            throw error("expected a number in [" + min + ", " + max + "], got \"" + text + '"');
        }
        if (!(value >= min && value <= max))
        {
            throw error("expected a number in [" + min + ", " + max + "], got " + text);
        }
        return value;
    }

    public int asInt(final int min, final int max) throws ConfigException
    {
        final String text = asString();
        final int value;
        try
        {
            value = Integer.parseInt(text);
        }
        catch (final NumberFormatException e)
        {
            throw error("expected a whole number in [" + min + ", " + max + "], got \"" + text + '"');
        }
        if (value < min || value > max)
        {
            throw error("expected a whole number in [" + min + ", " + max + "], got " + text);
        }
        return value;
    }

    public boolean asBoolean() throws ConfigException
    {
        final String text = asString();
        return switch (text)
        {
            case "true", "True", "TRUE", "yes", "on" -> true;
            case "false", "False", "FALSE", "no", "off" -> false;
            default -> throw error("expected true or false, got \"" + text + '"');
        };
    }

    /**
     * A ratio strictly between 0 and 1, written as a fraction ({@code 0.99}) or a percentage
     * ({@code "99%"}, {@code 99.9%}).
     */
    public double asOpenRatio() throws ConfigException
    {
        final String text = asString().trim();
        double value;
        try
        {
            value = text.endsWith("%")
                ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100.0
                : Double.parseDouble(text);
        }
        catch (final NumberFormatException e)
        {
            value = Double.NaN;
        }
        if (!(value > 0 && value < 1))
        {
            throw error("expected a ratio in (0, 1) such as 0.99 or \"99%\", got " + text);
        }
        return value;
    }

    /** A duration in {@code [min, max]}, written as Prometheus does: 100ms, 5m, 30d. */
    public Duration asDuration(final Duration min, final Duration max) throws ConfigException
    {
        final Duration value;
        try
        {
            value = Durations.parse(asString());
        }
        catch (final IllegalArgumentException e)
        {
            throw error(e.getMessage());
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0)
        {
            throw error("expected a duration between " + Durations.format(min) + " and " + Durations.format(max)
                + ", got " + asString());
        }
        return value;
    }

    /** A mapping of label names to string values, names checked against Prometheus' label name syntax. */
    public Map<String, String> asLabels() throws ConfigException
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        for (final Map.Entry<String, YamlNode> entry : entries().entrySet())
        {
            final String name = entry.getKey();
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || name.startsWith("__"))
            {
                throw new ConfigException(source, keyLine(name), entry.getValue().path,
                    "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
            }
            labels.put(name, entry.getValue().asString());
        }
        return labels;
    }

    private int keyLine(final String key)
    {
        if (node instanceof MappingNode mapping)
        {
            for (final NodeTuple tuple : mapping.getValue())
            {
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key))
                {
                    return scalar.getStartMark().map(Mark::getLine).orElse(-1) + 1;
                }
            }
        }
        return line();
    }

    private String describe()
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
            return "nothing";
        }
        return '"' + ((ScalarNode)node).getValue() + '"';
    }
}
