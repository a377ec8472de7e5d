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
 * One LibTorch operator called through the dispatcher with fixed arguments: for operators the
 * presets bind only as static functions (whose {@code _out} forms allocate a Java wrapper for the
 * returned reference, ~48 bytes a call) or not at all ({@code _fused_adam_}). The arguments are
 * made once as {@code IValue}s; {@link #call()} copies them into a reused stack, which the call
 * consumes (reference-count increments, no Java allocation), and a result left on the stack is
 * dropped by the next call. Tensor arguments are fixed tensors whose contents change between calls,
 * exactly as the bound passes use them.
 *
 * <p>The operator's schema (argument names and types) is checked against the one the caller wrote
 * for, so a LibTorch whose signature differs fails at construction with a message, not with wrong
 * numbers.
 */
final class BoxedOp {
    private final Dispatcher dispatcher;
    private final OperatorHandle operator;
    private final IValueVector stack;
    private final IValue[] arguments;

    /**
     * @param schema the expected arguments as {@code name:type ...} in the form
     *               {@link #describe(FunctionSchema)} prints
     */
    BoxedOp(DeviceTensors arena, String name, String overload, String schema, IValue... arguments) {
        this.dispatcher = Dispatcher.singleton();
        this.operator = arena.own(dispatcher.findSchemaOrThrow(name, overload));
        String actual = describe(operator.schema());
        if (!actual.equals(schema)) {
            throw new IllegalStateException(name + "." + overload + " in this LibTorch takes (" + actual
                + "); rltrader calls it as (" + schema + ")");
        }
        this.arguments = arguments.clone();
        this.stack = arena.own(new IValueVector());
    }

    /** Runs the operator on the arguments; {@code replaced}, where not null, stands for argument {@code index}. */
    void call(int index, IValue replaced) {
        stack.resize(arguments.length);
        for (int i = 0; i < arguments.length; i++) {
            stack.put(i, i == index && replaced != null ? replaced : arguments[i]);
        }
        dispatcher.callBoxed(operator, stack);
    }

    /** Runs the operator on the arguments. */
    void call() {
        call(-1, null);
    }

    boolean hasKernelFor(torch.DispatchKey key) {
        return operator.hasKernelForDispatchKey(key);
    }

    static IValue tensor(DeviceTensors arena, Tensor tensor) {
        return arena.own(new IValue(tensor));
    }

    static IValue scalar(DeviceTensors arena, double value) {
        return arena.own(new IValue(arena.scalar(value)));
    }

    static IValue number(DeviceTensors arena, double value) {
        return arena.own(new IValue(value));
    }

    static IValue bool(DeviceTensors arena, boolean value) {
        return arena.own(new IValue(value));
    }

    static IValue none(DeviceTensors arena) {
        return arena.own(new IValue());
    }

    /** A {@code Tensor[]} argument of the given tensors (none for an empty list). */
    static IValue tensorList(DeviceTensors arena, Tensor... tensors) {
        Type.TypePtr tensorType = arena.own(new Type.TypePtr(arena.own(TensorType.get())));
        GenericList list = arena.own(new GenericList(tensorType));
        for (Tensor tensor : tensors) {
            list.push_back(tensor(arena, tensor));
        }
        return arena.own(new IValue(list));
    }

    /** The arguments of a schema as {@code name:type} separated by spaces, e.g. {@code self:Tensor alpha:Scalar}. */
    static String describe(FunctionSchema schema) {
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
