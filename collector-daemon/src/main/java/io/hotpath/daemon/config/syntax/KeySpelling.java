package io.hotpath.daemon.config.syntax;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * One key style in every YAML file hotpathd reads (hotpathd.yaml, SLO and anomaly files): kebab-case,
 * {@code burn-rate-alerts}, {@code min-duration}. The snake_case spellings of earlier releases
 * ({@code burn_rate_alerts}, {@code remote_write}, {@code tls.ca_file}) are read the same until the next
 * release, with one warning per file line (a SIGHUP reload does not repeat it). Names that are data,
 * not keys (label names, metric names, signal names), keep their spelling.
 */
public final class KeySpelling
{
    private static final Logger LOG = Logger.getLogger(KeySpelling.class.getName());
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private KeySpelling()
    {
    }

    /** {@code min_duration} to {@code min-duration}. */
    public static String kebab(final String key)
    {
        return key.replace('_', '-');
    }

    /** Logs, once per place, that {@code written} at {@code where} ({@code file:line}) is the old spelling. */
    public static void warnOldSpelling(final String where, final String field, final String written)
    {
        if (WARNED.add(where + ' ' + written))
        {
            LOG.warning(where + ": " + (field.isEmpty() ? "" : field + ": ") + "'" + written + "' is the old spelling of '"
                + kebab(written) + "'; snake_case keys are read until the next release");
        }
    }
}
