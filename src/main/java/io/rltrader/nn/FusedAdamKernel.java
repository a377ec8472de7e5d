package io.rltrader.nn;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Argument;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.FunctionSchema;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

/**
 * LibTorch's fused CPU Adam and AdamW step ({@code aten::_fused_adam_} and {@code aten::_fused_adamw_},
 * what {@code torch.optim.Adam(fused=True)} runs) over one flat parameter buffer: one vectorized pass
 * that reads each parameter, gradient and moment once, where the same maths as in-place ops takes
 * eight passes and eight dispatches. Its formulas are PyTorch's Adam/AdamW ({@link Adam} documents them).
 *
 * <p>The presets bind no C++ function for these operators, so they are called through LibTorch's
 * dispatcher with a boxed argument stack. Every argument (the one-element tensor lists, the 0-dim step,
 * learning-rate and gradient-scale tensors, the betas, epsilon and decay) is made once here as an
 * {@code IValue}; a call copies them into the stack, which the call consumes (reference-count
 * increments, no Java allocation), and the kernel reads the step and learning rate that Java last wrote
 * into the 0-dim tensors. The operator's schema is checked here, so a LibTorch whose signature differs
 * fails at construction with a message, not with wrong numbers.
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

    private final Dispatcher dispatcher;
    private final OperatorHandle operator;
    private final IValueVector stack;
    private final IValue[] arguments;
    private final IValue none;
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
        String name = decoupledWeightDecay ? "aten::_fused_adamw_" : "aten::_fused_adam_";
        this.dispatcher = Dispatcher.singleton();
        this.operator = arena.own(dispatcher.findSchemaOrThrow(name, "tensor_lr"));
        String schema = describe(operator.schema());
        if (!schema.equals(SCHEMA) || !operator.hasKernelForDispatchKey(torch.DispatchKey.CPU)) {
            throw new IllegalStateException(name + ".tensor_lr in this LibTorch is (" + schema + ")"
                + (operator.hasKernelForDispatchKey(torch.DispatchKey.CPU) ? "" : " without a CPU kernel")
                + "; Adam's fused path expects (" + SCHEMA + ") with a CPU kernel");
        }
        Type.TypePtr tensorType = arena.own(new Type.TypePtr(arena.own(TensorType.get())));
        this.none = arena.own(new IValue());
        this.gradScale = arena.own(new IValue(gradScale));
        this.arguments = new IValue[] {
            list(arena, tensorType, parameters), list(arena, tensorType, gradients),
            list(arena, tensorType, firstMoment), list(arena, tensorType, secondMoment),
            list(arena, tensorType, null), list(arena, tensorType, step),
            arena.own(new IValue(lr)), arena.own(new IValue(beta1)), arena.own(new IValue(beta2)),
            arena.own(new IValue(weightDecay)), arena.own(new IValue(epsilon)),
            arena.own(new IValue(false)), arena.own(new IValue(false)), none, none};
        this.stack = arena.own(new IValueVector());
    }

    /** One step; with {@code scaleGradients}, the gradients are divided by the gradient scale first. */
    void run(boolean scaleGradients) {
        stack.resize(arguments.length);
        for (int i = 0; i < arguments.length; i++) {
            stack.put(i, i == GRAD_SCALE && scaleGradients ? gradScale : arguments[i]);
        }
        dispatcher.callBoxed(operator, stack);
    }

    private static IValue list(DeviceTensors arena, Type.TypePtr tensorType, Tensor element) {
        GenericList list = arena.own(new GenericList(tensorType));
        if (element != null) {
            list.push_back(arena.own(new IValue(element)));
        }
        return arena.own(new IValue(list));
    }

    private static String describe(FunctionSchema schema) {
        Argument arguments = schema.arguments();
        StringBuilder out = new StringBuilder();
        for (long i = 0; i < arguments.limit(); i++) {
            Argument argument = arguments.getPointer(i);
            try (Type.TypePtr type = argument.type(); BytePointer typeName = torch.toString(type)) {
                out.append(i == 0 ? "" : " ").append(argument.name().getString()).append(':')
                    .append(typeName.getString());
            }
        }
        return out.toString();
    }
}
