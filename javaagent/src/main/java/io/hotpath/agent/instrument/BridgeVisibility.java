package io.hotpath.agent.instrument;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.HotpathBridge;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which class loaders' classes can link against the bootstrap bridge: the bootstrap loader, and
 * every loader that resolves {@code io.hotpath.agent.bootstrap.HotpathBridge} to the bootstrap's
 * class. Instrumenting a class whose loader sees another (or no) bridge would make it fail to link.
 *
 * <p>One answer per loader, cached weakly so that discarded loaders are not kept alive. No Byte
 * Buddy here: the standalone agent asks this on its start-up path.
 */
final class BridgeVisibility
{
    private static final Map<ClassLoader, Boolean> VISIBLE = new WeakHashMap<>();

    private BridgeVisibility()
    {
    }

    static boolean from(final ClassLoader loader)
    {
        if (loader == null)
        {
            return true;
        }
        synchronized (VISIBLE)
        {
            final Boolean known = VISIBLE.get(loader);
            if (known != null)
            {
                return known;
            }
        }
        boolean visible;
        try
        {
            visible = Class.forName(HotpathBridge.class.getName(), false, loader) == HotpathBridge.class;
        }
        catch (final ClassNotFoundException | LinkageError | RuntimeException e)
        {
            visible = false;
        }
        if (!visible)
        {
            AgentLog.debug("class loader " + loader + " cannot see the hotpath bridge; its classes are not instrumented");
        }
        synchronized (VISIBLE)
        {
            VISIBLE.put(loader, visible);
        }
        return visible;
    }
}
