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

    /** Writes the per-sample errors (priorities' source) back into the host batch: [B] float32. */
    /**
     * Writes the one-hot rows of the sampled actions into {@code onehot} [B, A]: a Java loop over
     * host memory on the CPU (no native call), a scatter on the device otherwise.
     */
    void writeOneHot(DeviceTensors arena, Tensor onehot, int actions) {
        if (arena.hasHost(onehot)) {
            org.agrona.concurrent.UnsafeBuffer out = arena.host(onehot);
            org.agrona.concurrent.UnsafeBuffer taken = host.actionsMemory();
            int rows = host.size();
            out.setMemory(0, rows * actions * Float.BYTES, (byte) 0);
            for (int row = 0; row < rows; row++) {
                out.putFloat((row * actions + (int) taken.getLong(row * Long.BYTES)) * Float.BYTES, 1f);
            }
        } else {
            onehot.zero_().scatter_(1, actionIndex, io.rltrader.nn.NativeConstants.ONE);
        }
    }

    void publishTdErrors(Tensor errors) {
        host.tdErrors().copy_(errors);
    }

    @Override
    public void close() {
        host.close();
    }
}
