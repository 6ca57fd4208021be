package io.hotpath.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * Loaded by the bootstrap class loader: creates the isolated {@link AgentClassLoader} and starts the
 * agent implementation ({@code io.hotpath.agent.AgentMain}) inside it.
 */
public final class AgentInstaller
{
    private static volatile ClassLoader agentClassLoader;

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
            final Class<?> main = loader.loadClass("io.hotpath.agent.AgentMain");
            main.getMethod("start", String.class, Instrumentation.class, boolean.class, File.class, long.class)
                .invoke(null, agentArgs, inst, attached, jar, premainNanos);
        }
        catch (final InvocationTargetException e)
        {
            throw e.getCause() instanceof Exception ? (Exception)e.getCause() : e;
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }
}
