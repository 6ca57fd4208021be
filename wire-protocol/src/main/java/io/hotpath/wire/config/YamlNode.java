package io.hotpath.wire.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
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
 * The one YAML reader of the agent (rules file) and the daemon (hotpathd.yaml, SLO and anomaly files): a
 * node of a composed document that knows its file, field path and (through snakeyaml-engine's marks) its
 * line and column, so that every error says where and what was expected: {@code slo.yaml:12:
 * slos[0].sli.latency.threshold: expected a duration such as 100ms ...}. Composed rather than bound to
 * classes, because a data binder loses the marks once a value is bound.
 *
 * <p>Keys are kebab-case ({@code max-series}); the snake_case spelling of older releases
 * ({@code max_series}) is read too and reported to the side's {@link OldSpelling} sink (the agent's log,
 * the daemon's logger) until the next release. Each side passes its {@link Dialect}: its exception
 * subclass, that sink, and whether errors point at the value's line and column (agent) or at the key's
 * line (daemon), the places the two sides' tests and docs pin. In the agent this class is shaded with
 * snakeyaml-engine.
 *
 * <p>Two ways of walking a mapping, as the two sides' readers were written: {@link #fields} (all keys
 * at once, checked against a set) for the agent's rules, {@link #allowOnly} then {@link #get} for the
 * daemon's files; they share entries, key spellings, paths and error placing. Over 400 lines: one short
 * typed accessor per kind of value (ratio, duration, labels, integer, ...) of both sides' files, which
 * belong together.
 *
 * @param <E> the exception the side's callers declare
 */
public final class YamlNode<E extends ConfigException>
{
    /** Makes the side's exception: {@code line}, {@code column} 1-based, 0 when unknown. */
    @FunctionalInterface
    public interface Errors<E extends ConfigException>
    {
        E at(String source, int line, int column, String field, String problem);
    }

    /** Told about an old snake_case key: {@code where} is {@code file:line[:column]}; reports once per place. */
    @FunctionalInterface
    public interface OldSpelling
    {
        void warn(String where, String field, String written);
    }

    /**
     * How one side reads: its exception, where old spellings are reported, and {@code columns}: errors at
     * the value's {@code line:column} with values quoted {@code 'so'} (agent), or at the key's line with
     * values quoted {@code "so"} (daemon).
     */
    public record Dialect<E extends ConfigException>(Errors<E> errors, OldSpelling oldSpelling, boolean columns)
    {
    }

    private final Node node;
    private final Node key;
    private final String source;
    private final String path;
    private final Dialect<E> dialect;

    private YamlNode(final Node node, final Node key, final String source, final String path, final Dialect<E> dialect)
    {
        this.node = node;
        this.key = key;
        this.source = source;
        this.path = path;
        this.dialect = dialect;
    }

    /** The root of a document composed elsewhere. */
    public static <E extends ConfigException> YamlNode<E> root(final Node node, final String source, final Dialect<E> dialect)
    {
        return new YamlNode<>(node, null, source, "", dialect);
    }

