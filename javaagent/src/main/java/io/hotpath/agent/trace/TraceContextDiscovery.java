package io.hotpath.agent.trace;

import io.hotpath.agent.AgentLog;
import io.hotpath.agent.bootstrap.TraceContextReader;
import io.hotpath.agent.record.RingRecorder;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the OpenTelemetry API the recorder should read span contexts from, and installs its reader
 * into the {@link RingRecorder}: the OTel Java agent's API when that agent runs (checked at once, and
 * again when its context storage initialises, for either {@code -javaagent} order), else the API of
 * the first application class loader whose context storage initialises.
 *
 * <p>Why the context storage ({@code io.opentelemetry.context.LazyStorage}) and not the first API
 * class: the storage initialises once, on the first {@code Context.current()}, and wrappers
 * ({@code ContextStorage.addWrapper}) can only be added before that. Reading spans only once the
 * application (or the OTel agent) has initialised it means hotpath never initialises it early.
 *
 * <p>The watch is a class file transformer that never transforms: per class loaded it costs one
 * {@code startsWith} on the name. It is registered as retransformation-capable, beside the agent's
 * Byte Buddy transformer, so the JVM hands both the same class bytes (no extra copy). A reader is
 * made on a short-lived thread, never inside the class-loading callback (which must not load
 * classes). Once a reader is installed the transformer removes itself.
 */
public final class TraceContextDiscovery implements ClassFileTransformer
{
    private static final String APP_STORAGE = "io/opentelemetry/context/LazyStorage";
    private static final String OTEL_AGENT_STORAGE = "io/opentelemetry/javaagent/shaded/io/opentelemetry/context/LazyStorage";

    private final Instrumentation inst;
    private final RingRecorder recorder;
    private final AtomicBoolean installed = new AtomicBoolean();

    private TraceContextDiscovery(final Instrumentation inst, final RingRecorder recorder)
    {
        this.inst = inst;
        this.recorder = recorder;
    }

    /**
     * Starts watching; with {@code attached}, classes loaded before the attach are searched once,
     * on a background thread.
     */
    public static void start(final Instrumentation inst, final RingRecorder recorder, final boolean attached)
    {
        final TraceContextDiscovery discovery = new TraceContextDiscovery(inst, recorder);
        inst.addTransformer(discovery, true);
        // After registering: an OTel agent whose API loads meanwhile is seen by one or the other. An OTel
        // agent found here has finished its premain (premains run one after the other).
        final TraceContextReader otelAgent = TraceReaders.forOtelJavaAgent();
        if (otelAgent != null)
        {
            discovery.install(otelAgent);
            return;
        }
        if (attached)
        {
            discovery.inBackground(discovery::searchLoadedClasses);
        }
    }

    @Override
    public byte[] transform(final ClassLoader loader, final String className, final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain, final byte[] classfileBuffer)
    {
        if (classBeingRedefined == null && className != null && className.startsWith("io/opentelemetry/") && !installed.get())
        {
            if (loader == null && OTEL_AGENT_STORAGE.equals(className))
            {
                inBackground(() -> install(TraceReaders.forOtelJavaAgent()));
            }
            else if (loader != null && APP_STORAGE.equals(className))
            {
                inBackground(() -> installForApiIn(loader));
            }
        }
        return null;
    }

    private void installForApiIn(final ClassLoader loader)
    {
        final TraceContextReader otelAgent = TraceReaders.forOtelJavaAgent();
        install(otelAgent != null ? otelAgent : TraceReaders.forApiIn(loader));
    }

    private void searchLoadedClasses()
    {
        for (final Class<?> type : inst.getAllLoadedClasses())
        {
            if (installed.get())
            {
                return;
            }
            if (type.getClassLoader() != null && "io.opentelemetry.context.LazyStorage".equals(type.getName()))
            {
                installForApiIn(type.getClassLoader());
            }
        }
    }

    private void install(final TraceContextReader reader)
    {
        if (reader != null && installed.compareAndSet(false, true))
        {
            recorder.traceContextReader(reader);
            inst.removeTransformer(this);
        }
    }

    private void inBackground(final Runnable task)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                task.run();
            }
            catch (final Throwable t)
            {
                AgentLog.debug("trace context discovery failed: " + t);
            }
        }, "hotpath-trace-context");
        thread.setDaemon(true);
        thread.setContextClassLoader(TraceContextDiscovery.class.getClassLoader());
        thread.start();
    }
}
