package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.util.Rng;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * A float32 [rows, dim] tensor of Gaussian noise drawn in Java from a seeded {@link Rng}, never from
 * LibTorch's generator, so that a seed gives the same noise on every machine and device. On the CPU
 * Java writes the tensor's own memory; on CUDA it writes a host tensor that one copy moves over.
 */
final class HostNoise {
    private final Tensor device;
    private final Tensor host;
    private final UnsafeBuffer memory;
    private final int count;

    HostNoise(DeviceTensors arena, int rows, int dim) {
        this.device = arena.zeros(rows, dim);
        this.host = arena.hasHost(device) ? device : arena.hostZeros(rows, dim);
        this.memory = arena.host(host);
        this.count = rows * dim;
    }

    /** The noise of the last {@link #fill}. */
    Tensor tensor() {
        return device;
    }

    /** Draws {@code std * N(0, 1)}, clipped to [-clip, clip] when {@code clip} is finite. */
    void fill(Rng rng, double std, double clip) {
        for (int i = 0; i < count; i++) {
            double value = std * rng.nextGaussian();
            memory.putFloat(i * Float.BYTES, (float) Math.max(-clip, Math.min(clip, value)));
        }
        if (host != device) {
            device.copy_(host);
        }
    }
}
