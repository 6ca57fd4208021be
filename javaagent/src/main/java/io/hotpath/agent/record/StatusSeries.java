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
 */
public final class StatusSeries extends HttpStatusSeries
{
    private static final String[] ACCESSORS = {"statusCode", "code", "getCode", "getStatusCode", "getStatus"};
    private static final MethodType INT_OF_OBJECT = MethodType.methodType(int.class, Object.class);

    private final SeriesRegistry registry;
    private final ClassValue<MethodHandle> accessors = new ClassValue<>()
    {
        @Override
        protected MethodHandle computeValue(final Class<?> type)
        {
            return accessor(type);
        }
    };

    public StatusSeries(final SeriesRegistry registry)
    {
        this.registry = registry;
    }

    @Override
    public int statusCode(final Object response)
    {
        final MethodHandle accessor = accessors.get(response.getClass());
        if (accessor == null)
        {
            return 0;
        }
        try
        {
            return (int)accessor.invokeExact(response);
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
}
