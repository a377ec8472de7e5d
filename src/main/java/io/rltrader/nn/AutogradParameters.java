package io.rltrader.nn;

import java.util.IdentityHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The autograd path over the same flat parameters as the hand-written layers, for models that are
 * not worth deriving by hand (attention, recurrent world models): a leaf tensor that shares the
 * storage of {@link ParameterSet#values()}, with a view per parameter that LibTorch's autograd
 * tracks. Build the model's forward from {@link #value} views with ordinary LibTorch ops, call
 * {@code loss.backward()}, then {@link #collectGradients()} moves the accumulated gradient into
 * {@link ParameterSet#gradients()}, after which the usual optimizer, clipping, Polyak averaging and
 * checkpointing apply unchanged.
 *
 * <p>When to use which path: the hand-written layers ({@link Dense}, {@link LayerNorm},
 * {@link DuelingHead}, the losses) are the hot path for the MLP agents (DQN family, PPO, SAC, TD3):
 * they allocate nothing per step and skip autograd's graph bookkeeping. The autograd path allocates
 * a graph per forward (a few KB of heap and native memory per update) and is for models whose
 * backward would be long and error-prone by hand; it is checked against the hand path in the tests.
 * The optimizer's in-place step on {@link ParameterSet#values()} happens outside any graph, so the
 * shared storage is never modified while a graph that saved it is alive.
 */
public final class AutogradParameters implements AutoCloseable {
    private final ParameterSet parameters;
    private final DeviceTensors arena;
    private final Tensor leaf;
    private final Map<ParameterSet.Parameter, Tensor> views = new IdentityHashMap<>();

    public AutogradParameters(ParameterSet parameters) {
        this.parameters = parameters;
        this.arena = new DeviceTensors(parameters.arena().device());
        this.leaf = arena.own(parameters.values().detach());
        leaf.requires_grad_(true);
        for (ParameterSet.Parameter p : parameters.parameters()) {
            Tensor view = arena.own(arena.own(leaf.narrow(0, p.offset(), p.size())).view(p.shape()));
            views.put(p, view);
        }
    }

    /** The autograd-tracked view of one parameter (same memory as {@link ParameterSet.Parameter#value()}). */
    public Tensor value(ParameterSet.Parameter parameter) {
        Tensor view = views.get(parameter);
        if (view == null) {
            throw new IllegalArgumentException("parameter " + parameter.name() + " belongs to another ParameterSet");
        }
        return view;
    }

    /** The autograd-tracked view of the parameter named {@code name}. */
    public Tensor value(String name) {
        return value(parameters.parameter(name));
    }

    /**
     * Copies the gradient autograd accumulated since the last call into {@link ParameterSet#gradients()}
     * (overwriting, as the hand-written backward does) and clears the accumulator. Parameters the
     * graph did not reach get zero gradients.
     */
    public void collectGradients() {
        Tensor accumulated = leaf.grad();
        if (accumulated.defined()) {
            parameters.gradients().copy_(accumulated);
            accumulated.zero_();
        } else {
            parameters.gradients().zero_();
        }
        accumulated.close();
    }

    @Override
    public void close() {
        arena.close();
    }
}
