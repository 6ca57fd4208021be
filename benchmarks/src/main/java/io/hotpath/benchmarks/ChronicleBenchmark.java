package io.hotpath.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * The forked JVM of every benchmark that runs Chronicle Queue (the agent's spool) in-process: the JDK
 * exports and opens Chronicle needs, its analytics and announcer off, and a heap and direct-memory cap
 * for the rings. A subclass inherits this {@link Fork} whole (JMH takes one {@code @Fork}, it does not
 * merge a subclass's into it): a benchmark that needs other JVM flags adds {@code -jvmArgsAppend} on the
 * command line rather than a second copy of this list. Two forks, as the commands in RESULTS.md use.
 */
@Fork(value = 2, jvmArgsAppend = {
    "-Xmx1g", "-XX:MaxDirectMemorySize=2g",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
public abstract class ChronicleBenchmark
{
}
