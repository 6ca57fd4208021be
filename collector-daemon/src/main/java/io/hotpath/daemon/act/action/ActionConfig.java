package io.hotpath.daemon.act.action;

import io.hotpath.daemon.config.syntax.Checks;
import io.hotpath.daemon.config.syntax.Urls;
import io.hotpath.wire.config.Sizes;
import io.hotpath.wire.config.Durations;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One remediation action of {@code remediation.actions}: what runs (a command or a webhook), on
 * which incidents (its trigger) and within which guardrails. Actions exist only in the daemon's
 * config: nothing over the network can add or change one.
 */
public final class ActionConfig
{
    /** Whether a run waits for a person. */
    public enum Approval { NONE, REQUIRED }

    private String name;
    private List<String> command = List.of();
    private URI webhook;
    private long timeoutMillis = 30_000;
    private boolean dryRun = true;
    private Approval approval = Approval.NONE;
    private String triggerSlo;
    private String triggerSource;
    private List<String> triggerSeverities = List.of();
    private final Map<String, String> triggerLabels = new LinkedHashMap<>();
    private String target = "{service}";
    private int maxRuns = 3;
    private long windowMillis = Durations.millis("1h");
    private long cooldownMillis = Durations.millis("10m");
    private long verifyAfterMillis = Durations.millis("2m");
    private int breakerFailures = 3;
    private int outputLimitBytes = 16 * 1024;

    public String name()
    {
        return name;
    }

    public void setName(final String value)
    {
        if (value == null || !value.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}"))
        {
            throw new IllegalArgumentException("action name must be letters, digits, '_', '.', '-' (at most 64), got '" + value + "'");
        }
        name = value;
    }

    /** The program and its arguments (no shell: write {@code [sh, -c, "..."]} to want one). */
    public List<String> command()
    {
        return command;
    }

    public void setCommand(final List<String> value)
    {
        if (value.isEmpty() || value.get(0) == null || value.get(0).isBlank())
        {
            throw new IllegalArgumentException("command must be a non-empty list: [program, arg, ...]");
        }
        command = List.copyOf(value);
    }

    /** POSTed the incident as JSON instead of running a command. */
    public URI webhook()
    {
        return webhook;
    }

    public void setWebhook(final String value)
    {
        webhook = Urls.httpUrl(value, null);
    }

    public long timeoutMillis()
    {
        return timeoutMillis;
    }

    public void setTimeout(final String value)
    {
        timeoutMillis = Checks.positive(Durations.millis(value));
    }

    /** True (the default): the run is only recorded, with what would have run. */
    public boolean dryRun()
    {
        return dryRun;
    }

    public void setDryRun(final boolean value)
    {
        dryRun = value;
    }

    public Approval approval()
    {
        return approval;
    }

    public void setApproval(final String value)
    {
        switch (String.valueOf(value))
        {
            case "none": approval = Approval.NONE; break;
            case "required": approval = Approval.REQUIRED; break;
            default: throw new IllegalArgumentException("expected none or required, got '" + value + "'");
        }
    }