    /**
     * Composes YAML text (no duplicate keys, bounded aliases and size); {@code source} names it in errors.
     * Empty when the document has no content (only comments).
     */
    public static <E extends ConfigException> Optional<YamlNode<E>> compose(final String text, final String source,
        final Dialect<E> dialect) throws E
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
            throw dialect.errors().at(source, line, 0, "", "not valid YAML: " + e.getProblem());
        }
        catch (final YamlEngineException e)
        {
            throw dialect.errors().at(source, 0, 0, "", "not valid YAML: " + e.getMessage());
        }
        return root.map(node -> root(node, source, dialect));
    }

    /** The composed node, with its marks. */
    public Node node()
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
        return line(key != null ? key : node);
    }

    /** {@code file:line:column} of the node's start ({@code file:line} in the daemon's dialect). */
    public String where()
    {
        return where(node);
    }

    public boolean isMapping()
    {
        return node instanceof MappingNode;
    }

    public boolean isSequence()
    {
        return node instanceof SequenceNode;
    }

    public boolean isScalar()
    {
        return node instanceof ScalarNode;
    }

    public boolean isNull()
    {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    public boolean isBool()
    {
        return node instanceof ScalarNode && Tag.BOOL.equals(node.getTag());
    }

    /** The text of a scalar, else null. */
    public String scalar()
    {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    /** An error at this node: its value's start, or its key's line in the daemon's dialect. */
    public E error(final String problem)
    {
        return error(dialect.columns() || key == null ? node : key, path, problem);
    }

    /** An error at this node's key (where a user looks for a misspelt or unwanted field). */
    public E keyError(final String problem)
    {
        return error(key != null ? key : node, path, problem);
    }

    /** An error about the field {@code field} of this mapping (e.g. a missing one), at the mapping. */
    public E fieldError(final String field, final String problem)
    {
        return error(dialect.columns() || key == null ? node : key, child(field), problem);
    }

    /** The entries of a mapping as written (no spelling is changed), in file order. */
    public Map<String, YamlNode<E>> entries(final String expected) throws E
    {
        if (!(node instanceof MappingNode mapping))
        {
            throw error("expected " + expected + ", got " + describe());
        }
        final Map<String, YamlNode<E>> entries = new LinkedHashMap<>();
        for (final NodeTuple tuple : mapping.getValue())
        {
            final Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode name))
            {
                throw error(keyNode, path, "expected plain keys, got a " + keyNode.getNodeType().name().toLowerCase() + " as a key");
            }
            final String childPath = child(name.getValue());
            if (entries.put(name.getValue(), new YamlNode<>(tuple.getValueNode(), keyNode, source, childPath, dialect)) != null)
            {
                throw error(keyNode, childPath, "duplicate key");
            }
        }
        return entries;
    }

    /** {@link #entries(String)} of something that must be a mapping. */
    public Map<String, YamlNode<E>> entries() throws E
    {
        return entries("a mapping (key: value lines)");
    }

    /**
     * The fields of a mapping by their kebab-case name, each one of {@code allowed}; an old snake_case
     * spelling is accepted and reported.
     */
    public Map<String, YamlNode<E>> fields(final String expected, final Set<String> allowed) throws E
    {
        final Map<String, YamlNode<E>> fields = new LinkedHashMap<>();
        for (final Map.Entry<String, YamlNode<E>> entry : entries(expected).entrySet())
        {
            final String written = entry.getKey();
            final String name = kebab(written);
            final YamlNode<E> value = entry.getValue();
            if (!allowed.contains(name))
            {
                throw value.keyError("unknown field; expected one of " + new TreeSet<>(allowed));
            }
            if (!name.equals(written))
            {
                dialect.oldSpelling().warn(value.where(value.key), value.path, written);
            }
            if (fields.put(name, value) != null)
            {
                throw value.keyError("'" + name + "' is given twice (once as " + written + ")");
            }
        }
        return fields;
    }

    /** {@code fields.get(name)}, or an error at this mapping when it is missing. */
    public YamlNode<E> require(final Map<String, YamlNode<E>> fields, final String name) throws E
    {
        final YamlNode<E> value = fields.get(name);
        if (value == null)
        {
            throw fieldError(name, "missing required field");
        }
        return value;
    }

    /**
     * Rejects keys outside {@code allowed}, at the first unknown key, naming the allowed ones. Keys compare
     * in kebab-case: {@code min-duration} and the old {@code min_duration} both match either spelling.
     */
    public void allowOnly(final String... allowed) throws E
    {
        allowOnly(Arrays.stream(allowed).map(YamlNode::kebab).toList(), YamlNode::kebab);
    }

    /** Like {@link #allowOnly}, for names that are data ({@code latency_p99}): compared as written. */
    public void allowOnlyNames(final String... allowed) throws E
    {
        allowOnly(Arrays.asList(allowed), UnaryOperator.identity());
    }

    private void allowOnly(final List<String> allowed, final UnaryOperator<String> spelling) throws E
    {
        for (final Map.Entry<String, YamlNode<E>> entry : entries().entrySet())
        {
            if (!allowed.contains(spelling.apply(entry.getKey())))
            {
                throw entry.getValue().keyError("unknown field; expected one of " + String.join(", ", allowed));
            }
        }
    }

    /**
     * The value of the field {@code key}, or null when absent (or explicitly null). The field is found in
     * kebab-case or in its old snake_case spelling (reported); both at once is an error.
     */
    public YamlNode<E> get(final String name) throws E
    {
        final Map<String, YamlNode<E>> entries = entries();
        final String kebab = kebab(name);
        final String snake = kebab.replace('-', '_');
        YamlNode<E> child = entries.get(kebab);
        final YamlNode<E> old = snake.equals(kebab) ? null : entries.get(snake);
        if (old != null)
        {
            if (child != null)
            {
                throw old.keyError("given twice, as " + kebab + " and as " + snake + "; keep " + kebab);
            }
            child = old;
            dialect.oldSpelling().warn(where(old.key), path, snake);
        }
        return child == null || child.isNull() ? null : child;
    }

    /** A name that is data ({@code latency_p99}), compared as written; null when absent. */
    public YamlNode<E> getName(final String name) throws E
    {
        final YamlNode<E> child = entries().get(name);
        return child == null || child.isNull() ? null : child;
    }

    /** The value of {@code name}; an error naming the missing field when absent. */
    public YamlNode<E> require(final String name, final String expected) throws E
    {
        final YamlNode<E> child = get(name);
        if (child == null)
        {
            throw fieldError(kebab(name), "missing; expected " + expected);
        }
        return child;
    }

    /** The elements of a sequence, with paths {@code path[i]}. */
    public List<YamlNode<E>> elements(final String expected) throws E
    {
        if (!(node instanceof SequenceNode sequence))
        {
            throw error("expected " + expected + ", got " + describe());
        }
        final List<YamlNode<E>> elements = new ArrayList<>();
        final List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++)
        {
            elements.add(new YamlNode<>(items.get(i), null, source, path + "[" + i + "]", dialect));
        }
        return elements;
    }

    /** Elements of a sequence; an empty list for null. */
    public List<YamlNode<E>> elements() throws E
    {
        return isNull() ? Collections.emptyList() : elements("a list (- item lines)");
    }

    /** A scalar's text. */
    public String asString() throws E
    {
        if (!(node instanceof ScalarNode scalar) || isNull())
        {
            throw error("expected a single value, got " + describe());
        }
        return scalar.getValue();
    }

    /** A string matching {@code regex}; {@code expected} says in words what matches. */
    public String asString(final String regex, final String expected) throws E
    {
        final String value = asString();
        if (!value.matches(regex))
        {
            throw error("expected " + expected + ", got " + quote(value));
        }
        return value;
    }

    /** A non-empty string, trimmed. */
    public String string() throws E
    {
        if (!(node instanceof ScalarNode scalar) || isNull() || scalar.getValue().isBlank())
        {
            throw error("expected a non-empty string, got " + describe());
        }
        return scalar.getValue().trim();
    }

    public double asDouble(final double min, final double max) throws E
    {
        final String text = asString();
        final double value = number(text, Double::valueOf, "a number in [" + min + ", " + max + "]");
        if (!(value >= min && value <= max))
        {
            throw error("expected a number in [" + min + ", " + max + "], got " + text);
        }
        return value;
    }

    /** A whole number in {@code [min, max]}, written as text or as a YAML integer. */
    public int asInt(final int min, final int max) throws E
    {
        final String text = asString();
        final int value = number(text, Integer::valueOf, "a whole number in [" + min + ", " + max + "]");
        if (value < min || value > max)
        {
            throw error("expected a whole number in [" + min + ", " + max + "], got " + text);
        }
        return value;
    }

    /** A YAML integer (not a string of digits) that is at least 0. */
    public int nonNegativeInt() throws E
    {
        if (node instanceof ScalarNode scalar && Tag.INT.equals(node.getTag()))
        {
            try
            {
                final int value = Integer.parseInt(scalar.getValue());
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

    /** A YAML integer in {@code [min, max]}, {@code min} at least 0. */
    public int intIn(final int min, final int max) throws E
    {
        final int value = nonNegativeInt();
        if (value < min || value > max)
        {
            throw error("expected " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    /** A YAML boolean ({@code true}, {@code false}). */
    public boolean bool() throws E
    {
        if (isBool())
        {
            return Boolean.parseBoolean(scalar());
        }
        throw error("expected true or false, got " + describe());
    }

    /** A boolean written in any of YAML's spellings, also quoted ({@code yes}, {@code "on"}, {@code False}). */
    public boolean asBoolean() throws E
    {
        final String text = asString();
        return switch (text)
        {
            case "true", "True", "TRUE", "yes", "on" -> true;
            case "false", "False", "FALSE", "no", "off" -> false;
            default -> throw error("expected true or false, got " + quote(text));
        };
    }

    /**
     * A ratio strictly between 0 and 1, written as a fraction ({@code 0.99}) or a percentage
     * ({@code "99%"}, {@code 99.9%}).
     */
    public double asOpenRatio() throws E
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

    /** A duration in {@code [min, max]} ({@link Durations}: 100ms, 5m, 30d). */
    public Duration asDuration(final Duration min, final Duration max) throws E
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
    public Map<String, String> asLabels() throws E
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        for (final Map.Entry<String, YamlNode<E>> entry : entries().entrySet())
        {
            final String name = entry.getKey();
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || name.startsWith("__"))
            {
                throw entry.getValue().keyError("expected a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
            }
            labels.put(name, entry.getValue().asString());
        }
        return labels;
    }

    /** What the node is, for "expected X, got Y". */
    public String describe()
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
            return dialect.columns() ? "nothing (null)" : "nothing";
        }
        return quote(((ScalarNode)node).getValue());
    }

    /** {@code min_duration} to {@code min-duration}. */
    public static String kebab(final String key)
    {
        return key.replace('_', '-');
    }

    private <T> T number(final String text, final Function<String, T> parse, final String expected) throws E
    {
        try
        {
            return parse.apply(text);
        }
        catch (final NumberFormatException e)
        {
            throw error("expected " + expected + ", got " + quote(text));
        }
    }

    private String quote(final String text)
    {
        return dialect.columns() ? "'" + text + "'" : '"' + text + '"';
    }

    private String child(final String name)
    {
        return path.isEmpty() ? name : path + "." + name;
    }

    private E error(final Node at, final String field, final String problem)
    {
        return dialect.errors().at(source, line(at), dialect.columns() ? column(at) : 0, field, problem);
    }

    private String where(final Node at)
    {
        final int line = line(at);
        if (line == 0)
        {
            return source;
        }
        return dialect.columns() ? source + ":" + line + ":" + column(at) : source + ":" + line;
    }

    private static int line(final Node at)
    {
        return at.getStartMark().map(Mark::getLine).orElse(-1) + 1;
    }

    private static int column(final Node at)
    {
        return at.getStartMark().map(Mark::getColumn).orElse(-1) + 1;
    }
}
