package io.rltrader.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.agent.Agents;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run interrupted after a checkpoint and continued with {@link Training#resume} ends bit-identical
 * to the same run left alone: checkpoint files equal byte for byte, train.jsonl equal line for line
 * apart from the wall-clock field. Each agent family exercises its own state: replay with n-step
 * returns and priorities, the warm-up generator of continuous agents, IQN's fraction generator, the
 * rollout minibatch generator and the learning-rate schedule of PPO, REINFORCE's episodes.
 */
class ResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Thrown from the progress callback: the run stops there as a crash would. */
    private static final class Interrupt extends RuntimeException {
        Interrupt() {
            super("interrupted by the test");
        }
    }

    static RunSpec spec(String agent, long steps, long logInterval, long checkpointInterval, String... sets) {
        ObjectNode settings = Agents.defaults(agent);
        for (String set : sets) {
            int eq = set.indexOf('=');
            ObjectNode one = JSON.createObjectNode();
            try {
                one.set(set.substring(0, eq), JSON.readTree(set.substring(eq + 1)));
            } catch (IOException e) {
                throw new IllegalArgumentException(set, e);
            }
            Agents.override(agent, settings, one, "test");
        }
        settings.put("seed", 11L);
        String env = Agents.continuous(agent) ? "continuous" : "discrete";
        return new RunSpec(agent, env, null, "sine", 600, null, 0.7, FeatureMatrix.DEFAULT_FEATURES, 2, 64,
            "log-return", 100, 0.001, 0, "close", true, 10_000, steps, 4, 11L, "cpu", logInterval,
            checkpointInterval, settings);
    }

    private static String[] settingsFor(String agent) {
        return switch (agent) {
            case "double-dqn" -> new String[] {"hidden=[16,16]", "learningStarts=200", "prioritized=true",
                "nStep=3", "targetUpdateInterval=100", "bufferSize=1000"};
            case "iqn" -> new String[] {"hidden=[16,16]", "cosines=8", "quantiles=8", "targetQuantiles=8",
                "actingQuantiles=8", "learningStarts=200"};
            case "sac", "td3" -> new String[] {"hidden=[16,16]", "learningStarts=400", "batchSize=32"};
            case "ppo" -> new String[] {"hidden=[16,16]", "nSteps=64", "batchSize=64", "nEpochs=2",
                "annealLearningRate=true"};
            case "reinforce" -> new String[] {"hidden=[16,16]", "nSteps=64", "baseline=true"};
            default -> throw new IllegalArgumentException(agent);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"double-dqn", "iqn", "sac", "td3", "ppo", "reinforce"})
    void interruptedRunResumesBitIdentically(String agent) throws Exception {
        RunSpec spec = spec(agent, 2048, 256, 512, settingsFor(agent));
        Path whole = dir.resolve("whole");
        Training.run(spec, whole, null);

        Path broken = dir.resolve("broken");
        // Stop between the second and third checkpoint, after log lines that the checkpoint has not seen.
        Consumer<Training.Line> crash = line -> {
            if (line.transitions() >= 1280) {
                throw new Interrupt();
            }
        };
        assertThrows(Interrupt.class, () -> Training.run(spec, broken, crash));
        assertTrue(Files.isRegularFile(broken.resolve("checkpoint").resolve(RunState.FILE)),
            "a periodic checkpoint carries the run state");
        assertTrue(Files.readAllLines(broken.resolve(Training.LOG_FILE)).size() > 4,
            "the interrupted log has lines past the checkpoint, which resume must drop");
        Training.resume(broken, null);

        ResumeChecks.assertSameRun(whole, broken);
        assertFalse(Files.exists(broken.resolve("checkpoint").resolve(RunState.FILE)),
            "the final checkpoint is the agent alone");
        UserInputException again = assertThrows(UserInputException.class, () -> Training.resume(broken, null));
        assertTrue(again.getMessage().contains("complete"), again.getMessage());
    }

    @Test
    void runKilledBeforeItsFirstCheckpointStartsOver() throws Exception {
        RunSpec spec = spec("double-dqn", 1024, 256, 512, settingsFor("double-dqn"));
        Path whole = dir.resolve("whole");
        Training.run(spec, whole, null);
        Path broken = dir.resolve("broken");
        assertThrows(Interrupt.class, () -> Training.run(spec, broken, line -> {
            throw new Interrupt();
        }));
        assertFalse(Files.exists(broken.resolve("checkpoint")));
        Training.resume(broken, null);
        ResumeChecks.assertSameRun(whole, broken);
    }

    @Test
    void resumeTwiceFromTheSameCheckpointGivesTheSameRun() throws Exception {
        RunSpec spec = spec("sac", 1536, 256, 512, settingsFor("sac"));
        Path whole = dir.resolve("whole");
        Training.run(spec, whole, null);
        Path broken = dir.resolve("broken");
        assertThrows(Interrupt.class, () -> Training.run(spec, broken, line -> {
            if (line.transitions() >= 768) {
                throw new Interrupt();
            }
        }));
        // Interrupted again while resuming, before the next checkpoint.
        assertThrows(Interrupt.class, () -> Training.resume(broken, line -> {
            if (line.transitions() >= 768) {
                throw new Interrupt();
            }
        }));
        Training.resume(broken, null);
        ResumeChecks.assertSameRun(whole, broken);
    }

    @Test
    void resumeRefusesWhatItCannotContinue() throws Exception {
        UserInputException missing = assertThrows(UserInputException.class,
            () -> Training.resume(dir.resolve("nothing"), null));
        assertTrue(missing.getMessage().startsWith("--resume " + dir.resolve("nothing") + ": no config.json"),
            missing.getMessage());

        RunSpec spec = spec("double-dqn", 1024, 256, 512, settingsFor("double-dqn"));
        Path broken = dir.resolve("broken");
        assertThrows(Interrupt.class, () -> Training.run(spec, broken, line -> {
            if (line.transitions() >= 768) {
                throw new Interrupt();
            }
        }));
        Path log = broken.resolve(Training.LOG_FILE);
        Files.write(log, new byte[10]);
        UserInputException shortLog = assertThrows(UserInputException.class, () -> Training.resume(broken, null));
        assertTrue(shortLog.getMessage().contains("cut short"), shortLog.getMessage());

        Files.write(broken.resolve("checkpoint").resolve(RunState.FILE), new byte[] {1, 2, 3});
        UserInputException corrupt = assertThrows(UserInputException.class, () -> Training.resume(broken, null));
        assertTrue(corrupt.getMessage().contains(RunState.FILE), corrupt.getMessage());
    }

    @Test
    void aRunStateLargerThanACheckpointFileHoldsIsRefusedBeforeWriting() {
        Training.requireFits(io.rltrader.nn.SafeTensorsFile.MAX_DATA_BYTES, 10);
        UserInputException tooBig = assertThrows(UserInputException.class,
            () -> Training.requireFits(io.rltrader.nn.SafeTensorsFile.MAX_DATA_BYTES + 1, 4096));
        assertTrue(tooBig.getMessage().startsWith("checkpoint at transition 4096: the run state"), tooBig.getMessage());
        assertTrue(tooBig.getMessage().contains("bufferSize"), tooBig.getMessage());
    }

    @Test
    void aRunStateFromAnotherConfigurationIsRefusedNamingTheFile() throws Exception {
        RunSpec spec = spec("double-dqn", 1024, 256, 512, settingsFor("double-dqn"));
        Path broken = dir.resolve("broken");
        assertThrows(Interrupt.class, () -> Training.run(spec, broken, line -> {
            if (line.transitions() >= 768) {
                throw new Interrupt();
            }
        }));
        Path config = broken.resolve(Training.CONFIG_FILE);
        Files.writeString(config, Files.readString(config).replace("\"envs\" : 4", "\"envs\" : 8"));
        UserInputException other = assertThrows(UserInputException.class, () -> Training.resume(broken, null));
        assertTrue(other.getMessage().startsWith(broken.resolve("checkpoint").resolve(RunState.FILE).toAbsolutePath()
            .normalize() + ": ") || other.getMessage().startsWith(broken.resolve("checkpoint").resolve(RunState.FILE)
            + ": "), other.getMessage());
        assertTrue(other.getMessage().contains("another configuration"), other.getMessage());
    }
}
