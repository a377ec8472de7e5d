package io.rltrader.nn;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * LibTorch's fused CPU Adam and AdamW step ({@code aten::_fused_adam_} and {@code aten::_fused_adamw_},
 * what {@code torch.optim.Adam(fused=True)} runs) over one flat parameter buffer: one vectorized pass
 * that reads each parameter, gradient and moment once, where the same maths as in-place ops takes
 * eight passes and eight dispatches. Its formulas are PyTorch's Adam/AdamW ({@link Adam} documents them).
 *
 * <p>The presets bind no C++ function for these operators, so they are called through the dispatcher
 * ({@link BoxedOp}) with one-element tensor lists and the {@code tensor_lr} overload: the kernel reads
 * the step and the learning rate from 0-dim CPU tensors that Java rewrites before each call.
 *
 * <p>With a gradient scale the kernel divides each gradient by it as it reads it and stores the result
 * back ({@code GradScaler}'s unscaling): global-norm clipping by a factor c is the scale 1/c, without
 * a separate pass over the gradients.
 */
final class FusedAdamKernel {
    static final String SCHEMA = "self:Tensor[] grads:Tensor[] exp_avgs:Tensor[] exp_avg_sqs:Tensor[]"
        + " max_exp_avg_sqs:Tensor[] state_steps:Tensor[] lr:Tensor beta1:float beta2:float weight_decay:float"
        + " eps:float amsgrad:bool maximize:bool grad_scale:Tensor? found_inf:Tensor?";
    private static final int GRAD_SCALE = 13;

    private final BoxedOp operator;
    private final IValue gradScale;

    /**
     * @param step      float32 0-dim CPU tensor, the step count after this step (1 on the first)
     * @param lr        float64 0-dim CPU tensor
     * @param gradScale float32 0-dim CPU tensor, read when {@link #run(boolean)} is asked to scale
     */
    FusedAdamKernel(DeviceTensors arena, boolean decoupledWeightDecay, Tensor parameters, Tensor gradients,
                    Tensor firstMoment, Tensor secondMoment, Tensor step, Tensor lr, Tensor gradScale,
                    double beta1, double beta2, double weightDecay, double epsilon) {
        if (arena.device().isCuda()) {
            throw new IllegalArgumentException("the fused Adam kernel is called here for the CPU only");
        }
        IValue none = BoxedOp.none(arena);
        this.gradScale = BoxedOp.tensor(arena, gradScale);
        this.operator = new BoxedOp(arena, decoupledWeightDecay ? "aten::_fused_adamw_" : "aten::_fused_adam_",
            "tensor_lr", SCHEMA,
            BoxedOp.tensorList(arena, parameters), BoxedOp.tensorList(arena, gradients),
            BoxedOp.tensorList(arena, firstMoment), BoxedOp.tensorList(arena, secondMoment),
            BoxedOp.tensorList(arena), BoxedOp.tensorList(arena, step), BoxedOp.tensor(arena, lr),
            BoxedOp.number(arena, beta1), BoxedOp.number(arena, beta2), BoxedOp.number(arena, weightDecay),
            BoxedOp.number(arena, epsilon), BoxedOp.bool(arena, false), BoxedOp.bool(arena, false), none, none);
        if (!operator.hasKernelFor(torch.DispatchKey.CPU)) {
            throw new IllegalStateException("this LibTorch has no CPU kernel for the fused Adam step");
        }
    }

    /** One step; with {@code scaleGradients}, the gradients are divided by the gradient scale first. */
    void run(boolean scaleGradients) {
        operator.call(GRAD_SCALE, scaleGradients ? gradScale : null);
    }
}
