package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.BelowAutograd;
import io.rltrader.util.Rng;
import java.lang.reflect.Method;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The agents' updates run below autograd ({@link BelowAutograd}); this checks that doing so changes
 * no result: the same updates with the autograd dispatch steps in place (the update's body called
 * directly) give the same weights, bit for bit, and the span is closed afterwards. DQN, QR-DQN and
 * IQN, and SAC for the actor-critic layers and heads.
 */
class BelowAutogradUpdateTest {
    private static final int OBS = 6;
    private static final int ACTIONS = 3;

    /** One agent as the check sees it. */
    private record Agent(Supplier<TransitionBatch> batch, Runnable update, Supplier<float[]> weights, Object self) {
    }

    private static void assertSameWeights(Supplier<Agent> make) throws Exception {
        Agent guarded = make.get();
        Agent plain = make.get();
        Method body = plain.self().getClass().getDeclaredMethod("updateBelowAutograd");
        body.setAccessible(true);
        assertArrayEquals(guarded.weights().get(), plain.weights().get());
        for (int step = 0; step < 5; step++) {
            ReferenceUpdate.fillBatch(guarded.batch().get(), new Rng(40 + step), ACTIONS);
            ReferenceUpdate.fillBatch(plain.batch().get(), new Rng(40 + step), ACTIONS);
            guarded.update().run();
            assertFalse(BelowAutograd.active(), "the span ends with the update");
            body.invoke(plain.self());
        }
        assertArrayEquals(bits(plain.weights().get()), bits(guarded.weights().get()), plain.self().getClass().getSimpleName());
    }

    @Test
    void dqnUpdatesAreTheSameBitForBit() throws Exception {
        DqnAgent.Config config = DqnAgent.Config.tutorial().withSeed(3);
        assertSameWeights(() -> {
            DqnAgent agent = new DqnAgent(OBS, ACTIONS, config);
            return new Agent(agent::batch, agent::update, agent::onlineWeights, agent);
        });
    }

    @Test
    void qrDqnUpdatesAreTheSameBitForBit() throws Exception {
        QrDqnAgent.Config config = new QrDqnAgent.Config(new int[] {32, 32}, 11, 1.0, true, 1e-3, 0.99,
            1_000, 16, 0, 1, 1, 1, 0.005, "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, true, 0.6, 0.4, 5L);
        assertSameWeights(() -> {
            QrDqnAgent agent = new QrDqnAgent(OBS, ACTIONS, config);
            return new Agent(agent::batch, agent::update, agent::onlineWeights, agent);
        });
    }

    @Test
    void iqnUpdatesAreTheSameBitForBit() throws Exception {
        IqnAgent.Config config = new IqnAgent.Config(new int[] {32, 32}, 16, 8, 8, 8, 1.0, true, 1e-3,
            0.99, 1_000, 16, 0, 1, 1, 1, 0.005, "linear", 1.0, 0.05, 0.3, 0.995, 10.0, 1, true, 0.6, 0.4, 7L);
        assertSameWeights(() -> {
            IqnAgent agent = new IqnAgent(OBS, ACTIONS, config);
            return new Agent(agent::batch, agent::update, agent::onlineWeights, agent);
        });
    }

    @Test
    void sacUpdatesAreTheSameBitForBit() throws Exception {
        SacAgent.Config config = new SacAgent.Config(java.util.List.of(16, 12), 3e-3, 100, 0, 8, 0.05, 0.9, 1, 1,
            "auto", 1, "auto", 17);
        SacAgent guarded = new SacAgent(5, 2, config);
        SacAgent plain = new SacAgent(5, 2, config);
        Method body = SacAgent.class.getDeclaredMethod("updateBelowAutograd");
        body.setAccessible(true);
        Rng guardedData = new Rng(99);
        Rng plainData = new Rng(99);
        for (int step = 0; step < 4; step++) {
            ActorCriticReference.fillBatch(guarded.batch(), guardedData);
            ActorCriticReference.fillBatch(plain.batch(), plainData);
            guarded.update();
            body.invoke(plain);
        }
        assertArrayEquals(bits(plain.actorWeights()), bits(guarded.actorWeights()), "actor");
        assertArrayEquals(bits(plain.criticWeights()), bits(guarded.criticWeights()), "critics");
        guarded.close();
        plain.close();
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