    /** {@code trigger:} {@code slo}, {@code source} (anomaly or slo), {@code severity} (list), {@code labels} (all must match). */
    @SuppressWarnings("unchecked")
    public void setTrigger(final Map<String, Object> trigger)
    {
        for (final Map.Entry<String, Object> entry : trigger.entrySet())
        {
            final Object value = entry.getValue();
            switch (entry.getKey())
            {
                case "slo": triggerSlo = String.valueOf(value); break;
                case "source":
                    triggerSource = String.valueOf(value);
                    if (!triggerSource.equals("anomaly") && !triggerSource.equals("slo"))
                    {
                        throw new IllegalArgumentException("trigger.source: expected anomaly or slo, got '" + value + "'");
                    }
                    break;
                case "severity":
                    final List<String> severities = new ArrayList<>();
                    for (final Object one : value instanceof List ? (List<Object>)value : List.of(value))
                    {
                        final String severity = String.valueOf(one);
                        if (!List.of("warning", "critical", "page", "ticket").contains(severity))
                        {
                            throw new IllegalArgumentException("trigger.severity: expected warning, critical, page or ticket, got '" + severity + "'");
                        }
                        severities.add(severity);
                    }
                    triggerSeverities = List.copyOf(severities);
                    break;
                case "labels":
                    if (!(value instanceof Map))
                    {
                        throw new IllegalArgumentException("trigger.labels: expected a mapping of label: value");
                    }
                    ((Map<String, Object>)value).forEach((k, v) -> triggerLabels.put(k, String.valueOf(v)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown trigger key '" + entry.getKey() + "' (expected slo, source, severity or labels)");
            }
        }
    }

    /** Whether an incident with these labels and severity triggers this action. */
    public boolean matches(final String source, final Map<String, String> labels, final String severity)
    {
        if (triggerSlo != null && !(triggerSlo.equals(labels.get("slo")) && "slo".equals(source)))
        {
            return false;
        }
        if (triggerSource != null && !triggerSource.equals(source))
        {
            return false;
        }
        if (!triggerSeverities.isEmpty() && !triggerSeverities.contains(severity))
        {
            return false;
        }
        for (final Map.Entry<String, String> label : triggerLabels.entrySet())
        {
            if (!label.getValue().equals(labels.get(label.getKey())))
            {
                return false;
            }
        }
        return true;
    }

    /** What the guardrails count per: a template over the incident's labels (default {@code {service}}). */
    public String target()
    {
        return target;
    }

    public void setTarget(final String value)
    {
        target = value;
    }

    public int maxRuns()
    {
        return maxRuns;
    }

    /** At most this many runs (dry or real) per {@code window}. */
    public void setMaxRuns(final int value)
    {
        maxRuns = (int)Checks.positive(value);
    }

    public long windowMillis()
    {
        return windowMillis;
    }

    public void setWindow(final String value)
    {
        windowMillis = Checks.positive(Durations.millis(value));
    }

    public long cooldownMillis()
    {
        return cooldownMillis;
    }

    /** After a run on a target, none again on the same target for this long. */
    public void setCooldown(final String value)
    {
        cooldownMillis = Durations.millis(value);
    }

    public long verifyAfterMillis()
    {
        return verifyAfterMillis;
    }

    /** The incident must be over within this long after the run ended, else the run failed and is escalated. */
    public void setVerifyAfter(final String value)
    {
        verifyAfterMillis = Checks.positive(Durations.millis(value));
    }

    public int breakerFailures()
    {
        return breakerFailures;
    }

    /** The action is disabled after this many failed remediations in a row. */
    public void setBreakerFailures(final int value)
    {
        breakerFailures = (int)Checks.positive(value);
    }

    public int outputLimitBytes()
    {
        return outputLimitBytes;
    }

    /** Output (stdout and stderr together) kept per run; the rest is counted and dropped. */
    public void setOutputLimit(final String value)
    {
        outputLimitBytes = (int)Math.min(1 << 20, Checks.positive(Sizes.bytes(value)));
    }

    /** Checks what single setters cannot: required keys and exclusive ones. */
    void validate(final int index)
    {
        final String where = "remediation.actions[" + index + "]" + (name == null ? "" : " (" + name + ")") + ": ";
        if (name == null)
        {
            throw new IllegalArgumentException(where + "name is required");
        }
        if (command.isEmpty() == (webhook == null))
        {
            throw new IllegalArgumentException(where + "give exactly one of command or webhook");
        }
        if (triggerSlo == null && triggerSource == null && triggerSeverities.isEmpty() && triggerLabels.isEmpty())
        {
            throw new IllegalArgumentException(where + "a trigger is required (slo, source, severity and/or labels)");
        }
    }
}
