package io.rltrader.agent;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.HostFloats;
import io.rltrader.nn.ParameterSet;
import io.rltrader.util.Rng;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Pieces of the slow reference update that the agents' parity tests share: autograd leaves over a
 * flat weight vector, an MLP forward pass with torch ops, gradients read back into flat layout, and
 * torch.optim.Adam and clip_grad_norm_ in double precision.
 */
final class ReferenceUpdate {
    private ReferenceUpdate() {
    }

    /** One tensor per parameter of {@code layout}, holding {@code flat}'s values, optionally autograd leaves. */
    static Map<String, Tensor> tensors(ParameterSet layout, double[] flat, boolean requiresGrad) {
        Map<String, Tensor> out = new HashMap<>();
        for (ParameterSet.Parameter p : layout.parameters()) {
            float[] values = new float[(int) p.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) flat[(int) p.offset() + i];
            }
            Tensor t = torch.tensor(values).view(p.shape()).clone();
            out.put(p.name(), requiresGrad ? t.requires_grad_(true) : t);
        }
        return out;
    }

    /** The MLP {@code prefix.0, prefix.1, ...} with ReLU between layers and none after the last. */
    static Tensor mlp(Map<String, Tensor> w, String prefix, Tensor x) {
        Tensor h = x;
        for (int i = 0; w.containsKey(prefix + "." + i + ".weight"); i++) {
            h = torch.addmm(w.get(prefix + "." + i + ".bias"), h, w.get(prefix + "." + i + ".weight").t());
            if (w.containsKey(prefix + "." + (i + 1) + ".weight")) {
                h = torch.relu(h);
            }
        }
        return h;
    }

    /** The autograd gradients of {@code leaves}, in {@code layout}'s flat order. */
    static double[] gradients(ParameterSet layout, Map<String, Tensor> leaves) {
        double[] gradient = new double[(int) layout.size()];
        for (ParameterSet.Parameter p : layout.parameters()) {
            float[] g = read(leaves.get(p.name()).grad());
            for (int i = 0; i < g.length; i++) {
                gradient[(int) p.offset() + i] = g[i];
            }
        }
        return gradient;
    }

    static void clip(double[] gradient, double maxNorm) {
        if (maxNorm <= 0) {
            return;
        }
        double sq = 0;
        for (double g : gradient) {
            sq += g * g;
        }
        double coefficient = Math.min(1.0, maxNorm / (Math.sqrt(sq) + 1e-6));
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] *= coefficient;
        }
    }

    /** torch.optim.Adam, betas (0.9, 0.999), eps 1e-8, in double precision. */
    static void adam(double[] w, double[] g, double[] m, double[] v, int step, double lr) {
        double bc1 = 1 - Math.pow(0.9, step);
        double bc2 = 1 - Math.pow(0.999, step);
        for (int i = 0; i < w.length; i++) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            w[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + 1e-8);
        }
    }

    /** Max |actual - expected| / max(|expected|, 1e-3). */
    static double worstRelativeError(float[] actual, double[] expected) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-3));
        }
        return worst;
    }

    /** Gaussian observations and rewards, uniform actions, some terminals, weights in [0.5, 1.5). */
    static void fillBatch(TransitionBatch batch, Rng rng, int actions) {
        int size = batch.size();
        int obs = batch.obsDim();
        for (int i = 0; i < size * obs; i++) {
            batch.observationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.nextObservationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
        for (int i = 0; i < size; i++) {
            batch.actionsMemory().putLong(i * 8, rng.nextInt(actions));
            batch.rewardsMemory().putFloat(i * 4, (float) (2 * rng.nextGaussian()));
            batch.discountsMemory().putFloat(i * 4, i % 3 == 0 ? 0f : 0.9f);
            batch.weightsMemory().putFloat(i * 4, 0.5f + rng.nextFloat());
        }
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    static float[] read(Tensor t) {
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor host = arena.zeros(t.numel());
            host.copy_(t.detach().reshape(t.numel()));
            return HostFloats.get(arena.host(host), (int) t.numel());
        }
    }
}
