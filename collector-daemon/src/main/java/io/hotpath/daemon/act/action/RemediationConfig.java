package io.hotpath.daemon.act.action;

import io.hotpath.wire.config.Durations;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code remediation:} the actions, the global switch and approvals. */
public final class RemediationConfig
{
    private boolean enabled = true;
    private Path approvalTokenFile;
    private long approvalExpiryMillis = Durations.millis("15m");
    private List<ActionConfig> actions = List.of();

    /** The global switch: false stops every action (also switchable at run time over HTTP). */
    public boolean enabled()
    {
        return enabled;
    }

    public void setEnabled(final boolean value)
    {
        enabled = value;
    }

    /** File holding the bearer token of approve/reject and the run-time switch; without it those endpoints refuse. */
    public Path approvalTokenFile()
    {
        return approvalTokenFile;
    }

    public void setApprovalTokenFile(final String value)
    {
        approvalTokenFile = Path.of(value);
    }

    public long approvalExpiryMillis()
    {
        return approvalExpiryMillis;
    }

    /** An approval-required run not approved within this long expires (never runs). */
    public void setApprovalExpiry(final String value)
    {
        approvalExpiryMillis = Durations.millis(value);
        if (approvalExpiryMillis <= 0)
        {
            throw new IllegalArgumentException("must be positive");
        }
    }

    public List<ActionConfig> actions()
    {
        return actions;
    }

    public void setActions(final List<ActionConfig> value)
    {
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < value.size(); i++)
        {
            value.get(i).validate(i);
            if (!names.add(value.get(i).name()))
            {
                throw new IllegalArgumentException("remediation.actions[" + i + "]: the name '" + value.get(i).name() + "' is used twice");
            }
        }
        actions = List.copyOf(value);
    }
}
