package io.hotpath.daemon;

import java.lang.reflect.Proxy;
import java.util.logging.Logger;

/**
 * SIGHUP as "reload the configuration" instead of the JVM's default (run the shutdown hooks and
 * exit). Uses {@code sun.misc.Signal} from {@code jdk.unsupported}, reached reflectively so that a
 * JVM without it (or started with {@code -Xrs}) still runs hotpathd: it then logs that SIGHUP keeps
 * its default meaning and a restart applies changes.
 */
final class ReloadSignal
{
    private static final Logger LOG = Logger.getLogger(ReloadSignal.class.getName());

    private ReloadSignal()
    {
    }

    /** Runs {@code reload} on its own thread at every SIGHUP; false when the signal cannot be taken over. */
    static boolean install(final Runnable reload)
    {
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Object hangup = signalClass.getConstructor(String.class).newInstance("HUP");
            final Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] { handlerClass },
                (proxy, method, args) -> switch (method.getName())
                {
                    case "handle" ->
                    {
                        // Off the signal dispatcher: a reload reads files and waits for the aggregation thread.
                        final Thread thread = new Thread(reload, "hotpathd-reload");
                        thread.setDaemon(true);
                        thread.start();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "hotpathd SIGHUP handler";
                });
            final Object previous = signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, hangup, handler);
            if (previous == handlerClass.getField("SIG_IGN").get(null))
            {
                // The JVM keeps a signal that was ignored at its start ignored (nohup, some supervisors): our
                // handler is never called, and a SIGHUP would silently do nothing.
                LOG.warning("SIGHUP is ignored in this process (started under nohup or with SIGHUP ignored): it does not reload "
                    + "the configuration; restart hotpathd to apply changes");
                return false;
            }
            return true;
        }
        catch (final ReflectiveOperationException | LinkageError | RuntimeException e)
        {
            LOG.warning("SIGHUP cannot reload the configuration here (" + e + "): it stops hotpathd; restart to apply changes");
            return false;
        }
    }
}
