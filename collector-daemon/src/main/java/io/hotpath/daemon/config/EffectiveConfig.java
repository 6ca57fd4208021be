package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlTree;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daemon's settings from every source, in precedence order flag &gt; environment
 * ({@code HOTPATHD_*}, see {@link ConfigKeys}) &gt; file &gt; built-in default, each validated where it
 * is given: a bad file names file, line and field; a bad variable names the variable; a bad flag the
 * flag. {@link #settings()} says where each effective value came from ({@code hotpathd check-config}).
 */
public final class EffectiveConfig
{
    /** Where a value came from. */
    public enum Origin
    {
        DEFAULT, FILE, ENV, FLAG
    }

    /** A command-line flag that sets a key ({@code --listen} sets {@code listen}). */
    public record Flag(String name, String key, String value)
    {
    }

    /** One effective setting: key, value as YAML text, origin, and the file, variable or flag that set it. */
    public record Setting(String key, String value, Origin origin, String from)
    {
    }

    /** Updates the loaded config in place: nested sections are merged, not replaced. */
    private static final ObjectMapper OVERLAY = ConfigLoader.MAPPER.copy().setDefaultMergeable(true);

    private final DaemonConfig config;
    private final List<Setting> settings;
    private final List<String> ignoredVariables;
    private final Map<String, String> fileValues;

    private EffectiveConfig(final DaemonConfig config, final List<Setting> settings, final List<String> ignoredVariables,
        final Map<String, String> fileValues)
    {
        this.config = config;
        this.settings = settings;
        this.ignoredVariables = ignoredVariables;
        this.fileValues = fileValues;
    }

    /**
     * What decides the settings under {@code prefix} ({@code "anomaly."}): the effective values, the
     * file's inline documents under it, and the content of the files they name. Equal fingerprints:
     * nothing to reload there.
     */
    public String fingerprint(final String prefix)
    {
        final StringBuilder text = new StringBuilder();
        for (final Setting setting : settings)
        {
            if (setting.key().startsWith(prefix))
            {
                text.append(setting.key()).append('=').append(setting.value()).append('\n');
                if (setting.key().endsWith(".file") && !setting.value().isEmpty())
                {
                    try
                    {
                        text.append(Files.readString(Path.of(setting.value()))).append('\n');
                    }
                    catch (final IOException | RuntimeException e)
                    {
                        text.append("unreadable: ").append(e.getMessage()).append('\n');
                    }
                }
            }
        }
        fileValues.forEach((key, value) -> text.append(key.startsWith(prefix) ? key + "=" + value + "\n" : ""));
        return text.toString();
    }

    public DaemonConfig config()
    {
        return config;
    }

    public List<Setting> settings()
    {
        return settings;
    }

    /** {@code HOTPATHD_*} variables that are neither settings nor the launcher's (e.g. Kubernetes service links). */
    public List<String> ignoredVariables()
    {
        return ignoredVariables;
    }

    /** Loads {@code file} (null: none), then the environment's {@code HOTPATHD_*} settings, then the flags. */
    public static EffectiveConfig load(final Path file, final Map<String, String> environment, final List<Flag> flags)
        throws ConfigException
    {
        final String text = file == null ? "" : ConfigLoader.read(file);
        final ConfigLoader.Bound bound = ConfigLoader.bind(text, file == null ? "" : file.toString());
        final DaemonConfig config = bound.config();
        final Map<String, String> fromFile = new TreeMap<>();
        if (!text.isBlank())
        {
            ConfigKeys.flatten("", YamlTree.parse(text, file.toString()).toJson(), fromFile);
        }
        final Map<String, String> fromEnv = new TreeMap<>();
        final List<String> ignored = new ArrayList<>();
        for (final Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet())
        {
            if (!variable.getKey().startsWith(ConfigKeys.ENV_PREFIX) || ConfigKeys.LAUNCHER_VARIABLES.contains(variable.getKey()))
            {
                continue;
            }
            final ConfigKeys.Key key = ConfigKeys.byEnvVariable(variable.getKey());
            if (key == null)
            {
                ignored.add(variable.getKey());
                continue;
            }
            apply(config, key.path(), yamlValue(variable.getValue()), "environment " + variable.getKey() + "=" + variable.getValue());
            fromEnv.put(key.path(), variable.getKey());
        }
        final Map<String, Flag> fromFlags = new TreeMap<>();
        for (final Flag flag : flags)
        {
            apply(config, flag.key(), TextNode.valueOf(flag.value()), flag.name());
            fromFlags.put(flag.key(), flag);
        }
        ConfigLoader.readNamedFiles(config, key -> fromFlags.containsKey(key) ? fromFlags.get(key).name() + ": " + key + ": "
            : fromEnv.containsKey(key) ? "environment " + fromEnv.get(key) + "=" + environment.get(fromEnv.get(key)) + ": " + key + ": "
            : bound.where(key));
        final Map<String, String> defaults = ConfigKeys.documentedDefaults();
        final List<Setting> settings = new ArrayList<>();
        for (final ConfigKeys.Key key : ConfigKeys.all())
        {
            final String path = key.path();
            if (fromFlags.containsKey(path))
            {
                settings.add(new Setting(path, fromFlags.get(path).value(), Origin.FLAG, fromFlags.get(path).name()));
            }
            else if (fromEnv.containsKey(path))
            {
                settings.add(new Setting(path, environment.get(fromEnv.get(path)), Origin.ENV, fromEnv.get(path)));
            }
            else if (fromFile.containsKey(path))
            {
                settings.add(new Setting(path, fromFile.get(path), Origin.FILE, file.toString()));
            }
            else
            {
                settings.add(new Setting(path, defaults.getOrDefault(path, ""), Origin.DEFAULT, ""));
            }
        }
        if (fromFile.keySet().stream().anyMatch(k -> k.startsWith("anomaly.settings.")))
        {
            settings.add(new Setting("anomaly.settings", "(inline)", Origin.FILE, file.toString()));
        }
        return new EffectiveConfig(config, List.copyOf(settings), List.copyOf(ignored), Map.copyOf(fromFile));
    }

    /** A variable's value read as YAML ({@code 5m}, {@code true}, {@code [1s, 1m]}, {@code {a: b}}); plain text if it is not YAML. */
    private static JsonNode yamlValue(final String text)
    {
        try
        {
            final JsonNode node = YamlTree.parse(text, "").toJson();
            return node.isMissingNode() || node.isNull() ? TextNode.valueOf(text) : node;
        }
        catch (final ConfigException e)
        {
            return TextNode.valueOf(text);
        }
    }

    private static void apply(final DaemonConfig config, final String path, final JsonNode value, final String source)
        throws ConfigException
    {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode parent = root;
        final String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++)
        {
            parent = parent.putObject(parts[i]);
        }
        parent.set(parts[parts.length - 1], value);
        try
        {
            OVERLAY.readerForUpdating(config).readValue(OVERLAY.treeAsTokens(root));
        }
        catch (final IOException e)
        {
            final Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            final String problem = cause instanceof JsonProcessingException ? ((JsonProcessingException)cause).getOriginalMessage() : cause.getMessage();
            throw new ConfigException(source + ": " + path + ": " + problem, e);
        }
    }
}
