package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.NativeRuntime;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same DQN code on CUDA: updates and greedy actions match the CPU run. Skipped, with the reason,
 * where LibTorch has no CUDA device (the CPU build, or no GPU); build with {@code mvn -Pgpu} on a GPU
 * machine to run it.
 */
class CudaDqnTest {
    private static final int OBS = 5;
    private static final int ACTIONS = 3;

    @BeforeEach
    void requireCuda() {
        NativeRuntime.init();
        assumeTrue(NativeRuntime.cudaAvailable(),
            "no CUDA device visible to LibTorch (CPU-only build or no GPU): CUDA DQN test skipped");
    }

    @Test
    void cudaUpdatesAndActionsMatchCpu() {
        DqnAgent.Config config = new DqnAgent.Config(new int[] {32, 32}, true, true, 1e-3, 0.9, 100, 8, 0, 1, 1, 2,
            1.0, "linear", 1.0, 0.05, 0.5, 0.99, "huber", 1.0, 1.0, 1, false, 0.6, 0.4, 5);
        try (DqnAgent cpu = new DqnAgent(OBS, ACTIONS, config, ComputeDevice.CPU);
             DqnAgent cuda = new DqnAgent(OBS, ACTIONS, config, ComputeDevice.parse("cuda"))) {
            Rng a = new Rng(1);
            Rng b = new Rng(1);
            for (int i = 0; i < 5; i++) {
                DqnUpdateParityTest.fillBatch(cpu.batch(), a);
                DqnUpdateParityTest.fillBatch(cuda.batch(), b);
                cpu.update();
                cuda.update();
            }
            float[] expected = cpu.onlineWeights();
            float[] actual = cuda.onlineWeights();
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-3));
            }
            assertTrue(worst < 1e-4, "max relative weight difference CPU vs CUDA " + worst);

            int rows = 16;
            UnsafeBuffer obs = OffHeap.allocate((long) rows * OBS * Float.BYTES);
            Rng rng = new Rng(2);
            for (int i = 0; i < rows * OBS; i++) {
                obs.putFloat(i * 4, (float) rng.nextGaussian());
            }
            UnsafeBuffer cpuActions = OffHeap.allocate(rows * 4L);
            UnsafeBuffer cudaActions = OffHeap.allocate(rows * 4L);
            try (ActionValuePolicy p = cpu.policy(obs, rows); ActionValuePolicy q = cuda.policy(obs, rows)) {
                p.act(cpuActions, 0);
                q.act(cudaActions, 0);
            }
            for (int r = 0; r < rows; r++) {
                assertTrue(cpuActions.getInt(r * 4) == cudaActions.getInt(r * 4), "greedy action of row " + r);
            }
        }
    }
}
