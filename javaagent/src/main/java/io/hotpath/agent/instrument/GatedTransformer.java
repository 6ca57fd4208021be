package io.hotpath.agent.instrument;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathBridge;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.SeriesRegistry;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import io.hotpath.agent.bootstrap.CompletionTimes;

/**
 * The agent's one {@link ClassFileTransformer}: a gate in front of Byte Buddy. For each class the
 * JVM defines or retransforms it asks {@link TypeCandidates} (name and loader checks, no class
 * file parsing), then whether the class's loader can link against the bootstrap bridge; only then
 * does {@link AdviceTransformer} (Byte Buddy) see the class. Byte Buddy is loaded the first time
 * that happens, or ahead of time by {@link #warmUpInBackground}.
 *
 * <p>This class must not refer to Byte Buddy types in its signatures or fields, so that loading it
 * at premain loads no Byte Buddy class.
 *
 * <p>Guarantees: nothing thrown while matching or transforming leaves {@link #transform} (the class
 * is defined unchanged; the first failure is logged as a warning, all are counted); a class
 * loaded by the transformation itself, on the same thread, is left alone instead of recursing.
 */
final class GatedTransformer implements ClassFileTransformer
{
    private static final AtomicLong TRANSFORM_ERRORS = new AtomicLong();
    private static final Module BRIDGE_MODULE = HotpathBridge.class.getModule();

    private final Instrumentation inst;
    private final TypeCandidates candidates;
    private final List<RuleDefinition> rules;
    private final SeriesRegistry series;
    private final AtomicReference<AdviceTransformer> adviceTransformer = new AtomicReference<>();
    private final ThreadLocal<Boolean> transforming = new ThreadLocal<>();
    /** Internal names of the classes instrumented so far, for {@link RuleInstaller.Installation#uninstall}. */
    private final Set<String> instrumented = ConcurrentHashMap.newKeySet();
    private volatile boolean active = true;
    private final MatchLog matchLog;

    private final int[] registryIndexes;

    GatedTransformer(final Instrumentation inst, final List<RuleDefinition> rules, final SeriesRegistry series)
    {
        this(inst, rules, series, null);
    }

    GatedTransformer(final Instrumentation inst, final List<RuleDefinition> rules, final SeriesRegistry series, final int[] registryIndexes)
    {
        this.registryIndexes = registryIndexes;
        this.matchLog = new MatchLog(rules);
        this.inst = inst;
        this.rules = rules;
        this.series = series;
        this.candidates = new TypeCandidates(rules, GatedTransformer.class.getClassLoader());
    }

    TypeCandidates candidates()
    {
        return candidates;
    }

    List<RuleDefinition> rules()
    {
        return rules;
    }

    MatchLog matchLog()
    {
        return matchLog;
    }

    Set<String> instrumented()
    {
        return instrumented;
    }

    void deactivate()
    {
        active = false;
    }

    static long transformErrors()
    {
        return TRANSFORM_ERRORS.get();
    }

    @Override
    public byte[] transform(
        final Module module,
        final ClassLoader loader,
        final String className,
        final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain,
        final byte[] classFile)
    {
        if (!active || transforming.get() != null)
        {
            return null;
        }
        transforming.set(Boolean.TRUE);
        try
        {
            // CompletableFuture only when the completion hook asks for it (a retransformation at the first
            // asynchronous call), never where it is defined: that is early in most JVMs, and would load Byte Buddy there
            if (!candidates.mayMatch(loader, className) || !BridgeVisibility.from(loader) ||
                (classBeingRedefined == null && TypeCandidates.COMPLETABLE_FUTURE.equals(className)))
            {
                return null;
            }
            final byte[] transformed = adviceTransformer().transform(loader, className, classFile);
            if (transformed != null)
            {
                if (module != null && module.isNamed() && !module.canRead(BRIDGE_MODULE))
                {
                    inst.redefineModule(module, Set.of(BRIDGE_MODULE), Map.of(), Map.of(), Set.of(), Map.of());
                }
                instrumented.add(className);
                if (className.equals(TypeCandidates.COMPLETABLE_FUTURE))
                {
                    CompletionTimes.hooked();
                }
                AgentLog.debug("instrumented " + className.replace('/', '.') + (classBeingRedefined != null ? " (retransformed)" : ""));
            }
            return transformed;
        }
        catch (final Throwable t)
        {
            final String message = "could not match or instrument " + className.replace('/', '.') + " (left unchanged): " + t;
            if (TRANSFORM_ERRORS.getAndIncrement() == 0)
            {
                AgentLog.warn(message + "; further such errors are logged at debug level");
            }
            else
            {
                AgentLog.debug(message);
            }
            return null;
        }
        finally
        {
            transforming.remove();
        }
    }

    /**
     * Loads Byte Buddy and prepares the rules' advice on a daemon thread, so that the first
     * candidate class finds it ready (or finds part of Byte Buddy loaded). A candidate that comes
     * first does not wait: both threads build a transformer, one is kept.
     */
    void warmUpInBackground()
    {
        final Thread thread = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                try
                {
                    AdviceTransformer.warmUp();
                    adviceTransformer();
                }
                catch (final Throwable t)
                {
                    AgentLog.debug("Byte Buddy warm-up failed (the first instrumented class reports it): " + t);
                }
            }
        }, "hotpath-warm-up");
        thread.setDaemon(true);
        thread.setContextClassLoader(GatedTransformer.class.getClassLoader());
        thread.start();
    }

    private AdviceTransformer adviceTransformer()
    {
        final AdviceTransformer existing = adviceTransformer.get();
        if (existing != null)
        {
            return existing;
        }
        final AdviceTransformer created = new AdviceTransformer(rules, series, matchLog, registryIndexes);
        return adviceTransformer.compareAndSet(null, created) ? created : adviceTransformer.get();
    }
}
