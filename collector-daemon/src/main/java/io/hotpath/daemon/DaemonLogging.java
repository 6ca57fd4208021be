package io.hotpath.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log format on stderr (journald adds its own timestamps, but files and terminals need
 * one): {@code 2026-01-01T00:00:00.000Z WARNING QueueTailer: message}. Chronicle's and Netty's chatter
 * is kept at WARNING; everything goes through java.util.logging (Chronicle's slf4j included).
 */
final class DaemonLogging
{
    /** Strong references: java.util.logging holds loggers weakly, and a collected logger forgets its level. */
    private static final Logger CHRONICLE = Logger.getLogger("net.openhft");
    private static final Logger NETTY = Logger.getLogger("io.netty");

    private DaemonLogging()
    {
    }

    static void configure(final Level level)
    {
        final Logger root = Logger.getLogger("");
        for (final Handler handler : root.getHandlers())
        {
            root.removeHandler(handler);
        }
        final ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(new Formatter()
        {
            @Override
            public String format(final LogRecord record)
            {
                final String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
                final StringBuilder line = new StringBuilder(160)
                    .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                    .append(record.getLevel().getName()).append(' ')
                    .append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                    .append(formatMessage(record)).append(System.lineSeparator());
                if (record.getThrown() != null)
                {
                    final StringWriter trace = new StringWriter();
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append(trace);
                }
                return line.toString();
            }
        });
        root.addHandler(handler);
        root.setLevel(level);
        CHRONICLE.setLevel(Level.WARNING);
        NETTY.setLevel(Level.WARNING);
    }
}
