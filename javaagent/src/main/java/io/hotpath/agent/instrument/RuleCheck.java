package io.hotpath.agent.instrument;

import io.hotpath.agent.config.BuiltInPacks;
import io.hotpath.agent.config.ConfigException;
import io.hotpath.agent.config.RuleConfigParser;
import io.hotpath.agent.config.RuleDefinition;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The offline match check: {@code java -jar hotpath-agent.jar check --rules rules.yaml --classpath app.jar[:lib/*.jar:classes/]}
 * (also {@code --packs nio,netty}). Reads the class files with Byte Buddy's type pool, as the agent
 * does at run time (nothing is loaded or initialised), applies every rule's type and method matchers
 * and prints one line per rule: what it matches, or "matched nothing" with the closest class or
 * method names on the class path. Exit code 0 when every rule matches something, 2 otherwise (or
 * when the rules do not parse, or the arguments are wrong).
 */
public final class RuleCheck
{
    private RuleCheck()
    {
    }

    public static int run(final String[] args, final PrintStream out)
    {
        final List<Path> rulesFiles = new ArrayList<>();
        final List<String> packs = new ArrayList<>();
        final List<Path> classPath = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (i + 1 >= args.length || !(arg.equals("--rules") || arg.equals("--classpath") || arg.equals("-cp") || arg.equals("--packs")))
            {
                if (!arg.equals("check"))
                {
                    out.println("usage: java -jar hotpath-agent.jar check --rules FILE [--packs a,b] --classpath JAR_OR_DIR[" +
                        File.pathSeparator + "...]");
                    return 2;
                }
                continue;
            }
            final String value = args[++i];
            switch (arg)
            {
                case "--rules" -> rulesFiles.add(Paths.get(value));
                case "--packs" -> packs.addAll(List.of(value.split(",")));
                default ->
                {
                    for (final String entry : value.split(File.pathSeparator))
                    {
                        if (!entry.isBlank())
                        {
                            classPath.addAll(expand(entry));
                        }
                    }
                }
            }
        }
        final List<RuleDefinition> rules = new ArrayList<>();
        try
        {
            for (final String pack : packs)
            {
                final List<RuleDefinition> packRules = BuiltInPacks.rules(pack.trim());
                if (packRules == null)
                {
                    out.println("unknown rule pack '" + pack + "'; expected one of " + String.join(", ", BuiltInPacks.NAMES));
                    return 2;
                }
                rules.addAll(packRules);
            }
            for (final Path file : rulesFiles)
            {
                rules.addAll(RuleConfigParser.parse(file));
            }
        }
        catch (final ConfigException e)
        {
            out.println("configuration error: " + e.getMessage());
            return 2;
        }
        if (rules.isEmpty())
        {
            out.println("no rules: give --rules FILE or --packs");
            return 2;
        }
        try
        {
            return check(rules, classPath, out);
        }
        catch (final IOException e)
        {
            out.println("cannot read the class path: " + e);
            return 2;
        }
    }

    /** A {@code dir/*} entry means every jar in the directory, as {@code java -cp} has it. */
    private static List<Path> expand(final String entry)
    {
        if (entry.endsWith("/*") || entry.endsWith(File.separator + "*"))
        {
            try (Stream<Path> files = Files.list(Paths.get(entry.substring(0, entry.length() - 2))))
            {
                return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            }
            catch (final IOException e)
            {
                return List.of();
            }
        }
        return List.of(Paths.get(entry));
    }

    static int check(final List<RuleDefinition> rules, final List<Path> classPath, final PrintStream out) throws IOException
    {
        final List<ClassFileLocator> locators = new ArrayList<>();
        final Set<String> classNames = new TreeSet<>();
        final List<JarFile> jars = new ArrayList<>();
        try
        {
            for (final Path entry : classPath)
            {
                if (Files.isDirectory(entry))
                {
                    locators.add(new ClassFileLocator.ForFolder(entry.toFile()));
                    try (Stream<Path> files = Files.walk(entry))
                    {
                        files.filter(p -> p.toString().endsWith(".class"))
                            .map(p -> entry.relativize(p).toString().replace(File.separatorChar, '/'))
                            .forEach(name -> addClassName(classNames, name));
                    }
                }
                else if (Files.isRegularFile(entry))
                {
                    final JarFile jar = new JarFile(entry.toFile());
                    jars.add(jar);
                    locators.add(new ClassFileLocator.ForJarFile(jar));
                    for (final Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); )
                    {
                        addClassName(classNames, entries.nextElement().getName());
                    }
                }
                else
                {
                    out.println("warning: class path entry " + entry + " does not exist");
                }
            }
            locators.add(ClassFileLocator.ForClassLoader.ofPlatformLoader());
            locators.add(ClassFileLocator.ForClassLoader.ofBootLoader());
            final TypePool pool = new TypePool.Default.WithLazyResolution(
                new TypePool.CacheProvider.Simple(), new ClassFileLocator.Compound(locators), TypePool.Default.ReaderMode.FAST);
            return report(rules, pool, classNames, out);
        }
        finally
        {
            for (final JarFile jar : jars)
            {
                jar.close();
            }
        }
    }

    private static void addClassName(final Set<String> names, final String entry)
    {
        if (entry.endsWith(".class") && !entry.startsWith("META-INF/") && !entry.endsWith("module-info.class") &&
            !entry.endsWith("package-info.class"))
        {
            names.add(entry.substring(0, entry.length() - 6).replace('/', '.'));
        }
    }

    private static int report(final List<RuleDefinition> rules, final TypePool pool, final Set<String> classNames, final PrintStream out)
    {
        final List<ElementMatcher<TypeDescription>> typeMatchers = new ArrayList<>();
        final List<ElementMatcher<MethodDescription>> methodMatchers = new ArrayList<>();
        final List<Set<String>> matches = new ArrayList<>();
        for (final RuleDefinition rule : rules)
        {
            typeMatchers.add(AdviceTransformer.typeMatcher(rule));
            methodMatchers.add(AdviceTransformer.methodMatcher(rule));
            matches.add(new TreeSet<>());
        }
        // exact names are described directly (a JDK class is not on the application's class path)
        final Set<String> names = new LinkedHashSet<>(classNames);
        for (final RuleDefinition rule : rules)
        {
            if (rule.typeName() != null)
            {
                names.add(rule.typeName());
            }
        }
        for (final String name : names)
        {
            final TypePool.Resolution resolution = pool.describe(name);
            if (!resolution.isResolved())
            {
                continue;
            }
            for (int i = 0; i < rules.size(); i++)
            {
                try
                {
                    final TypeDescription type = resolution.resolve();
                    if (typeMatchers.get(i).matches(type))
                    {
                        for (final MethodDescription.InDefinedShape method : type.getDeclaredMethods().filter(methodMatchers.get(i)))
                        {
                            matches.get(i).add(AdviceTransformer.signature(type.getName(), method));
                        }
                    }
                }
                catch (final RuntimeException | LinkageError unresolvable)
                {
                    // a supertype missing from the class path: this class cannot be matched offline
                }
            }
        }
        int unmatched = 0;
        for (int i = 0; i < rules.size(); i++)
        {
            final RuleDefinition rule = rules.get(i);
            if (!matches.get(i).isEmpty())
            {
                out.println("ok       " + MatchLog.matchedLine(rule, matches.get(i)));
                continue;
            }
            unmatched++;
            final TypePool.Resolution type = rule.typeName() == null ? null : pool.describe(rule.typeName());
            final boolean typeFound = type != null && type.isResolved();
            List<String> closest = List.of();
            if (typeFound)
            {
                final Set<String> methodNames = new LinkedHashSet<>();
                for (final MethodDescription.InDefinedShape method : type.resolve().getDeclaredMethods())
                {
                    methodNames.add(method.getName());
                }
                closest = ClosestNames.closest(rule.methodName(), methodNames, 3);
            }
            else if (rule.typeName() != null)
            {
                closest = ClosestNames.closest(rule.typeName(), classNames, 3);
            }
            out.println("NOTHING  " + MatchLog.nothingLine(rule, typeFound, closest, "on the class path"));
        }
        out.println(unmatched == 0 ? "all " + rules.size() + " rules match" : unmatched + " of " + rules.size() + " rules match nothing");
        return unmatched == 0 ? 0 : 2;
    }
}
