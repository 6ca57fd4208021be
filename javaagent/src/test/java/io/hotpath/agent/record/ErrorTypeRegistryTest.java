package io.hotpath.agent.record;

import io.hotpath.agent.bootstrap.HotpathBridge;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import java.util.concurrent.TimeoutException;

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
}
