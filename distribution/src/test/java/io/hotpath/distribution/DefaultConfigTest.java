package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.config.syntax.YamlTree;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code systemd/hotpathd.yaml} (installed as /etc/hotpath/hotpathd.yaml, shipped as
 * etc/hotpathd.yaml) lists exactly the daemon's keys with exactly its defaults, and loads.
 * When the daemon gains a key, this fails until the file has it too.
 */
class DefaultConfigTest
{
    /** Keys whose installed value differs from the built-in default on purpose (none so far). */
    private static final Set<String> DIFFERENT_ON_PURPOSE = Set.of();

    static Path root()
    {
        return Path.of(System.getProperty("hotpath.root", "..")).toAbsolutePath().normalize();
    }

    private static Map<String, String> flatten(final JsonNode node)
    {
        final Map<String, String> flat = new TreeMap<>();
        flatten("", node, flat);
        return flat;
    }

    private static void flatten(final String prefix, final JsonNode node, final Map<String, String> flat)
    {
        if (node.isObject() && node.size() > 0)
        {
            for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> field = it.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), flat);
            }
        }
        else
        {
            flat.put(prefix, node.toString());
        }
    }

    @Test
    void installedConfigHasEveryDefaultKeyWithItsDefaultValue() throws Exception
    {
        final JsonNode defaults;
        try (InputStream in = DaemonConfig.class.getResourceAsStream("/hotpathd-default.yaml"))
        {
            assertNotNull(in, "hotpathd-default.yaml not on the daemon's classpath");
            defaults = YamlTree.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "hotpathd-default.yaml").toJson();
        }
        final Path installed = root().resolve("systemd/hotpathd.yaml");
        final Map<String, String> expected = flatten(defaults);
        final Map<String, String> actual = flatten(YamlTree.parse(Files.readString(installed), installed.toString()).toJson());
        assertEquals(expected.keySet(), actual.keySet(),
            installed + " must list the same keys as collector-daemon/src/main/resources/hotpathd-default.yaml");
        for (final Map.Entry<String, String> key : expected.entrySet())
        {
            if (!DIFFERENT_ON_PURPOSE.contains(key.getKey()))
            {
                assertEquals(key.getValue(), actual.get(key.getKey()), installed + ": " + key.getKey() + " differs from the default");
            }
        }
    }

    @Test
    void installedConfigLoadsAndPointsAtTheUnitsDirectories() throws Exception
    {
        final DaemonConfig config = ConfigLoader.load(root().resolve("systemd/hotpathd.yaml"));
        assertEquals(Path.of("/var/lib/hotpath/spool"), config.getSpool().dir());
        assertEquals(Path.of("/var/lib/hotpath/state"), config.getState().dir());
        assertEquals("127.0.0.1", config.listenAddress().getHostString());
        final String unit = Files.readString(root().resolve("systemd/hotpathd.service"));
        assertTrue(unit.contains("\nReadWritePaths=/var/lib/hotpath/spool\n"), "the unit must let hotpathd write the configured spool");
        assertTrue(unit.contains("\nStateDirectory=hotpath/state\n"), "the unit must create the configured state directory");
        assertTrue(unit.contains("\nExecStart=/opt/hotpath/bin/hotpathd --config /etc/hotpath/hotpathd.yaml\n"), unit);
        final String tmpfiles = Files.readString(root().resolve("systemd/hotpath.tmpfiles"));
        assertTrue(tmpfiles.contains("\nd /var/lib/hotpath/spool 2770 hotpath hotpath -\n"), tmpfiles);
    }
}
