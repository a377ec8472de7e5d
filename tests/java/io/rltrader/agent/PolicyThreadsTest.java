package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.bench.ThreadAllocation;
import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The threading contract of policies: one instance per thread, copies sharing the weights. Every
 * agent kind is loaded from a checkpoint as {@code evaluate} loads it; four threads, each with its
 * own copy and its own observation memory, act at the same time on the same sequence of
 * observation blocks and must write exactly (bit for bit) the actions one thread writes. An
 * overlapping call on one instance is refused.
 */
class PolicyThreadsTest {
    private static final int OBSERVATIONS = 12;
    private static final int ROWS = 8;
    private static final int BLOCKS = 48;
    private static final int ROUNDS = 4;
    private static final int THREADS = 4;

    @TempDir
    Path tmp;

    @Test
    void dqnCopiesOnFourThreadsActExactlyAsOneThread() throws Exception {
        assertCopiesMatchOneThread("double-dueling-dqn", false, 3);
    }

    @Test
    void qrDqnCopiesOnFourThreadsActExactlyAsOneThread() throws Exception {
        assertCopiesMatchOneThread("qr-dqn", false, 3);
    }

    /** IQN draws its quantile fractions at every act: each copy starts from the loaded generator state. */
    @Test
    void iqnCopiesOnFourThreadsActExactlyAsOneThread() throws Exception {
        assertCopiesMatchOneThread("iqn", false, 3);
    }

    @Test
    void sacCopiesOnFourThreadsActExactlyAsOneThread() throws Exception {
        assertCopiesMatchOneThread("sac", true, 2);
    }

    @Test
    void td3CopiesOnFourThreadsActExactlyAsOneThread() throws Exception {
        assertCopiesMatchOneThread("td3", true, 2);
    }

    @Test
    void ppoCopiesOnFourThreadsActExactlyAsOneThread() throws Exception {
        assertCopiesMatchOneThread("ppo", false, 3);
        assertCopiesMatchOneThread("ppo", true, 2);
    }

