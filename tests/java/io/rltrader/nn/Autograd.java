package io.rltrader.nn;

import io.rltrader.util.Rng;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Test helpers: LibTorch autograd references for the hand-written passes, and float comparisons. */
final class Autograd {
    private Autograd() {
    }

    /** A CPU leaf tensor with requires_grad, holding a copy of {@code source}. */
    static Tensor leaf(Tensor source) {
        return source.detach().clone().requires_grad_(true);
    }

    /**
     * A float64 CPU leaf tensor with requires_grad holding {@code source}'s values: references in
     * double precision measure the hand-written float32 pass against the exact result rather than
     * against LibTorch's own float32 rounding (which differs where the maths cancels).
     */
    static Tensor leaf64(Tensor source) {
        return source.detach().to(torch.ScalarType.Double).clone().requires_grad_(true);
    }

    /** A float64 constant holding {@code source}'s values. */
    static Tensor constant64(Tensor source) {
        return source.detach().to(torch.ScalarType.Double).clone();
    }

    /** A constant CPU tensor (no grad) holding a copy of {@code source}. */
    static Tensor constant(Tensor source) {
        return source.detach().clone();
    }

    static float[] read(Tensor tensor) {
        Tensor flat = tensor.detach().contiguous().reshape(tensor.numel());
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor host = arena.zeros(tensor.numel());
            host.copy_(flat);
            return HostFloats.get(arena.host(host), (int) tensor.numel());
        }
    }

    static void fillGaussian(DeviceTensors arena, Tensor tensor, Rng rng, double scale) {
        int n = (int) tensor.numel();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (rng.nextGaussian() * scale);
        }
        arena.upload(tensor, values, tensor.numel());
    }

    /** Applies a {@link Dense} layer with autograd ops: act(x W^T + b). */
    static Tensor dense(Tensor x, Tensor w, Tensor b, Activation activation) {
        Tensor y = torch.addmm(b, x, w.t());
        return switch (activation) {
            case RELU -> torch.relu(y);
            case TANH -> torch.tanh(y);
            case ELU -> torch.elu(y);
            case IDENTITY -> y;
        };
    }

    /** Max |a - b| / max(|b|, floor) over all elements; floor keeps near-zero entries absolute. */
    static double maxRelativeError(float[] actual, float[] expected, double floor) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != " + expected.length);
        }
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), floor);
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
        }
        return worst;
    }
}
