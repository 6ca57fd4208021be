package io.hotpath.daemon.top;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * One frame of {@code hotpathd top}, made from the JSON the daemon serves: a row per series from
 * {@code /metrics/summary} (calls per second of the last second, error share and p50/p95/p99 of a
 * window, p99 of the last second), then the active anomalies of {@code /api/anomalies} and one line
 * per SLO of {@code /api/slos} when those endpoints answer. Pure: the same input gives the same text.
 */
public final class TopView
{
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int MAX_SERIES_WIDTH = 64;

    private final String url;
    private final String window;
    private final int maxRows;
    private final List<String> notes;

    public TopView(final String url, final String window, final int maxRows)
    {
        this(url, window, maxRows, List.of());
    }

    /**
     * @param window  the window whose percentiles and error share are shown: 1m, 5m, 15m or 1h.
     * @param maxRows series rows at most (the rest is summarised in one line).
     * @param notes   lines shown under the title of every frame (e.g. where else to look).
     */
    public TopView(final String url, final String window, final int maxRows, final List<String> notes)
    {
        this.url = url;
        this.window = window;
        this.maxRows = maxRows;
        this.notes = List.copyOf(notes);
    }

    /**
     * @param summary   {@code /metrics/summary}, or null when the daemon did not answer
     * @param anomalies {@code /api/anomalies}, or null when absent
     * @param slos      {@code /api/slos}, or null when absent
     * @param problem   why the summary is missing (shown instead of the table), or null
     */
    public String render(final Instant now, final JsonNode summary, final JsonNode anomalies, final JsonNode slos, final String problem)
    {
        final List<String> lines = new ArrayList<>();
        lines.add("hotpath top - " + url + " - " + CLOCK.format(now) + " - percentiles over " + window);
        lines.addAll(notes);
        if (summary == null)
        {
            lines.add("");
            lines.add("  " + (problem == null ? "no data" : problem));
            return String.join("\n", lines) + "\n";
        }
        series(summary, lines);
        if (anomalies != null)
        {
            anomalies(anomalies, lines);
        }
        if (slos != null)
        {
            slos(slos, lines);
        }
        return String.join("\n", lines) + "\n";
    }

