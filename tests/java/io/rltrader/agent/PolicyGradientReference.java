package io.rltrader.agent;

import io.rltrader.memory.RolloutMinibatch;
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
 * Autograd references for the policy-gradient agents: the actor-critic forward in float64 from a
 * {@link ParameterSet}'s values, log-probabilities and entropies of both heads, and the flat gradient
 * read back in the set's layout. Slow and obvious on purpose.
 */
final class PolicyGradientReference {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private PolicyGradientReference() {
    }

    /** Float64 leaves with requires_grad, one per parameter, holding the set's current values. */
    static Map<String, Tensor> leaves(ParameterSet layout) {
        float[] flat = layout.toArray();
        Map<String, Tensor> out = new HashMap<>();
        for (ParameterSet.Parameter p : layout.parameters()) {
            float[] values = new float[(int) p.size()];
            System.arraycopy(flat, (int) p.offset(), values, 0, values.length);
            out.put(p.name(), torch.tensor(values).view(p.shape()).to(torch.ScalarType.Double).clone()
                .requires_grad_(true));
        }
        return out;
    }

    /** The flat gradient of the leaves, in the set's layout. */
    static float[] gradient(ParameterSet layout, Map<String, Tensor> leaves) {
        float[] out = new float[(int) layout.size()];
        for (ParameterSet.Parameter p : layout.parameters()) {
            Tensor grad = leaves.get(p.name()).grad();
            float[] g = grad == null || grad.isNull() ? new float[(int) p.size()] : read(grad);
            System.arraycopy(g, 0, out, (int) p.offset(), g.length);
        }
        return out;
    }

    static Tensor double64(Tensor source) {
        return source.detach().to(torch.ScalarType.Double).clone();
    }

    /** {policy output [B, K], V [B] or null} for the separate or shared-trunk layout. */
    static Tensor[] actorCritic(Map<String, Tensor> w, Tensor x, boolean shared, boolean relu) {
        if (shared) {
            Tensor features = mlp(w, "trunk", x, relu, true);
            return new Tensor[] {linear(w, "pi", features), linear(w, "vf", features).view(-1)};
        }
        Tensor values = w.containsKey("vf.0.weight") ? mlp(w, "vf", x, relu, false).view(-1) : null;
        return new Tensor[] {mlp(w, "pi", x, relu, false), values};
    }

    private static Tensor mlp(Map<String, Tensor> w, String prefix, Tensor x, boolean relu, boolean activateLast) {
        Tensor h = x;
        for (int i = 0; w.containsKey(prefix + "." + i + ".weight"); i++) {
            h = linear(w, prefix + "." + i, h);
            if (activateLast || w.containsKey(prefix + "." + (i + 1) + ".weight")) {
                h = relu ? h.relu() : h.tanh();
            }
        }
        return h;
    }

    private static Tensor linear(Map<String, Tensor> w, String name, Tensor x) {
        return torch.addmm(w.get(name + ".bias"), x, w.get(name + ".weight").t());
    }

    /** {log pi(a|s) [B], entropy [B]} of a categorical over logits, actions int64 [B]. */
    static Tensor[] categorical(Tensor logits, Tensor actions) {
        Tensor logp = torch.log_softmax(logits, 1);
        Tensor taken = logp.gather(1, actions.view(-1, 1)).view(-1);
        Tensor entropy = logp.exp().mul(logp).sum(1).neg();
        return new Tensor[] {taken, entropy};
    }

    /** {log N(a; mu, exp(logStd)) summed over dims [B], entropy [B]}. */
    static Tensor[] gaussian(Tensor mean, Tensor logStd, Tensor actions) {
        Tensor z = actions.sub(mean).div(logStd.exp());
        Tensor perDim = z.square().mul(new Scalar(-0.5)).sub(logStd).sub(new Scalar(HALF_LOG_TWO_PI));
        Tensor entropy = logStd.add(new Scalar(0.5 + HALF_LOG_TWO_PI)).sum().expand(mean.size(0));
        return new Tensor[] {perDim.sum(1), entropy};
    }

    /** (x - mean) / (std + 1e-8), unbiased std. */
    static Tensor standardize(Tensor x) {
        return x.sub(x.mean()).div(x.std().add(new Scalar(1e-8)));
    }

    static Tensor clamp(Tensor x, double low, double high) {
        return torch.clamp(x, new ScalarOptional(new Scalar(low)), new ScalarOptional(new Scalar(high)));
    }

    static float[] read(Tensor t) {
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor host = arena.zeros(t.numel());
            host.copy_(t.detach().reshape(t.numel()));
            return HostFloats.get(arena.host(host), (int) t.numel());
        }
    }

    static void write(Tensor target, float[] values) {
        target.copy_(torch.tensor(values).view(target.sizes().vec().get()));
    }

    /** Random minibatch contents; old log-probs are the current ones plus noise so that ratios straddle the clip. */
    static void fillMinibatch(RolloutMinibatch batch, int actionSize, boolean continuous, Rng rng) {
        int m = batch.size();
        float[] obs = new float[m * batch.obsDim()];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) rng.nextGaussian();
        }
        write(batch.observations(), obs);
        if (continuous) {
            float[] actions = new float[m * actionSize];
            for (int i = 0; i < actions.length; i++) {
                actions[i] = (float) (1.2 * rng.nextGaussian());
            }
            write(batch.actions(), actions);
        } else {
            float[] actions = new float[m];
            for (int i = 0; i < m; i++) {
                actions[i] = rng.nextInt(actionSize);
            }
            batch.actions().copy_(torch.tensor(actions).to(torch.ScalarType.Long));
        }
        float[] values = new float[m];
        float[] advantages = new float[m];
        float[] returns = new float[m];
        for (int i = 0; i < m; i++) {
            values[i] = (float) rng.nextGaussian();
            advantages[i] = (float) (2 * rng.nextGaussian() + 0.3);
            returns[i] = values[i] + (float) (0.5 * rng.nextGaussian());
        }
        write(batch.values(), values);
        write(batch.advantages(), advantages);
        write(batch.returns(), returns);
    }

    /** Sets the minibatch's old log-probs to {@code current + noise}. */
    static void setOldLogProbs(RolloutMinibatch batch, Tensor current, Rng rng, double noise) {
        float[] logp = read(current);
        for (int i = 0; i < logp.length; i++) {
            logp[i] += (float) (noise * rng.nextGaussian());
        }
        write(batch.logProbs(), logp);
    }

    /** Max over parameter tensors of ||actual - expected||_2 / ||expected||_2. */
    static double maxTensorRelativeError(ParameterSet layout, float[] actual, float[] expected) {
        double worst = 0;
        for (ParameterSet.Parameter p : layout.parameters()) {
            double diff = 0;
            double norm = 0;
            for (long i = p.offset(); i < p.offset() + p.size(); i++) {
                double d = actual[(int) i] - expected[(int) i];
                diff += d * d;
                norm += (double) expected[(int) i] * expected[(int) i];
            }
            if (norm > 0) {
                worst = Math.max(worst, Math.sqrt(diff / norm));
            } else if (diff > 0) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return worst;
    }

    static double maxRelativeError(float[] actual, float[] expected, double floor) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
        }
        return worst;
    }
}
