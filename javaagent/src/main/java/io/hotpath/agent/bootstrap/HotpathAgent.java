package io.hotpath.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class} and {@code Agent-Class} of {@code hotpath-agent.jar}.
 *
 * <p>This class is loaded by the application class loader; it only makes the agent jar's bootstrap
 * part ({@code io.hotpath.agent.bootstrap}) visible to the bootstrap class loader and hands over to
 * {@link AgentInstaller}, loaded there. Everything else in the jar lives under {@code inst/} with a
 * {@code .classdata} suffix, so no application class loader can see it.
 *
 * <p>Guarantee: nothing thrown here reaches the JVM. A second install into the same JVM (a second
 * {@code -javaagent}, or an attach to a JVM that already runs the agent) is refused with one line
 * on stderr.
 */
public final class HotpathAgent
{
    /** Set once per JVM by the first install; the guard against double install or attach. */
    public static final String INSTALLED_PROPERTY = "hotpath.agent.installed";

    private HotpathAgent()
    {
    }

    public static void premain(final String agentArgs, final Instrumentation inst)
    {
        start(agentArgs, inst, false);
    }

    public static void agentmain(final String agentArgs, final Instrumentation inst)
    {
        start(agentArgs, inst, true);
    }

    private static void start(final String agentArgs, final Instrumentation inst, final boolean attached)
    {
        try
        {
            final String mode = attached ? "attach" : "premain";
            if (System.getProperties().putIfAbsent(INSTALLED_PROPERTY, mode) != null)
            {
                System.err.println("[hotpath] WARN the agent is already installed in this JVM (" +
                    System.getProperty(INSTALLED_PROPERTY) + "); ignoring the second " + mode);
                return;
            }
            final File jar = new File(HotpathAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            final Class<?> installer = Class.forName("io.hotpath.agent.bootstrap.AgentInstaller", true, null);
            installer.getMethod("install", String.class, Instrumentation.class, boolean.class, File.class)
                .invoke(null, agentArgs, inst, attached, jar);
        }
        catch (final Throwable t)
        {
            System.err.println("[hotpath] ERROR the agent failed to start; the service runs uninstrumented: " + t);
        }
    }
}