    private void series(final JsonNode summary, final List<String> lines)
    {
        final JsonNode list = summary.path("series");
        final List<String[]> rows = new ArrayList<>();
        final boolean manyServices = services(list) > 1;
        for (final JsonNode series : list)
        {
            final JsonNode last = series.path("last1s");
            final JsonNode windowed = series.path("windows").path(window);
            final long windowCount = windowed.path("count").asLong();
            final JsonNode quantiles = windowed.path("quantileSeconds");
            rows.add(new String[] {
                name(series.path("labels"), manyServices),
                String.format(Locale.ROOT, "%.0f", last.path("count").asDouble()),
                windowCount == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100.0 * windowed.path("errors").asLong() / windowCount),
                duration(quantiles.path("0.5")),
                duration(quantiles.path("0.95")),
                duration(quantiles.path("0.99")),
                duration(last.path("quantileSeconds").path("0.99")),
                Long.toString(windowCount) });
        }
        rows.sort((a, b) -> a[0].compareTo(b[0]));
        int width = "SERIES".length();
        for (final String[] row : rows)
        {
            width = Math.max(width, Math.min(MAX_SERIES_WIDTH, row[0].length()));
        }
        final String format = "%-" + width + "s %11s %6s %9s %9s %9s %9s %9s";
        lines.add("");
        lines.add(String.format(Locale.ROOT, format, "SERIES", "CALLS/S(1s)", "ERR%", "P50", "P95", "P99", "P99(1s)", "CALLS(" + window + ")"));
        if (rows.isEmpty())
        {
            lines.add("  (no series yet: waiting for agents to write into the spool)");
        }
        for (int i = 0; i < rows.size() && i < maxRows; i++)
        {
            final String[] row = rows.get(i);
            final String name = row[0].length() > width ? row[0].substring(0, width - 1) + "~" : row[0];
            lines.add(String.format(Locale.ROOT, format, name, row[1], row[2], row[3], row[4], row[5], row[6], row[7]));
        }
        if (rows.size() > maxRows)
        {
            lines.add("  ... " + (rows.size() - maxRows) + " more series (see " + url + "/metrics/summary)");
        }
    }

    private static int services(final JsonNode list)
    {
        final Set<String> services = new HashSet<>();
        for (final JsonNode series : list)
        {
            services.add(series.path("labels").path("service").asText());
        }
        return services.size();
    }

    /** {@code metric{label=value,...}} without the service and kind, prefixed by the service when several report. */
    static String name(final JsonNode labels, final boolean withService)
    {
        final StringBuilder name = new StringBuilder();
        if (withService)
        {
            name.append(labels.path("service").asText()).append('/');
        }
        name.append(labels.path("metric").asText());
        final StringBuilder own = new StringBuilder();
        for (final Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); )
        {
            final Map.Entry<String, JsonNode> label = it.next();
            if (label.getKey().equals("service") || label.getKey().equals("metric") || label.getKey().equals("kind"))
            {
                continue;
            }
            own.append(own.length() == 0 ? "" : ",").append(label.getKey()).append('=').append(label.getValue().asText());
        }
        if (own.length() > 0)
        {
            name.append('{').append(own).append('}');
        }
        return name.toString();
    }

    /** Seconds as a short human duration: 850ns, 12.3us, 4.56ms, 1.20s ("-" for none). ASCII only: any terminal encoding shows it. */
    static String duration(final JsonNode seconds)
    {
        if (seconds == null || !seconds.isNumber())
        {
            return "-";
        }
        return duration(seconds.asDouble());
    }

    static String duration(final double seconds)
    {
        if (seconds < 1e-6)
        {
            return String.format(Locale.ROOT, "%.0fns", seconds * 1e9);
        }
        if (seconds < 1e-3)
        {
            return String.format(Locale.ROOT, "%.1fus", seconds * 1e6);
        }
        if (seconds < 1)
        {
            return String.format(Locale.ROOT, "%.2fms", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", seconds);
    }

    private static void anomalies(final JsonNode anomalies, final List<String> lines)
    {
        final JsonNode active = anomalies.path("active");
        lines.add("");
        final JsonNode incidents = anomalies.path("incidents");
        int openIncidents = 0;
        for (final JsonNode incident : incidents)
        {
            openIncidents += incident.path("state").asText().equals("open") ? 1 : 0;
        }
        lines.add("ANOMALIES: " + active.size() + " active, " + anomalies.path("events_opened").asLong() + " opened since start"
            + (incidents.isMissingNode() ? "" : "; incidents: " + openIncidents + " open, "
                + anomalies.path("incidents_opened").asLong() + " since start"));
        for (final JsonNode incident : incidents)
        {
            if (incident.path("state").asText().equals("open"))
            {
                lines.add(String.format(Locale.ROOT, "  INCIDENT #%d %s %s since %s: %d series/signals",
                    incident.path("id").asLong(), incident.path("severity").asText().toUpperCase(Locale.ROOT),
                    incident.path("direction").asText(), clock(incident.path("start").asText()), incident.path("members").size()));
            }
        }
        for (final JsonNode event : active)
        {
            lines.add(String.format(Locale.ROOT, "  %-8s %s %s (%s) since %s, peak %.1f sigma at %s",
                event.path("severity").asText().toUpperCase(Locale.ROOT),
                name(event.path("labels"), false),
                event.path("signal").asText(),
                event.path("detector").asText(),
                clock(event.path("start").asText()),
                event.path("peak_score").asDouble(),
                value(event.path("signal").asText(), event.path("peak_value"))));
        }
    }

    private static String value(final String signal, final JsonNode value)
    {
        if (!value.isNumber())
        {
            return "-";
        }
        if (signal.startsWith("latency"))
        {
            return duration(value.asDouble());
        }
        if (signal.equals("error_ratio"))
        {
            return String.format(Locale.ROOT, "%.1f%%", 100 * value.asDouble());
        }
        return String.format(Locale.ROOT, "%.0f/s", value.asDouble());
    }

    private static void slos(final JsonNode slos, final List<String> lines)
    {
        final JsonNode list = slos.path("slos");
        lines.add("");
        lines.add("SLOS");
        if (list.isEmpty())
        {
            lines.add("  (none configured)");
        }
        for (final JsonNode slo : list)
        {
            final String sloWindow = slo.path("window").asText();
            String sli = "-";
            String burn = "";
            for (final JsonNode window : slo.path("windows"))
            {
                final String name = window.path("window").asText();
                if (name.equals(sloWindow) && window.path("sli_ratio").isNumber())
                {
                    sli = String.format(Locale.ROOT, "%.3f%%", 100 * window.path("sli_ratio").asDouble());
                }
                if ((name.equals("5m") || name.equals("1h")) && window.path("burn_rate").isNumber())
                {
                    burn += String.format(Locale.ROOT, " %s %.1fx", name, window.path("burn_rate").asDouble());
                }
            }
            final StringBuilder alerts = new StringBuilder();
            for (final JsonNode alert : slo.path("alerts"))
            {
                if (alert.path("active").asBoolean() && alerts.indexOf(alert.path("alert").asText().toUpperCase(Locale.ROOT)) < 0)
                {
                    alerts.append(' ').append(alert.path("alert").asText().toUpperCase(Locale.ROOT));
                }
            }
            final JsonNode remaining = slo.path("error_budget").path("remaining_ratio");
            lines.add(String.format(Locale.ROOT, "  %-28s target %s  SLI(%s) %s  budget left %s  burn%s  alerts:%s",
                slo.path("name").asText(),
                String.format(Locale.ROOT, "%.3f%%", 100 * slo.path("target").asDouble()).replaceAll("\\.?0+%$", "%"),
                sloWindow, sli,
                remaining.isNumber() ? String.format(Locale.ROOT, "%.1f%%", 100 * remaining.asDouble()) : "-",
                burn.isEmpty() ? " -" : burn,
                alerts.length() == 0 ? " none" : alerts));
        }
    }

    private static String clock(final String instant)
    {
        try
        {
            return CLOCK.format(Instant.parse(instant));
        }
        catch (final RuntimeException e)
        {
            return instant;
        }
    }
}
