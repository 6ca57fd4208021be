package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacked tarball's docs name only what the tarball holds: every relative link resolves inside
 * it, every installed-layout path in code ({@code lib/hotpath-agent.jar}, {@code doc/agent.md}) and
 * every {@code /opt/hotpath/...} path exists in it. {@code /opt/hotpath/...} in the repository's docs
 * (e.g. {@code -javaagent:/opt/hotpath/lib/hotpath-agent.jar}) is checked against the tarball too.
 */
class DocsIT
{
    private static final Pattern OPT_HOTPATH = Pattern.compile("/opt/hotpath/([A-Za-z0-9._/-]+)");
    private static final List<String> LAYOUT_DIRS = List.of("bin/", "lib/", "etc/", "doc/", "systemd/", "kubernetes/");

    @TempDir
    Path temp;

    @Test
    void tarballDocsNameOnlyWhatTheTarballHolds() throws Exception
    {
        final Path home = Tarball.unpack(temp);
        final List<Path> docs;
        try (Stream<Path> files = Files.walk(home))
        {
            docs = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        assertTrue(docs.size() >= 9, "README, systemd/README.md and the docs in doc/: " + docs);
        final List<String> problems = new ArrayList<>();
        for (final Path doc : docs)
        {
            final String text = Files.readString(doc);
            final Matcher link = DocsTest.LINK.matcher(text);
            while (link.find())
            {
                final String target = link.group(1).replaceAll("#.*$", "");
                if (target.isEmpty() || target.contains("://"))
                {
                    continue;
                }
                final Path resolved = doc.getParent().resolve(target).normalize();
                if (!resolved.startsWith(home) || !Files.exists(resolved))
                {
                    problems.add(home.relativize(doc) + ": link " + link.group(1));
                }
            }
            final Matcher code = DocsTest.CODE.matcher(text);
            while (code.find())
            {
                for (final String token : code.group(1).split("[\\s,()=:]+"))
                {
                    if (LAYOUT_DIRS.stream().anyMatch(token::startsWith) && !token.matches(".*[<>…*$].*")
                        && !Files.exists(home.resolve(token.replaceAll("[.]+$", ""))))
                    {
                        problems.add(home.relativize(doc) + ": path " + token);
                    }
                }
            }
            optHotpathPaths(home, doc, text, problems);
        }
        for (final Path doc : DocsTest.repoDocs())
        {
            optHotpathPaths(home, doc, Files.readString(doc), problems);
        }
        assertEquals(List.of(), problems, "named in the docs but not in the tarball " + home);
    }

    private static void optHotpathPaths(final Path home, final Path doc, final String text, final List<String> problems)
    {
        final Matcher path = OPT_HOTPATH.matcher(text);
        while (path.find())
        {
            final String inside = path.group(1).replaceAll("[.]+$", "");
            if (!inside.contains("…") && !Files.exists(home.resolve(inside)))
            {
                problems.add(doc + ": /opt/hotpath/" + inside);
            }
        }
    }
}
