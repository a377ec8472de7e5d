package io.rltrader.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Slow, obvious LibTorch-autograd references for distributional RL, shared by the nn and agent
 * tests: the quantile Huber loss written term by term from the QR-DQN paper, and the IQN cosine
 * features.
 */
public final class QuantileReference {
    private QuantileReference() {
    }

    /** Per-sample losses {@code sum_i mean_j rho_ij} and their weighted batch mean. */
    public record Loss(Tensor perSample, Tensor mean) {
    }

    /**
     * @param theta   [B, N] predicted quantiles (autograd flows through it)
     * @param taus    [N] or [B, N]
     * @param target  [B, N'] (detached)
     * @param weights [B] or null
     */
    public static Loss quantileHuber(Tensor theta, Tensor taus, Tensor target, Tensor weights, double kappa) {
        long b = theta.size(0);
        long n = theta.size(1);
        Tensor t = target.detach();
        Tensor u = t.unsqueeze(1).sub(theta.unsqueeze(2));
        Tensor huber = torch.huber_loss(theta.unsqueeze(2).expand_as(u), t.unsqueeze(1).expand_as(u), 0, kappa);
        Tensor below = u.detach().lt(new Scalar(0.0)).toType(torch.ScalarType.Float);
        Tensor tauColumn = taus.dim() == 1 ? taus.view(1, n, 1) : taus.view(b, n, 1);
        Tensor rho = tauColumn.sub(below).abs().mul(huber).mul(new Scalar(1.0 / kappa));
        Tensor perSample = rho.mean(new long[] {2}, false, new ScalarTypeOptional())
            .sum(new long[] {1}, false, new ScalarTypeOptional());
        Tensor mean = weights == null ? perSample.mean() : perSample.mul(weights).mean();
        return new Loss(perSample, mean);
    }

    /** {@code cos(pi i tau)} for i = 0..n-1: [M] taus to [M, n] features. */
    public static Tensor cosineFeatures(Tensor taus, int n) {
        float[] frequencies = new float[n];
        for (int i = 0; i < n; i++) {
            frequencies[i] = (float) (Math.PI * i);
        }
        return torch.cos(taus.reshape(taus.numel(), 1).mul(torch.tensor(frequencies).view(1, n)));
    }
}
