package io.rltrader.nn;

import io.rltrader.util.Rng;
import io.rltrader.util.UserInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * All parameters of one network in one flat float32 tensor, and their gradients in a second one of
 * the same layout. Each {@link Parameter} is a view (weight matrix, bias vector) into both.
 *
 * <p>Because the whole model is one contiguous buffer, the optimizer step, gradient clipping, Polyak
 * averaging, copying into a target network and checkpointing are a handful of native ops over
 * {@link #values()} and {@link #gradients()}, whatever the architecture.
 *
 * <p>Built in two phases: layers {@link Builder#add declare} their parameters while the network is
 * assembled, then {@link Builder#build} allocates the flat buffers on the arena's device, fills the
 * initial values from a seeded {@link Rng} (in Java, so the same seed gives bit-identical weights on
 * every machine) and hands each {@link Parameter} its views.
 */
public final class ParameterSet {
    /** Fills the initial values of one parameter, {@code count} floats written to {@code out[offset..]}. */
    @FunctionalInterface
    public interface Initializer {
        void fill(Rng rng, float[] out, int offset, int count);

        /**
         * PyTorch's default for {@code nn.Linear} weight and bias: {@code kaiming_uniform_(a=sqrt(5))}
         * on the weight and the same bound on the bias, which is U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
         */
        static Initializer uniformFanIn(int fanIn) {
            double bound = 1.0 / Math.sqrt(fanIn);
            return uniform(-bound, bound);
        }

        static Initializer uniform(double low, double high) {
            return (rng, out, offset, count) -> {
                for (int i = 0; i < count; i++) {
                    out[offset + i] = (float) (low + (high - low) * rng.nextDouble());
                }
            };
        }

        static Initializer constant(double value) {
            return (rng, out, offset, count) -> Arrays.fill(out, offset, offset + count, (float) value);
        }
    }

    /** One named parameter: shape, place in the flat buffers and (after build) its two views. */
    public static final class Parameter {
        private final String name;
        private final long[] shape;
        private final long offset;
        private final long size;
        private final Initializer initializer;
        private Tensor value;
        private Tensor gradient;

        private Parameter(String name, long[] shape, long offset, Initializer initializer) {
            this.name = name;
            this.shape = shape.clone();
            long n = 1;
            for (long dim : shape) {
                n = Math.multiplyExact(n, dim);
            }
            this.size = n;
            this.offset = offset;
            this.initializer = initializer;
        }

        public String name() {
            return name;
        }

        public long[] shape() {
            return shape.clone();
        }

        /** Offset of this parameter in the flat buffers, in elements. */
        public long offset() {
            return offset;
        }

        public long size() {
            return size;
        }

        /** The values, a view of {@link ParameterSet#values()}; valid after build. */
        public Tensor value() {
            requireBuilt();
            return value;
        }

        /** The gradients, a view of {@link ParameterSet#gradients()}; valid after build. */
        public Tensor gradient() {
            requireBuilt();
            return gradient;
        }

        private void requireBuilt() {
            if (value == null) {
                throw new IllegalStateException("parameter " + name + " is used before its ParameterSet was built");
            }
        }
    }

    /** Collects parameter declarations in order; {@link #build} allocates them. */
    public static final class Builder {
        private final List<Parameter> parameters = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private long size;
        private boolean built;

        public Parameter add(String name, Initializer initializer, long... shape) {
            if (built) {
                throw new IllegalStateException("ParameterSet already built; declare every parameter first");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate parameter name " + name);
            }
            Parameter parameter = new Parameter(name, shape, size, initializer);
            size = Math.addExact(size, parameter.size);
            parameters.add(parameter);
            return parameter;
        }

        public long size() {
            return size;
        }

        /** Allocates the flat buffers on {@code arena}'s device and initializes values from {@code rng}. */
        public ParameterSet build(DeviceTensors arena, Rng rng) {
            if (built) {
                throw new IllegalStateException("ParameterSet already built");
            }
            if (size == 0) {
                throw new IllegalStateException("a ParameterSet needs at least one parameter");
            }
            if (size > Integer.MAX_VALUE / Float.BYTES) {
                throw new UserInputException("model has " + size + " parameters; at most "
                    + (Integer.MAX_VALUE / Float.BYTES) + " fit one flat buffer");
            }
            built = true;
            return new ParameterSet(arena, List.copyOf(parameters), size, rng);
        }
    }

    private final DeviceTensors arena;
    private final List<Parameter> parameters;
    private final long size;
    private final Tensor values;
    private final Tensor gradients;
    private final Tensor valuesRow;
    private final Tensor gradientsRow;
    private final Tensor squaredNorm;

    private ParameterSet(DeviceTensors arena, List<Parameter> parameters, long size, Rng rng) {
        this.arena = arena;
        this.parameters = parameters;
        this.size = size;
        this.values = arena.zeros(size);
        this.gradients = arena.zeros(size);
        this.valuesRow = arena.own(values.view(1, size));
        this.gradientsRow = arena.own(gradients.view(1, size));
        this.squaredNorm = arena.zeros(1);
        for (Parameter p : parameters) {
            p.value = arena.own(arena.own(values.narrow(0, p.offset, p.size)).view(p.shape));
            p.gradient = arena.own(arena.own(gradients.narrow(0, p.offset, p.size)).view(p.shape));
        }
        float[] initial = new float[(int) size];
        for (Parameter p : parameters) {
            p.initializer.fill(rng, initial, (int) p.offset, (int) p.size);
        }
        load(initial);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    /** Number of scalar parameters. */
    public long size() {
        return size;
    }

    /** All values, float32 [size]. */
    public Tensor values() {
        return values;
    }

    /** All gradients, float32 [size], same layout as {@link #values()}. */
    public Tensor gradients() {
        return gradients;
    }

    public DeviceTensors arena() {
        return arena;
    }

    /** Whether {@code other} has the same parameter names, shapes and order. */
    public boolean sameLayout(ParameterSet other) {
        if (other.size != size || other.parameters.size() != parameters.size()) {
            return false;
        }
        for (int i = 0; i < parameters.size(); i++) {
            Parameter a = parameters.get(i);
            Parameter b = other.parameters.get(i);
            if (!a.name.equals(b.name) || !Arrays.equals(a.shape, b.shape)) {
                return false;
            }
        }
        return true;
    }

    /** Hard copy of every value from {@code source} (target-network sync): one native op. */
    public void copyFrom(ParameterSet source) {
        requireSameLayout(source);
        values.copy_(source.values);
    }

    /**
     * Polyak averaging {@code this = (1 - tau) * this + tau * source} in one native op; {@code tau}
     * is a scalar the caller made once (see {@link DeviceTensors#scalar}).
     */
    public void polyakFrom(ParameterSet source, Scalar tau) {
        requireSameLayout(source);
        values.lerp_(source.values, tau);
    }

    /** Sum of squared gradients into a [1] tensor (one GEMV over the flat buffer, no allocation). */
    public Tensor gradientSquaredNorm() {
        squaredNorm.addmv_(gradientsRow, gradients, ZERO, ONE);
        return squaredNorm;
    }

    /** The [1] tensor {@link #gradientSquaredNorm()} writes into. */
    Tensor gradientSquaredNormTensor() {
        return squaredNorm;
    }

    /** Sets every gradient to zero. */
    public void zeroGradients() {
        gradients.zero_();
    }

    /** Copies all values into {@code out} (host floats; for checkpoints and tests, not hot paths). */
    public float[] toArray() {
        return copyOut(values);
    }

    /** Copies all gradients into a new array (tests and diagnostics). */
    public float[] gradientsToArray() {
        return copyOut(gradients);
    }

    /** Replaces all values from host floats in flat layout order. */
    public void load(float[] flat) {
        if (flat.length != size) {
            throw new IllegalArgumentException("expected " + size + " values, got " + flat.length);
        }
        arena.upload(values, flat, size);
    }

    private float[] copyOut(Tensor tensor) {
        return arena.download(tensor, (int) size);
    }

    private void requireSameLayout(ParameterSet other) {
        if (!sameLayout(other)) {
            throw new IllegalArgumentException("parameter sets have different layouts");
        }
    }

    private static final Scalar ZERO = NativeConstants.ZERO;
    private static final Scalar ONE = NativeConstants.ONE;
}
