package io.hotpath.daemon.act.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotpath.daemon.act.alert.AlertPublisher;
import io.hotpath.daemon.act.incident.Incident;
import io.hotpath.daemon.act.incident.IncidentBook;
import io.hotpath.daemon.act.incident.LabelTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Binds incidents to the configured actions and runs them within their guardrails. Per incident
 * and action there is at most one attempt, ever (no retry storm):
 * <pre>
 *  matched ─► [approval required] proposed ─► approved ─┐   rejected / expired / incident over ─► never runs
 *         └──────────────────────────────────────────────┴► guard check ─► skipped (why)
 *                                                                        └► dry run (recorded only)
 *                                                                        └► started ─► finished ─► failed ─► escalated
 *                                                                                             └► verifying ─► T later, nothing open in the group: verified
 *                                                                                                         └► T later, still (or again) open: verify_failed ─► escalated
 * </pre>
 * Verification is judged at T after the run, not when the incident first closes: a restart
 * interrupts the data, which can close a detection that opens again once the restarted
 * service reports the same fault. So T should exceed the detectors' cooldown plus min_duration.
 * The target stays busy until then, so a re-detection does not start a second run.
 * Every step is a timeline record; the guardrails are rebuilt from them after a restart, and a
 * run that a crash interrupted counts as failed. Act thread only (results of runs come back to it
 * through {@code actThread}). Here: matching, approvals, starting runs and their deadlines; the
 * actions, guardrails, runs and how a run ends (with the replay that rebuilds them) are {@link ActionLedger}'s.
 */
public final class Remediator
{
    private static final Logger LOG = Logger.getLogger(Remediator.class.getName());

    private final RemediationConfig config;
    private final IncidentBook book;
    private final ActionRunner runner;
    private final Executor actThread;
    private final LongSupplier clock;
    /** Actions, guardrails, runs and how runs end. */
    private final ActionLedger ledger;
    private volatile boolean switchedOn;

    public Remediator(final RemediationConfig config, final IncidentBook book, final AlertPublisher alerts,
        final ActionRunner runner, final Executor actThread, final LongSupplier clock)
    {
        this.clock = clock;
        this.config = config;
        this.book = book;
        this.runner = runner;
        this.actThread = actThread;
        this.switchedOn = config.enabled();
        this.ledger = new ActionLedger(config.actions(), book, alerts);
    }

    /** Rebuilds guardrails and pending runs from one journal record (called for every record at start). */
    public void replay(final ObjectNode record)
    {
        if (record.path("type").asText().equals("switch"))
        {
            switchedOn = record.path("enabled").asBoolean(config.enabled());
            return;
        }
        ledger.replay(record);
    }

    /** After the replay: runs a crash interrupted are failed remediations (the process is gone with the old daemon). */
    public void afterReplay(final long now)
    {
        ledger.afterReplay(now);
    }

    /** An incident opened or changed (a worse severity may now match an action). */
    public void consider(final Incident incident, final long now)
    {
        if (!incident.isOpen())
        {
            return;
        }
        for (final ActionConfig action : ledger.actions.values())
        {
            final String key = ActionLedger.key(incident.id(), action.name());
            if (ledger.attempted.contains(key) || !action.matches(incident.source(), incident.labels(), incident.severity()))
            {
                continue;
            }
            ledger.attempted.add(key);
            String target = LabelTemplate.expand(action.target(), incident.labels(), false);
            target = target.isBlank() ? incident.groupKey() : target;
            if (action.approval() == ActionConfig.Approval.REQUIRED)
            {
                final ActionGuard.Verdict verdict = ledger.guards.get(action.name()).check(target, now, switchedOn);
                if (verdict != ActionGuard.Verdict.ALLOWED)
                {
                    ledger.skip(incident.id(), action, target, verdict, now);
                    continue;
                }
                final long expires = now + config.approvalExpiryMillis();
                ledger.runs.put(key, new ActionRun(incident.id(), action.name(), target, ActionRun.Phase.AWAITING_APPROVAL, expires));
                book.record(incident.id(), "action_proposed", IncidentBook.fields().put("action", action.name()).put("target", target)
                    .put("approval", "required").put("expires", Instant.ofEpochMilli(expires).toString()).put("expires_epoch_ms", expires), now);
                LOG.warning("incident " + incident.id() + ": action " + action.name() + " on " + target +
                    " waits for approval (hotpathd incidents approve " + incident.id() + ")");
            }
            else
            {
                start(incident, action, target, now);
            }
        }
    }

