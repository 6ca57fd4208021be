package io.hotpath.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.io.File;

/** Runs a short command to completion with separate stdout and stderr files, so a test can insist on an empty stderr. */
final class Processes
{
    record Result(List<String> command, int exit, String stdout, String stderr)
    {
        @Override
        public String toString()
        {
            return String.join(" ", command) + " -> exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Processes()
    {
    }

    static Result run(final Path workDir, final List<String> command) throws IOException, InterruptedException
    {
        return run(workDir, command, Map.of(), 120);
    }

    static Result run(final Path workDir, final List<String> command, final Map<String, String> environment, final long timeoutSeconds)
        throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile(workDir, "out", ".txt");
        final Path err = Files.createTempFile(workDir, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        final Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s\n--- stdout\n" +
                Files.readString(out, StandardCharsets.UTF_8) + "\n--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
