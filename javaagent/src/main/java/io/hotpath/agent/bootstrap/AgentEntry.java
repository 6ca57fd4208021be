package io.hotpath.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * The agent implementation's entry as the bootstrap part sees it: {@link AgentInstaller} creates the
 * implementation ({@code io.hotpath.agent.AgentMain$Entry}, in the isolated loader) with one
 * no-argument constructor call and starts it through this interface. An interface call instead of
 * {@code Method.invoke}: on JDK 22+ core reflection spins method-handle classes per call shape
 * (tens of milliseconds of a cold JVM for a five-argument static method).
 */
public interface AgentEntry
{
    /**
     * @param premainNanos {@code System.nanoTime()} when the JVM called premain/agentmain.
     */
    void start(String agentArgs, Instrumentation inst, boolean attached, File jar, long premainNanos);
}
