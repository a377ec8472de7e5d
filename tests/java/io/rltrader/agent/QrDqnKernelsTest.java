package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.Kernels;
import io.rltrader.nn.ParameterSet;
import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QR-DQN's CPU update ({@link Kernels#CPU_FUSED}: the selections around the loss in Java) against the
 * tensor-op update of the CUDA path over several updates, with exact ties in the greedy next action
 * (an online output layer of zeros, chosen by Double QR-DQN) and prioritized replay's per-sample
 * losses. The first update's loss and priorities agree to float rounding (the ties' mean sums in
 * another order); the weights to 1e-5 relative (fused Adam and its eight ops round differently).
 */
class QrDqnKernelsTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;
    private static final int BATCH = 8;
    private static final int QUANTILES = 9;

    @ParameterizedTest(name = "double={0} prioritized={1} ties={2}")
    @CsvSource({"false, true, false", "true, false, true", "true, true, true"})
    void cpuFusedAgreesWithTensorOps(boolean doubleQ, boolean prioritized, boolean ties) {
        QrDqnAgent.Config config = new QrDqnAgent.Config(new int[] {16, 12}, QUANTILES, 1.0, doubleQ, 3e-3, 0.9,
            100, BATCH, 0, 1, 1, 2, 1.0, "linear", 1, 0.05, 0.5, 0.99, 0.5, 1, prioritized, 0.6, 0.4, 29);
        try (PointerScope scope = new PointerScope();
             QrDqnAgent fused = new QrDqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU, Kernels.CPU_FUSED);
             QrDqnAgent ops = new QrDqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU, Kernels.TENSOR_OPS)) {
            if (ties) {
                zeroOutputLayer(fused.onlineParameters());
                zeroOutputLayer(ops.onlineParameters());
            }
            assertArrayEquals(fused.onlineWeights(), ops.onlineWeights());
            for (int step = 1; step <= 5; step++) {
                ReferenceUpdate.fillBatch(fused.batch(), new Rng(200 + step), ACTIONS);
                ReferenceUpdate.fillBatch(ops.batch(), new Rng(200 + step), ACTIONS);
                fused.update();
                ops.update();
                if (step == 1) {
                    assertEquals(ops.lastLoss(), fused.lastLoss(), 1e-6 * Math.abs(ops.lastLoss()));
                    if (prioritized) {
                        for (int i = 0; i < BATCH; i++) {
                            float expected = ops.batch().tdErrorsMemory().getFloat(i * Float.BYTES);
                            assertEquals(expected, fused.batch().tdErrorsMemory().getFloat(i * Float.BYTES),
                                1e-6 * Math.abs(expected), "priority of row " + i);
                        }
                    }
                }
                double worst = ReferenceUpdate.worstRelativeError(fused.onlineWeights(),
                    ReferenceUpdate.toDouble(ops.onlineWeights()));
                assertTrue(worst < 1e-5, "update " + step + ": max relative weight difference " + worst);
            }
        }
    }

    private static void zeroOutputLayer(ParameterSet parameters) {
        float[] values = parameters.toArray();
        for (ParameterSet.Parameter p : parameters.parameters()) {
            if (p.name().startsWith("q.2.")) {
                for (int i = 0; i < p.size(); i++) {
                    values[(int) p.offset() + i] = 0f;
                }
            }
        }
        parameters.load(values);
    }
}
