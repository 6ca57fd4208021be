package io.hotpath.daemon.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlTree;
import io.hotpath.wire.config.Durations;
import io.hotpath.wire.config.Sizes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every setting of {@link DaemonConfig}, found by walking the model the way {@link ConfigLoader}
 * binds it (Jackson's view: public setters, kebab-case names), so a section added to the model gets
 * its keys and {@code HOTPATHD_*} environment variables without being listed anywhere. A nested
 * class or a {@code *Config} class of this project is a section; anything else (scalar, list, map) is a setting. A map whose
 * keys {@code hotpathd-default.yaml} spells out ({@code spool.retention}) is a section of those keys.
 *
 * <p>{@code spool.retention.max-age} is {@code HOTPATHD_SPOOL_RETENTION_MAX_AGE}: prefix, dots and
 * dashes to underscores, upper case. Values are YAML: {@code 5m}, {@code true}, {@code [1s, 1m]},
 * {@code {dc: eu-1}}.
 */
public final class ConfigKeys
{
    public static final String ENV_PREFIX = "HOTPATHD_";
    /** Variables {@code bin/hotpathd} reads itself; they are not settings. */
    public static final List<String> LAUNCHER_VARIABLES = List.of("HOTPATHD_HEAP", "HOTPATHD_GC", "HOTPATHD_JAR", "HOTPATHD_JIT");

    /** One setting: its dotted key, its variable, its default as written in hotpathd-default.yaml (null: none). */
    public record Key(String path, String envVariable, String defaultValue, String expects)
    {
    }

    private static final List<Key> KEYS = walk();

    private ConfigKeys()
    {
    }

    public static List<Key> all()
    {
        return KEYS;
    }

    public static String envVariable(final String path)
    {
        return ENV_PREFIX + path.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The key a variable sets, or null. */
    public static Key byEnvVariable(final String variable)
    {
        for (final Key key : KEYS)
        {
            if (key.envVariable().equals(variable))
            {
                return key;
            }
        }
        return null;
    }

    /** The Markdown table of collector-daemon/README.md (a test keeps the README equal to it). */
    public static String markdownTable()
    {
        final StringBuilder table = new StringBuilder("| key | environment variable | default | value |\n|---|---|---|---|\n");
        for (final Key key : KEYS)
        {
            table.append("| `").append(key.path()).append("` | `").append(key.envVariable()).append("` | ")
                .append(key.defaultValue() == null ? "(none)" : key.defaultValue().isEmpty() ? "`\"\"`" : "`" + key.defaultValue() + "`").append(" | ")
                .append(key.expects()).append(" |\n");
        }
        return table.toString();
    }

    /** hotpathd-default.yaml flattened to dotted keys, values as YAML flow text. */
    static Map<String, String> documentedDefaults()
    {
        try (InputStream in = DaemonConfig.class.getResourceAsStream("/hotpathd-default.yaml"))
        {
            final Map<String, String> flat = new TreeMap<>();
            if (in != null)
            {
                flatten("", YamlTree.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "hotpathd-default.yaml").toJson(), flat);
            }
            return flat;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final ConfigException e)
        {
            throw new IllegalStateException("the built-in hotpathd-default.yaml: " + e.getMessage(), e);
        }
    }

    /** A YAML tree as dotted keys; empty mappings and non-mappings are leaves, in flow style. */
    static void flatten(final String prefix, final JsonNode node, final Map<String, String> flat)
    {
        if (node != null && node.isObject() && node.size() > 0)
        {
            for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> field = it.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), flat);
            }
        }
        else if (!prefix.isEmpty())
        {
            flat.put(prefix, flow(node));
        }
    }

    /** {@code [1s, 1m]}, {@code {dc: eu}}, {@code 15s}: how a value is written in a variable. */
    static String flow(final JsonNode node)
    {
        if (node == null || node.isNull())
        {
            return "";
        }
        if (node.isArray())
        {
            final List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(flow(item)));
            return "[" + String.join(", ", items) + "]";
        }
        if (node.isObject())
        {
            final List<String> items = new ArrayList<>();
            node.fields().forEachRemaining(field -> items.add(field.getKey() + ": " + flow(field.getValue())));
            return "{" + String.join(", ", items) + "}";
        }
        if (node.isNumber())
        {
            return node.decimalValue().stripTrailingZeros().toPlainString(); // 0.0001, not 1.0E-4
        }
        return node.asText();
    }

    private static List<Key> walk()
    {
        final Map<String, String> defaults = documentedDefaults();
        final List<Key> keys = new ArrayList<>();
        walk("", ConfigLoader.MAPPER.constructType(DaemonConfig.class), defaults, keys);
        keys.sort(Comparator.comparing(Key::path));
        return List.copyOf(keys);
    }

    private static void walk(final String prefix, final JavaType type, final Map<String, String> defaults, final List<Key> keys)
    {
        final BeanDescription bean = ConfigLoader.MAPPER.getDeserializationConfig().introspect(type);
        for (final BeanPropertyDefinition property : bean.findProperties())
        {
            final AnnotatedMember mutator = property.getMutator(); // a setter, or a section's field
            if (mutator == null || mutator instanceof AnnotatedMethod setter && setter.getParameterCount() != 1)
            {
                continue;
            }
            final String path = prefix + property.getName();
            final JavaType valueType = mutator instanceof AnnotatedMethod setter ? setter.getParameterType(0) : mutator.getType();
            final Class<?> raw = valueType.getRawClass();
            if (raw == Object.class)
            {
                continue; // an inline document (anomaly.settings): only in the file
            }
            if (isSection(raw))
            {
                walk(path + ".", valueType, defaults, keys);
                continue;
            }
            final List<String> subKeys = defaults.keySet().stream().filter(k -> k.startsWith(path + ".")).toList();
            if (valueType.isMapLikeType() && !subKeys.isEmpty())
            {
                for (final String subKey : subKeys)
                {
                    keys.add(new Key(subKey, envVariable(subKey), defaults.get(subKey), expects(null, defaults.get(subKey))));
                }
                continue;
            }
            keys.add(new Key(path, envVariable(path), defaults.get(path), expects(valueType, defaults.get(path))));
        }
    }

    /**
     * A section of keys: a class of ours bound from a mapping, nested ({@code DaemonConfig.Anomaly})
     * or a top-level {@code *Config} ({@code AlertingConfig}, {@code SpoolConfig}), so the act sections
     * list every key too, not one opaque {@code alerting} value.
     */
    private static boolean isSection(final Class<?> raw)
    {
        return !raw.isEnum() && raw.getPackageName().startsWith("io.hotpath.daemon")
            && (raw.getEnclosingClass() != null || raw.getSimpleName().endsWith("Config"));
    }

    /** What a value is, from its type and, for text, its documented default ({@code 15s}: a duration). */
    private static String expects(final JavaType type, final String defaultValue)
    {
        if (type == null || type.getRawClass() == String.class)
        {
            return textKind(defaultValue);
        }
        final Class<?> raw = type.getRawClass();
        if (type.isCollectionLikeType() || type.isArrayType())
        {
            return "list `[a, b]`";
        }
        if (type.isMapLikeType())
        {
            return "map `{k: v}`";
        }
        if (raw == boolean.class || raw == Boolean.class)
        {
            return "`true`/`false`";
        }
        if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class)
        {
            return "integer";
        }
        if (raw == double.class || raw == Double.class)
        {
            return "number";
        }
        return "text";
    }

    /** "duration" or "size" when the default is written in that grammar ({@link Durations}, {@link Sizes}). */
    private static String textKind(final String defaultValue)
    {
        if (defaultValue == null || defaultValue.isEmpty())
        {
            return "text";
        }
        try
        {
            Durations.parse(defaultValue);
            return "duration";
        }
        catch (final IllegalArgumentException notADuration)
        {
            // next
        }
        try
        {
            Sizes.bytes(defaultValue);
            return defaultValue.chars().anyMatch(Character::isLetter) ? "size" : "integer";
        }
        catch (final IllegalArgumentException notASize)
        {
            return "text";
        }
    }
}
