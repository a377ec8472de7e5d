package io.rltrader.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.agent.Agents;
import io.rltrader.agent.OffPolicyAgent;
import io.rltrader.agent.OnPolicyAgent;
import io.rltrader.nn.ComputeDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diverging run stops at the first update with a non-finite loss term or gradient norm, with one
 * message naming the update, the term and the last good checkpoint, which still loads (its weights
 * are finite, as the loader checks).
 */
class NumericFaultTest {
    private static final Pattern UPDATE = Pattern.compile("training stopped at update (\\d+) \\(transition (\\d+)\\)");

    @TempDir
    Path dir;

    @Test
    void divergingDqnStopsNamingTheUpdateTheTermAndTheLastGoodCheckpoint() {
        // An absurd learning rate and no clipping blow the weights up within a few updates.
        RunSpec spec = ResumeTest.spec("dqn", 20_000, 256, 256, "hidden=[16,16]", "learningStarts=300",
            "learningRate=1e9", "maxGradNorm=0", "loss=\"mse\"", "bufferSize=2000");
        Path out = dir.resolve("run");
        NumericFault fault = assertThrows(NumericFault.class, () -> Training.run(spec, out, null));
        String message = fault.getMessage();
        Matcher update = UPDATE.matcher(message);
        assertTrue(update.find(), message);
        assertTrue(Long.parseLong(update.group(1)) >= 1, message);
        assertTrue(message.contains("the TD loss = "), message);
        assertTrue(message.contains("the last good checkpoint is " + out.resolve("checkpoint")), message);
        assertFalse(message.contains("\n"), "one line");
        try (OffPolicyAgent agent = Agents.load("dqn", out.resolve("checkpoint"), ComputeDevice.CPU)) {
            assertTrue(agent.updates() < Long.parseLong(update.group(1)), "the checkpoint predates the fault");
        }
    }

    @Test
    void divergingPpoStopsNamingTheTerm() {
        RunSpec spec = ResumeTest.spec("ppo", 20_000, 256, 100_000, "hidden=[16,16]", "nSteps=64", "batchSize=64",
            "nEpochs=4", "learningRate=1e30", "maxGradNorm=0");
        Path out = dir.resolve("ppo");
        NumericFault fault = assertThrows(NumericFault.class, () -> Training.run(spec, out, null));
        String message = fault.getMessage();
        assertTrue(UPDATE.matcher(message).find(), message);
        assertTrue(message.matches(".*the (policy loss|value loss|entropy|gradient norm) = (NaN|-?Infinity).*"),
            message);
        assertTrue(message.contains("no checkpoint was written yet"), message);
        assertFalse(Files.exists(out.resolve("checkpoint")));
    }

    @Test
    void healthyUpdatesReportNoFault() {
        try (OnPolicyAgent agent = Agents.createOnPolicy("reinforce", 5, 3, 2, false, Agents.defaults("reinforce"))) {
            assertTrue(agent.nonFiniteTerm() == null, "a fresh agent has nothing non-finite");
        }
    }
}
