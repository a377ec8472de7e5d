package io.rltrader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.train.ResumeChecks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rltrader train} in a child JVM, killed with SIGKILL at seeded random moments (after a
 * random progress line, plus a random delay that lands some kills inside checkpoint writes), then
 * continued with {@code train --resume} until it finishes: the run must equal, byte for byte, the
 * same run done without interruption.
 */
class KillResumeTest {
    private static final Pattern PROGRESS = Pattern.compile("^train ([0-9,]+)/");
    private static final long STEPS = 16_000;

    @TempDir
    Path dir;

    private static List<String> trainArgs(Path out) {
        return List.of("train", "--agent", "double-dqn", "--synthetic", "sine", "--bars", "600",
            "--steps", Long.toString(STEPS), "--envs", "4", "--seed", "3", "--log-interval", "500",
            "--checkpoint-interval", "1000", "--set", "hidden=[32,32]", "--set", "learningStarts=500",
            "--set", "prioritized=true", "--set", "nStep=3", "--out", out.toString());
    }

    @Test
    void sigkilledRunResumedToTheEndEqualsAnUninterruptedRun() throws Exception {
        Path whole = dir.resolve("whole");
        List<String> quiet = new ArrayList<>(trainArgs(whole));
        quiet.add("--quiet");
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(quiet.toArray(new String[0]), new PrintWriter(new StringWriter()),
            new PrintWriter(err)), err.toString());

        Path run = dir.resolve("killed");
        Random random = new Random(20_261_130L);
        int landed = 0;
        boolean finished = false;
        long threshold = 0;
        for (int round = 0; round < 4 && !finished; round++) {
            threshold += 1_500 + random.nextInt(2_500);
            int delayMillis = random.nextInt(400);
            List<String> args = Files.exists(run.resolve("config.json"))
                ? List.of("train", "--resume", run.toString()) : trainArgs(run);
            Process child = start(args);
            Outcome outcome = killAfter(child, threshold, delayMillis);
            landed += outcome.killed ? 1 : 0;
            finished = !outcome.killed;
            if (finished) {
                assertEquals(0, outcome.exitCode, "a run that was not killed ends cleanly");
            }
        }
        if (!finished) {
            Process child = start(List.of("train", "--resume", run.toString()));
            Outcome outcome = killAfter(child, Long.MAX_VALUE, 0);
            assertEquals(0, outcome.exitCode, "the last resume runs to the end");
        }
        assertTrue(landed >= 3, "kills that hit a running training: " + landed);
        ResumeChecks.assertSameRun(whole, run);
    }

    private record Outcome(boolean killed, int exitCode) {
    }

    private Process start(List<String> args) throws IOException {
        Path basedir = Path.of(System.getProperty("rltrader.basedir", "."));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + basedir.resolve("native-config").resolve("jvm.options"));
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPENBLAS_NUM_THREADS", "1");
        builder.environment().put("OMP_NUM_THREADS", "1");
        return builder.start();
    }

    /**
     * Reads the child's progress lines; once one reports {@code threshold} transitions or more,
     * waits {@code delayMillis} and kills it with SIGKILL. Returns whether the kill hit a live
     * process, or the exit code if it ended first.
     */
    private static Outcome killAfter(Process child, long threshold, int delayMillis) throws Exception {
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher progress = PROGRESS.matcher(line);
                if (progress.find() && Long.parseLong(progress.group(1).replace(",", "")) >= threshold) {
                    Thread.sleep(delayMillis);
                    if (child.isAlive()) {
                        child.destroyForcibly();
                        child.waitFor(30, TimeUnit.SECONDS);
                        return new Outcome(true, child.exitValue());
                    }
                }
            }
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child did not end");
        if (child.exitValue() != 0) {
            throw new AssertionError("child exited with " + child.exitValue() + ":\n" + output);
        }
        return new Outcome(false, 0);
    }
}
