package io.rltrader.bench;

import io.rltrader.agent.DqnAgent;
import io.rltrader.data.CsvLoader;
import io.rltrader.data.DataSources;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.env.DiscreteTradingEnv;
import io.rltrader.env.StepBuffers;
import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.ReplayBuffer;
import io.rltrader.util.OffHeap;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * Long-run check that memory stays flat: {@code ENV_STEPS} vectorized env steps (64 envs, tutorial
 * mechanics on the bundled series) stored in a replay buffer, then {@code UPDATES} DQN updates
 * (batch 64, MLP 8-128-128-3 on the env's observations), printing Java heap after GC, JavaCPP's
 * physical bytes and the process RSS every tenth of the run. Run with {@code tools/soak}.
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws IOException {
        long envSteps = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        long updates = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        MarketData data = DataSources.load("builtin:ttrc", CsvLoader.Options.defaults());
        DiscreteTradingEnv env = new DiscreteTradingEnv(data.asset(0), FeatureMatrix.defaults(data),
            DiscreteTradingEnv.Config.tutorial(64));
        StepBuffers io = env.buffers();
        int rows = env.rows();
        ReplayBuffer replay = new ReplayBuffer(ReplayBuffer.Config.of(100_000, rows, io.observationSize(),
            ActionSpec.discreteIndex()).withSeed(1));
        UnsafeBuffer previous = OffHeap.allocate((long) rows * io.observationSize() * Float.BYTES);
        int obsBytes = rows * io.observationSize() * Float.BYTES;
        env.reset();
        System.out.println("phase,done,heap_after_gc_mb,javacpp_physical_mb,rss_mb");
        long vectorSteps = envSteps / rows;
        for (long s = 1; s <= vectorSteps; s++) {
            for (int r = 0; r < rows; r++) {
                io.putDiscreteAction(r, (int) ((s + r) % 3));
            }
            previous.putBytes(0, io.observations(), 0, obsBytes);
            env.step();
            replay.addBatch(rows, previous, io.actions(), io.rewards(), io.observations(), io.finalObservations(),
                io.terminated(), io.truncated());
            if (s % Math.max(1, vectorSteps / 10) == 0) {
                report("env-steps", s * rows);
            }
        }
        try (DqnAgent agent = new DqnAgent(io.observationSize(), DiscreteTradingEnv.ACTIONS,
                DqnAgent.Config.tutorial().withSeed(1))) {
            for (long u = 1; u <= updates; u++) {
                replay.sample(agent.batch());
                agent.update();
                if (u % Math.max(1, updates / 10) == 0) {
                    report("dqn-updates", u);
                }
            }
        }
    }

    private static void report(String phase, long done) throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        System.out.printf(Locale.ROOT, "%s,%d,%.1f,%.1f,%.1f%n", phase, done, heap / 1e6, Pointer.physicalBytes() / 1e6,
            rss / 1e6);
    }
}
