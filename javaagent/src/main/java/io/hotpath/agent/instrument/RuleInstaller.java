package io.hotpath.agent.instrument;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.record.SeriesRegistry;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import io.hotpath.agent.bootstrap.CompletionTimes;

/**
 * Installs the rules: registers the {@link GatedTransformer} for classes loaded from now on and
 * retransforms only the already loaded classes that a rule may match (found by name, and by
 * reflection for {@code subtype_of}), never the whole class path.
 *
 * <p>Start-up cost, the why of this shape: Byte Buddy is about a thousand classes, and loading,
 * verifying and initialising them is most of what an agent built on it costs at start-up. Here it
 * is loaded only when a class a rule may match actually appears (or is already loaded at install).
 * When a rule's type is visible to the system class loader, and so likely to load soon, Byte Buddy
 * is warmed up on a background thread right away, off the application's main thread.
 */
public final class RuleInstaller
{
    private RuleInstaller()
    {
    }

    /** Classes that could not be matched or instrumented since start (left unchanged). */
    public static long transformErrors()
    {
        return GatedTransformer.transformErrors();
    }

    /** Installs {@code rules} (not empty); returns the handle that removes them again. */
    public static Installation install(final Instrumentation inst, final List<RuleDefinition> rules, final SeriesRegistry series)
    {
        final GatedTransformer transformer = new GatedTransformer(inst, rules, series);
        inst.addTransformer(transformer, true);
        final List<Class<?>> loaded = loadedCandidates(inst, transformer.candidates());
        CompletionTimes.hookInstaller(new Runnable()
        {
            @Override
            public void run()
            {
                try
                {
                    retransform(inst, List.of(CompletableFuture.class));
                }
                catch (final Throwable t)
                {
                    AgentLog.debug("completion hook not installed (async calls are timed by their callback): " + t);
                }
            }
        });
        if (!loaded.isEmpty())
        {
            retransform(inst, loaded);
        }
        else if (likelyToLoad(rules))
        {
            transformer.warmUpInBackground();
        }
        AgentLog.debug("instrumentation installed; " + loaded.size() + " loaded classes retransformed");
        return new Installation(inst, transformer);
    }

    /** Already loaded, modifiable classes that a rule may match. */
    private static List<Class<?>> loadedCandidates(final Instrumentation inst, final TypeCandidates candidates)
    {
        final List<Class<?>> matches = new ArrayList<>();
        for (final Class<?> type : inst.getAllLoadedClasses())
        {
            // CompletableFuture is hooked at the first asynchronous call (CompletionTimes), not here: Byte Buddy would load at start
            if (!type.isArray() && !type.isPrimitive() && !type.isHidden() && type != CompletableFuture.class &&
                candidates.mayMatch(type) && inst.isModifiableClass(type))
            {
                matches.add(type);
            }
        }
        return matches;
    }

    private static void retransform(final Instrumentation inst, final List<Class<?>> classes)
    {
        try
        {
            inst.retransformClasses(classes.toArray(new Class<?>[0]));
        }
        catch (final UnmodifiableClassException | RuntimeException | LinkageError batchFailure)
        {
            // one bad class must not keep the others uninstrumented
            for (final Class<?> type : classes)
            {
                try
                {
                    inst.retransformClasses(type);
                }
                catch (final UnmodifiableClassException | RuntimeException | LinkageError e)
                {
                    AgentLog.warn("could not retransform " + type.getName() + " (left unchanged): " + e);
                }
            }
        }
    }

