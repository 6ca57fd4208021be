package io.hotpath.daemon.config;

import io.hotpath.daemon.config.syntax.Checks;

import io.hotpath.daemon.slo.SloFile;
import java.nio.file.Path;

/** {@code slo:} SLOs computed live (optional); their counters live in the checkpoint under {@code state.dir}. */
public final class SloConfig
{
    private Path file;
    private SloFile slos;

    public Path file()
    {
        return file;
    }

    /** Only the path: {@link ConfigLoader} reads the file once every source has been applied. */
    public void setFile(final String value)
    {
        file = Path.of(Checks.nonEmpty(value));
    }

    /** The SLO file's content, read by {@link ConfigLoader}. */
    void useSlos(final SloFile value)
    {
        slos = value;
    }

    /** The SLOs, or null when none are configured. */
    public SloFile slos()
    {
        if (file != null && slos == null)
        {
            throw new IllegalStateException("slo.file " + file + " was not read: load the config with ConfigLoader");
        }
        return slos;
    }
}
