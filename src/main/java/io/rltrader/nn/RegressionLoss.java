package io.rltrader.nn;

import io.rltrader.util.UserInputException;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Mean squared error or Huber loss between a prediction and a target vector, optionally weighted per
 * sample (importance weights of prioritized replay), with its hand-written gradient.
 *
 * <p>With {@code d = prediction - target}, {@code w} the weights (1 when absent) and B the batch:
 * MSE is {@code sum(w d^2) / B} with gradient {@code 2 w d / B}; Huber with threshold delta is
 * {@code sum(w c (d - c/2)) / B} where {@code c = clamp(d, -delta, delta)}, which is 0.5 d^2 inside
 * the threshold and delta (|d| - delta/2) outside (PyTorch's {@code huber_loss}, and
 * {@code smooth_l1_loss} for delta 1), with gradient {@code w c / B}. Bound once to its tensors;
 * {@link #compute()} allocates nothing.
 *
 * <p>With {@link Kernels#TENSOR_OPS} the maths is 4-8 in-place ops; with {@link Kernels#CPU_FUSED} it is
 * one Java loop over the tensors' host memory, which must then all be this arena's CPU tensors. Both
 * round each value the same way (the gradient is one product of the same float factors).
 */
public final class RegressionLoss {
    public enum Kind {
        MSE, HUBER;

        public static Kind parse(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "mse" -> MSE;
                case "huber", "smooth_l1" -> HUBER;
                default -> throw new UserInputException("loss '" + name + "': expected mse or huber");
            };
        }
    }

    private final Kind kind;
    private final Tensor prediction;
    private final Tensor target;
    private final Tensor weights;
    private final Tensor gradPrediction;
    private final Tensor error;
    private final Tensor weightsUsed;
    private boolean valueStale;
    private final Tensor clipped;
    private final Tensor elementLoss;
    private final Tensor elementLossRow;
    private final Tensor meanWeights;
    private final Tensor gradientScale;
    private final Tensor value;
    private final DeviceTensors arena;
    private final Tensor lowerBound;
    private final Tensor upperBound;
    private final int batch;
    private final float delta;
    private final float gradientFactor;
    private final UnsafeBuffer predictionHost;
    private final UnsafeBuffer targetHost;
    private final UnsafeBuffer weightsHost;
    private final UnsafeBuffer gradHost;
    private final UnsafeBuffer errorHost;
    private final UnsafeBuffer weightsUsedHost;
    private final UnsafeBuffer valueHost;

    /**
     * @param prediction     float32 [B]
     * @param target         float32 [B]
     * @param weights        float32 [B] per-sample weights, or null for none
     * @param gradPrediction float32 [B], overwritten with d loss / d prediction
     */
    public RegressionLoss(DeviceTensors arena, Kind kind, double huberDelta, Tensor prediction, Tensor target,
                          Tensor weights, Tensor gradPrediction, int batch) {
        this(arena, kind, huberDelta, prediction, target, weights, gradPrediction, batch, Kernels.TENSOR_OPS);
    }

    /**
     * As above, with the given kernels; {@link Kernels#CPU_FUSED} needs {@code prediction}, {@code target},
     * {@code weights} (if any) and {@code gradPrediction} to be tensors {@code arena} allocated on the CPU.
     */
    public RegressionLoss(DeviceTensors arena, Kind kind, double huberDelta, Tensor prediction, Tensor target,
                          Tensor weights, Tensor gradPrediction, int batch, Kernels kernels) {
        if (kind == Kind.HUBER && !(huberDelta > 0)) {
            throw new UserInputException("huber delta must be positive, got " + huberDelta);
        }
        this.arena = arena;
        this.kind = kind;
        this.prediction = prediction;
        this.target = target;
        this.weights = weights;
        this.gradPrediction = gradPrediction;
        this.error = arena.zeros(batch);
        this.weightsUsed = weights == null ? null : arena.zeros(batch);
        this.clipped = kind == Kind.HUBER ? arena.zeros(batch) : null;
        this.elementLoss = arena.zeros(batch);
        this.elementLossRow = arena.own(elementLoss.view(1, batch));
        this.meanWeights = arena.full(1.0 / batch, batch);
        this.gradientScale = arena.constant(kind == Kind.MSE ? 2.0 / batch : 1.0 / batch);
        this.value = arena.zeros(1);
        this.lowerBound = arena.constant(-huberDelta);
        this.upperBound = arena.constant(huberDelta);
        this.batch = batch;
        this.delta = (float) huberDelta;
        // The same float factor the tensor path multiplies by (its 0-dim gradientScale).
        this.gradientFactor = (float) (kind == Kind.MSE ? 2.0 / batch : 1.0 / batch);
        if (kernels.requireSupportedOn(arena.device(), "RegressionLoss") == Kernels.CPU_FUSED) {
            this.predictionHost = hostOf(arena, prediction, "prediction");
            this.targetHost = hostOf(arena, target, "target");
            this.weightsHost = weights == null ? null : hostOf(arena, weights, "weights");
            this.gradHost = hostOf(arena, gradPrediction, "gradPrediction");
            this.errorHost = arena.host(error);
            this.weightsUsedHost = weights == null ? null : arena.host(weightsUsed);
            this.valueHost = arena.host(value);
        } else {
            this.predictionHost = null;
            this.targetHost = null;
            this.weightsHost = null;
            this.gradHost = null;
            this.errorHost = null;
            this.weightsUsedHost = null;
            this.valueHost = null;
        }
    }

    private static UnsafeBuffer hostOf(DeviceTensors arena, Tensor tensor, String name) {
        if (!arena.hasHost(tensor)) {
            throw new IllegalArgumentException("RegressionLoss with CPU_FUSED kernels: " + name
                + " must be a CPU tensor allocated by the loss's arena (a view or another arena's tensor has no"
                + " host memory here)");
        }
        return arena.host(tensor);
    }

    /**
     * Computes the gradient into the bound gradient tensor (4-8 in-place ops). The loss value itself
     * is only needed for logging, so {@link #value()} computes it on demand from what this call kept.
     */
    public void compute() {
        if (predictionHost != null) {
            computeOnHost();
            return;
        }
        error.copy_(prediction).sub_(target);
        if (kind == Kind.MSE) {
            gradPrediction.copy_(error).mul_(gradientScale);
        } else {
            gradPrediction.copy_(error).clamp_min_(lowerBound).clamp_max_(upperBound).mul_(gradientScale);
        }
        if (weights != null) {
            gradPrediction.mul_(weights);
            weightsUsed.copy_(weights);
        }
        valueStale = true;
    }

    private void computeOnHost() {
        boolean huber = kind == Kind.HUBER;
        for (int i = 0; i < batch; i++) {
            int at = i * Float.BYTES;
            float d = predictionHost.getFloat(at) - targetHost.getFloat(at);
            errorHost.putFloat(at, d);
            float g = (huber ? Math.min(Math.max(d, -delta), delta) : d) * gradientFactor;
            if (weightsHost != null) {
                float w = weightsHost.getFloat(at);
                weightsUsedHost.putFloat(at, w);
                g *= w;
            }
            gradHost.putFloat(at, g);
        }
        valueStale = true;
    }

    private float valueOnHostMemory() {
        double sum = 0;
        for (int i = 0; i < batch; i++) {
            int at = i * Float.BYTES;
            float d = errorHost.getFloat(at);
            float element;
            if (kind == Kind.MSE) {
                element = d * d;
            } else {
                float c = Math.min(Math.max(d, -delta), delta);
                element = (d - 0.5f * c) * c;
            }
            if (weightsUsedHost != null) {
                element *= weightsUsedHost.getFloat(at);
            }
            sum += element;
        }
        return (float) (sum / batch);
    }

    /** The loss of the last {@link #compute()}, a float32 [1] tensor on the device. */
    public Tensor value() {
        if (valueStale && valueHost != null) {
            valueHost.putFloat(0, valueOnHostMemory());
            valueStale = false;
        }
        if (valueStale) {
            if (kind == Kind.MSE) {
                elementLoss.copy_(error).square_();
            } else {
                clipped.copy_(error).clamp_min_(lowerBound).clamp_max_(upperBound);
                elementLoss.copy_(error).sub_(clipped, NativeConstants.HALF).mul_(clipped);
            }
            if (weightsUsed != null) {
                elementLoss.mul_(weightsUsed);
            }
            value.addmv_(elementLossRow, meanWeights, NativeConstants.ZERO, NativeConstants.ONE);
            valueStale = false;
        }
        return value;
    }

    /** The loss as a Java number (a device-to-host copy on CUDA; free on the CPU). */
    public float valueOnHost() {
        return arena.readFloat(value());
    }

    /** {@code prediction - target} from the last {@link #compute()}, float32 [B] (TD errors). */
    public Tensor error() {
        return error;
    }
}