    private void assertCopiesMatchOneThread(String agent, boolean continuous, int actionCount) throws Exception {
        Path checkpoint = tmp.resolve(agent + (continuous ? "-continuous" : ""));
        saveFreshAgent(agent, continuous, actionCount, checkpoint);
        int actionBytes = ROWS * (continuous ? actionCount * Float.BYTES : Integer.BYTES);
        UnsafeBuffer[] blocks = observationBlocks();
        UnsafeBuffer rows = OffHeap.allocate((long) ROWS * OBSERVATIONS * Float.BYTES);
        try (Agents.LoadedPolicy loaded = Agents.loadPolicy(agent, checkpoint, ComputeDevice.CPU, rows, ROWS,
                OBSERVATIONS)) {
            List<UnsafeBuffer> threadRows = new ArrayList<>();
            List<Agents.LoadedPolicy> copies = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                UnsafeBuffer own = OffHeap.allocate((long) ROWS * OBSERVATIONS * Float.BYTES);
                threadRows.add(own);
                copies.add(loaded.copyFor(own, ROWS));
            }
            byte[][] reference = actSequence(loaded, rows, blocks, actionBytes);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<byte[][]>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Agents.LoadedPolicy copy = copies.get(t);
                    UnsafeBuffer own = threadRows.get(t);
                    results.add(pool.submit(() -> {
                        start.await();
                        return actSequence(copy, own, blocks, actionBytes);
                    }));
                }
                for (int t = 0; t < THREADS; t++) {
                    byte[][] actions = results.get(t).get(120, TimeUnit.SECONDS);
                    for (int i = 0; i < reference.length; i++) {
                        assertArrayEquals(reference[i], actions[i], agent + ": thread " + t + ", act " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            copies.get(0).close();   // the others are closed by the loaded policy
        }
    }

    /** ROUNDS passes over the blocks: copy a block into the rows, act, keep the action bytes. */
    private static byte[][] actSequence(Agents.LoadedPolicy policy, UnsafeBuffer rows, UnsafeBuffer[] blocks,
                                        int actionBytes) {
        UnsafeBuffer actions = OffHeap.allocate(actionBytes);
        byte[][] out = new byte[ROUNDS * BLOCKS][];
        for (int round = 0; round < ROUNDS; round++) {
            for (int b = 0; b < BLOCKS; b++) {
                rows.putBytes(0, blocks[b], 0, blocks[b].capacity());
                policy.act(actions, 0.0);
                byte[] bytes = new byte[actionBytes];
                actions.getBytes(0, bytes);
                out[round * BLOCKS + b] = bytes;
            }
        }
        return out;
    }

    private static UnsafeBuffer[] observationBlocks() {
        Rng rng = new Rng(17);
        UnsafeBuffer[] blocks = new UnsafeBuffer[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            blocks[b] = OffHeap.allocate((long) ROWS * OBSERVATIONS * Float.BYTES);
            for (int i = 0; i < ROWS * OBSERVATIONS; i++) {
                blocks[b].putFloat(i * Float.BYTES, (float) (3 * rng.nextGaussian()));
            }
        }
        return blocks;
    }

    private static void saveFreshAgent(String agent, boolean continuous, int actionCount, Path dir) {
        ObjectNode settings = Agents.defaults(agent);
        settings.put("seed", 5);
        if (Agents.onPolicy(agent)) {
            try (OnPolicyAgent created = Agents.createOnPolicy(agent, OBSERVATIONS, actionCount, ROWS, continuous,
                    settings)) {
                created.save(dir);
            }
        } else {
            try (OffPolicyAgent created = Agents.create(agent, OBSERVATIONS, actionCount, settings,
                    ComputeDevice.CPU)) {
                created.save(dir);
            }
        }
    }

    @Test
    void anOverlappingCallOnOneInstanceIsRefusedWithTheThreadsNamed() throws Exception {
        UnsafeBuffer rows = observationBlocks()[0];
        UnsafeBuffer actions = OffHeap.allocate(ROWS * Integer.BYTES);
        try (DqnAgent agent = new DqnAgent(OBSERVATIONS, 3, DqnAgent.Config.defaults().withSeed(1));
             ActionValuePolicy policy = agent.policy(rows, ROWS)) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                // stands for a thread in the middle of act()
                policy.singleThreadedUse().enter();
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    policy.singleThreadedUse().exit();
                }
            }, "acting-thread");
            holder.start();
            assertTrue(inside.await(30, TimeUnit.SECONDS));
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> policy.act(actions, 0.0));
            assertTrue(error.getMessage().contains("'acting-thread' was using it"), error.getMessage());
            assertTrue(error.getMessage().contains("single-threaded"), error.getMessage());
            assertTrue(error.getMessage().contains("copyFor"), error.getMessage());
            assertFalse(error.getMessage().contains("\n"));
            assertThrows(IllegalStateException.class, () -> policy.copyFor(rows, ROWS));
            release.countDown();
            holder.join(30_000);
            policy.act(actions, 0.0);   // handed over: usable again from this thread
        }
    }

    /** The single-thread check and the copies keep acting free of heap allocation, on any thread. */
    @Test
    void actingThroughLoadedCopiesOnOtherThreadsAllocatesNothing() throws Exception {
        for (String agent : new String[] {"double-dqn", "iqn", "td3", "ppo"}) {
            Path checkpoint = tmp.resolve("alloc-" + agent);
            boolean continuous = agent.equals("td3");
            saveFreshAgent(agent, continuous, 3, checkpoint);
            UnsafeBuffer rows = observationBlocks()[2];
            UnsafeBuffer own = OffHeap.allocate(rows.capacity());
            own.putBytes(0, rows, 0, rows.capacity());
            UnsafeBuffer actions = OffHeap.allocate(ROWS * 3 * Float.BYTES);
            try (Agents.LoadedPolicy loaded = Agents.loadPolicy(agent, checkpoint, ComputeDevice.CPU, rows, ROWS,
                    OBSERVATIONS)) {
                Agents.LoadedPolicy copy = loaded.copyFor(own, ROWS);
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    long bytes = pool.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            copy.act(actions, 0.0);
                        }
                        return ThreadAllocation.fewestBytes(10, () -> {
                            for (int i = 0; i < 500; i++) {
                                copy.act(actions, 0.0);
                            }
                        });
                    }).get(120, TimeUnit.SECONDS);
                    assertEquals(0, bytes, agent + ": bytes allocated by 500 acts of a copy on its own thread");
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    /** Copies read the agent's weights, not a snapshot: after an update original and copy still agree. */
    @Test
    void copiesShareTheWeightsRatherThanCopyingThem() {
        UnsafeBuffer rows = observationBlocks()[1];
        UnsafeBuffer otherRows = OffHeap.allocate(rows.capacity());
        otherRows.putBytes(0, rows, 0, rows.capacity());
        try (DqnAgent agent = new DqnAgent(OBSERVATIONS, 3, DqnAgent.Config.defaults().withSeed(2));
             ActionValuePolicy policy = agent.policy(rows, ROWS);
             ActionValuePolicy copy = policy.copyFor(otherRows, ROWS)) {
            float[] before = values(policy.forward());
            assertArrayEquals(before, values(copy.forward()));
            Rng data = new Rng(3);
            for (int i = 0; i < 3; i++) {
                fillBatch(agent.batch(), agent.config().batchSize(), data);
                agent.update();
            }
            float[] after = values(policy.forward());
            assertFalse(java.util.Arrays.equals(before, after), "the update changed the Q-values");
            assertArrayEquals(after, values(copy.forward()));
        }
    }

    private static float[] values(UnsafeBuffer buffer) {
        float[] out = new float[ROWS * 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.getFloat(i * Float.BYTES);
        }
        return out;
    }

    private static void fillBatch(TransitionBatch batch, int size, Rng rng) {
        for (int i = 0; i < size * OBSERVATIONS; i++) {
            batch.observationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.nextObservationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
        for (int i = 0; i < size; i++) {
            batch.actionsMemory().putLong(i * 8, rng.nextInt(3));
            batch.rewardsMemory().putFloat(i * 4, (float) (2 * rng.nextGaussian()));
            batch.discountsMemory().putFloat(i * 4, 0.9f);
            batch.weightsMemory().putFloat(i * 4, 1f);
        }
    }
}
