package io.hotpath.distribution;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.daemon.Hotpathd;
import io.hotpath.daemon.config.ConfigKeys;
import io.hotpath.daemon.config.ConfigLoader;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.config.EffectiveConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The container image and Kubernetes manifests (deploy/) agree with the daemon and the tarball:
 * arguments are hotpathd's flags, configs load, ports, mounts and paths line up. No Kubernetes
 * schema validator is available offline here; this checks what a schema could not (that the paths
 * and flags are the real ones).
 */
class ContainerFilesTest
{
    /** Manifests hold several documents: snakeyaml-engine loads them, Jackson gives the tree the checks walk. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> documents(final String file) throws Exception
    {
        final List<JsonNode> docs = new ArrayList<>();
        for (final Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(
            Files.readString(DefaultConfigTest.root().resolve(file))))
        {
            if (doc != null)
            {
                docs.add(JSON.valueToTree(doc));
            }
        }
        return docs;
    }

    private static JsonNode kind(final List<JsonNode> docs, final String kind)
    {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind));
    }

    private static Map<String, String> mounts(final JsonNode container)
    {
        final Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        return mounts;
    }

    private static Map<String, JsonNode> volumes(final JsonNode podSpec)
    {
        final Map<String, JsonNode> volumes = new HashMap<>();
        podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        return volumes;
    }

    @Test
    void daemonSetRunsTheRealDaemonOnTheNodesSpool() throws Exception
    {
        final List<JsonNode> docs = documents("deploy/kubernetes/hotpathd.yaml");
        final JsonNode daemonSet = kind(docs, "DaemonSet");
        final JsonNode pod = daemonSet.path("spec").path("template").path("spec");
        assertTrue(pod.path("hostPID").asBoolean(), "hostPID: hotpathd checks the agents' pids");
        assertFalse(pod.path("enableServiceLinks").asBoolean(true), "no HOTPATHD_* service-link variables");
        final JsonNode container = pod.path("containers").get(0);
        final List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        Hotpathd.commandLine().parseArgs(args.toArray(String[]::new)); // throws on a flag hotpathd does not have

        final JsonNode configMap = kind(docs, "ConfigMap");
        final String configPath = args.get(args.indexOf("--config") + 1);
        final Map<String, String> mounts = mounts(container);
        final Map<String, JsonNode> volumes = volumes(pod);
        final String configVolume = mounts.entrySet().stream().filter(e -> configPath.startsWith(e.getValue() + "/")).findFirst()
            .orElseThrow(() -> new AssertionError(configPath + " not mounted")).getKey();
        assertEquals(configMap.path("metadata").path("name").asText(), volumes.get(configVolume).path("configMap").path("name").asText());
        final String fileName = Path.of(configPath).getFileName().toString();
        final DaemonConfig config = ConfigLoader.parse(configMap.path("data").path(fileName).asText(), "ConfigMap " + fileName);

        assertEquals(config.getSpool().dir().toString(), mounts.get("spool"));
        assertEquals(config.getSpool().dir().toString(), volumes.get("spool").path("hostPath").path("path").asText());
        assertEquals(config.getState().dir().toString(), mounts.get("state"));
        assertEquals(config.getState().dir().toString(), volumes.get("state").path("hostPath").path("path").asText());
        assertEquals(config.listenAddress().getPort(), container.path("ports").get(0).path("containerPort").asInt());
        assertEquals("0.0.0.0", config.listenAddress().getHostString(), "reachable from the pod network");
        assertEquals("/health", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals(String.valueOf(config.listenAddress().getPort()),
            daemonSet.path("spec").path("template").path("metadata").path("annotations").path("prometheus.io/port").asText());
        assertEquals(10001, container.path("securityContext").path("runAsUser").asInt());
        container.path("env").forEach(variable -> assertTrue(ConfigKeys.byEnvVariable(variable.path("name").asText()) != null
            || ConfigKeys.LAUNCHER_VARIABLES.contains(variable.path("name").asText()), variable.toString()));
    }

    @Test
    void applicationGetsTheAgentFromTheInitContainerAndWritesIntoTheSameSpool() throws Exception
    {
        final List<JsonNode> daemonDocs = documents("deploy/kubernetes/hotpathd.yaml");
        final JsonNode daemonPod = kind(daemonDocs, "DaemonSet").path("spec").path("template").path("spec");
        final List<JsonNode> docs = documents("deploy/kubernetes/app-with-agent.yaml");
        final JsonNode pod = kind(docs, "Deployment").path("spec").path("template").path("spec");
        assertTrue(pod.path("hostPID").asBoolean(), "the agent records the node's pid");
        assertEquals(10001, pod.path("securityContext").path("runAsGroup").asInt(), "queue files readable by hotpathd's group");
        final Map<String, JsonNode> volumes = volumes(pod);
        final JsonNode init = pod.path("initContainers").get(0);
        final JsonNode app = pod.path("containers").get(0);

        String toolOptions = null;
        for (final JsonNode variable : app.path("env"))
        {
            if ("JAVA_TOOL_OPTIONS".equals(variable.path("name").asText()))
            {
                toolOptions = variable.path("value").asText();
            }
        }
        assertNotNull(toolOptions);
        final Matcher agent = Pattern.compile("-javaagent:(\\S+?\\.jar)(?:=config=(\\S+))?").matcher(toolOptions);
        assertTrue(agent.find(), toolOptions);
        final Path agentPath = Path.of(agent.group(1));
        assertEquals(Path.of("/opt/hotpath/lib/hotpath-agent.jar"), agentPath, "the path of the tarball and the docs");

        // The init container copies the image's agent into the volume the app mounts at the agent's directory.
        final String agentVolume = mounts(app).entrySet().stream().filter(e -> Path.of(e.getValue()).equals(agentPath.getParent()))
            .findFirst().orElseThrow(() -> new AssertionError(agentPath.getParent() + " not mounted")).getKey();
        assertTrue(volumes.get(agentVolume).has("emptyDir"));
        final List<String> command = new ArrayList<>();
        init.path("command").forEach(c -> command.add(c.asText()));
        assertEquals(List.of("cp", "/opt/hotpath/lib/hotpath-agent.jar",
            Path.of(mounts(init).get(agentVolume)).resolve(agentPath.getFileName()).toString()), command);
        assertEquals(kind(daemonDocs, "DaemonSet").path("spec").path("template").path("spec").path("containers").get(0)
            .path("image").asText(), init.path("image").asText(), "the agent comes from the same image as hotpathd");

        // Rules from the ConfigMap.
        final Path rules = Path.of(agent.group(2));
        final String rulesVolume = mounts(app).entrySet().stream().filter(e -> Path.of(e.getValue()).equals(rules.getParent()))
            .findFirst().orElseThrow().getKey();
        final JsonNode rulesMap = kind(docs, "ConfigMap");
        assertEquals(rulesMap.path("metadata").path("name").asText(), volumes.get(rulesVolume).path("configMap").path("name").asText());
        assertTrue(JSON.valueToTree(new Load(LoadSettings.builder().build()).loadFromString(
            rulesMap.path("data").path(rules.getFileName().toString()).asText())).path("rules").isArray());

        // The agent's default spool dir is the daemon's spool, the same host path.
        final String spoolVolume = mounts(app).entrySet().stream().filter(e -> e.getValue().equals("/var/lib/hotpath/spool"))
            .findFirst().orElseThrow().getKey();
        assertEquals(volumes(daemonPod).get("spool").path("hostPath").path("path").asText(),
            volumes.get(spoolVolume).path("hostPath").path("path").asText());
    }

    @Test
    void dockerfileStartsTheTarballsDaemonWithValidSettings() throws Exception
    {
        final String dockerfile = Files.readString(DefaultConfigTest.root().resolve("deploy/container/Dockerfile"));
        assertTrue(dockerfile.contains("\nENTRYPOINT [\"/opt/hotpath/bin/hotpathd\"]\n"), dockerfile);
        final Matcher cmd = Pattern.compile("\nCMD \\[(.*)]\n").matcher(dockerfile);
        assertTrue(cmd.find());
        final List<String> args = new ArrayList<>();
        for (final String arg : cmd.group(1).split(",\\s*"))
        {
            args.add(arg.replace("\"", ""));
        }
        Hotpathd.commandLine().parseArgs(args.toArray(String[]::new));
        assertEquals("/opt/hotpath/etc/hotpathd.yaml", args.get(args.indexOf("--config") + 1));
        final Map<String, String> env = new HashMap<>();
        final Matcher envLine = Pattern.compile("\nENV (HOTPATHD_\\w+)=(\\S+)").matcher(dockerfile);
        while (envLine.find())
        {
            env.put(envLine.group(1), envLine.group(2));
        }
        final DaemonConfig config = EffectiveConfig.load(DefaultConfigTest.root().resolve("systemd/hotpathd.yaml"), env, List.of()).config();
        assertTrue(dockerfile.contains("\nEXPOSE " + config.listenAddress().getPort() + "\n"), dockerfile);
        assertTrue(dockerfile.contains("\nUSER 10001:10001\n"));
        assertTrue(dockerfile.contains("ADD hotpath-${VERSION}.tar.gz /opt/"), "built from the tarball");
    }
}
