package io.hotpath.daemon.top;

import io.hotpath.wire.config.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import io.hotpath.daemon.act.IncidentsCommand;
import io.hotpath.daemon.config.syntax.ConfigException;
import io.hotpath.daemon.config.DaemonConfig;
import io.hotpath.daemon.config.EffectiveConfig;

/**
 * {@code hotpathd top}: a refreshing terminal view of a running daemon's percentiles, anomalies and
 * SLOs, read over HTTP (so it works against any hotpathd it can reach, and needs no access to the
 * spool). On a terminal each frame repaints the screen; otherwise (a pipe, a log, a test) frames are
 * printed one after the other.
 */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    description = {
        "Live view of a running hotpathd: calls/s, error %%, p50/p95/p99 per series (from /metrics/summary),",
        "active anomalies (/api/anomalies) and SLO status (/api/slos) when the daemon serves them." },
    footer = { "", "Exit codes: 0 done (or Ctrl-C), 2 bad arguments." })
public final class TopCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WINDOWS = List.of("1m", "5m", "15m", "1h");
    private static final String CLEAR_HOME = "\033[H\033[2J";
    private static final String HIDE_CURSOR = "\033[?25l";
    private static final String SHOW_CURSOR = "\033[?25h";

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
        description = "hotpathd's address (default: the listen address of --config / HOTPATHD_LISTEN, else http://127.0.0.1:9464).")
    String url;

    @Option(names = "--config", paramLabel = "FILE", description = "The daemon's config file: top reads its listen address.")
    Path configFile;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", description = "Refresh period (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (default: until Ctrl-C).")
    String duration;

    @Option(names = "--window", paramLabel = "WINDOW", defaultValue = "1m", description = "Window of the percentiles and error %%: 1m, 5m, 15m, 1h (default: ${DEFAULT-VALUE}).")
    String window;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "40", description = "Series rows at most (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--screen", paramLabel = "MODE", defaultValue = "auto",
        description = "ansi: repaint the screen; plain: print frames one after the other; auto: ansi on a terminal (default).")
    String screen;

    @Option(names = "--once", description = "Print one frame and exit.")
    boolean once;

    @Option(names = "--note", paramLabel = "TEXT", description = "A line to show under the title of every frame (repeatable).")
    List<String> notes = new ArrayList<>();

    /** Built when the command runs: picocli instantiates every subcommand when hotpathd starts, and a daemon needs no client. */
    private HttpClient http;

    @Override
    public Integer call() throws InterruptedException
    {
        final long periodMillis = millis("--interval", interval);
        final long stopAfterMillis = duration == null ? Long.MAX_VALUE : millis("--duration", duration);
        if (!WINDOWS.contains(window))
        {
            throw new ParameterException(spec.commandLine(), "--window: expected one of " + WINDOWS + ", got '" + window + "'");
        }
        if (rows < 1)
        {
            throw new ParameterException(spec.commandLine(), "--rows: expected at least 1, got " + rows);
        }
        final boolean ansi = switch (screen.toLowerCase(Locale.ROOT))
        {
            case "ansi" -> true;
            case "plain" -> false;
            case "auto" -> System.console() != null && !"dumb".equals(System.getenv("TERM"));
            default -> throw new ParameterException(spec.commandLine(), "--screen: expected ansi, plain or auto, got '" + screen + "'");
        };
        if (url == null)
        {
            url = urlOf(configFile);
        }
        final String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        final TopView view = new TopView(base, window, rows, notes);
        final PrintStream out = System.out;
        if (ansi)
        {
            out.print(HIDE_CURSOR);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> out.print(SHOW_CURSOR + "\n"), "hotpathd-top-cursor"));
        }
        final long start = System.nanoTime();
        while (true)
        {
            final String frame = frame(view, base);
            out.print(ansi ? CLEAR_HOME + frame : frame + "\n");
            out.flush();
            final long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            if (once || elapsedMillis >= stopAfterMillis)
            {
                break;
            }
            Thread.sleep(Math.min(periodMillis, stopAfterMillis - elapsedMillis));
        }
        if (ansi)
        {
            out.print(SHOW_CURSOR);
            out.flush();
        }
        return 0;
    }

    /** Where the daemon configured like this listens (file and HOTPATHD_* variables, as the daemon reads them). */
    private String urlOf(final Path file)
    {
        final DaemonConfig config;
        try
        {
            config = EffectiveConfig.load(file, System.getenv(), List.of()).config();
        }
        catch (final ConfigException e)
        {
            throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
        }
        String host = config.listenAddress().getHostString();
        if (host.isEmpty() || "0.0.0.0".equals(host) || "::".equals(host))
        {
            host = "127.0.0.1"; // listening everywhere: loopback reaches it
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.listenAddress().getPort();
    }

    private long millis(final String option, final String text)
    {
        try
        {
            final long value = Durations.millis(text);
            if (value <= 0)
            {
                throw new IllegalArgumentException("expected a positive duration, got '" + text + "'");
            }
            return value;
        }
        catch (final IllegalArgumentException e)
        {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private String frame(final TopView view, final String base)
    {
        final JsonNode summary;
        try
        {
            summary = fetch(base + "/metrics/summary");
        }
        catch (final IOException e)
        {
            return view.render(Instant.now(), null, null, null, "hotpathd not reachable at " + base + " (" + e.getMessage() + "); retrying");
        }
        if (summary == null)
        {
            return view.render(Instant.now(), null, null, null, base + "/metrics/summary not found: is this hotpathd?");
        }
        return view.render(Instant.now(), summary, optional(base + "/api/anomalies"), optional(base + "/api/slos"), null)
            + IncidentsCommand.topSection(optional(base + "/api/incidents"));
    }

    private JsonNode optional(final String endpoint)
    {
        try
        {
            return fetch(endpoint);
        }
        catch (final IOException e)
        {
            return null;
        }
    }

    /** The JSON body, or null on 404 (an endpoint this daemon does not serve). */
    private JsonNode fetch(final String endpoint) throws IOException
    {
        final HttpResponse<byte[]> response;
        try
        {
            if (http == null)
            {
                http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            }
            response = http.send(HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        catch (final IOException e)
        {
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
        if (response.statusCode() == 404)
        {
            return null;
        }
        if (response.statusCode() != 200)
        {
            throw new IOException("HTTP " + response.statusCode() + " from " + endpoint);
        }
        return JSON.readTree(response.body());
    }
}
