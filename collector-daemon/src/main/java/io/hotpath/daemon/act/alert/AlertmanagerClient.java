package io.hotpath.daemon.act.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Posts alert batches to every configured Alertmanager's v2 API ({@code POST /api/v2/alerts}),
 * each independently: a failure (connection, timeout, non-2xx) is retried with doubling back-off
 * up to {@code retries} times, then counted as failed; the next resend carries the alerts again.
 * Results are reported on {@code callbacks} (the act thread).
 */
public final class AlertmanagerClient
{
    private final AlertingConfig config;
    private final ScheduledExecutorService callbacks;
    /** Built at the first post: an idle daemon (no alert yet) carries no HTTP client, its selector thread and classes. */
    private HttpClient http;
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong alertsSent = new AtomicLong();

    public AlertmanagerClient(final AlertingConfig config, final ScheduledExecutorService callbacks)
    {
        this.config = config;
        this.callbacks = callbacks;
    }

    private synchronized HttpClient http()
    {
        if (http == null)
        {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.timeoutMillis())).executor(Runnable::run).build();
        }
        return http;
    }

    public List<URI> alertmanagers()
    {
        return config.alertmanagers();
    }

    /**
     * Posts {@code body} (a JSON array of {@code alertCount} alerts) to every Alertmanager;
     * {@code done} gets each one's URL and null on success or the last error, on the callback thread.
     */
    public void post(final byte[] body, final int alertCount, final BiConsumer<URI, String> done)
    {
        for (final URI alertmanager : config.alertmanagers())
        {
            attempt(alertmanager, body, alertCount, 0, done);
        }
    }

    private void attempt(final URI alertmanager, final byte[] body, final int alertCount, final int attempt,
        final BiConsumer<URI, String> done)
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(alertmanager + "/api/v2/alerts"))
            .timeout(Duration.ofMillis(config.timeoutMillis()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        final Executor onCallbacks = callbacks;
        http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenCompleteAsync((response, error) ->
        {
            final String problem = error != null ? String.valueOf(error.getCause() != null ? error.getCause() : error)
                : response.statusCode() / 100 != 2 ? "HTTP " + response.statusCode() + ": " + abbreviate(response.body()) : null;
            if (problem == null)
            {
                posted.incrementAndGet();
                alertsSent.addAndGet(alertCount);
                done.accept(alertmanager, null);
            }
            else if (attempt < config.retries() && !callbacks.isShutdown())
            {
                retried.incrementAndGet();
                callbacks.schedule(() -> attempt(alertmanager, body, alertCount, attempt + 1, done),
                    config.retryBackoffMillis() << Math.min(attempt, 10), TimeUnit.MILLISECONDS);
            }
            else
            {
                failed.incrementAndGet();
                done.accept(alertmanager, problem);
            }
        }, onCallbacks);
    }

    private static String abbreviate(final String text)
    {
        final String line = text == null ? "" : text.strip().replace('\n', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    /** Successful posts (one per Alertmanager per batch). */
    public long posted()
    {
        return posted.get();
    }

    /** Posts given up after every retry. */
    public long failed()
    {
        return failed.get();
    }

    public long retried()
    {
        return retried.get();
    }

    /** Alerts delivered (an alert in a batch posted to two Alertmanagers counts twice). */
    public long alertsSent()
    {
        return alertsSent.get();
    }
}
