package io.hotpath.daemon.config.syntax;

import com.fasterxml.jackson.core.JsonParser;
import io.hotpath.wire.config.YamlNode;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A YAML document as a Jackson tree, for the files bound onto config classes with Jackson databind
 * (hotpathd.yaml, the web config): the YAML itself is read by snakeyaml-engine, like every other YAML
 * file of the daemon ({@link YamlFiles}), and the composed nodes keep their marks, so {@link #where}
 * places a binding error by its field path at a file line and column.
 *
 * <p>Plain scalars are typed as YAML 1.1 readers did before (numbers, {@code true}/{@code false},
 * {@code null}/{@code ~}); {@link #MODULE} also reads {@code yes}/{@code no}/{@code on}/{@code off}
 * into boolean settings, while a string setting keeps the text as written.
 */
public final class YamlTree
{
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+");

    /** Booleans written as YAML 1.1 allows ({@code yes}, {@code on}, ...) for {@code boolean} settings. */
    public static final Module MODULE = new SimpleModule("yaml-booleans")
        .addDeserializer(Boolean.class, new YamlBoolean())
        .addDeserializer(Boolean.TYPE, new YamlBoolean());

    private final String source;
    private final Node root;

    private YamlTree(final String source, final Node root)
    {
        this.source = source;
        this.root = root;
    }

    /** Composes YAML text ({@code source} names it in messages); an empty document or only comments: {@link #isEmpty()}. */
    public static YamlTree parse(final String text, final String source) throws ConfigException
    {
        final YamlNode<ConfigException> node = text.isBlank() ? null : YamlFiles.parseOrEmpty(text, source);
        return new YamlTree(source, node == null ? null : node.node());
    }

    public boolean isEmpty()
    {
        return root == null;
    }

    /** The document as a Jackson tree (a missing node when empty). */
    public JsonNode toJson()
    {
        return root == null ? JsonNodeFactory.instance.missingNode() : toJson(root);
    }

    private static JsonNode toJson(final Node node)
    {
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (node instanceof MappingNode mapping)
        {
            final ObjectNode object = nodes.objectNode();
            for (final NodeTuple tuple : mapping.getValue())
            {
                object.set(text(tuple.getKeyNode()), toJson(tuple.getValueNode()));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence)
        {
            final ArrayNode array = nodes.arrayNode();
            sequence.getValue().forEach(element -> array.add(toJson(element)));
            return array;
        }
        final ScalarNode scalar = (ScalarNode)node;
        final String value = scalar.getValue();
        if (scalar.getScalarStyle() != ScalarStyle.PLAIN || scalar.getTag().getValue().startsWith("!!"))
        {
            return nodes.textNode(value); // quoted or explicitly tagged: text as written
        }
        switch (value)
        {
            case "", "~", "null", "Null", "NULL": return nodes.nullNode();
            default: break;
        }
        final String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false"))
        {
            return nodes.booleanNode(lower.equals("true"));
        }
        if (INT.matcher(value).matches())
        {
            final BigInteger integer = new BigInteger(value.replace("_", ""));
            return integer.bitLength() < 64 ? nodes.numberNode(integer.longValue()) : nodes.numberNode(integer);
        }
        if (FLOAT.matcher(value).matches() && value.chars().anyMatch(Character::isDigit))
        {
            return nodes.numberNode(new BigDecimal(value.replace("_", "")));
        }
        return nodes.textNode(value);
    }

    private static String text(final Node key)
    {
        return key instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(key);
    }

    /**
     * {@code h.yaml:7:18: field spool.scan-interval: }: where the field at {@code path} (names and list
     * indexes, as Jackson reports it) is. With {@code atKey}, at its key (an unknown field), else at its
     * value: a single value where it starts, a list or mapping where it ends (a check of the whole is
     * made once it is read). A path that leaves the document is placed at the last node it reaches.
     */
    public String where(final List<Object> path, final boolean atKey)
    {
        final StringBuilder text = new StringBuilder(source);
        Node node = root;
        Node key = null;
        for (final Object part : path)
        {
            final Node[] child = child(node, part);
            if (child == null)
            {
                key = null;
                break;
            }
            key = child[0];
            node = child[1];
        }
        final Mark mark;
        if (atKey && key != null)
        {
            mark = key.getStartMark().orElse(null);
        }
        else if (node instanceof ScalarNode || node == null)
        {
            mark = node == null ? null : node.getStartMark().orElse(null);
        }
        else
        {
            mark = node.getEndMark().orElse(null);
        }
        if (mark != null)
        {
            // a flow collection ends after its bracket: point at the bracket, as a block's end points at the next line
            final boolean flow = node instanceof MappingNode m && m.getFlowStyle() == FlowStyle.FLOW
                || node instanceof SequenceNode s && s.getFlowStyle() == FlowStyle.FLOW;
            final boolean end = !(atKey && key != null) && !(node instanceof ScalarNode);
            text.append(':').append(mark.getLine() + 1).append(':').append(mark.getColumn() + (end && flow ? 0 : 1));
        }
        text.append(": ");
        final String field = path(path);
        if (!field.isEmpty())
        {
            text.append("field ").append(field).append(": ");
        }
        return text.toString();
    }

    /** {@code remote-write[0].url}. */
    public static String path(final List<Object> path)
    {
        final StringBuilder text = new StringBuilder();
        for (final Object part : path)
        {
            if (part instanceof Integer index)
            {
                text.append('[').append(index).append(']');
            }
            else
            {
                text.append(text.length() == 0 ? "" : ".").append(part);
            }
        }
        return text.toString();
    }

    /** {key, value} of {@code part} (a key, compared in kebab-case, or a list index) in {@code node}; null if absent. */
    private static Node[] child(final Node node, final Object part)
    {
        if (node instanceof SequenceNode sequence && part instanceof Integer index && index >= 0 && index < sequence.getValue().size())
        {
            final Node element = sequence.getValue().get(index);
            return new Node[] {null, element};
        }
        if (node instanceof MappingNode mapping && part instanceof String name)
        {
            for (final NodeTuple tuple : mapping.getValue())
            {
                final String key = text(tuple.getKeyNode());
                if (key.equals(name) || KeySpelling.kebab(key).equals(KeySpelling.kebab(name)))
                {
                    return new Node[] {tuple.getKeyNode(), tuple.getValueNode()};
                }
            }
        }
        return null;
    }

    /** true/false as YAML 1.1 writes them: also yes/no, on/off, y/n, in any case. */
    private static final class YamlBoolean extends JsonDeserializer<Boolean>
    {
        @Override
        public Boolean deserialize(final JsonParser parser, final DeserializationContext context) throws IOException
        {
            if (parser.currentToken().isBoolean())
            {
                return parser.getBooleanValue();
            }
            final String text = parser.getValueAsString();
            switch (text == null ? "" : text.toLowerCase(Locale.ROOT))
            {
                case "true", "yes", "y", "on": return Boolean.TRUE;
                case "false", "no", "n", "off": return Boolean.FALSE;
                default: throw InvalidFormatException.from(parser, "expected true or false, got '" + parser.getText() + "'",
                    parser.getText(), Boolean.class);
            }
        }
    }
}