    private void start(final Incident incident, final ActionConfig action, final String target, final long now)
    {
        final ActionGuard guard = ledger.guards.get(action.name());
        final ActionGuard.Verdict verdict = guard.check(target, now, switchedOn);
        final String key = ActionLedger.key(incident.id(), action.name());
        if (verdict != ActionGuard.Verdict.ALLOWED)
        {
            ledger.runs.remove(key);
            ledger.skip(incident.id(), action, target, verdict, now);
            return;
        }
        final String what = action.webhook() != null ? "POST " + action.webhook() : String.join(" ", action.command());
        guard.started(target, now);
        if (action.dryRun())
        {
            ledger.runs.remove(key);
            guard.finished(target, ActionGuard.Outcome.NOT_JUDGED);
            ledger.count(action.name(), "dry_run");
            book.record(incident.id(), "action_dry_run", IncidentBook.fields().put("action", action.name()).put("target", target)
                .put("would_run", what), now);
            return;
        }
        final ActionRun run = new ActionRun(incident.id(), action.name(), target, ActionRun.Phase.RUNNING, 0);
        run.group = incident.groupKey();
        ledger.runs.put(key, run);
        book.record(incident.id(), "action_started", IncidentBook.fields().put("action", action.name()).put("target", target)
            .put("run", what), now);
        runner.run(action, ActionRunner.environment(incident, action, target), incident.toJson().toString().getBytes(StandardCharsets.UTF_8))
            .thenAcceptAsync(result -> finished(run, result, clock.getAsLong()), actThread);
    }

    private void finished(final ActionRun run, final ActionRunner.Result result, final long now)
    {
        final ObjectNode fields = IncidentBook.fields().put("action", run.action).put("target", run.target)
            .put("succeeded", result.succeeded()).put("exit_code", result.exitCode()).put("timed_out", result.timedOut())
            .put("duration_ms", result.durationMillis()).put("output", result.output());
        if (result.outputDropped() > 0)
        {
            fields.put("output_dropped_bytes", result.outputDropped());
        }
        if (result.error() != null)
        {
            fields.put("error", result.error());
        }
        book.record(run.incident, "action_finished", fields, now);
        if (!result.succeeded())
        {
            ledger.fail(run, "action " + run.action + " on " + run.target + " failed: " + result.error(), now);
            return;
        }
        run.phase = ActionRun.Phase.VERIFYING;
        run.deadline = now + ledger.actions.get(run.action).verifyAfterMillis();
    }

    /** The incident is over: proposals still waiting lapse (verifications are judged at their deadline). */
    public void onResolved(final Incident incident, final long now)
    {
        for (final ActionRun run : ledger.runsOf(incident.id()))
        {
            if (run.phase == ActionRun.Phase.AWAITING_APPROVAL)
            {
                ledger.expire(run, "the incident is over", now);
            }
        }
    }

