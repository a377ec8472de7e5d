package io.rltrader.nn;

import io.rltrader.util.UserInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * Stochastic gradient descent with optional momentum, PyTorch's semantics (no dampening, no
 * Nesterov): {@code buf = mu buf + g}, {@code p -= lr buf}; without momentum {@code p -= lr g}.
 */
public final class Sgd implements Optimizer {
    private final ParameterSet parameters;
    private final DeviceTensors arena;
    private final double momentum;
    private final Tensor velocity;
    private final Tensor update;
    private final Tensor momentumFactor;
    private final Tensor rate;
    private final UnsafeBuffer rateHost;
    private double learningRate;
    private long steps;

    public Sgd(ParameterSet parameters, double learningRate, double momentum) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new UserInputException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new UserInputException("momentum must be in [0, 1), got " + momentum);
        }
        this.parameters = parameters;
        this.arena = new DeviceTensors(parameters.arena().device());
        this.momentum = momentum;
        this.velocity = arena.zeros(parameters.size());
        this.update = arena.zeros(parameters.size());
        this.momentumFactor = arena.constant(momentum);
        this.rate = arena.hostScalar(learningRate);
        this.rateHost = arena.host(rate);
        this.learningRate = learningRate;
    }

    @Override
    public void step() {
        steps++;
        Tensor g = parameters.gradients();
        Tensor direction = g;
        if (momentum > 0) {
            velocity.mul_(momentumFactor).add_(g);
            direction = velocity;
        }
        update.copy_(direction).mul_(rate);
        parameters.values().sub_(update);
    }

    @Override
    public void setLearningRate(double learningRate) {
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + learningRate);
        }
        this.learningRate = learningRate;
        rateHost.putFloat(0, (float) learningRate);
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void restoreSteps(long steps) {
        this.steps = steps;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("momentum_buffer", velocity);
        return state;
    }

    @Override
    public void close() {
        arena.close();
    }
}
