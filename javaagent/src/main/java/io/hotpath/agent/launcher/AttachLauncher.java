package io.hotpath.agent.launcher;

import com.sun.tools.attach.VirtualMachine;

import java.io.File;
import java.io.PrintStream;
import io.hotpath.agent.bootstrap.AgentClassLoader;

/**
 * {@code java -jar hotpath-agent.jar attach <pid> [agent-args]}: loads the agent into a running JVM
 * through the attach API. Refuses when the target already runs the agent.
 *
 * <p>JDK 21+ targets print a warning about dynamically loaded agents unless they run with
 * {@code -XX:+EnableDynamicAgentLoading}; the agent works either way.
 */
public final class AttachLauncher
{
    private AttachLauncher()
    {
    }

    /** {@code reload <pid>}: asks the agent running in the JVM to re-read its rules (it logs the outcome there). */
    private static int reload(final String pid) throws Exception
    {
        final String jar = new File(AttachLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath();
        final VirtualMachine vm;
        try
        {
            vm = VirtualMachine.attach(pid);
        }
        catch (final Exception e)
        {
            System.err.println("[hotpath] cannot attach to " + pid + ": " + e);
            return 1;
        }
        try
        {
            if (vm.getSystemProperties().getProperty("hotpath.agent.installed") == null)
            {
                System.err.println("[hotpath] JVM " + pid + " does not run the hotpath agent; nothing to reload (attach it first)");
                return 3;
            }
            vm.loadAgent(jar, "reload");
            System.out.println("[hotpath] reload requested in JVM " + pid + " (the outcome is in its log)");
            return 0;
        }
        finally
        {
            vm.detach();
        }
    }

    /**
     * {@code check}: the offline match check, run inside the agent's own class loader (its relocated
     * Byte Buddy and parser live there; the bootstrap part resolves through this launcher's loader).
     */
    private static int check(final String[] args) throws Exception
    {
        final File jar = new File(AttachLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final ClassLoader loader = new AgentClassLoader(jar, AttachLauncher.class.getClassLoader());
        final Class<?> check = loader.loadClass("io.hotpath.agent.instrument.RuleCheck");
        return (Integer)check.getMethod("run", String[].class, PrintStream.class).invoke(null, args, System.out);
    }

    /**
     * The agent argument string: every argument after the pid, joined with commas, so that
     * {@code attach 1234 config=rules.yaml packs=nio,netty} passes both settings (blank ones skipped).
     */
    static String agentArguments(final String[] args)
    {
        final StringBuilder joined = new StringBuilder();
        for (int i = 2; i < args.length; i++)
        {
            final String part = args[i].strip();
            if (!part.isEmpty())
            {
                joined.append(joined.length() == 0 ? "" : ",").append(part);
            }
        }
        return joined.toString();
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length >= 1 && "check".equals(args[0]))
        {
            System.exit(check(args));
            return;
        }
        if (args.length == 2 && "reload".equals(args[0]))
        {
            System.exit(reload(args[1]));
            return;
        }
        if (args.length < 2 || !"attach".equals(args[0]))
        {
            System.err.println("usage: java -jar hotpath-agent.jar attach <pid> [key=value[,key=value...]]...\n" +
                "       java -jar hotpath-agent.jar reload <pid>   (the running agent re-reads its rules file)\n" +
                "       java -jar hotpath-agent.jar check --rules FILE [--packs a,b] --classpath JAR_OR_DIR[:...]");
            System.exit(2);
            return;
        }
        final String pid = args[1];
        final String agentArgs = agentArguments(args);
        final String jar = new File(AttachLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getAbsolutePath();
        final VirtualMachine vm;
        try
        {
            vm = VirtualMachine.attach(pid);
        }
        catch (final Exception e)
        {
            System.err.println("[hotpath] cannot attach to " + pid + ": " + e);
            System.exit(1);
            return;
        }
        try
        {
            final String installed = vm.getSystemProperties().getProperty("hotpath.agent.installed");
            if (installed != null)
            {
                System.err.println("[hotpath] JVM " + pid + " already runs the hotpath agent (" + installed + "); not attaching again");
                System.exit(3);
                return;
            }
            vm.loadAgent(jar, agentArgs);
            System.out.println("[hotpath] agent loaded into JVM " + pid);
        }
        finally
        {
            vm.detach();
        }
    }
}
