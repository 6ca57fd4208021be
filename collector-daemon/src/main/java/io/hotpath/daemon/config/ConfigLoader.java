package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.KeySpelling;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.syntax.YamlFiles;
import io.hotpath.wire.config.YamlNode;
import io.hotpath.daemon.config.syntax.YamlTree;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import io.hotpath.daemon.detect.AnomalySettings;
import io.hotpath.daemon.expose.web.WebConfig;
import io.hotpath.daemon.slo.SloFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Loads {@link DaemonConfig} from YAML: read by snakeyaml-engine ({@link YamlTree}, which keeps the lines),
 * bound onto the config classes by Jackson databind. Every problem becomes a {@link ConfigException}
 * that names the file, the line and column, the field path ({@code spool.retention}) and what was
 * expected, e.g. {@code /etc/hotpath/hotpathd.yaml:7:18: spool.scan-interval: expected a duration
 * such as 500ms, 15s, 5m, 2h or 7d, got 'soon'}.
 */
public final class ConfigLoader
{
    /** Also {@link ConfigKeys}' view of the model and {@link EffectiveConfig}'s overlays: one binding. */
    static final ObjectMapper MAPPER = new ObjectMapper()
        .registerModule(YamlTree.MODULE)
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
        .setVisibility(PropertyAccessor.SETTER, JsonAutoDetect.Visibility.PUBLIC_ONLY)
        .setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.PUBLIC_ONLY)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

    private ConfigLoader()
    {
    }

    public static DaemonConfig load(final Path file) throws ConfigException
    {
        return parse(read(file), file.toString());
    }

    /** Parses YAML text; {@code source} names it in messages. An empty document gives the defaults. */
    public static DaemonConfig parse(final String yaml, final String source) throws ConfigException
    {
        final Bound bound = bind(yaml, source);
        readNamedFiles(bound.config(), bound::where);
        return bound.config();
    }

    static String read(final Path file) throws ConfigException
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException e)
        {
            throw new ConfigException(file + ": cannot read the config file: " + e, e);
        }
    }

    /** A config bound from its file, before the files it names are read; {@link #where} places a key for messages. */
    record Bound(DaemonConfig config, String yaml, String source)
    {
        /**
         * {@code h.yaml:2: field slo.file: }: where a key of the file is, to prefix a problem with what it
         * names. The document is composed again only then (a valid file pays nothing), with the line left
         * out if that fails.
         */
        String where(final String key)
        {
            int line = 0;
            try
            {
                YamlNode<ConfigException> node = YamlFiles.parse(yaml, source);
                for (final String part : key.split("\\."))
                {
                    node = node == null ? null : node.get(part);
                }
                line = node == null ? 0 : node.line();
            }
            catch (final ConfigException | RuntimeException e)
            {
                line = 0; // the binding read it, so hardly reached; the message still names file and field
            }
            return source + (line > 0 ? ":" + line : "") + ": field " + key + ": ";
        }
    }

    /** Binds the YAML text onto the defaults, without reading the files it names ({@link #readNamedFiles}). */
    static Bound bind(final String yaml, final String source) throws ConfigException
    {
        final DaemonConfig config = new DaemonConfig();
        if (yaml.isBlank())
        {
            return new Bound(config, yaml, source);
        }
        final YamlTree tree = YamlTree.parse(yaml, source);
        if (tree.isEmpty())
        {
            return new Bound(config, yaml, source);
        }
        try
        {
            MAPPER.readerForUpdating(config).readValue(MAPPER.treeAsTokens(tree.toJson()));
        }
        catch (final UnrecognizedPropertyException e)
        {
            final String expected = e.getKnownPropertyIds() == null ? "" :
                " (expected one of: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
            throw new ConfigException(tree.where(path(e), true) + "unknown field '" + e.getPropertyName() + "'" + expected, e);
        }
        catch (final JsonMappingException e)
        {
            final Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : null;
            final String problem = cause != null ? cause.getMessage() : e.getOriginalMessage();
            throw new ConfigException(tree.where(path(e), false) + problem, e);
        }
        catch (final IOException e)
        {
            throw new ConfigException(source + ": " + e.getMessage(), e); // a tree in memory: hardly reached
        }
        if (config.getAnomaly().inlineGiven())
        {
            bindInlineAnomalySettings(config, yaml, source);
        }
        if (yaml.indexOf('_') >= 0)
        {
            warnOldSpellings(yaml, source);
        }
        return new Bound(config, yaml, source);
    }

    /** Keys inside list items that had a snake_case spelling too ({@link RemoteWriteEndpoint}). */
    private static final Set<String> LIST_ITEM_KEYS = Set.of(
        "remote-write[].basic-auth.password-file", "remote-write[].tls.ca-file", "remote-write[].tls.cert-file",
        "remote-write[].tls.key-file", "remote-write[].tls.insecure-skip-verify");

    /**
     * One warning per key of hotpathd.yaml written in the old snake_case ({@code remote_write}), found
     * by key path so that label names ({@code push.grouping-key}, {@code alerting.labels}) are left
     * alone; {@code anomaly.settings} is read by {@link YamlNode}, which warns itself.
     */
    private static void warnOldSpellings(final String yaml, final String source)
    {
        final Set<String> paths = new HashSet<>(LIST_ITEM_KEYS);
        ConfigKeys.all().forEach(key -> paths.add(key.path()));
        final Set<String> known = new HashSet<>();
        for (final String path : paths)
        {
            for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1))
            {
                known.add(path.substring(0, dot));
            }
            known.add(path);
        }
        try
        {
            warnOldSpellings(YamlFiles.parse(yaml, source), "", known);
        }
        catch (final ConfigException e)
        {
            // composed above already, so hardly reached
        }
    }

    private static void warnOldSpellings(final YamlNode<ConfigException> node, final String kebabPath, final Set<String> known) throws ConfigException
    {
        if (node.isSequence())
        {
            for (final YamlNode<ConfigException> element : node.elements())
            {
                warnOldSpellings(element, kebabPath + "[]", known);
            }
            return;
        }
        if (!node.isMapping() || kebabPath.equals("anomaly.settings"))
        {
            return;
        }
        for (final Map.Entry<String, YamlNode<ConfigException>> entry : node.entries().entrySet())
        {
            final String child = (kebabPath.isEmpty() ? "" : kebabPath + ".") + KeySpelling.kebab(entry.getKey());
            if (!known.contains(child))
            {
                continue;
            }
            if (entry.getKey().indexOf('_') >= 0)
            {
                KeySpelling.warnOldSpelling(node.source() + ":" + entry.getValue().line(), node.path(), entry.getKey());
            }
            warnOldSpellings(entry.getValue(), child, known);
        }
    }

    /**
     * Reads and checks the files the config names ({@code slo.file}, {@code anomaly.file},
     * {@code web.config-file}) once the file, the variables and the flags have all been applied, so a
     * mistake in one stops the start; {@code where} says where the key naming it was set.
     */
    static void readNamedFiles(final DaemonConfig config, final Function<String, String> where) throws ConfigException
    {
        final SloConfig slo = config.getSlo();
        readNamed("slo.file", slo.file(), where, () -> slo.useSlos(SloFile.load(slo.file())));
        final DaemonConfig.Anomaly anomaly = config.getAnomaly();
        readNamed("anomaly.file", anomaly.file(), where, () -> anomaly.useSettings(AnomalySettings.load(anomaly.file())));
        final WebListenerConfig web = config.getWeb();
        readNamed("web.config-file", web.configFile(), where, () -> web.useConfig(WebConfig.load(web.configFile())));
    }

    /** Reading one named file: a {@link ConfigException} or {@link IllegalArgumentException}. */
    private interface Read
    {
        void run() throws ConfigException;
    }

    private static void readNamed(final String key, final Path file, final Function<String, String> where, final Read read)
        throws ConfigException
    {
        if (file == null)
        {
            return;
        }
        try
        {
            read.run();
        }
        catch (final ConfigException | IllegalArgumentException e)
        {
            throw new ConfigException(where.apply(key) + e.getMessage(), e);
        }
    }

    /**
     * {@code anomaly.settings} has the anomaly settings file's format; it is read with the same
     * reader as that file, over the daemon file's own nodes, so errors name this file's lines and
     * the full path ({@code anomaly.settings.detectors.zscore.enter}).
     */
    private static void bindInlineAnomalySettings(final DaemonConfig config, final String yaml, final String source)
        throws ConfigException
    {
        final YamlNode<ConfigException> anomaly = YamlFiles.parse(yaml, source).require("anomaly", "a mapping");
        final YamlNode<ConfigException> settings = anomaly.get("settings");
        if (config.getAnomaly().file() != null)
        {
            final YamlNode<ConfigException> settingsEntry = anomaly.entries().get("settings");
            throw (settingsEntry != null ? settingsEntry : anomaly).error(
                "give the anomaly settings either inline or as anomaly.file, not both");
        }
        config.getAnomaly().useSettings(settings == null ? AnomalySettings.defaults() : AnomalySettings.fromYaml(settings));
    }

    /** The field path of a binding error: names and list indexes. */
    private static List<Object> path(final JsonMappingException e)
    {
        return e.getPath().stream()
            .map(r -> r.getFieldName() != null ? (Object)r.getFieldName() : (Object)r.getIndex())
            .toList();
    }
}
