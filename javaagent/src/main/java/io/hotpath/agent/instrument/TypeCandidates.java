package io.hotpath.agent.instrument;

import io.hotpath.agent.config.RuleDefinition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The cheap first stage of type matching, run for every class the JVM loads: may a rule match
 * this class? Answered from the class's name and its class loader only, without parsing the class
 * file and without Byte Buddy, so a JVM in which no rule's type ever loads never loads Byte Buddy.
 * A "yes" is confirmed (or not) by Byte Buddy's exact matchers in {@link AdviceTransformer}.
 *
 * <ul>
 *   <li>{@code name}: the exact name (one hash lookup);</li>
 *   <li>{@code name_pattern}: the glob;</li>
 *   <li>{@code subtype_of} without a pattern: any class whose loader can see the supertype (its
 *       class file is a resource of that loader, cached per loader). Such a rule makes Byte Buddy
 *       inspect every class of the application, which is why the README recommends a pattern.</li>
 * </ul>
 *
 * <p>Never a candidate: classes of the agent itself (its loader, the bootstrap bridge, relocated libraries),
 * Byte Buddy, and the JDK's method-handle and reflection internals (instrumenting them can
 * deadlock or recurse).
 */
final class TypeCandidates
{
    private static final String[] IGNORED_PREFIXES = {
        "io/hotpath/agent/bootstrap/", "io/hotpath/agent/shaded/", "net/bytebuddy/", "java/lang/invoke/", "jdk/internal/reflect/", "sun/reflect/"};

    private final Set<String> exactNames = new HashSet<>();
    private final List<TypeNameGlob> patterns = new ArrayList<>();
    private final List<TypeNameGlob> subtypePatterns = new ArrayList<>();
    private final List<String> subtypeOf = new ArrayList<>();
    /** Supertypes of {@code subtype_of} rules without a pattern, as class file resource names. */
    private final List<String> unpatternedSupertypeResources = new ArrayList<>();
    private final Map<ClassLoader, Boolean> seesSupertype = new WeakHashMap<>();
    /** Whether the JDK's own loaders see an unpatterned supertype: asked once, up front (see {@link #seesAnUnpatternedSupertype}). */
    private final boolean jdkSeesSupertype;
    private final ClassLoader agentLoader;

    /** The class whose completion path {@link CompletionHookAdvice} times (rules that may be asynchronous). */
    static final String COMPLETABLE_FUTURE = "java/util/concurrent/CompletableFuture";

    TypeCandidates(final List<RuleDefinition> rules, final ClassLoader agentLoader)
    {
        this.agentLoader = agentLoader;
        for (final RuleDefinition rule : rules)
        {
            if (!Boolean.FALSE.equals(rule.async()))
            {
                exactNames.add(COMPLETABLE_FUTURE);
            }
            if (rule.typeName() != null)
            {
                exactNames.add(rule.typeName().replace('.', '/'));
            }
            else if (rule.subtypeOf() == null)
            {
                patterns.add(new TypeNameGlob(rule.typePattern()));
            }
            else
            {
                subtypeOf.add(rule.subtypeOf());
                if (rule.typePattern() != null)
                {
                    subtypePatterns.add(new TypeNameGlob(rule.typePattern()));
                }
                else
                {
                    unpatternedSupertypeResources.add(rule.subtypeOf().replace('.', '/') + ".class");
                }
            }
        }
        this.jdkSeesSupertype = !unpatternedSupertypeResources.isEmpty() && sees(ClassLoader.getPlatformClassLoader());
        if (!unpatternedSupertypeResources.isEmpty())
        {
            seesAnUnpatternedSupertype(ClassLoader.getSystemClassLoader());
        }
    }

    boolean isEmpty()
    {
        return exactNames.isEmpty() && patterns.isEmpty() && subtypeOf.isEmpty();
    }

    /** Rules whose candidates are decided by name alone (no loader look-ups, no hierarchy walks). */
    boolean nameOnly()
    {
        return subtypeOf.isEmpty();
    }

    /**
     * For a class about to be defined.
     *
     * @param internalName e.g. {@code com/example/Foo}; {@code null} for hidden classes (never a candidate).
     */
    boolean mayMatch(final ClassLoader loader, final String internalName)
    {
        if (internalName == null || (loader != null && loader == agentLoader) || ignored(internalName))
        {
            return false;
        }
        if (exactNames.contains(internalName))
        {
            return true;
        }
        if (patterns.isEmpty() && subtypeOf.isEmpty())
        {
            return false;
        }
        final String binaryName = internalName.replace('/', '.');
        for (final TypeNameGlob pattern : patterns)
        {
            if (pattern.matches(binaryName))
            {
                return true;
            }
        }
        for (final TypeNameGlob pattern : subtypePatterns)
        {
            if (pattern.matches(binaryName))
            {
                return true;
            }
        }
        return !unpatternedSupertypeResources.isEmpty() && seesAnUnpatternedSupertype(loader);
    }

    /** For an already loaded class: the same question, answered exactly for the hierarchy (by reflection, nothing loads). */
    boolean mayMatch(final Class<?> type)
    {
        final String name = type.getName();
        if (!mayMatch(type.getClassLoader(), name.replace('.', '/')))
        {
            return false;
        }
        if (exactNames.contains(name.replace('.', '/')) || matchesAny(patterns, name))
        {
            return true;
        }
        for (int i = 0; i < subtypeOf.size(); i++)
        {
            if (hasSuperType(type, subtypeOf.get(i)))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(final List<TypeNameGlob> globs, final String binaryName)
    {
        for (final TypeNameGlob glob : globs)
        {
            if (glob.matches(binaryName))
            {
                return true;
            }
        }
        return false;
    }

    static boolean hasSuperType(final Class<?> type, final String superTypeName)
    {
        if (type == null)
        {
            return false;
        }
        if (type.getName().equals(superTypeName))
        {
            return true;
        }
        for (final Class<?> implemented : type.getInterfaces())
        {
            if (hasSuperType(implemented, superTypeName))
            {
                return true;
            }
        }
        return hasSuperType(type.getSuperclass(), superTypeName);
    }

    private static boolean ignored(final String internalName)
    {
        for (final String prefix : IGNORED_PREFIXES)
        {
            if (internalName.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code loader} can see the supertype of a {@code subtype_of} rule without a pattern
     * (if it cannot, none of its classes can be a subtype). Called while the JVM loads a class: a
     * resource look-up may itself load classes, so the JDK's loaders (whose classes this would
     * recurse into) are answered from {@link #jdkSeesSupertype}, and application loaders once each.
     */
    private boolean seesAnUnpatternedSupertype(final ClassLoader loader)
    {
        if (loader == null || loader == ClassLoader.getPlatformClassLoader())
        {
            return jdkSeesSupertype;
        }
        synchronized (seesSupertype)
        {
            final Boolean known = seesSupertype.get(loader);
            if (known != null)
            {
                return known;
            }
        }
        final boolean sees = sees(loader);
        synchronized (seesSupertype)
        {
            seesSupertype.put(loader, sees);
        }
        return sees;
    }

    private boolean sees(final ClassLoader loader)
    {
        for (final String resource : unpatternedSupertypeResources)
        {
            try
            {
                if (loader.getResource(resource) != null)
                {
                    return true;
                }
            }
            catch (final RuntimeException | LinkageError e)
            {
                return true; // cannot tell: let Byte Buddy decide
            }
        }
        return false;
    }
}