    /**
     * Whether some rule's type will probably be loaded: a rule that is not an exact name (it may
     * match anything), or an exact name whose class file the system class loader finds on the
     * application's class path. Rules for libraries that are absent (a Netty pack in a service
     * without Netty) or for another service do not cost Byte Buddy's loading; neither do rules for
     * JDK classes (the nio and jdk-httpclient packs): every JVM can see them, so seeing them says
     * nothing, and a JVM that never opens a socket should not pay for Byte Buddy.
     */
    static boolean likelyToLoad(final List<RuleDefinition> rules)
    {
        final ClassLoader system = ClassLoader.getSystemClassLoader();
        for (final RuleDefinition rule : rules)
        {
            if (rule.typeName() == null)
            {
                return true;
            }
            if (isJdkPackage(packageOf(rule.typeName())))
            {
                continue;
            }
            final URL classFile = system.getResource(rule.typeName().replace('.', '/') + ".class");
            if (classFile != null && !"jrt".equals(classFile.getProtocol()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a module of the JDK (boot layer, defined to the boot or platform loader) has the
     * package: a look-up in the module descriptors, where asking a class loader for the class file
     * would open the runtime image (jrt:, milliseconds of a cold JVM) only to learn it is a JDK class.
     */
    static boolean isJdkPackage(final String packageName)
    {
        final ClassLoader platform = ClassLoader.getPlatformClassLoader();
        for (final Module module : ModuleLayer.boot().modules())
        {
            final ClassLoader loader = module.getClassLoader();
            if ((loader == null || loader == platform) && module.getPackages().contains(packageName))
            {
                return true;
            }
        }
        return false;
    }

    private static String packageOf(final String typeName)
    {
        final int dot = typeName.lastIndexOf('.');
        return dot < 0 ? "" : typeName.substring(0, dot);
    }

    /** The installed rules; {@link #reload} replaces them. */
    public static final class Installation
    {
        private final Instrumentation inst;
        private volatile GatedTransformer transformer;

        Installation(final Instrumentation inst, final GatedTransformer transformer)
        {
            this.inst = inst;
            this.transformer = transformer;
        }

        /** What each rule matched so far. */
        public MatchLog matchLog()
        {
            return transformer.matchLog();
        }

        /** Logs the match report (one line per rule) after {@code delayMillis} on a daemon thread; 0: never. */
        public void reportLater(final long delayMillis, final String when)
        {
            if (delayMillis > 0)
            {
                MatchReport.later(inst, transformer.matchLog(), delayMillis, when);
            }
        }

        /**
         * Puts {@code rules} in force instead of the current ones, without restarting: the new
         * transformer is registered and the old one removed, then every loaded class either
         * instrumented so far or matched by the new rules is retransformed. A retransformation
         * starts from the class's original bytes and applies only registered transformers, so a
         * class no rule matches any more gets its original code back, a changed rule's new advice
         * replaces the old, and the class's shape never changes (advice only). Unchanged rules keep
         * their registry index and so their series.
         *
         * @return the classes retransformed.
         */
        public synchronized int reload(final List<RuleDefinition> rules, final SeriesRegistry series)
        {
            final int[] indexes = series.addRules(rules);
            final GatedTransformer previous = transformer;
            final GatedTransformer next = new GatedTransformer(inst, rules, series, indexes);
            // Only classes whose advice changes are retransformed (a retransformation deoptimises the
            // class's compiled code, and a method running at that moment stays in its old version):
            // those of rules removed (or changed), and those a rule added (or changed) may match.
            // A class only kept rules instrument keeps its code: same advice, same registry indexes.
            final List<RuleDefinition> before = previous.rules();
            final boolean[] kept = new boolean[before.size()];
            final List<RuleDefinition> added = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++)
            {
                final int from = indexOf(before, rules.get(i), kept);
                if (from >= 0)
                {
                    kept[from] = true;
                    next.matchLog().carryOver(previous.matchLog(), from, i);
                }
                else
                {
                    added.add(rules.get(i));
                }
            }
            final Set<String> restore = new HashSet<>();
            for (int i = 0; i < before.size(); i++)
            {
                if (!kept[i])
                {
                    restore.addAll(previous.matchLog().classes(i));
                }
            }
            next.instrumented().addAll(previous.instrumented());
            inst.addTransformer(next, true);
            previous.deactivate();
            inst.removeTransformer(previous);
            transformer = next;
            final TypeCandidates addedCandidates = new TypeCandidates(added, GatedTransformer.class.getClassLoader());
            final Set<Class<?>> classes = new LinkedHashSet<>(
                added.isEmpty() ? List.of() : loadedCandidates(inst, addedCandidates));
            for (final Class<?> type : inst.getAllLoadedClasses())
            {
                if (!type.isArray() && !type.isPrimitive() && restore.contains(type.getName().replace('.', '/')))
                {
                    classes.add(type);
                }
            }
            if (!classes.isEmpty())
            {
                retransform(inst, new ArrayList<>(classes));
            }
            if (classes.isEmpty() && !added.isEmpty() && likelyToLoad(added))
            {
                next.warmUpInBackground();
            }
            return classes.size();
        }

        /** The first rule of {@code rules} not yet {@code taken} equal to {@code rule} but for its source, or -1. */
        private static int indexOf(final List<RuleDefinition> rules, final RuleDefinition rule, final boolean[] taken)
        {
            final RuleDefinition wanted = rule.withSource("");
            for (int i = 0; i < rules.size(); i++)
            {
                if (!taken[i] && rules.get(i).withSource("").equals(wanted))
                {
                    return i;
                }
            }
            return -1;
        }

        /** Removes the transformer and restores the original code of every class it instrumented. */
        public void uninstall()
        {
            transformer.deactivate();
            inst.removeTransformer(transformer);
            final List<Class<?>> restore = new ArrayList<>();
            for (final Class<?> type : inst.getAllLoadedClasses())
            {
                if (!type.isArray() && !type.isPrimitive() && transformer.instrumented().contains(type.getName().replace('.', '/')))
                {
                    restore.add(type);
                }
            }
            if (!restore.isEmpty())
            {
                retransform(inst, restore);
            }
        }
    }
}
