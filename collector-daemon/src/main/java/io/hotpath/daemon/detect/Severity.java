package io.hotpath.daemon.detect;

/** Severity of an anomaly event; {@link #label()} is the {@code severity} label value. */
public enum Severity
{
    WARNING("warning"), CRITICAL("critical");

    private final String label;

    Severity(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }
}
