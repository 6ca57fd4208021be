package io.hotpath.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The isolated class loader of the agent implementation and its relocated dependencies.
 *
 * <p>Classes are stored in the agent jar as {@code inst/<binary name>.classdata} and resources as
 * {@code inst/<name>}: neither the application class loaders nor the bootstrap loader (which sees
 * the jar's root) can load them. The parent is the platform loader, so agent code sees the JDK and,
 * through the bootstrap loader, the {@code io.hotpath.agent.bootstrap} bridge the advice calls.
 *
 * <p>Resource names ending in {@code .class} are answered from the {@code .classdata} entries, so
 * Byte Buddy can read advice templates as class files.
 */
public final class AgentClassLoader extends ClassLoader
{
    static final String PREFIX = "inst/";
    static final String CLASS_SUFFIX = ".classdata";

    static
    {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain protectionDomain;

    public AgentClassLoader(final File jarFile, final ClassLoader parent) throws IOException
    {
        super("hotpath-agent", parent);
        this.jar = new JarFile(jarFile, false);
        final URL location = jarFile.toURI().toURL();
        this.jarUrl = "jar:" + location.toExternalForm() + "!/";
        this.protectionDomain = new ProtectionDomain(new CodeSource(location, (Certificate[])null), null, this, null);
    }

    @Override
    protected Class<?> findClass(final String name) throws ClassNotFoundException
    {
        final JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
        if (entry == null)
        {
            throw new ClassNotFoundException(name);
        }
        final byte[] bytes;
        try (InputStream in = jar.getInputStream(entry))
        {
            bytes = in.readAllBytes();
        }
        catch (final IOException e)
        {
            throw new ClassNotFoundException(name, e);
        }
        final int lastDot = name.lastIndexOf('.');
        if (lastDot > 0)
        {
            final String packageName = name.substring(0, lastDot);
            if (getDefinedPackage(packageName) == null)
            {
                try
                {
                    definePackage(packageName, null, null, null, null, null, null, null);
                }
                catch (final IllegalArgumentException raced)
                {
                    // another thread defined it first
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, protectionDomain);
    }

    @Override
    protected URL findResource(final String name)
    {
        final String entryName = entryName(name);
        if (jar.getJarEntry(entryName) == null)
        {
            return null;
        }
        try
        {
            return new URL(jarUrl + entryName);
        }
        catch (final MalformedURLException e)
        {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(final String name)
    {
        final URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    @Override
    public InputStream getResourceAsStream(final String name)
    {
        final JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry != null)
        {
            try
            {
                return jar.getInputStream(entry);
            }
            catch (final IOException e)
            {
                return null;
            }
        }
        return super.getResourceAsStream(name);
    }

    private static String entryName(final String name)
    {
        final String path = name.startsWith("/") ? name.substring(1) : name;
        return path.endsWith(".class") ?
            PREFIX + path.substring(0, path.length() - ".class".length()) + CLASS_SUFFIX : PREFIX + path;
    }
}
