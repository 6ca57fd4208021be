package io.hotpath.agent.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Why the configured spool directory cannot be used, in words that name the fix: the directory's
 * owner, group and mode against this JVM's user and groups ({@code /proc/self/status}), e.g.
 * "add user app to group hotpath that owns /var/lib/hotpath/spool (mode 2770)". Best effort: where
 * something cannot be read the message says less, never fails.
 */
final class SpoolFallback
{
    private SpoolFallback()
    {
    }

    /** One message: what is wrong with {@code spool}, what to do, and where the agent writes instead. */
    static String explain(final Path spool, final Throwable cause, final Path fallback)
    {
        final String user = System.getProperty("user.name", "?");
        String advice;
        try
        {
            advice = advice(spool.toAbsolutePath(), user);
        }
        catch (final Throwable t)
        {
            advice = "";
        }
        return "spool directory " + spool + " is not usable by user " + user + " (" + cause + ")" +
            (advice.isEmpty() ? "" : ": " + advice) + "; writing to " + fallback + " instead, which hotpathd does not read " +
            "(its /health reports that an agent on this host writes elsewhere), until the service restarts with a usable spool";
    }

    private static String advice(final Path spool, final String user) throws IOException
    {
        Path existing = spool;
        while (existing != null && !Files.isDirectory(existing))
        {
            existing = existing.getParent();
        }
        if (existing == null)
        {
            return "";
        }
        final String owner = Files.getOwner(existing, LinkOption.NOFOLLOW_LINKS).getName();
        final String group = String.valueOf(Files.getAttribute(existing, "posix:group", LinkOption.NOFOLLOW_LINKS))
            .replaceFirst("^.*\\((.*)\\)$", "$1");
        final int mode = (Integer)Files.getAttribute(existing, "unix:mode");
        final int gid = (Integer)Files.getAttribute(existing, "unix:gid");
        final String where = existing + " (owner " + owner + ", group " + group + ", mode " + Integer.toOctalString(mode & 07777) + ")";
        if (!existing.equals(spool))
        {
            return spool + " does not exist and " + where + " does not let user " + user + " create it: create it as the " +
                "spool directory hotpathd reads, e.g. install -d -m 2770 -g hotpath " + spool + " (the hotpath package does), " +
                "and add user " + user + " to that group";
        }
        final boolean inGroup = groupIds().contains(gid);
        if (owner.equals(user))
        {
            return "user " + user + " owns " + where + " but may not write it: chmod u+rwx " + spool;
        }
        if (!inGroup)
        {
            return "add user " + user + " to group " + group + " that owns " + spool + " (mode " +
                Integer.toOctalString((mode & 07000) | 0770) + "): usermod -aG " + group + " " + user + ", then restart the service";
        }
        return "user " + user + " is in group " + group + " of " + where + " but the group may not write it: chmod g+rwx " + spool +
            " (mode " + Integer.toOctalString((mode & 07000) | 0770) + ")";
    }

    /** This process's real, effective and supplementary group ids (Linux); empty where unknown. */
    static Set<Integer> groupIds()
    {
        final Set<Integer> ids = new HashSet<>();
        try
        {
            final List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            for (final String line : status)
            {
                if (line.startsWith("Groups:") || line.startsWith("Gid:"))
                {
                    for (final String id : line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                    {
                        if (!id.isEmpty())
                        {
                            ids.add(Integer.parseInt(id));
                        }
                    }
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // unknown: the advice then assumes "not in the group", the common case
        }
        return ids;
    }
}
