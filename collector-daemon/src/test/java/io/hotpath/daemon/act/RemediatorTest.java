package io.hotpath.daemon.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hotpath.daemon.act.action.ActionConfig;
import io.hotpath.daemon.act.action.ActionRunner;
import io.hotpath.daemon.act.action.RemediationConfig;
import io.hotpath.daemon.act.action.Remediator;
import io.hotpath.daemon.act.alert.AlertPublisher;
import io.hotpath.daemon.act.alert.AlertingConfig;
import io.hotpath.daemon.act.alert.AlertmanagerClient;
import io.hotpath.daemon.act.incident.Incident;
import io.hotpath.daemon.act.incident.IncidentBook;
import io.hotpath.daemon.act.incident.IncidentJournal;
import io.hotpath.daemon.act.incident.IncidentsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remediator's steps with real commands ({@code /bin/sh}) and a real journal; the test thread
 * plays the act thread (results of runs are queued to it).
 */
class RemediatorTest
{
    @TempDir
    Path temp;

    private final LinkedBlockingQueue<Runnable> actThread = new LinkedBlockingQueue<>();
    private final ActionRunner runner = new ActionRunner();
    private final ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
    private IncidentBook book;
    /** The time runs finish at (the remediator's clock). */
    private long now;

    @AfterEach
    void close()
    {
        runner.close();
        unused.shutdownNow();
    }

    private Remediator remediator(final ActionConfig... actions)
    {
        book = new IncidentBook(new IncidentJournal(temp), new IncidentsConfig());
        final RemediationConfig config = new RemediationConfig();
        config.setApprovalExpiry("10s");
        config.setActions(List.of(actions));
        final AlertingConfig alerting = new AlertingConfig();
        final Remediator remediator = new Remediator(config, book,
            new AlertPublisher(alerting, new AlertmanagerClient(alerting, unused), book), runner, actThread::add, () -> now);
        book.load(0, remediator::replay);
        return remediator;
    }

    private ActionConfig action(final String name, final String script)
    {
        final ActionConfig action = new ActionConfig();
        action.setName(name);
        action.setCommand(List.of("/bin/sh", "-c", script));
        action.setDryRun(false);
        action.setTrigger(Map.of("labels", Map.of("service", "svc")));
        action.setVerifyAfter("5s");
        action.setCooldown("0s");
        return action;
    }

    private Incident open(final String group, final long now)
    {
        return book.onSource(IncidentBookTest.event(group + ":1", group, "critical", true), now);
    }

    /** Runs what the runner handed back to the "act thread". */
    private void awaitResult() throws InterruptedException
    {
        final Runnable result = actThread.poll(30, TimeUnit.SECONDS);
        assertTrue(result != null, "the run did not finish");
        result.run();
    }

    @Test
    void aRunThatFixesIsVerifiedAtItsDeadlineOneThatDoesNotIsEscalated() throws Exception
    {
        final Path ran = temp.resolve("ran");
        final Remediator remediator = remediator(action("fix", "echo $HOTPATH_INCIDENT_ID $HOTPATH_LABEL_SERVICE >> " + ran));
        final Incident fixed = open("g", 1_000);
        remediator.consider(fixed, 1_000);
        now = 1_500;
        awaitResult();
        assertEquals("1 svc\n", Files.readString(ran));
        book.onSource(IncidentBookTest.event("g:1", "g", "critical", false), 2_000);
        remediator.onResolved(fixed, 2_000);
        remediator.tick(3_000);
        assertFalse(IncidentBookTest.types(fixed).contains("verified"), "judged at the deadline, not before");
        remediator.tick(6_500);
        assertEquals(List.of("detected", "action_started", "action_finished", "resolved", "verified"), IncidentBookTest.types(fixed));

        final Incident stuck = open("h", 2_000_000);
        remediator.consider(stuck, 2_000_000);
        now = 2_000_500;
        awaitResult();
        remediator.tick(3_000_000);
        assertEquals(List.of("detected", "action_started", "action_finished", "verify_failed", "escalated"), IncidentBookTest.types(stuck));
        remediator.consider(stuck, 3_000_001);
        assertEquals(2, Files.readAllLines(ran).size(), "one attempt per incident, never a retry");
        assertEquals(1L, remediator.outcomeCounts().get("fix\u0000recovered"));
        assertEquals(1L, remediator.outcomeCounts().get("fix\u0000failed"));
    }

