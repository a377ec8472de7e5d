package io.rltrader.agent;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.DeviceTensors;
import org.bytedeco.pytorch.Tensor;

/**
 * The fields of a sampled {@link TransitionBatch} with continuous actions on the agent's device: on
 * the CPU the batch's own tensors (no copy), on CUDA device tensors that {@link #upload()} fills
 * with one copy each.
 */
final class ContinuousDeviceBatch {
    final Tensor observations;
    final Tensor actions;
    final Tensor rewards;
    final Tensor nextObservations;
    final Tensor discounts;
    private final Tensor[] deviceHostPairs;

    ContinuousDeviceBatch(DeviceTensors arena, TransitionBatch batch) {
        if (arena.device().isCuda()) {
            int b = batch.size();
            observations = arena.zeros(b, batch.obsDim());
            actions = arena.zeros(b, batch.action().dim());
            rewards = arena.zeros(b);
            nextObservations = arena.zeros(b, batch.obsDim());
            discounts = arena.zeros(b);
            deviceHostPairs = new Tensor[] {observations, batch.observations(), actions, batch.actions(), rewards,
                batch.rewards(), nextObservations, batch.nextObservations(), discounts, batch.discounts()};
        } else {
            observations = batch.observations();
            actions = batch.actions();
            rewards = batch.rewards();
            nextObservations = batch.nextObservations();
            discounts = batch.discounts();
            deviceHostPairs = new Tensor[0];
        }
    }

    /** Copies the sampled batch to the device (nothing to do on the CPU). */
    void upload() {
        for (int i = 0; i < deviceHostPairs.length; i += 2) {
            deviceHostPairs[i].copy_(deviceHostPairs[i + 1]);
        }
    }
}
