package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.ParameterSet;
import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU's Java-loop update ({@link Kernels#CPU_FUSED}) against the tensor-op update the CUDA path
 * runs ({@link Kernels#TENSOR_OPS}) over several updates, for the options the autograd parity test
 * leaves out: prioritized replay (importance weights in the loss, TD errors written back) and exact
 * ties in Double DQN's greedy choice (averaged by both). Weights agree to 1e-5 relative (Adam's fused
 * kernel and its eight ops round differently); the TD errors of the first update, before the paths'
 * weights differ, are equal bit for bit where no action ties.
 */
class DqnKernelsTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;
    private static final int BATCH = 16;

    @ParameterizedTest(name = "double={0} dueling={1} prioritized={2} loss={3} ties={4}")
    @CsvSource({
        "false, false, true, huber, false",
        "true, false, true, mse, false",
        "true, false, false, huber, true",
        "true, true, true, huber, true",
        "false, true, false, mse, false"})
    void cpuFusedAgreesWithTensorOps(boolean doubleQ, boolean dueling, boolean prioritized, String loss,
                                     boolean ties) {
        DqnAgent.Config config = new DqnAgent.Config(new int[] {16, 12}, doubleQ, dueling, 3e-3, 0.9, 100, BATCH, 0,
            1, 1, 3, 1.0, "linear", 1, 0.05, 0.5, 0.99, loss, 1.0, 0.5, 1, prioritized, 0.6, 0.4, 23);
        try (PointerScope scope = new PointerScope();
             DqnAgent fused = new DqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU, Kernels.CPU_FUSED);
             DqnAgent ops = new DqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU, Kernels.TENSOR_OPS)) {
            if (ties) {
                // An online output layer of zeros: every action ties in every row, and Double DQN's
                // next value is the mean of the target network's three values.
                zeroOutputLayer(fused.onlineParameters(), dueling);
                zeroOutputLayer(ops.onlineParameters(), dueling);
            }
            assertArrayEquals(fused.onlineWeights(), ops.onlineWeights());
            for (int step = 1; step <= 6; step++) {
                Rng rng = new Rng(100 + step);
                ReferenceUpdate.fillBatch(fused.batch(), rng, ACTIONS);
                ReferenceUpdate.fillBatch(ops.batch(), new Rng(100 + step), ACTIONS);
                fused.update();
                ops.update();
                if (step == 1) {
                    assertEquals(ops.lastLoss(), fused.lastLoss(), 1e-6 * Math.abs(ops.lastLoss()));
                    if (prioritized && !ties) {
                        assertArrayEquals(tdErrors(ops), tdErrors(fused), "TD errors of the first update");
                    } else if (prioritized) {
                        // The mean over tied actions sums in another order than the tensor path's GEMV.
                        double worst = worstRelative(tdErrors(fused), tdErrors(ops));
                        assertTrue(worst < 1e-6, "TD errors of the first update: " + worst);
                    }
                }
                double worst = worstRelative(fused.onlineWeights(), ops.onlineWeights());
                assertTrue(worst < 1e-5, "update " + step + ": max relative weight difference " + worst);
            }
            double targets = worstRelative(fused.targetWeights(), ops.targetWeights());
            assertTrue(targets < 1e-5, "target networks after two syncs: " + targets);
        }
    }

    @Test
    void cpuFusedIsTheCpuDefaultAndRefusedOnCuda() {
        DqnAgent.Config config = DqnAgent.Config.tutorial().withSeed(3);
        assertThrows(IllegalArgumentException.class,
            () -> new DqnAgent(OBS, ACTIONS, config, ComputeDevice.parse("cuda"), Kernels.CPU_FUSED));
        try (PointerScope scope = new PointerScope(); DqnAgent agent = new DqnAgent(OBS, ACTIONS, config)) {
            assertEquals(Kernels.CPU_FUSED, agent.optimizer().kernels());
        }
    }

    @Test
    void anActionOutsideTheRangeIsAnError() {
        DqnAgent.Config config = DqnAgent.Config.tutorial().withSeed(3);
        try (PointerScope scope = new PointerScope(); DqnAgent agent = new DqnAgent(OBS, ACTIONS, config)) {
            ReferenceUpdate.fillBatch(agent.batch(), new Rng(1), ACTIONS);
            agent.batch().actionsMemory().putLong(2 * Long.BYTES, ACTIONS);
            IllegalStateException e = assertThrows(IllegalStateException.class, agent::update);
            assertTrue(e.getMessage().contains("batch row 2"), e.getMessage());
        }
    }

    private static void zeroOutputLayer(ParameterSet parameters, boolean dueling) {
        float[] values = parameters.toArray();
        for (ParameterSet.Parameter p : parameters.parameters()) {
            boolean output = dueling ? p.name().startsWith("q.advantage.1.") || p.name().startsWith("q.value.1.")
                : p.name().startsWith("q.2.");
            if (output) {
                for (int i = 0; i < p.size(); i++) {
                    values[(int) p.offset() + i] = 0f;
                }
            }
        }
        parameters.load(values);
    }

    private static float[] tdErrors(DqnAgent agent) {
        float[] out = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            out[i] = agent.batch().tdErrorsMemory().getFloat(i * Float.BYTES);
        }
        return out;
    }

    private static double worstRelative(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
        }
        return worst;
    }
}
