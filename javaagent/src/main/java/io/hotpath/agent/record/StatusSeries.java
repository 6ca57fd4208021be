package io.hotpath.agent.record;

import io.hotpath.agent.bootstrap.HttpStatusSeries;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The agent's {@link HttpStatusSeries}: a response's status code through its public {@code int}
 * accessor — {@code statusCode()} ({@code java.net.http.HttpResponse}), {@code code()} (OkHttp),
 * {@code getCode()} (Apache HttpClient 5), {@code getStatusCode()}, {@code getStatus()} — found once per
 * response class (a {@code ClassValue}, so later calls allocate nothing), and the status-class series
 * from the {@link SeriesRegistry}.
 *
 * <p>Why two shortcuts before the {@code ClassValue}: in a service the advice runs between two calls'
 * worth of JDK and kernel code, on cold caches, where each dependent load counts (perf of the service's
 * main thread: 0.06 µs per call in the handle's frames alone). A JDK {@code HttpResponse} is read by a
 * plain interface call the JIT inlines; any other class through the last class seen, one load away.
 */
public final class StatusSeries extends HttpStatusSeries
{
    private static final String[] ACCESSORS = {"statusCode", "code", "getCode", "getStatusCode", "getStatus"};
    private static final MethodType INT_OF_OBJECT = MethodType.methodType(int.class, Object.class);

    private final SeriesRegistry registry;
    private final ClassValue<Accessor> accessors = new ClassValue<>()
    {
        @Override
        protected Accessor computeValue(final Class<?> type)
        {
            return new Accessor(type, accessor(type));
        }
    };
    /** The accessor of the last response class seen; a racy read is safe, an {@link Accessor} is immutable. */
    private Accessor last = new Accessor(Void.class, null);

    public StatusSeries(final SeriesRegistry registry)
    {
        this.registry = registry;
    }

    @Override
    public int statusCode(final Object response)
    {
        if (JdkHttpResponses.PRESENT && JdkHttpResponses.is(response))
        {
            return JdkHttpResponses.statusCode(response);
        }
        final Class<?> type = response.getClass();
        Accessor accessor = last;
        if (accessor.type != type)
        {
            accessor = accessors.get(type);
            last = accessor;
        }
        if (accessor.handle == null)
        {
            return 0;
        }
        try
        {
            return (int)accessor.handle.invokeExact(response);
        }
        catch (final Throwable t)
        {
            return 0;
        }
    }

    @Override
    public int series(final int baseSeries, final int statusClass)
    {
        return registry.statusSeries(baseSeries, statusClass);
    }

    /** A public accessor declared by a public type of the class's hierarchy (an implementation class may be hidden in a JDK package). */
    static MethodHandle accessor(final Class<?> type)
    {
        for (final String name : ACCESSORS)
        {
            final MethodHandle handle = find(type, name);
            if (handle != null)
            {
                return handle;
            }
        }
        return null;
    }

    private static MethodHandle find(final Class<?> type, final String name)
    {
        if (type == null)
        {
            return null;
        }
        if (Modifier.isPublic(type.getModifiers()) && type.getModule().isExported(type.getPackageName()))
        {
            try
            {
                final Method method = type.getMethod(name);
                if (method.getReturnType() == int.class && Modifier.isPublic(method.getDeclaringClass().getModifiers()))
                {
                    return MethodHandles.publicLookup().unreflect(method).asType(INT_OF_OBJECT);
                }
            }
            catch (final NoSuchMethodException | IllegalAccessException | RuntimeException e)
            {
                // try the supertypes
            }
        }
        for (final Class<?> implemented : type.getInterfaces())
        {
            final MethodHandle handle = find(implemented, name);
            if (handle != null)
            {
                return handle;
            }
        }
        return find(type.getSuperclass(), name);
    }

    /** A response class and its status accessor ({@code null}: it has none). */
    private static final class Accessor
    {
        final Class<?> type;
        final MethodHandle handle;

        Accessor(final Class<?> type, final MethodHandle handle)
        {
            this.type = type;
            this.handle = handle;
        }
    }
}