    /** Deadlines: verifications that ran out fail; approvals that ran out expire. */
    public void tick(final long now)
    {
        for (final ActionRun run : new ArrayList<>(ledger.runs.values()))
        {
            if (run.phase == ActionRun.Phase.VERIFYING && now >= run.deadline && book.openInGroup(run.group) == null)
            {
                ledger.recovered(run, now);
            }
            else if (run.phase == ActionRun.Phase.VERIFYING && now >= run.deadline)
            {
                book.record(run.incident, "verify_failed", IncidentBook.fields().put("action", run.action).put("target", run.target)
                    .put("verify_after_ms", ledger.actions.get(run.action).verifyAfterMillis()), now);
                ledger.fail(run, "action " + run.action + " on " + run.target + " ran, but the incident is still (or again) open " +
                    ledger.actions.get(run.action).verifyAfterMillis() / 1000 + " s later", now);
            }
            else if (run.phase == ActionRun.Phase.AWAITING_APPROVAL && now >= run.deadline)
            {
                ledger.expire(run, "not approved in time", now);
            }
        }
    }

    /** Approves ({@code approve}) or rejects the incident's waiting actions; returns what happened, for the caller. */
    public String decide(final long incidentId, final boolean approve, final String by, final long now)
    {
        final Incident incident = book.get(incidentId);
        if (incident == null)
        {
            return "no incident " + incidentId;
        }
        final List<ActionRun> waiting = new ArrayList<>();
        for (final ActionRun run : ledger.runsOf(incidentId))
        {
            if (run.phase == ActionRun.Phase.AWAITING_APPROVAL)
            {
                waiting.add(run);
            }
        }
        if (waiting.isEmpty())
        {
            return "incident " + incidentId + " has no action waiting for approval";
        }
        final StringBuilder said = new StringBuilder();
        for (final ActionRun run : waiting)
        {
            final ActionConfig action = ledger.actions.get(run.action);
            if (approve)
            {
                book.record(incidentId, "action_approved", IncidentBook.fields().put("action", run.action).put("target", run.target)
                    .put("by", by), now);
                start(incident, action, run.target, now);
                said.append("approved ").append(run.action).append('\n');
            }
            else
            {
                ledger.runs.remove(ActionLedger.key(incidentId, run.action));
                ledger.count(run.action, "rejected");
                book.record(incidentId, "action_rejected", IncidentBook.fields().put("action", run.action).put("target", run.target)
                    .put("by", by), now);
                said.append("rejected ").append(run.action).append('\n');
            }
        }
        return said.toString();
    }

    /** The global switch at run time (recorded, so it survives restarts). */
    public void switchActions(final boolean on, final String by, final long now)
    {
        switchedOn = on;
        book.record(0, "switch", IncidentBook.fields().put("enabled", on).put("by", by), now);
        LOG.warning("remediation actions switched " + (on ? "on" : "off") + " by " + by);
    }

    /** No action waits for approval, runs or awaits its verification: nothing for a tick to look at. */
    public boolean idle()
    {
        return ledger.runs.isEmpty();
    }

    public boolean switchedOn()
    {
        return switchedOn;
    }

    /** {@code hotpath_actions_total} samples: action, outcome → count (any thread). */
    public Map<String, Long> outcomeCounts()
    {
        return ledger.outcomeCounts();
    }

    /** Breaker state per action, for {@code /api/incidents} (act thread). */
    public ObjectNode actionsJson(final long now)
    {
        final ObjectNode node = IncidentBook.fields();
        node.put("switched_on", switchedOn);
        final ObjectNode each = node.putObject("actions");
        ledger.guards.forEach((name, guard) -> each.putObject(name)
            .put("dry_run", ledger.actions.get(name).dryRun())
            .put("approval", ledger.actions.get(name).approval().name().toLowerCase(Locale.ROOT))
            .put("breaker_open", guard.breakerOpen())
            .put("failures_in_a_row", guard.failuresInARow())
            .put("runs_in_window", guard.runsInWindow(now))
            .put("max_runs", ledger.actions.get(name).maxRuns()));
        int waiting = 0;
        for (final ActionRun run : ledger.runs.values())
        {
            waiting += run.phase == ActionRun.Phase.AWAITING_APPROVAL ? 1 : 0;
        }
        node.put("awaiting_approval", waiting);
        return node;
    }
}
