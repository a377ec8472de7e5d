package io.rltrader.agent;

import io.rltrader.nn.Activation;
import io.rltrader.nn.Adam;
import io.rltrader.nn.Binding;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.RegressionLoss;
import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.nn.Sequential;
import io.rltrader.util.Rng;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The twin Q-networks of SAC and TD3 (clipped double Q, Fujimoto et al. 2018): Q1 and Q2 over
 * {@code [observation | action]} rows, both in one {@link ParameterSet} (names {@code q1.*},
 * {@code q2.*}) with one Adam, as Stable-Baselines3's critic, and a target copy updated by Polyak
 * averaging. Three bound passes, each over its own preallocated input whose column views the agent
 * writes:
 * <ul>
 * <li>the target pass over {@code [s' | a']}: {@link #targetMinimum()} = min(Q1', Q2');</li>
 * <li>the critic pass over the replay batch's {@code [s | a]}: {@link #update} minimizes
 *     {@code lossScale * (MSE(Q1, y) + MSE(Q2, y))} with one Adam step;</li>
 * <li>the policy pass over {@code [s | a_pi]}: {@link #policyGradient} gives the gradient of the
 *     actor's {@code -mean(Q(s, a_pi))} with respect to {@code a_pi} through the critics' input
 *     gradient (Q = min(Q1, Q2) for SAC, ties to Q1 as SB3's {@code th.min(dim=1)}; Q = Q1 for TD3),
 *     leaving the critics' own gradients alone.</li>
 * </ul>
 */
final class TwinCritics implements AutoCloseable {
    final ParameterSet online;
    final ParameterSet target;
    final Adam optimizer;
    /** Column views of the critic pass's input: the batch's observations and actions go here. */
    final Tensor observations;
    final Tensor actions;
    /** Column views of the target pass's input. */
    final Tensor nextObservations;
    final Tensor nextActions;
    /** Column views of the policy pass's input. */
    final Tensor policyObservations;
    final Tensor policyActions;

    private final boolean minimumForPolicy;
    private final LayerPass q1;
    private final LayerPass q2;
    private final LayerPass q1Target;
    private final LayerPass q2Target;
    private final LayerPass q1Policy;
    private final LayerPass q2Policy;
    private final Tensor targetQ1;
    private final Tensor targetQ2;
    private final Tensor targetMinimum;
    private final Tensor tdTarget;
    private final RegressionLoss loss1;
    private final RegressionLoss loss2;
    private final Tensor policyQ1;
    private final Tensor policyQ2;
    private final Tensor policyGrad1;
    private final Tensor policyGrad2;
    private final Tensor gradAction1;
    private final Tensor gradAction2;
    private final Tensor gradAction;
    private final Tensor minimumMask;
    private final Tensor minusInverseBatch;
    private final Tensor inverseBatch;
    private final Tensor one;
    private final Scalar tau;

    /**
     * @param minimumForPolicy SAC's min(Q1, Q2) in the actor loss; false: Q1 alone (TD3)
     * @param lossScale        SB3: 0.5 for SAC, 1 for TD3
     */
    TwinCritics(DeviceTensors arena, int observationSize, int actionDim, int[] hidden, int batch,
                double learningRate, double lossScale, double tau, boolean minimumForPolicy, Rng init) {
        int in = observationSize + actionDim;
        long initSeed = init.nextLong();
        ParameterSet.Builder onlineBuilder = ParameterSet.builder();
        Sequential net1 = Sequential.mlp(onlineBuilder, "q1", in, hidden, 1, Activation.RELU, Activation.IDENTITY);
        Sequential net2 = Sequential.mlp(onlineBuilder, "q2", in, hidden, 1, Activation.RELU, Activation.IDENTITY);
        this.online = onlineBuilder.build(arena, new Rng(initSeed));
        ParameterSet.Builder targetBuilder = ParameterSet.builder();
        Sequential target1 = Sequential.mlp(targetBuilder, "q1", in, hidden, 1, Activation.RELU, Activation.IDENTITY);
        Sequential target2 = Sequential.mlp(targetBuilder, "q2", in, hidden, 1, Activation.RELU, Activation.IDENTITY);
        this.target = targetBuilder.build(arena, new Rng(initSeed));
        target.copyFrom(online);
        this.optimizer = new Adam(online, Adam.Config.adam(learningRate));
        this.minimumForPolicy = minimumForPolicy;
        this.tau = arena.scalar(tau);

        Tensor input = arena.zeros(batch, in);
        Tensor nextInput = arena.zeros(batch, in);
        Tensor policyInput = arena.zeros(batch, in);
        Tensor policyInputGrad1 = arena.zeros(batch, in);
        Tensor policyInputGrad2 = minimumForPolicy ? arena.zeros(batch, in) : null;
        this.observations = arena.own(input.narrow(1, 0, observationSize));
        this.actions = arena.own(input.narrow(1, observationSize, actionDim));
        this.nextObservations = arena.own(nextInput.narrow(1, 0, observationSize));
        this.nextActions = arena.own(nextInput.narrow(1, observationSize, actionDim));
        this.policyObservations = arena.own(policyInput.narrow(1, 0, observationSize));
        this.policyActions = arena.own(policyInput.narrow(1, observationSize, actionDim));

        Binding training = new Binding(arena, batch, true);
        Binding inference = new Binding(arena, batch, false);
        this.q1 = net1.bind(training, input, null);
        this.q2 = net2.bind(training, input, null);
        this.q1Target = target1.bind(inference, nextInput, null);
        this.q2Target = target2.bind(inference, nextInput, null);
        this.q1Policy = net1.bind(training, policyInput, policyInputGrad1);
        this.q2Policy = minimumForPolicy ? net2.bind(training, policyInput, policyInputGrad2) : null;

        this.targetQ1 = column(arena, q1Target.output(), batch);
        this.targetQ2 = column(arena, q2Target.output(), batch);
        this.targetMinimum = arena.zeros(batch);
        this.tdTarget = arena.zeros(batch);
        Tensor weights = lossScale == 1.0 ? null : arena.full(lossScale, batch);
        this.loss1 = new RegressionLoss(arena, RegressionLoss.Kind.MSE, 1.0, column(arena, q1.output(), batch),
            tdTarget, weights, column(arena, q1.gradOutput(), batch), batch);
        this.loss2 = new RegressionLoss(arena, RegressionLoss.Kind.MSE, 1.0, column(arena, q2.output(), batch),
            tdTarget, weights, column(arena, q2.gradOutput(), batch), batch);
        this.policyQ1 = column(arena, q1Policy.output(), batch);
        this.policyQ2 = minimumForPolicy ? column(arena, q2Policy.output(), batch) : null;
        this.policyGrad1 = column(arena, q1Policy.gradOutput(), batch);
        this.policyGrad2 = minimumForPolicy ? column(arena, q2Policy.gradOutput(), batch) : null;
        this.gradAction1 = arena.own(policyInputGrad1.narrow(1, observationSize, actionDim));
        this.gradAction2 = minimumForPolicy ? arena.own(policyInputGrad2.narrow(1, observationSize, actionDim)) : null;
        this.gradAction = minimumForPolicy ? arena.zeros(batch, actionDim) : gradAction1;
        this.minimumMask = arena.zeros(batch);
        this.minusInverseBatch = arena.constant(-1.0 / batch);
        this.inverseBatch = arena.constant(1.0 / batch);
        this.one = arena.constant(1.0);
    }

    private static Tensor column(DeviceTensors arena, Tensor values, int batch) {
        return arena.own(values.view(batch));
    }

    /** The TD target y [B] that {@link #update} regresses both critics on; the agent writes it. */
    Tensor tdTarget() {
        return tdTarget;
    }

    /** min(Q1'(s', a'), Q2'(s', a')) [B] of the target critics over the next-observation input. */
    Tensor targetMinimum() {
        q1Target.forward();
        q2Target.forward();
        return targetMinimum.copy_(targetQ1).clamp_max_(targetQ2);
    }

    /** One critic step on the batch input against {@link #tdTarget()}: forward, loss, backward, Adam. */
    void update() {
        q1.forward();
        q2.forward();
        loss1.compute();
        loss2.compute();
        q1.backward(true);
        q2.backward(true);
        optimizer.step();
    }

    /**
     * d(-mean(Q(s, a_pi)))/d a_pi [B, actionDim] at the policy input, through the current critics:
     * a view or buffer valid until the next call.
     */
    Tensor policyGradient() {
        q1Policy.forward();
        if (!minimumForPolicy) {
            policyGrad1.copy_(minusInverseBatch);
            q1Policy.backward(false);
            return gradAction1;
        }
        q2Policy.forward();
        // 1 where Q1 is the minimum (ties to Q1, as th.min(dim=1) picks the first index).
        minimumMask.copy_(policyQ1).le_(policyQ2);
        policyGrad1.copy_(minimumMask).mul_(minusInverseBatch);
        policyGrad2.copy_(minimumMask).sub_(one).mul_(inverseBatch);
        q1Policy.backward(false);
        q2Policy.backward(false);
        return gradAction.copy_(gradAction1).add_(gradAction2);
    }

    /** Polyak averaging of the target critics toward the online ones. */
    void updateTarget() {
        target.polyakFrom(online, tau);
    }

    /** The critic loss of the last {@link #update} (a device-to-host read on CUDA). */
    /** The first non-finite critic loss of the last update, or null. */
    String nonFiniteTerm() {
        return FiniteTerms.first("critic 1 loss", loss1.valueOnHost(), "critic 2 loss", loss2.valueOnHost());
    }

    float lastLoss() {
        return loss1.valueOnHost() + loss2.valueOnHost();
    }

    void write(SafeTensorsFile.Writer model, SafeTensorsFile.Writer state) {
        AgentCheckpoints.writeParameters(model, "critic.", online);
        AgentCheckpoints.writeParameters(state, "critic_target.", target);
        AgentCheckpoints.writeOptimizer(state, "critic_adam.", optimizer, online.size());
    }

    void read(SafeTensorsFile model, SafeTensorsFile state) {
        AgentCheckpoints.readParameters(model, "critic.", online);
        AgentCheckpoints.readParameters(state, "critic_target.", target);
        AgentCheckpoints.readOptimizer(state, "critic_adam.", optimizer, online.size());
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
