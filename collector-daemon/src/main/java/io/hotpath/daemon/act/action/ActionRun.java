package io.hotpath.daemon.act.action;

/** One attempt of one action on one incident, while it is not over. Act thread only. */
final class ActionRun
{
    enum Phase { AWAITING_APPROVAL, RUNNING, VERIFYING }

    final long incident;
    final String action;
    final String target;
    /** The incident's group: verification looks at the group, since a fault may come back as a new incident. */
    String group = "";
    Phase phase;
    /** Approval expiry (awaiting) or verification time (verifying), epoch milliseconds. */
    long deadline;

    ActionRun(final long incident, final String action, final String target, final Phase phase, final long deadline)
    {
        this.incident = incident;
        this.action = action;
        this.target = target;
        this.phase = phase;
        this.deadline = deadline;
    }
}
