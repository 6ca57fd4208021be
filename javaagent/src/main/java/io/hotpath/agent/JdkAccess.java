package io.hotpath.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashMap;

/**
 * What the agent needs from the JDK's module system, granted to the agent class loader's unnamed
 * module only (never to the application, never through user flags).
 *
 * <p>Chronicle needs exports/opens of {@code java.base/{jdk.internal.ref, sun.nio.ch, java.lang,
 * java.lang.reflect, java.io, java.util}}, {@code jdk.unsupported/sun.misc} and
 * {@code jdk.compiler/com.sun.tools.javac(.file)}; Agrona 2 needs {@code java.base/jdk.internal.misc}.
 */
public final class JdkAccess
{
    private static final Map<String, Set<String>> EXPORTS = Map.of(
        "java.base", Set.of("jdk.internal.ref", "sun.nio.ch", "jdk.internal.misc"),
        "jdk.unsupported", Set.of("sun.misc"),
        "jdk.compiler", Set.of("com.sun.tools.javac", "com.sun.tools.javac.file"));
    private static final Map<String, Set<String>> OPENS = Map.of(
        "java.base", Set.of("java.lang", "java.lang.reflect", "java.io", "java.util", "java.nio", "sun.nio.ch",
            "jdk.internal.ref", "jdk.internal.misc"),
        "jdk.unsupported", Set.of("sun.misc"),
        "jdk.compiler", Set.of("com.sun.tools.javac"));

    private JdkAccess()
    {
    }

    /** Opens what Chronicle and Agrona need to {@code agentModule}; modules absent from the runtime image are skipped. */
    public static void openTo(final Instrumentation inst, final Module agentModule)
    {
        for (final String moduleName : Set.of("java.base", "jdk.unsupported", "jdk.compiler"))
        {
            final Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
            if (module.isEmpty())
            {
                AgentLog.debug("module " + moduleName + " is not in this runtime; not opened");
                continue;
            }
            final Map<String, Set<Module>> exports = new HashMap<>();
            final Map<String, Set<Module>> opens = new HashMap<>();
            for (final String pkg : EXPORTS.getOrDefault(moduleName, Set.of()))
            {
                if (module.get().getPackages().contains(pkg))
                {
                    exports.put(pkg, Set.of(agentModule));
                }
            }
            for (final String pkg : OPENS.getOrDefault(moduleName, Set.of()))
            {
                if (module.get().getPackages().contains(pkg))
                {
                    opens.put(pkg, Set.of(agentModule));
                }
            }
            inst.redefineModule(module.get(), Set.of(), exports, opens, Set.of(), Map.of());
        }
    }

    /**
     * JDK 24+ prints a multi-line "terminally deprecated method in sun.misc.Unsafe" warning on the
     * first memory access through {@code sun.misc.Unsafe}; Chronicle makes one. The warning is
     * printed at most once per JVM (in the default {@code warn} mode) to the JVM's initial stderr, and
     * the mode is read from a system property saved at boot, so setting the property now has no
     * effect. We mark the warning as already given, but only when the mode is the default
     * {@code warn} (an explicit {@code --sun-misc-unsafe-memory-access=debug|deny} is respected).
     * The effect is JVM-wide: the application's own first use would not warn either.
     *
     * @return true if the warning was silenced.
     */
    public static boolean quietUnsafeMemoryAccessWarning()
    {
        if (Runtime.version().feature() < 24)
        {
            return false;
        }
        try
        {
            final Class<?> unsafe = Class.forName("sun.misc.Unsafe");
            final Field option = unsafe.getDeclaredField("MEMORY_ACCESS_OPTION");
            option.setAccessible(true);
            if (!"WARN".equals(String.valueOf(option.get(null))))
            {
                return false;
            }
            final Field warned = unsafe.getDeclaredField("memoryAccessWarned");
            final Class<?> internalUnsafe = Class.forName("jdk.internal.misc.Unsafe");
            final Object theUnsafe = internalUnsafe.getMethod("getUnsafe").invoke(null);
            final Object base = internalUnsafe.getMethod("staticFieldBase", Field.class).invoke(theUnsafe, warned);
            final long offset = (long)internalUnsafe.getMethod("staticFieldOffset", Field.class).invoke(theUnsafe, warned);
            internalUnsafe.getMethod("putBooleanVolatile", Object.class, long.class, boolean.class)
                .invoke(theUnsafe, base, offset, true);
            return true;
        }
        catch (final ReflectiveOperationException | RuntimeException e)
        {
            AgentLog.debug("could not silence the sun.misc.Unsafe warning: " + e);
            return false;
        }
    }
}