    @Test
    void approvalRequiredRunsOnlyAfterApprovalNeverAfterRejectionOrExpiry() throws Exception
    {
        final Path ran = temp.resolve("ran");
        final ActionConfig action = action("careful", "echo $HOTPATH_INCIDENT_ID >> " + ran);
        action.setApproval("required");
        action.setTarget("{service}-{alertname}");
        final Remediator remediator = remediator(action);
        final Incident approved = open("a", 1_000);
        final Incident rejected = open("r", 1_000);
        final Incident expired = open("e", 1_000);
        for (final Incident incident : List.of(approved, rejected, expired))
        {
            remediator.consider(incident, 1_000);
            assertTrue(IncidentBookTest.types(incident).contains("action_proposed"));
        }
        assertFalse(Files.exists(ran), "nothing runs before a decision");

        assertTrue(remediator.decide(rejected.id(), false, "test", 2_000).contains("rejected"));
        assertTrue(remediator.decide(rejected.id(), true, "test", 2_001).contains("no action waiting"), "a rejection is final");
        remediator.tick(20_000);
        assertTrue(IncidentBookTest.types(expired).contains("action_expired"));
        assertTrue(remediator.decide(expired.id(), true, "test", 20_001).contains("no action waiting"), "an expired one never runs");
        assertFalse(Files.exists(ran));
        // The approved incident also expired at 11 s: a new incident asks again, and this time is approved in time.
        assertTrue(IncidentBookTest.types(approved).contains("action_expired"));
        final Incident again = open("b", 30_000);
        remediator.consider(again, 30_000);
        assertTrue(remediator.decide(again.id(), true, "test", 31_000).contains("approved"));
        now = 31_500;
        awaitResult();
        assertEquals(List.of(Long.toString(again.id())), Files.readAllLines(ran));
        assertEquals(List.of("detected", "action_proposed", "action_approved", "action_started", "action_finished"),
            IncidentBookTest.types(again));
    }

    @Test
    void dryRunIsTheDefaultAndTheSwitchStopsEverything() throws Exception
    {
        final Path ran = temp.resolve("ran");
        final ActionConfig dry = new ActionConfig();
        dry.setName("dry");
        dry.setCommand(List.of("/bin/sh", "-c", "touch " + ran));
        dry.setTrigger(Map.of("severity", "critical"));
        final Remediator remediator = remediator(dry);
        final Incident incident = open("g", 1_000);
        remediator.consider(incident, 1_000);
        assertEquals(List.of("detected", "action_dry_run"), IncidentBookTest.types(incident));
        assertFalse(Files.exists(ran));
        remediator.switchActions(false, "test", 2_000);
        final Incident later = open("h", 3_000_000);
        remediator.consider(later, 3_000_000);
        assertEquals("switched_off", later.timeline().get(1).path("reason").asText());
        assertEquals(0, actThread.size());
    }

    @Test
    void aRunInterruptedByACrashIsAFailedRemediationAfterTheRestart() throws Exception
    {
        final ActionConfig slow = action("slow", "sleep 30");
        slow.setBreakerFailures(1);
        final Remediator before = remediator(slow);
        final Incident incident = open("g", 1_000);
        before.consider(incident, 1_000);
        book.journal().close(); // "kill -9": the run never reports back

        final Remediator after = remediator(slow);
        after.afterReplay(5_000);
        assertEquals(List.of("detected", "action_started", "action_finished", "escalated", "breaker_open"),
            IncidentBookTest.types(book.get(incident.id())));
        assertTrue(after.actionsJson(5_000).path("actions").path("slow").path("breaker_open").asBoolean());
    }
}
