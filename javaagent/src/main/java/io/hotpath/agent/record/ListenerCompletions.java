package io.hotpath.agent.record;

import io.hotpath.agent.bootstrap.CompletionRecorder;
import io.hotpath.agent.bootstrap.HotpathBridge;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Completion of Netty futures ({@code io.netty.util.concurrent.Future}, e.g. the
 * {@code ChannelFuture} of {@code writeAndFlush} and {@code connect}), which the agent cannot link
 * against: Netty is the application's, in the application's class loader. Per future class the
 * needed methods are looked up once (a {@link ClassValue}); per call one listener proxy is created in
 * the future's class loader and added with {@code addListener}. That costs an allocation and a
 * reflective call per asynchronous Netty operation, small beside the I/O it times. The caller's span
 * context is captured with the listener: the future completes on an event-loop thread.
 */
final class ListenerCompletions
{
    static final String NETTY_FUTURE = "io.netty.util.concurrent.Future";
    private static final String NETTY_LISTENER = "io.netty.util.concurrent.GenericFutureListener";

    private final RingRecorder recorder;
    private final ClassValue<Adapter> adapters = new ClassValue<>()
    {
        @Override
        protected Adapter computeValue(final Class<?> type)
        {
            return Adapter.of(type);
        }
    };

    ListenerCompletions(final RingRecorder recorder)
    {
        this.recorder = recorder;
    }

    /** @return false when {@code result} is no future this class knows. */
    boolean attach(final Object result, final int seriesId, final long startNanos, final long payloadBytes)
    {
        final Adapter adapter = adapters.get(result.getClass());
        if (adapter == null)
        {
            return false;
        }
        final Object traceContext = recorder.captureTraceContext();
        final InvocationHandler handler = (proxy, method, args) ->
        {
            if (method.getName().equals("operationComplete") && args != null && args.length == 1)
            {
                final long endNanos = System.nanoTime();
                try
                {
                    final Object future = args[0];
                    final boolean success = (Boolean)adapter.isSuccess.invoke(future);
                    final int error;
                    if (success)
                    {
                        error = 0;
                    }
                    else
                    {
                        final Throwable cause = (Throwable)adapter.cause.invoke(future);
                        error = cause == null ? HotpathBridge.ERROR_OTHER : recorder.errorType(CompletionRecorder.unwrap(cause));
                    }
                    recorder.recordInContext(traceContext, seriesId, startNanos, endNanos, payloadBytes, error);
                }
                catch (final Throwable t)
                {
                    recorder.adviceError(t);
                }
                return null;
            }
            return switch (method.getName())
            {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "hotpath completion listener";
                default -> null;
            };
        };
        try
        {
            final Object listener = Proxy.newProxyInstance(adapter.loader, new Class<?>[] {adapter.listenerType}, handler);
            adapter.addListener.invoke(result, listener);
            return true;
        }
        catch (final Throwable t)
        {
            recorder.adviceError(t);
            return false;
        }
    }

    /** The reflective handles for one future class. */
    private record Adapter(ClassLoader loader, Class<?> listenerType, Method addListener, Method isSuccess, Method cause)
    {
        static Adapter of(final Class<?> type)
        {
            final Class<?> futureType = findInterface(type, NETTY_FUTURE);
            if (futureType == null)
            {
                return null;
            }
            try
            {
                final ClassLoader loader = futureType.getClassLoader();
                final Class<?> listenerType = Class.forName(NETTY_LISTENER, false, loader);
                return new Adapter(loader, listenerType, futureType.getMethod("addListener", listenerType),
                    futureType.getMethod("isSuccess"), futureType.getMethod("cause"));
            }
            catch (final ReflectiveOperationException | RuntimeException e)
            {
                return null;
            }
        }

        private static Class<?> findInterface(final Class<?> type, final String name)
        {
            for (Class<?> c = type; c != null; c = c.getSuperclass())
            {
                if (c.getName().equals(name))
                {
                    return c;
                }
                for (final Class<?> i : c.getInterfaces())
                {
                    final Class<?> found = findInterface(i, name);
                    if (found != null)
                    {
                        return found;
                    }
                }
            }
            return null;
        }
    }
}
