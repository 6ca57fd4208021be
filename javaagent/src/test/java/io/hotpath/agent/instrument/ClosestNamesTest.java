package io.hotpath.agent.instrument;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClosestNamesTest
{
    private static final List<String> LOADED = List.of("java.lang.String", "java.lang.System", "java.util.List",
        "com.example.TransportManager", "com.example.TransportType", "java.lang.invoke.Type", "io.other.TransportManager");

    @Test
    void misspeltAndUnqualifiedNamesFindTheirClass()
    {
        assertEquals(List.of("com.example.TransportManager", "io.other.TransportManager"),
            ClosestNames.closest("com.example.TransportManger", LOADED, 2));
        assertEquals(List.of("java.lang.String"), ClosestNames.closest("String", LOADED, 3));
        assertEquals(List.of(), ClosestNames.closest("com.example.Nothing", LOADED, 3));
        assertEquals(List.of("sendMessage"), ClosestNames.closest("sendMesage", List.of("sendMessage", "close", "open"), 3));
    }

    @Test
    void distanceIsBounded()
    {
        assertEquals(1, ClosestNames.distance("tick", "tik", 3));
        assertEquals(4, ClosestNames.distance("abcdefgh", "zzzzzzzz", 3));
    }
}
