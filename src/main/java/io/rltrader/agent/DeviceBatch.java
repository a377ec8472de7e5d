package io.rltrader.agent;

import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.DeviceTensors;
import org.bytedeco.pytorch.Tensor;

/**
 * A value-based agent's sampled batch as its update reads it: on the CPU, views of the replay
 * batch's own off-heap tensors (no copy); on CUDA, device tensors that {@link #upload()} fills from
 * them. The batch owns the host side; the arena owns the device side.
 */
final class DeviceBatch implements AutoCloseable {
    final TransitionBatch host;
    /** float32 [B, observations]. */
    final Tensor observations;
    /** float32 [B, observations]. */
    final Tensor nextObservations;
    /** int64 [B, 1], the taken actions as scatter/gather indices. */
    final Tensor actionIndex;
    /** float32 [B]. */
    final Tensor rewards;
    /** float32 [B]: gamma^n, 0 at a terminal. */
    final Tensor discounts;
    /** float32 [B] importance weights of prioritized replay. */
    final Tensor weights;
    private final Tensor[] hostToDevice;

    DeviceBatch(DeviceTensors arena, int size, int observationSize) {
        this.host = new TransitionBatch(size, observationSize, ActionSpec.discreteIndex());
        Tensor hostActions = arena.own(host.actions().view(size, 1));
        if (arena.device().isCuda()) {
            observations = arena.zeros(size, observationSize);
            nextObservations = arena.zeros(size, observationSize);
            actionIndex = arena.zerosLong(size, 1);
            rewards = arena.zeros(size);
            discounts = arena.zeros(size);
            weights = arena.zeros(size);
            hostToDevice = new Tensor[] {
                observations, host.observations(), nextObservations, host.nextObservations(),
                actionIndex, hostActions, rewards, host.rewards(), discounts, host.discounts(),
                weights, host.weights()};
        } else {
            observations = host.observations();
            nextObservations = host.nextObservations();
            actionIndex = hostActions;
            rewards = host.rewards();
            discounts = host.discounts();
            weights = host.weights();
            hostToDevice = new Tensor[0];
        }
    }

    /** Brings the sampled batch to the device (nothing to do on the CPU). */
    void upload() {
        for (int i = 0; i < hostToDevice.length; i += 2) {
            hostToDevice[i].copy_(hostToDevice[i + 1]);
        }
    }

    /**
     * The sampled action of batch row {@code row}, read from host memory and checked against the
     * action count (a scatter or gather on the device would refuse it too).
     */
    int takenAction(int row, int actions, String algorithm) {
        long action = host.actionsMemory().getLong(row * Long.BYTES);
        if (action < 0 || action >= actions) {
            throw new IllegalStateException(algorithm + ": sampled action " + action + " in batch row " + row
                + " is outside 0.." + (actions - 1));
        }
        return (int) action;
    }

    /** Writes the one-hot rows of the sampled actions into {@code onehot} [B, A] with a scatter. */
    void writeOneHot(Tensor onehot) {
        onehot.zero_().scatter_(1, actionIndex, io.rltrader.nn.NativeConstants.ONE);
    }

    /** Writes the per-sample errors (priorities' source) back into the host batch: [B] float32. */
    void publishTdErrors(Tensor errors) {
        host.tdErrors().copy_(errors);
    }

    @Override
    public void close() {
        host.close();
    }
}
