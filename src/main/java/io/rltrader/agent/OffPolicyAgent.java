package io.rltrader.agent;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.Schedule;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What an off-policy training loop needs from a value-based agent with discrete actions: a batch to
 * sample into, an update, a policy over an env's observation memory, and the replay settings. Each
 * agent implements the algorithm itself; this is only the contract with the loop.
 */
public interface OffPolicyAgent extends AutoCloseable {
    /** Replay and schedule settings the training loop applies. */
    record ReplaySettings(int bufferSize, int batchSize, int learningStarts, int trainFrequency, int gradientSteps,
                          int nStep, double gamma, boolean prioritized, double priorityAlpha,
                          double priorityBetaStart, long seed) {
    }

    /** Acting for a fixed set of observation rows. */
    interface DiscretePolicy extends AutoCloseable {
        /** Writes one int32 action per row: greedy, or uniform with probability epsilon. */
        void act(UnsafeBuffer actionsOut, double epsilon);

        @Override
        void close();
    }

    int observationSize();

    int actionCount();

    ReplaySettings replaySettings();

    Schedule explorationSchedule(long totalSteps);

    TransitionBatch batch();

    void update();

    long updates();

    float lastLoss();

    DiscretePolicy policy(UnsafeBuffer observationRows, int rows);

    @Override
    void close();
}
