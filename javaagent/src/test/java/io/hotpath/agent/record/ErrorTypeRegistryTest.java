package io.hotpath.agent.record;

import io.hotpath.agent.bootstrap.HotpathBridge;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import java.util.concurrent.TimeoutException;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

class ErrorTypeRegistryTest
{
    @Test
    void oneIdPerExceptionClassNamedBySimpleName()
    {
        final ErrorTypeRegistry registry = new ErrorTypeRegistry();
        final int timeout = registry.idOf(new TimeoutException());
        assertEquals(timeout, registry.idOf(new TimeoutException("again")));
        final int state = registry.idOf(new IllegalStateException());
        assertNotEquals(timeout, state);
        assertEquals("TimeoutException", registry.name(timeout));
        assertEquals("IllegalStateException", registry.name(state));
        assertEquals("returned_false", registry.name(HotpathBridge.ERROR_RETURNED_FALSE));
        assertEquals("returned_null", registry.name(HotpathBridge.ERROR_RETURNED_NULL));
        final RuntimeException anonymous = new RuntimeException() { };
        assertEquals("ErrorTypeRegistryTest$1", registry.name(registry.idOf(anonymous)));
    }

    /** 1 100 distinct exception classes from 4 racing threads: ids stop at the cap, every folded call counted. */
    @Test
    void fullRegistryFoldsIntoOtherAndCountsEveryFoldedCall() throws Exception
    {
        final ErrorTypeRegistry registry = new ErrorTypeRegistry();
        final int classes = ErrorTypeRegistry.CAPACITY + 76;
        final Throwable[] thrown = new Throwable[classes];
        final MethodHandles.Lookup lookup = MethodHandles.lookup();
        final byte[] template = template();
        for (int i = 0; i < classes; i++)
        {
            // hidden classes: one distinct exception class each, from one class file
            final Class<?> type = lookup.defineHiddenClass(template, true).lookupClass();
            thrown[i] = (Throwable)type.getDeclaredConstructor().newInstance();
        }
        final Set<Integer> ids = ConcurrentHashMap.newKeySet();
        final AtomicLong others = new AtomicLong();
        final Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++)
        {
            threads[t] = new Thread(() ->
            {
                for (final Throwable throwable : thrown)
                {
                    final int id = registry.idOf(throwable);
                    if (id == HotpathBridge.ERROR_OTHER)
                    {
                        others.incrementAndGet();
                    }
                    else
                    {
                        ids.add(id);
                    }
                }
            });
            threads[t].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        // threads racing on one class may each claim an id (one is used): never more than the cap
        assertTrue(ids.size() <= ErrorTypeRegistry.CAPACITY && ids.size() > ErrorTypeRegistry.CAPACITY / 2, "ids: " + ids.size());
        assertTrue(ids.stream().allMatch(id -> id >= 7 && id < ErrorTypeRegistry.CAPACITY + 7), "ids within the cap");
        assertEquals(others.get(), registry.overflows());
        assertTrue(registry.overflows() >= 4L * (classes - ErrorTypeRegistry.CAPACITY), "every folded call counted: " + registry.overflows());
        assertEquals(null, registry.name(ErrorTypeRegistry.CAPACITY + 7), "no id past the cap");
        assertEquals(HotpathBridge.ERROR_OTHER, registry.idOf(thrown[classes - 1]));
    }

    /** An exception class of this test's nest to copy as hidden classes. */
    public static final class Template extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
    }

    private static byte[] template() throws IOException
    {
        try (InputStream in = ErrorTypeRegistryTest.class.getResourceAsStream("ErrorTypeRegistryTest$Template.class"))
        {
            return in.readAllBytes();
        }
    }
}
