package io.hotpath.agent.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Defines classes in the bootstrap class loader with the definer the caller brings (the standalone
 * agent: {@code jdk.internal.misc.Unsafe}; the OTel extension: Byte Buddy's injector), in passes until
 * every supertype precedes its subtypes. JDK types only: the standalone agent's premain loads this
 * class from its jar root, before anything else of hotpath can be loaded.
 */
public final class BootstrapClasses
{
    /** Defines one class in the bootstrap loader; throws a {@link LinkageError} or a runtime exception while its supertype is missing. */
    public interface Definer
    {
        void define(String name, byte[] classFile) throws Throwable;
    }

    private BootstrapClasses()
    {
    }

    /**
     * Defines those of {@code classes} (binary name to class file) not in the bootstrap loader yet.
     *
     * @throws IllegalStateException when a pass defines none of the classes left
     */
    public static void define(final Map<String, byte[]> classes, final Definer definer) throws Throwable
    {
        List<String> pending = new ArrayList<>(classes.keySet());
        while (!pending.isEmpty())
        {
            final List<String> failed = new ArrayList<>();
            Throwable lastFailure = null;
            for (final String name : pending)
            {
                if (isDefined(name))
                {
                    continue;
                }
                try
                {
                    definer.define(name, classes.get(name));
                }
                catch (final LinkageError | RuntimeException e)
                {
                    failed.add(name);
                    lastFailure = e;
                }
            }
            if (!failed.isEmpty() && failed.size() == pending.size())
            {
                throw new IllegalStateException("cannot define " + failed + " in the bootstrap loader", lastFailure);
            }
            pending = failed;
        }
    }

    /** Whether the bootstrap loader has {@code name} (loads nothing but from the bootstrap loader). */
    public static boolean isDefined(final String name)
    {
        try
        {
            Class.forName(name, false, null);
            return true;
        }
        catch (final ClassNotFoundException e)
        {
            return false;
        }
    }
}
