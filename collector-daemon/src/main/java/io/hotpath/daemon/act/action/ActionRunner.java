package io.hotpath.daemon.act.action;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import io.hotpath.daemon.act.incident.Incident;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.io.File;
import java.net.http.HttpTimeoutException;

/**
 * Runs one action off the act thread: a command (argv, no shell; environment {@code HOTPATH_*}
 * describing the incident; stdout and stderr captured together up to the action's limit; killed
 * with its descendants at the timeout) or a webhook (the incident JSON POSTed; 2xx is success).
 */
public final class ActionRunner implements AutoCloseable
{
    /** How a run ended. {@code exitCode} is the HTTP status for webhooks; -1 when it did not end by itself. */
    public record Result(boolean succeeded, int exitCode, boolean timedOut, String output, long outputDropped,
        String error, long durationMillis)
    {
    }

    private final ExecutorService threads = Executors.newCachedThreadPool(r ->
    {
        final Thread thread = new Thread(r, "hotpathd-action");
        thread.setDaemon(true);
        return thread;
    });
    /** Built at the first webhook: an idle daemon carries no HTTP client, its selector thread and classes. */
    private HttpClient http;

    private synchronized HttpClient http()
    {
        if (http == null)
        {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        return http;
    }

    public CompletableFuture<Result> run(final ActionConfig action, final Map<String, String> environment, final byte[] incidentJson)
    {
        return CompletableFuture.supplyAsync(() -> action.webhook() != null
            ? webhook(action.webhook(), action, incidentJson)
            : command(action.command(), action, environment), threads);
    }

    /** What a command learns about its incident: {@code HOTPATH_*} variables (added to the daemon's environment). */
    public static Map<String, String> environment(final Incident incident, final ActionConfig action, final String target)
    {
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("HOTPATH_INCIDENT_ID", Long.toString(incident.id()));
        env.put("HOTPATH_ACTION", action.name());
        env.put("HOTPATH_TARGET", target);
        env.put("HOTPATH_SOURCE", incident.source());
        env.put("HOTPATH_SEVERITY", incident.severity());
        env.put("HOTPATH_SUMMARY", incident.summary());
        env.put("HOTPATH_DESCRIPTION", incident.description());
        env.put("HOTPATH_OPENED_AT", Instant.ofEpochMilli(incident.openedMillis()).toString());
        incident.labels().forEach((name, value) -> env.put("HOTPATH_LABEL_" + name.toUpperCase(Locale.ROOT), value));
        return env;
    }

    private Result command(final List<String> argv, final ActionConfig action, final Map<String, String> environment)
    {
        final long started = System.nanoTime();
        final Process process;
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            process = builder.start();
        }
        catch (final IOException | RuntimeException e)
        {
            return new Result(false, -1, false, "", 0, "cannot start " + argv.get(0) + ": " + e.getMessage(), elapsed(started));
        }
        final BoundedOutput output = new BoundedOutput(process.getInputStream(), action.outputLimitBytes());
        final Thread reader = new Thread(output, "hotpathd-action-output");
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = false;
        try
        {
            if (!process.waitFor(action.timeoutMillis(), TimeUnit.MILLISECONDS))
            {
                timedOut = true;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            // A child left running in the background may hold the output open: do not wait for it.
            reader.join(1_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        final int exit = process.isAlive() ? -1 : process.exitValue();
        return new Result(!timedOut && exit == 0, timedOut ? -1 : exit, timedOut, output.text(), output.dropped(),
            timedOut ? "timed out after " + action.timeoutMillis() + " ms" : exit == 0 ? null : "exit code " + exit, elapsed(started));
    }

    private Result webhook(final URI url, final ActionConfig action, final byte[] incidentJson)
    {
        final long started = System.nanoTime();
        try
        {
            final HttpResponse<String> response = http().send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofMillis(action.timeoutMillis()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(incidentJson)).build(), HttpResponse.BodyHandlers.ofString());
            final String body = response.body() == null ? "" : response.body();
            final String kept = body.length() > action.outputLimitBytes() ? body.substring(0, action.outputLimitBytes()) : body;
            final boolean ok = response.statusCode() / 100 == 2;
            return new Result(ok, response.statusCode(), false, kept, body.length() - kept.length(),
                ok ? null : "HTTP " + response.statusCode(), elapsed(started));
        }
        catch (final HttpTimeoutException e)
        {
            return new Result(false, -1, true, "", 0, "timed out after " + action.timeoutMillis() + " ms", elapsed(started));
        }
        catch (final IOException | RuntimeException e)
        {
            return new Result(false, -1, false, "", 0, String.valueOf(e), elapsed(started));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return new Result(false, -1, false, "", 0, "interrupted", elapsed(started));
        }
    }

    private static long elapsed(final long startedNanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Reads a stream to its end, keeping the first {@code limit} bytes and counting the rest. */
    private static final class BoundedOutput implements Runnable
    {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long dropped;

        BoundedOutput(final InputStream in, final int limit)
        {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run()
        {
            final byte[] buffer = new byte[4096];
            try
            {
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    synchronized (this)
                    {
                        final int keep = Math.max(0, Math.min(read, limit - kept.size()));
                        kept.write(buffer, 0, keep);
                        dropped += read - keep;
                    }
                }
            }
            catch (final IOException e)
            {
                // the process is gone: what was read is kept
            }
        }

        synchronized String text()
        {
            return kept.toString(StandardCharsets.UTF_8);
        }

        synchronized long dropped()
        {
            return dropped;
        }
    }

    @Override
    public void close()
    {
        threads.shutdownNow();
    }
}
