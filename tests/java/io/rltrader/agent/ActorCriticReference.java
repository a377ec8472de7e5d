package io.rltrader.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.memory.TransitionBatch;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.HostFloats;
import io.rltrader.nn.ParameterSet;
import io.rltrader.util.Rng;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Float64 LibTorch-autograd references for the actor-critic agents' losses: MLPs from flat
 * {@link ParameterSet} values, critics over {@code [s | a]} (the first layer split into its
 * observation and action columns, which is the same product as over the concatenation), the
 * squashed Gaussian, and gradient read-back in the flat layout.
 */
final class ActorCriticReference {
    static final double TOLERANCE = 1e-5;

    private ActorCriticReference() {
    }

    /** Float64 tensors of every parameter at {@code flat}, leaves with requires_grad when asked. */
    static Map<String, Tensor> weights(ParameterSet layout, float[] flat, boolean requiresGrad) {
        Map<String, Tensor> out = new HashMap<>();
        for (ParameterSet.Parameter p : layout.parameters()) {
            float[] values = new float[(int) p.size()];
            System.arraycopy(flat, (int) p.offset(), values, 0, values.length);
            Tensor t = torch.tensor(values).view(p.shape()).to(torch.ScalarType.Double).clone();
            out.put(p.name(), requiresGrad ? t.requires_grad_(true) : t);
        }
        return out;
    }

    /** A float64 constant copy of a float32 tensor. */
    static Tensor d64(Tensor source) {
        return source.detach().to(torch.ScalarType.Double).clone();
    }

    /** relu MLP {@code prefix.0 .. prefix.n} with a linear last layer; {@code action} joins the input when not null. */
    static Tensor mlp(Map<String, Tensor> w, String prefix, Tensor obs, Tensor action) {
        Tensor w0 = w.get(prefix + ".0.weight");
        long obsDim = obs.size(1);
        Tensor h = torch.addmm(w.get(prefix + ".0.bias"), obs, w0.narrow(1, 0, obsDim).t());
        if (action != null) {
            h = h.add(torch.mm(action, w0.narrow(1, obsDim, action.size(1)).t()));
        }
        for (int i = 1; w.containsKey(prefix + "." + i + ".weight"); i++) {
            h = torch.addmm(w.get(prefix + "." + i + ".bias"), torch.relu(h), w.get(prefix + "." + i + ".weight").t());
        }
        return h;
    }

    /** Q as a [B] vector. */
    static Tensor q(Map<String, Tensor> w, String prefix, Tensor obs, Tensor action) {
        return mlp(w, prefix, obs, action).view(obs.size(0));
    }

    /** {a, log pi(a|s)} of the squashed Gaussian from the actor output [B, 2A] and standard noise [B, A]. */
    static Tensor[] squashedGaussian(Tensor actorOutput, Tensor noise, int actionDim) {
        Tensor mean = actorOutput.narrow(1, 0, actionDim);
        Tensor logStd = actorOutput.narrow(1, actionDim, actionDim).clamp(
            new ScalarOptional(new Scalar(SquashedGaussian.LOG_STD_MIN)),
            new ScalarOptional(new Scalar(SquashedGaussian.LOG_STD_MAX)));
        Tensor std = logStd.exp();
        Tensor u = mean.add(std.mul(noise));
        Tensor a = u.tanh();
        Tensor gaussian = u.sub(mean).square().div(std.square().mul(new Scalar(2))).neg().sub(logStd)
            .sub(new Scalar(0.5 * Math.log(2 * Math.PI)));
        Tensor squash = a.square().neg().add(new Scalar(1)).add(new Scalar(1e-6)).log();
        Tensor logProb = gaussian.sub(squash).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        return new Tensor[] {a, logProb};
    }

    /** The autograd gradients of {@code leaves} in {@code layout}'s flat order. */
    static float[] gradient(ParameterSet layout, Map<String, Tensor> leaves) {
        float[] out = new float[(int) layout.size()];
        for (ParameterSet.Parameter p : layout.parameters()) {
            float[] g = read(leaves.get(p.name()).grad());
            System.arraycopy(g, 0, out, (int) p.offset(), g.length);
        }
        return out;
    }

    static float[] read(Tensor t) {
        Tensor flat = t.detach().to(torch.ScalarType.Float).contiguous().reshape(t.numel());
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor host = arena.zeros(t.numel());
            host.copy_(flat);
            return HostFloats.get(arena.host(host), (int) t.numel());
        }
    }

    /**
     * The largest error relative to the gradient's scale, {@code max|a - e| / max|e|}, below
     * {@link #TOLERANCE}. Element-wise relative error is not the measure here: a float32 computation
     * of an element that is a sum of cancelling terms (most of the parameters of the first layer)
     * carries the rounding of its terms, not of its value, and a float32 autograd reference is off by
     * as much.
     */
    static void assertClose(String what, float[] actual, float[] expected) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(scale > 0, what + ": the reference gradient is zero");
        System.out.printf("%s: max error / max |gradient| = %.2e over %d values%n", what, worst / scale,
            expected.length);
        assertTrue(worst / scale < TOLERANCE, what + ": max error relative to the largest gradient " + worst / scale);
    }

    /** Gaussian observations, actions in (-1, 1), rewards, discounts with some terminal rows. */
    static void fillBatch(TransitionBatch batch, Rng rng) {
        int b = batch.size();
        int obs = batch.obsDim();
        int dim = batch.action().dim();
        for (int i = 0; i < b * obs; i++) {
            batch.observationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.nextObservationsMemory().putFloat(i * 4, (float) rng.nextGaussian());
        }
        for (int i = 0; i < b * dim; i++) {
            batch.actionsMemory().putFloat(i * 4, (float) (2 * rng.nextDouble() - 1));
        }
        for (int i = 0; i < b; i++) {
            batch.rewardsMemory().putFloat(i * 4, (float) rng.nextGaussian());
            batch.discountsMemory().putFloat(i * 4, i % 3 == 0 ? 0f : 0.9f);
            batch.weightsMemory().putFloat(i * 4, 1f);
        }
    }
}
