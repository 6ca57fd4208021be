package io.hotpath.agent;

import io.hotpath.agent.bootstrap.AgentInstaller;
import io.hotpath.agent.config.AgentConfig;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.config.RuleDefinition;
import io.hotpath.agent.instrument.RuleInstaller;
import io.hotpath.agent.record.SeriesRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rules reload without a restart: a daemon thread follows the rules file (its modification time
 * and size, every second; a change is read once it has settled), and {@code hotpath reload <pid>} (an attach that runs
 * {@link #reload}) asks for one. A file that does not parse keeps the rules in force and says why;
 * a valid one replaces them ({@link RuleInstaller.Installation#reload}), followed by the match report.
 * Never throws into the JVM: every failure is logged.
 */
final class RulesReload
{
    private static final long POLL_MILLIS = 1000;
    /**
     * A changed file is read only once it has kept the same modification time and size this long: an editor or
     * {@code Files.writeString} truncates before it writes, and a poll between the two would reload the empty file
     * (every rule removed for a second, and one more retransformation).
     */
    private static final long SETTLE_MILLIS = 300;

    private final AgentConfig config;
    private final RuleInstaller.Installation installation;
    private final SeriesRegistry series;
    private final long reportDelayMillis;
    private List<RuleDefinition> current;
    private long lastModified;
    private long lastSize;

    RulesReload(final AgentConfig config, final List<RuleDefinition> rules, final RuleInstaller.Installation installation,
        final SeriesRegistry series, final long reportDelayMillis)
    {
        this.config = config;
        this.current = rules;
        this.installation = installation;
        this.series = series;
        this.reportDelayMillis = reportDelayMillis;
        final long[] stamp = stamp(config.rulesFile());
        this.lastModified = stamp[0];
        this.lastSize = stamp[1];
    }

    /** Starts following the rules file (if there is one) and accepts {@code hotpath reload}. */
    void start()
    {
        AgentInstaller.onReloadRequest(new Runnable()
        {
            @Override
            public void run()
            {
                reload("requested by hotpath reload");
            }
        });
        final Path file = config.rulesFile();
        if (file == null)
        {
            return;
        }
        final Thread watcher = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    try
                    {
                        Thread.sleep(POLL_MILLIS);
                        final long[] stamp = stamp(file);
                        if (stamp[0] != lastModified || stamp[1] != lastSize)
                        {
                            Thread.sleep(SETTLE_MILLIS);
                            if (!Arrays.equals(stamp, stamp(file)))
                            {
                                continue; // still being written: the next poll looks again
                            }
                            lastModified = stamp[0];
                            lastSize = stamp[1];
                            reload(file + " changed");
                        }
                    }
                    catch (final InterruptedException e)
                    {
                        return;
                    }
                    catch (final Throwable t)
                    {
                        AgentLog.warnOnce("rules-watch", "following the rules file failed (reloads stop): " + t);
                        return;
                    }
                }
            }
        }, "hotpath-rules-watch");
        watcher.setDaemon(true);
        watcher.setContextClassLoader(RulesReload.class.getClassLoader());
        watcher.start();
    }

    private static long[] stamp(final Path file)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new long[] {attributes.lastModifiedTime().toMillis(), attributes.size()};
        }
        catch (final IOException | RuntimeException e)
        {
            return new long[] {-1, -1}; // gone (being replaced): the next valid version reloads
        }
    }

    synchronized void reload(final String why)
    {
        try
        {
            final List<RuleDefinition> rules;
            try
            {
                rules = AgentMain.loadRules(config);
            }
            catch (final ConfigException e)
            {
                AgentLog.error("rules reload (" + why + ") refused, the " + current.size() + " rules in force stay: " + e.getMessage(), null);
                return;
            }
            final String changes = describe(current, rules);
            if (changes.isEmpty())
            {
                AgentLog.info("rules reload (" + why + "): no rule changed");
                return;
            }
            final long started = System.nanoTime();
            final int retransformed = installation.reload(rules, series);
            current = rules;
            AgentLog.info("rules reloaded (" + why + "): " + rules.size() + " rules, " + changes + "; " + retransformed +
                " loaded classes retransformed in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            installation.reportLater(reportDelayMillis, "reload");
        }
        catch (final Throwable t)
        {
            AgentLog.error("rules reload (" + why + ") failed; the rules in force stay as far as they could be kept", t);
        }
    }

    /** "1 added, 2 removed" (a changed rule is one removed and one added); empty when nothing changed. */
    static String describe(final List<RuleDefinition> before, final List<RuleDefinition> after)
    {
        final List<RuleDefinition> old = new ArrayList<>();
        for (final RuleDefinition rule : before)
        {
            old.add(rule.withSource(""));
        }
        final List<RuleDefinition> remaining = new ArrayList<>(old);
        int added = 0;
        for (final RuleDefinition rule : after)
        {
            if (!remaining.remove(rule.withSource("")))
            {
                added++;
            }
        }
        final int removed = remaining.size();
        return added == 0 && removed == 0 ? "" : added + " added, " + removed + " removed (a changed rule counts as both)";
    }
}
