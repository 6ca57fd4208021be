package io.hotpath.daemon.act;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.hotpath.daemon.act.incident.SourceEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * From detection to action: {@code detect → act}. Incident sources (anomaly events, SLO burn
 * alerts) hand {@link SourceEvent}s to {@link #sink()} from the aggregation thread; everything
 * else happens on one thread of its own, {@code hotpathd-act}, which owns the incidents:
 * <pre>
 *  SourceEvent ─► IncidentBook (group, journal, timeline) ─► AlertPublisher ─► Alertmanager(s)
 *                                                         └► Remediator ─► ActionRunner (command / webhook)
 *  tick (every {@code tick-interval}): resends, verification and approval deadlines, restart grace, compaction
 * </pre>
 * With no incident open and no action pending a tick has nothing to do but poll the sources, whose
 * new detections are pushed anyway: it then comes every {@value #IDLE_TICK_MILLIS} ms (or the
 * {@code tick-interval}, if longer). An idle daemon's act thread woke every second and cost it up to
 * 0.8 % of a core in this host's slow phases; the first event, decision or switch brings the
 * {@code tick-interval} back at once.
 * Readers (HTTP, metrics) get views published by that thread. Nothing here can stop the
 * aggregation thread: hand-over is a queue, and a failing step is logged and counted. One class
 * (a little over 400 lines) because all of it is what that one thread owns: hand-over, pace, views.
 */
public final class ActEngine implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(ActEngine.class.getName());
    private static final long COMPACT_EVERY_MILLIS = 60_000;
    static final long IDLE_TICK_MILLIS = 5_000;

    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r ->
    {
        final Thread t = new Thread(r, "hotpathd-act");
        t.setDaemon(true);
        return t;
    });
    private final long tickMillis;
    private final long idleTickMillis;
    private final IncidentBook book;
    private final AlertmanagerClient alertmanagers;
    private final AlertPublisher alerts;
    private final ActionRunner runner = new ActionRunner();
    private final Remediator remediator;
    private final RemediationConfig remediation;
    private final AtomicLong eventsDropped = new AtomicLong();
    private final List<Supplier<List<SourceEvent>>> pollers = new CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile List<ObjectNode> incidentViews = List.of();
    private volatile ObjectNode actionsView;
    private volatile int openIncidents;
    private long viewVersion = -1;
    private long lastCompaction;
    /** The pending tick; act thread only. */
    private ScheduledFuture<?> nextTick;
    private volatile boolean closing;
    private final AtomicLong ticks = new AtomicLong();

    public ActEngine(final AlertingConfig alerting, final IncidentsConfig incidents, final RemediationConfig remediation,
        final Path stateDir, final long tickMillis)
    {
        thread.setRemoveOnCancelPolicy(true); // a cancelled idle tick must not hold up close() until it was due
        this.tickMillis = tickMillis;
        this.idleTickMillis = Math.max(tickMillis, IDLE_TICK_MILLIS);
        this.remediation = remediation;
        this.book = new IncidentBook(new IncidentJournal(stateDir), incidents);
        this.alertmanagers = new AlertmanagerClient(alerting, thread);
        this.alerts = new AlertPublisher(alerting, alertmanagers, book);
        this.remediator = new Remediator(remediation, book, alerts, runner, thread, System::currentTimeMillis);
        this.actionsView = remediator.actionsJson(System.currentTimeMillis());
    }

    /** Where sources report detections; any thread, never blocks. */
    public Consumer<SourceEvent> sink()
    {
        return event -> execute(() -> onSource(event));
    }

    /** A source's open detections, polled every tick on the act thread (severity changes, continuity after a restart). */
    public void addPoller(final Supplier<List<SourceEvent>> openDetections)
    {
        pollers.add(openDetections);
    }

    /** Loads the journal (the state dir is locked by then) and starts the tick. */
    public void start()
    {
        execute(() ->
        {
            final long now = System.currentTimeMillis();
            book.load(now, remediator::replay);
            remediator.afterReplay(now);
            lastCompaction = now;
            publish(now);
            scheduleTick(tickMillis); // the first at the busy pace: it polls the sources for detections open across a restart
        });
    }

    /** Nothing open, nothing pending: the tick can wait {@link #idleTickMillis}. */
    private boolean idle()
    {
        return book.openCount() == 0 && remediator.idle();
    }

    private void scheduleTick(final long delayMillis)
    {
        if (closing)
        {
            return;
        }
        try
        {
            nextTick = thread.schedule(() ->
            {
                ticks.incrementAndGet();
                guarded(this::tick);
                scheduleTick(idle() ? idleTickMillis : tickMillis);
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException e)
        {
            // stopping
        }
    }

    /** After an event or a decision: back to the busy pace if the pending tick is an idle one and work appeared. */
    private void paceTick()
    {
        if (nextTick != null && !idle() && nextTick.getDelay(TimeUnit.MILLISECONDS) > tickMillis && nextTick.cancel(false))
        {
            scheduleTick(tickMillis);
        }
    }

    /** Ticks run so far (tests: an idle engine slows down). */
    long ticks()
    {
        return ticks.get();
    }

    private void onSource(final SourceEvent event)
    {
        final long now = System.currentTimeMillis();
        changed(event, now);
        publish(now);
        paceTick();
    }

    private void changed(final SourceEvent event, final long now)
    {
        final Incident incident = book.onSource(event, now);
        if (incident != null)
        {
            if (incident.isOpen())
            {
                alerts.fire(incident, now);
                remediator.consider(incident, now);
            }
            else
            {
                resolved(incident, now);
            }
        }
    }

    private void resolved(final Incident incident, final long now)
    {
        alerts.resolve(incident, now);
        remediator.onResolved(incident, now);
    }

    private void tick()
    {
        final long now = System.currentTimeMillis();
        for (final Supplier<List<SourceEvent>> poller : pollers)
        {
            for (final SourceEvent open : poller.get())
            {
                changed(open, now);
            }
        }
        for (final Incident incident : book.resolveStale(now))
        {
            resolved(incident, now);
        }
        alerts.resendDue(book.open(), now);
        remediator.tick(now);
        if (now - lastCompaction >= COMPACT_EVERY_MILLIS)
        {
            lastCompaction = now;
            book.compact(now);
        }
        publish(now);
    }

    private void publish(final long now)
    {
        actionsView = remediator.actionsJson(now);
        openIncidents = book.openCount();
        if (book.version() == viewVersion)
        {
            return;
        }
        viewVersion = book.version();
        final List<ObjectNode> views = new ArrayList<>();
        for (final Incident incident : book.all())
        {
            views.add(incident.toJson());
        }
        Collections.reverse(views);
        incidentViews = Collections.unmodifiableList(views);
    }

    /** Approve or reject an incident's waiting actions; completes on the act thread. */
    public CompletableFuture<String> decide(final long incidentId, final boolean approve, final String by)
    {
        return submit(() -> remediator.decide(incidentId, approve, by, System.currentTimeMillis()));
    }

    /** The global action switch at run time. */
    public CompletableFuture<String> switchActions(final boolean on, final String by)
    {
        return submit(() ->
        {
            remediator.switchActions(on, by, System.currentTimeMillis());
            return "remediation actions switched " + (on ? "on" : "off") + "\n";
        });
    }

    private CompletableFuture<String> submit(final Supplier<String> work)
    {
        final CompletableFuture<String> result = new CompletableFuture<>();
        execute(() ->
        {
            try
            {
                result.complete(work.get());
                publish(System.currentTimeMillis());
                paceTick();
            }
            catch (final RuntimeException e)
            {
                result.completeExceptionally(e);
                throw e;
            }
        });
        return result;
    }

    private void execute(final Runnable work)
    {
        try
        {
            thread.execute(() -> guarded(work));
        }
        catch (final RejectedExecutionException e)
        {
            eventsDropped.incrementAndGet(); // stopping
        }
    }

    private void guarded(final Runnable work)
    {
        try
        {
            work.run();
        }
        catch (final RuntimeException e)
        {
            if (failures.incrementAndGet() <= 10)
            {
                LOG.log(Level.SEVERE, "incident handling failed (counted in hotpath_act_failures_total)", e);
            }
        }
    }

    /** The {@code incidents} section of {@code /health}: state and every counter of what was dropped or failed. */
    public Object health()
    {
        final Map<String, Object> health = new LinkedHashMap<>();
        final ObjectNode actions = actionsView;
        health.put("open", openIncidents);
        health.put("actionsSwitchedOn", actions.path("switched_on").asBoolean());
        health.put("awaitingApproval", actions.path("awaiting_approval").asInt());
        final List<String> breakersOpen = new ArrayList<>();
        actions.path("actions").fields().forEachRemaining(e ->
        {
            if (e.getValue().path("breaker_open").asBoolean())
            {
                breakersOpen.add(e.getKey());
            }
        });
        health.put("breakersOpen", breakersOpen);
        health.put("alertmanagerPostsOk", alertmanagers.posted());
        health.put("alertmanagerPostsFailed", alertmanagers.failed());
        health.put("alertmanagerRetries", alertmanagers.retried());
        health.put("journalWriteFailures", book.journal().writeFailures());
        health.put("journalLinesSkipped", book.journal().linesSkipped());
        health.put("failures", failures.get());
        health.put("eventsDroppedAtStop", eventsDropped.get());
        return health;
    }

    /** Newest first; any thread. */
    public List<ObjectNode> incidents()
    {
        return incidentViews;
    }

    public ObjectNode actions()
    {
        return actionsView;
    }

    public int openIncidents()
    {
        return openIncidents;
    }

    public RemediationConfig remediation()
    {
        return remediation;
    }

    public Remediator remediator()
    {
        return remediator;
    }

    public AlertmanagerClient alertmanagers()
    {
        return alertmanagers;
    }

    public IncidentJournal journal()
    {
        return book.journal();
    }

    /** Work that failed with an exception (a bug; logged). */
    public long failures()
    {
        return failures.get();
    }

    public long eventsDropped()
    {
        return eventsDropped.get();
    }

    @Override
    public void close()
    {
        closing = true;
        execute(() -> // after any tick in flight, which may just have scheduled the next
        {
            if (nextTick != null)
            {
                nextTick.cancel(false);
            }
        });
        thread.shutdown();
        try
        {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        runner.close();
        book.journal().close();
    }
}
