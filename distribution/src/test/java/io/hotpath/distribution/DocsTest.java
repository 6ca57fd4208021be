package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.Hotpathd;
import io.hotpath.daemon.config.ConfigKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the repository's docs mention exists: every relative link, every repository path in code
 * (`collector-daemon/...`), every daemon config key (`spool.dir`) and every `hotpathd` flag. The
 * tarball's docs are checked against the unpacked tarball by {@code DocsIT}.
 */
class DocsTest
{
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    static final Pattern CODE = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern CONFIG_KEY = Pattern.compile("^[a-z]+(\\.[a-z][a-z0-9-]*)+$");
    private static final Pattern HOTPATHD_COMMAND = Pattern.compile("\\bhotpathd(?:\\.jar)?((?:[ \\t]+[^\\s`|;)]+)+)");
    /** JVM flags the docs name next to hotpathd (the launcher's), not hotpathd's own. */
    private static final Set<String> NOT_HOTPATHD_FLAGS = Set.of("--sun-misc-unsafe-memory-access");

    static List<Path> repoDocs() throws IOException
    {
        final Path root = DefaultConfigTest.root();
        final List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("CONTRIBUTING.md"),
            root.resolve("distribution/src/main/dist/README.md")));
        for (final String dir : List.of("javaagent", "collector-daemon", "wire-protocol", "docs", "systemd", "benchmarks", "otel-extension"))
        {
            if (Files.isDirectory(root.resolve(dir)))
            {
                try (Stream<Path> files = Files.list(root.resolve(dir)))
                {
                    files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
                }
            }
        }
        return docs;
    }

    @Test
    void everyRelativeLinkResolves() throws Exception
    {
        final List<String> broken = new ArrayList<>();
        for (final Path doc : repoDocs())
        {
            if (doc.endsWith(Path.of("distribution/src/main/dist/README.md")))
            {
                continue; // the tarball's README: its links are checked in the tarball (DocsIT)
            }
            final Matcher link = LINK.matcher(Files.readString(doc));
            while (link.find())
            {
                final String target = link.group(1).replaceAll("#.*$", "");
                if (target.isEmpty() || target.contains("://") || target.startsWith("mailto:"))
                {
                    continue;
                }
                if (!Files.exists(doc.getParent().resolve(target)))
                {
                    broken.add(DefaultConfigTest.root().relativize(doc) + ": " + link.group(1));
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void everyRepositoryPathInCodeExists() throws Exception
    {
        final Path root = DefaultConfigTest.root();
        final Set<String> topDirs;
        try (Stream<Path> top = Files.list(root))
        {
            topDirs = top.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                .collect(Collectors.toSet());
        }
        final List<String> missing = new ArrayList<>();
        for (final Path doc : repoDocs())
        {
            final Matcher code = CODE.matcher(Files.readString(doc));
            while (code.find())
            {
                for (final String token : code.group(1).split("[\\s,()]+"))
                {
                    final int slash = token.indexOf('/');
                    if (slash <= 0 || !topDirs.contains(token.substring(0, slash)) || token.matches(".*(target/|[<>…*$]|\\.\\.\\.).*"))
                    {
                        continue;
                    }
                    final String path = token.replaceAll("[:.]+$", "");
                    if (!Files.exists(root.resolve(path)))
                    {
                        missing.add(root.relativize(doc) + ": " + token);
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "paths named in the docs that are not in the repository");
    }

    @Test
    void everyDaemonConfigKeyExists() throws Exception
    {
        final Set<String> keys = ConfigKeys.all().stream().map(ConfigKeys.Key::path).collect(Collectors.toCollection(TreeSet::new));
        keys.add("anomaly.settings");
        final Set<String> sections = keys.stream().filter(k -> k.contains(".")).map(k -> k.substring(0, k.indexOf('.')))
            .collect(Collectors.toSet());
        final Path root = DefaultConfigTest.root();
        final List<String> unknown = new ArrayList<>();
        for (final Path doc : List.of(root.resolve("README.md"), root.resolve("collector-daemon/README.md"),
            root.resolve("collector-daemon/ANALYSIS.md"), root.resolve("systemd/README.md"), root.resolve("docs/KUBERNETES.md"),
            root.resolve("distribution/src/main/dist/README.md")))
        {
            final Matcher code = CODE.matcher(Files.readString(doc));
            while (code.find())
            {
                final String key = code.group(1).strip();
                if (!CONFIG_KEY.matcher(key).matches() || !sections.contains(key.substring(0, key.indexOf('.'))))
                {
                    continue;
                }
                final boolean known = keys.contains(key) || keys.stream().anyMatch(k -> k.startsWith(key + ".") || key.startsWith(k + "."));
                if (!known)
                {
                    unknown.add(root.relativize(doc) + ": " + key);
                }
            }
        }
        assertEquals(List.of(), unknown, "config keys named in the docs that hotpathd does not have (keys: " + keys + ")");
    }

    @Test
    void everyHotpathdFlagExists() throws Exception
    {
        final CommandLine hotpathd = Hotpathd.commandLine();
        final List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (final Path doc : repoDocs())
        {
            for (final String line : Files.readAllLines(doc))
            {
                final Matcher command = HOTPATHD_COMMAND.matcher(line);
                while (command.find())
                {
                    final String[] tokens = command.group(1).strip().split("[ \\t]+");
                    final CommandLine sub = tokens.length > 0 && hotpathd.getSubcommands().containsKey(tokens[0])
                        ? hotpathd.getSubcommands().get(tokens[0]) : hotpathd;
                    for (final String token : tokens)
                    {
                        final String flag = token.replaceAll("^\\[+", "").replaceAll("[=\\[\\]].*$", "");
                        if (!flag.matches("--[a-z][a-z0-9-]*") || NOT_HOTPATHD_FLAGS.contains(flag))
                        {
                            continue;
                        }
                        checked++;
                        if (!sub.getCommandSpec().optionsMap().containsKey(flag))
                        {
                            unknown.add(DefaultConfigTest.root().relativize(doc) + ": hotpathd " + (sub == hotpathd ? "" : tokens[0] + " ")
                                + flag);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), unknown, "flags the docs give hotpathd that it does not have");
        assertTrue(checked > 10, "the docs name hotpathd's flags: " + checked);
    }
}
