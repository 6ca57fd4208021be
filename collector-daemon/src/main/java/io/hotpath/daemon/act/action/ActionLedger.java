package io.hotpath.daemon.act.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotpath.daemon.act.alert.AlertPublisher;
import io.hotpath.daemon.act.incident.Incident;
import io.hotpath.daemon.act.incident.IncidentBook;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@link Remediator}'s books: the configured actions with their guardrails, the runs not over yet,
 * every attempt made, and how a run ends (recovered; failed and escalated; expired; skipped), each
 * ending a timeline record. Rebuilt from the journal at start ({@link #replay}, {@link #afterReplay}).
 * Act thread only, as the Remediator.
 */
final class ActionLedger
{
    private static final Logger LOG = Logger.getLogger(Remediator.class.getName());

    final Map<String, ActionConfig> actions = new LinkedHashMap<>();
    final Map<String, ActionGuard> guards = new LinkedHashMap<>();
    /** Runs not over yet, by incident id and action name. */
    final Map<String, ActionRun> runs = new LinkedHashMap<>();
    /** incident id + action name of every attempt made (whatever became of it). */
    final Set<String> attempted = new HashSet<>();
    private final ActionOutcomes outcomes = new ActionOutcomes();
    private final IncidentBook book;
    private final AlertPublisher alerts;

    ActionLedger(final List<ActionConfig> configured, final IncidentBook book, final AlertPublisher alerts)
    {
        this.book = book;
        this.alerts = alerts;
        for (final ActionConfig action : configured)
        {
            actions.put(action.name(), action);
            guards.put(action.name(), ActionGuard.of(action));
        }
    }

    /** Rebuilds guardrails and pending runs from one journal record (the switch records are {@link Remediator}'s). */
    void replay(final ObjectNode record)
    {
        final String type = record.path("type").asText();
        final long ts = record.path("ts").asLong();
        final String name = record.path("action").asText(null);
        final ActionGuard guard = name == null ? null : guards.get(name);
        if (guard == null)
        {
            return; // not an action record, or an action no longer configured
        }
        final long incident = record.path("incident").asLong();
        final String key = key(incident, name);
        final String target = record.path("target").asText("");
        attempted.add(key);
        switch (type)
        {
            case "action_proposed":
                runs.put(key, new ActionRun(incident, name, target, ActionRun.Phase.AWAITING_APPROVAL, record.path("expires_epoch_ms").asLong()));
                break;
            case "action_dry_run":
                guard.started(target, ts);
                guard.finished(target, ActionGuard.Outcome.NOT_JUDGED);
                break;
            case "action_started":
                guard.started(target, ts);
                final ActionRun started = new ActionRun(incident, name, target, ActionRun.Phase.RUNNING, 0);
                final Incident of = book.get(incident);
                started.group = of == null ? "" : of.groupKey();
                runs.put(key, started);
                break;
            case "action_finished":
                final ActionRun run = runs.get(key);
                if (run != null && record.path("succeeded").asBoolean())
                {
                    run.phase = ActionRun.Phase.VERIFYING;
                    run.deadline = ts + actions.get(name).verifyAfterMillis();
                }
                break;
            case "verified":
                runs.remove(key);
                guard.finished(target, ActionGuard.Outcome.RECOVERED);
                break;
            case "escalated":
                runs.remove(key);
                guard.finished(target, ActionGuard.Outcome.FAILED);
                break;
            case "action_rejected":
            case "action_expired":
            case "action_skipped":
                runs.remove(key);
                break;
            default:
                break;
        }
    }

    /** After the replay: runs a crash interrupted are failed remediations (the process is gone with the old daemon). */
    void afterReplay(final long now)
    {
        for (final ActionRun run : new ArrayList<>(runs.values()))
        {
            if (run.phase == ActionRun.Phase.RUNNING)
            {
                book.record(run.incident, "action_finished", IncidentBook.fields().put("action", run.action).put("target", run.target)
                    .put("succeeded", false).put("error", "interrupted: hotpathd stopped while it ran"), now);
                fail(run, "the run was interrupted by a hotpathd restart", now);
            }
        }
    }

    void recovered(final ActionRun run, final long now)
    {
        runs.remove(key(run.incident, run.action));
        guards.get(run.action).finished(run.target, ActionGuard.Outcome.RECOVERED);
        count(run.action, "recovered");
        book.record(run.incident, "verified", IncidentBook.fields().put("action", run.action).put("target", run.target)
            .put("outcome", "recovered"), now);
    }

    void fail(final ActionRun run, final String reason, final long now)
    {
        runs.remove(key(run.incident, run.action));
        final ActionGuard guard = guards.get(run.action);
        final boolean wasOpen = guard.breakerOpen();
        guard.finished(run.target, ActionGuard.Outcome.FAILED);
        count(run.action, "failed");
        book.record(run.incident, "escalated", IncidentBook.fields().put("action", run.action).put("target", run.target)
            .put("reason", reason), now);
        // The run's incident may have closed while the fault came back as a new one of its group: escalate what is open.
        final Incident incident = book.get(run.incident);
        final Incident open = incident != null && incident.isOpen() ? incident : book.openInGroup(run.group);
        if (open != null)
        {
            alerts.escalate(open, reason, now);
        }
        LOG.warning("incident " + run.incident + ": " + reason + "; escalated");
        if (!wasOpen && guard.breakerOpen())
        {
            book.record(run.incident, "breaker_open", IncidentBook.fields().put("action", run.action)
                .put("failures_in_a_row", guard.failuresInARow()), now);
            LOG.warning("action " + run.action + " disabled after " + guard.failuresInARow() + " failed remediations in a row");
        }
    }

    void expire(final ActionRun run, final String reason, final long now)
    {
        runs.remove(key(run.incident, run.action));
        count(run.action, "expired");
        book.record(run.incident, "action_expired", IncidentBook.fields().put("action", run.action).put("target", run.target)
            .put("reason", reason), now);
    }

    void skip(final long incident, final ActionConfig action, final String target, final ActionGuard.Verdict verdict, final long now)
    {
        count(action.name(), verdict.label());
        book.record(incident, "action_skipped", IncidentBook.fields().put("action", action.name()).put("target", target)
            .put("reason", verdict.label()), now);
    }

    List<ActionRun> runsOf(final long incident)
    {
        final List<ActionRun> of = new ArrayList<>();
        for (final ActionRun run : runs.values())
        {
            if (run.incident == incident)
            {
                of.add(run);
            }
        }
        return of;
    }

    void count(final String action, final String outcome)
    {
        outcomes.count(action, outcome);
    }

    /** {@code hotpath_actions_total} samples: action, outcome → count (any thread). */
    Map<String, Long> outcomeCounts()
    {
        return outcomes.counts();
    }

    static String key(final long incident, final String action)
    {
        return incident + "/" + action;
    }
}
