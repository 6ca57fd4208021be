package io.hotpath.agent.instrument;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.config.RuleDefinition;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The live match report: some seconds after start (and after each reload), when the application's
 * classes have mostly loaded, one line per rule — what it matched, or "matched nothing" with the
 * closest loaded class (or method) names. Runs on its own daemon thread; never throws.
 */
final class MatchReport
{
    private MatchReport()
    {
    }

    static void later(final Instrumentation inst, final MatchLog log, final long delayMillis, final String when)
    {
        final Thread thread = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                try
                {
                    Thread.sleep(delayMillis);
                    for (final String line : lines(inst, log, when))
                    {
                        if (line.startsWith("!"))
                        {
                            AgentLog.warn(line.substring(1));
                        }
                        else
                        {
                            AgentLog.info(line);
                        }
                    }
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
                catch (final Throwable t)
                {
                    AgentLog.debug("match report failed: " + t);
                }
            }
        }, "hotpath-match-report");
        thread.setDaemon(true);
        thread.start();
    }

    /** The report's lines; those that warn (a rule of the user's rules file that matched nothing) start with '!'. */
    static List<String> lines(final Instrumentation inst, final MatchLog log, final String when)
    {
        final List<String> lines = new ArrayList<>();
        Set<String> loadedNames = null;
        for (int i = 0; i < log.rules().size(); i++)
        {
            final RuleDefinition rule = log.rules().get(i);
            final Set<String> matched = log.matches(i);
            if (!matched.isEmpty())
            {
                lines.add("match report (" + when + "): " + MatchLog.matchedLine(rule, matched));
                continue;
            }
            if (loadedNames == null)
            {
                loadedNames = new LinkedHashSet<>();
                for (final Class<?> type : inst.getAllLoadedClasses())
                {
                    if (!type.isArray() && !type.isPrimitive() && !type.isHidden() &&
                        type.getClassLoader() != MatchReport.class.getClassLoader() && !type.getName().startsWith("io.hotpath.agent.bootstrap."))
                    {
                        loadedNames.add(type.getName());
                    }
                }
            }
            final Class<?> type = rule.typeName() == null ? null : loaded(inst, rule.typeName());
            final List<String> closest;
            if (type != null)
            {
                closest = ClosestNames.closest(rule.methodName(), methodNames(type), 3);
            }
            else
            {
                closest = rule.typeName() == null ? List.of() : ClosestNames.closest(rule.typeName(), loadedNames, 3);
            }
            final String text = "match report (" + when + "): " + MatchLog.nothingLine(rule, type != null, closest, "loaded");
            lines.add(rule.source().startsWith("pack ") ? text : "!" + text);
        }
        return lines;
    }

    private static Class<?> loaded(final Instrumentation inst, final String name)
    {
        for (final Class<?> type : inst.getAllLoadedClasses())
        {
            if (type.getName().equals(name))
            {
                return type;
            }
        }
        return null;
    }

    private static Set<String> methodNames(final Class<?> type)
    {
        final Set<String> names = new LinkedHashSet<>();
        try
        {
            for (final Method method : type.getDeclaredMethods())
            {
                names.add(method.getName());
            }
        }
        catch (final Throwable t)
        {
            // a parameter type that cannot be resolved: no suggestions
        }
        return names;
    }
}
