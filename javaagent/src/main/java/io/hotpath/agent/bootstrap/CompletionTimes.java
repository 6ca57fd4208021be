package io.hotpath.agent.bootstrap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The moment a watched {@link CompletableFuture} completes, taken inside its completion path.
 *
 * <p>Why: the agent's completion callback is a dependent of the future, and a future runs its
 * dependents last-registered first: a caller that waits ({@code get()}, {@code join()}) or chains
 * ({@code thenApply}) after the call returned is served before the agent's callback. Waking a
 * waiting thread is where a loaded machine preempts the completing one, so the callback's clock read
 * came late (job_placement p99 +17 % against the service's own timing). Advice on
 * {@code CompletableFuture.postComplete()} — called right after the result is set, before any
 * dependent runs — reads the clock for a watched future; the callback then records that time.
 *
 * <p>Cost for the JVM's other futures: one volatile read while nothing is watched, else one
 * identity-keyed look-up per completion.
 */
public final class CompletionTimes
{
    private static final ConcurrentHashMap<Object, CompletionRecorder> WATCHED = new ConcurrentHashMap<>();
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static volatile boolean hooked;
    private static volatile boolean enabled = true;
    private static volatile Runnable hookInstaller;
    private static final AtomicInteger HOOK_REQUESTED = new AtomicInteger();

    private CompletionTimes()
    {
    }

    /**
     * What puts the advice on {@code postComplete} in place (a retransformation of
     * {@code CompletableFuture}); run once, on a daemon thread, at the first asynchronous call, so
     * that a JVM without such calls never pays for it (nor for loading Byte Buddy at start).
     */
    public static void hookInstaller(final Runnable installer)
    {
        hookInstaller = enabled ? installer : null;
    }

    /** {@code hotpath.async.completionHook}: false keeps {@code CompletableFuture} as it is. */
    public static void enabled(final boolean on)
    {
        enabled = on;
        if (!on)
        {
            hookInstaller = null;
        }
    }

    public static boolean enabled()
    {
        return enabled;
    }

    /** The advice on {@code postComplete} is in place: watching futures is worth it from now on. */
    public static void hooked()
    {
        hooked = true;
    }

    /** Called at the asynchronous call's exit for a future not yet complete; the recorder's callback is registered after. */
    static void watch(final CompletableFuture<?> future, final CompletionRecorder recorder)
    {
        if (hooked)
        {
            COUNT.incrementAndGet();
            WATCHED.put(future, recorder);
            return;
        }
        final Runnable installer = hookInstaller;
        if (installer != null && HOOK_REQUESTED.get() == 0 && HOOK_REQUESTED.compareAndSet(0, 1))
        {
            final Thread thread = new Thread(installer, "hotpath-completion-hook");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** The callback is done with the future. */
    static void forget(final CompletableFuture<?> future)
    {
        if (hooked && WATCHED.remove(future) != null)
        {
            COUNT.decrementAndGet();
        }
    }

    /** From the advice on {@code CompletableFuture.postComplete()}: must never throw, and is cheap when nothing is watched. */
    public static void completing(final Object future)
    {
        if (COUNT.get() == 0)
        {
            return;
        }
        final CompletionRecorder recorder = WATCHED.get(future);
        if (recorder != null)
        {
            recorder.completedAt(System.nanoTime());
        }
    }
}
