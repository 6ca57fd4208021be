package io.hotpath.agent.trace;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.api.BootstrapClasses;
import io.hotpath.agent.bootstrap.TraceContextReader;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

import java.io.IOException;
import java.io.InputStream;

/**
 * Makes {@link TraceContextReader}s out of {@link OtelApiTraceReader}'s class file, defined where an
 * OpenTelemetry API is visible. The agent never links against any OpenTelemetry API; each reader
 * class lives in its own small loader, which finds the API through its parent:
 *
 * <ul>
 *   <li>{@link #forOtelJavaAgent}: the OTel Java agent keeps its (shaded) API in the bootstrap loader,
 *       as {@code io.opentelemetry.javaagent.shaded.io.opentelemetry.*}; the reader's references are
 *       remapped to those names. Spans the application creates through its own API are bridged
 *       into that context by the OTel agent, so this one reader sees every span.</li>
 *   <li>{@link #forApiIn}: an application's own API (and SDK), no OTel agent: the reader is defined
 *       in a child of the application class loader that has the API.</li>
 * </ul>
 *
 * A reader class is loaded and initialised before it is returned; one that cannot (a loader that
 * does not delegate to the bootstrap bridge) is refused with a debug line, and samples stay untraced.
 */
public final class TraceReaders
{
    /** Present in the bootstrap loader when the OTel Java agent runs. */
    public static final String OTEL_AGENT_SPAN = "io.opentelemetry.javaagent.shaded.io.opentelemetry.api.trace.Span";
    /** The application's OpenTelemetry API. */
    public static final String API_SPAN = "io.opentelemetry.api.trace.Span";

    /** By name: the agent's own loader must never load it (it cannot link there). */
    private static final String READER_CLASS = "io.hotpath.agent.trace.OtelApiTraceReader";
    private static final String OTEL_AGENT_SHADED_PREFIX = "io/opentelemetry/javaagent/shaded/";

    private TraceReaders()
    {
    }

    /** A reader of the OTel Java agent's span context, or {@code null} when that agent does not run in this JVM. */
    public static TraceContextReader forOtelJavaAgent()
    {
        if (!BootstrapClasses.isDefined(OTEL_AGENT_SPAN))
        {
            return null;
        }
        try
        {
            final byte[] remapped = remapToOtelAgentApi(readerClassFile());
            return tried(new ReaderClassLoader(TraceContextReader.class.getClassLoader(), remapped), "the OpenTelemetry Java agent");
        }
        catch (final IOException | RuntimeException | LinkageError e)
        {
            AgentLog.debug("cannot read the OpenTelemetry Java agent's span context: " + e);
            return null;
        }
    }

    /**
     * A reader of the span context of the OpenTelemetry API {@code loader} sees, or {@code null} when
     * it sees none or cannot see hotpath's bootstrap bridge.
     */
    public static TraceContextReader forApiIn(final ClassLoader loader)
    {
        try
        {
            if (loader == null || Class.forName(TraceContextReader.class.getName(), false, loader) != TraceContextReader.class)
            {
                return null;
            }
            Class.forName(API_SPAN, false, loader);
            return tried(new ReaderClassLoader(loader, readerClassFile()), "the OpenTelemetry API in " + loader);
        }
        catch (final ClassNotFoundException e)
        {
            return null;
        }
        catch (final IOException | RuntimeException | LinkageError e)
        {
            AgentLog.debug("cannot read the span context of the OpenTelemetry API in " + loader + ": " + e);
            return null;
        }
    }

    private static TraceContextReader tried(final ReaderClassLoader loader, final String what)
    {
        final TraceContextReader reader;
        try
        {
            reader = (TraceContextReader)loader.loadClass(READER_CLASS).getConstructor().newInstance();
        }
        catch (final ReflectiveOperationException e)
        {
            throw new IllegalStateException(e);
        }
        // Loaded, verified and initialised here, off the application's path. Span.current() is not
        // called: that would initialise the API's context storage (see TraceContextDiscovery).
        AgentLog.info("trace context: samples inside spans of " + what + " carry their trace and span id");
        return reader;
    }

    static byte[] readerClassFile() throws IOException
    {
        final String resource = READER_CLASS.replace('.', '/') + ".class";
        try (InputStream in = TraceReaders.class.getClassLoader().getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IOException(resource + " not found");
            }
            return in.readAllBytes();
        }
    }

    /** {@code io/opentelemetry/...} becomes {@code io/opentelemetry/javaagent/shaded/io/opentelemetry/...}. */
    static byte[] remapToOtelAgentApi(final byte[] classFile)
    {
        final ClassReader reader = new ClassReader(classFile);
        final ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new Remapper()
        {
            @Override
            public String map(final String internalName)
            {
                return internalName.startsWith("io/opentelemetry/") ? OTEL_AGENT_SHADED_PREFIX + internalName : internalName;
            }
        }), 0);
        return writer.toByteArray();
    }

    /** Holds one reader class; everything else comes from the parent. */
    private static final class ReaderClassLoader extends ClassLoader
    {
        private final byte[] classFile;

        ReaderClassLoader(final ClassLoader parent, final byte[] classFile)
        {
            super("hotpath-trace-reader", parent);
            this.classFile = classFile;
        }

        @Override
        protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
        {
            if (!READER_CLASS.equals(name))
            {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name))
            {
                final Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : defineClass(name, classFile, 0, classFile.length);
            }
        }
    }
}
