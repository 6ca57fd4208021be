package io.hotpath.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * Loaded by the bootstrap class loader: creates the isolated {@link AgentClassLoader} and starts the
 * agent implementation ({@code io.hotpath.agent.AgentMain}) inside it, through {@link AgentEntry}.
 */
public final class AgentInstaller
{
    private static volatile ClassLoader agentClassLoader;
    private static volatile Runnable reloadRequest;

    /** What {@code hotpath reload <pid>} (an attach with the argument {@code reload}) runs. */
    public static void onReloadRequest(final Runnable action)
    {
        reloadRequest = action;
    }

    /** @return whether a running agent took the request. */
    public static boolean requestReload()
    {
        final Runnable action = reloadRequest;
        if (action == null)
        {
            return false;
        }
        final Thread thread = new Thread(action, "hotpath-reload");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    private AgentInstaller()
    {
    }

    /** The isolated loader of the running agent, or {@code null} before install. */
    public static ClassLoader agentClassLoader()
    {
        return agentClassLoader;
    }

    public static void install(
        final String agentArgs, final Instrumentation inst, final boolean attached, final File jar, final long premainNanos)
        throws Exception
    {
        final AgentClassLoader loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
        agentClassLoader = loader;
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try
        {
            // One reflective no-argument constructor call, then an interface call (see AgentEntry).
            final AgentEntry entry = loader.loadClass("io.hotpath.agent.AgentMain$Entry").asSubclass(AgentEntry.class)
                .getDeclaredConstructor().newInstance();
            entry.start(agentArgs, inst, attached, jar, premainNanos);
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }
}
