package io.hotpath.daemon.config.syntax;

import io.hotpath.wire.config.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon's entry to the shared {@link YamlNode}: its {@link ConfigException}, errors at the key's
 * line, old key spellings warned about through {@link KeySpelling}. Used by every YAML reader of the
 * daemon that reports lines: the SLO file, the anomaly settings (also inline in hotpathd.yaml).
 */
public final class YamlFiles
{
    /** How the daemon reads YAML. */
    public static final YamlNode.Dialect<ConfigException> DIALECT = new YamlNode.Dialect<>(
        (source, line, column, field, problem) -> new ConfigException(source, line, column, field, problem, null),
        KeySpelling::warnOldSpelling, false);

    private YamlFiles()
    {
    }

    /** Reads and composes a YAML file; an empty file is an error. */
    public static YamlNode<ConfigException> load(final Path file) throws ConfigException
    {
        try
        {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        }
        catch (final IOException e)
        {
            throw new ConfigException(file.toString(), 0, "", "cannot read: " + e);
        }
    }

    /** Composes YAML text; {@code source} names it in error messages; an empty document is an error. */
    public static YamlNode<ConfigException> parse(final String text, final String source) throws ConfigException
    {
        final YamlNode<ConfigException> root = parseOrEmpty(text, source);
        if (root == null)
        {
            throw new ConfigException(source, 0, "", "the file is empty");
        }
        return root;
    }

    /** Like {@link #parse}, with null for a document without content (only comments). */
    static YamlNode<ConfigException> parseOrEmpty(final String text, final String source) throws ConfigException
    {
        return YamlNode.compose(text, source, DIALECT).orElse(null);
    }
}
