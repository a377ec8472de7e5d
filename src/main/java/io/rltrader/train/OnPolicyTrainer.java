package io.rltrader.train;

import io.rltrader.agent.OnPolicyAgent;
import io.rltrader.env.StepBuffers;
import io.rltrader.env.VectorEnv;
import io.rltrader.memory.RolloutBuffer;
import io.rltrader.util.OffHeap;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The on-policy loop for PPO and REINFORCE, in CleanRL's phases: collect {@code nSteps} vectorized
 * steps into the agent's rollout (sample for all env rows, step, store; truncated rows bootstrap
 * from V of their final observation), compute advantages (GAE) with V of the observations after the
 * last step, update. Steps are counted in transitions (vectorized steps times env rows), as
 * Stable-Baselines3's {@code total_timesteps}; a run ends after the rollout that reaches the total.
 */
public final class OnPolicyTrainer implements AutoCloseable {
    /** A log line: counters, the mean return of episodes finished since the last line, the last update. */
    public record Progress(long transitions, long updates, long episodes, double meanEpisodeReward,
                           OnPolicyAgent.UpdateStats lastUpdate, double transitionsPerSecond) {
    }

    private final OnPolicyAgent agent;
    private final VectorEnv env;
    private final StepBuffers buffers;
    private final RolloutBuffer rollout;
    private final OnPolicyAgent.RolloutPolicy policy;
    private final UnsafeBuffer previousObservations;
    private final int rows;
    private final int observationBytes;
    private long transitions;
    private long episodes;
    private double recentRewardSum;
    private long recentEpisodes;

    public OnPolicyTrainer(OnPolicyAgent agent, VectorEnv env) {
        this.agent = agent;
        this.env = env;
        this.buffers = env.buffers();
        this.rows = env.rows();
        if (rows != agent.envs()) {
            throw new UserInputException("environment has " + rows + " rows, the agent's rollout " + agent.envs());
        }
        if (buffers.discreteActions() != agent.actionSpec().discrete()) {
            throw new UserInputException("environment has " + (buffers.discreteActions() ? "discrete" : "continuous")
                + " actions, the agent " + (agent.actionSpec().discrete() ? "discrete" : "continuous") + " ones");
        }
        if (buffers.actionSize() != agent.actionSize()) {
            throw new UserInputException("environment actions have size " + buffers.actionSize() + ", the agent's "
                + agent.actionSize());
        }
        if (buffers.observationSize() != agent.observationSize()) {
            throw new UserInputException("environment observations have " + buffers.observationSize()
                + " values, the agent expects " + agent.observationSize());
        }
        this.rollout = agent.rollout();
        this.observationBytes = rows * buffers.observationSize() * Float.BYTES;
        this.previousObservations = OffHeap.allocate(observationBytes);
        env.reset();
        this.policy = agent.rolloutPolicy(buffers.observations(), buffers.finalObservations());
    }

    /**
     * Runs collect/update rounds until {@code totalTransitions} more transitions have been collected,
     * calling {@code log} after every {@code logInterval} transitions (and at the end) when not null.
     */
    public Progress run(long totalTransitions, long logInterval, Consumer<Progress> log) {
        return run(totalTransitions, logInterval, log, 0, null);
    }

    /**
     * As {@link #run(long, long, Consumer)}, and calls {@code checkpoint} after the first update at
     * or past each multiple of {@code checkpointInterval} transitions (0: never), between rollouts,
     * where {@link #writeState} and the agent's checkpoint together capture the run. Log lines and
     * checkpoints fall on multiples of their intervals counted from the trainer's first transition,
     * and the learning-rate schedule spans the trainer's whole life (its first transition to the end
     * of this call), so a trainer restored from a checkpoint and run to the same end repeats an
     * uninterrupted run exactly.
     */
    public Progress run(long totalTransitions, long logInterval, Consumer<Progress> log, long checkpointInterval,
                        Runnable checkpoint) {
        if (totalTransitions <= 0) {
            throw new UserInputException("training steps must be positive, got " + totalTransitions);
        }
        long start = System.nanoTime();
        long begin = transitions;
        long end = transitions + totalTransitions;
        long nextLog = OffPolicyTrainer.nextMultiple(transitions, logInterval);
        long nextCheckpoint = checkpoint == null ? Long.MAX_VALUE
            : OffPolicyTrainer.nextMultiple(transitions, checkpointInterval);
        while (transitions < end) {
            agent.setProgressRemaining(1.0 - (double) transitions / end);
            collect();
            agent.update();
            checkFinite();
            if (log != null && transitions >= nextLog) {
                log.accept(progress(start, begin));
                nextLog = OffPolicyTrainer.nextMultiple(transitions, logInterval);
            }
            if (transitions >= nextCheckpoint && transitions < end) {
                checkpoint.run();
                nextCheckpoint = OffPolicyTrainer.nextMultiple(transitions, checkpointInterval);
            }
        }
        Progress last = progress(start, begin);
        if (log != null) {
            log.accept(last);
        }
        return last;
    }

    /** Fills the rollout with one round of {@code nSteps} vectorized steps and computes its advantages. */
    public void collect() {
        rollout.reset();
        int steps = rollout.config().steps();
        for (int t = 0; t < steps; t++) {
            collectStep();
        }
        rollout.computeAdvantagesInPlace(policy.currentValues(), agent.gamma(), agent.gaeLambda());
    }

    /** Samples for every row, steps the env and stores the step: the hot path (allocates nothing). */
    public void collectStep() {
        policy.sample(buffers.actions());
        previousObservations.putBytes(0, buffers.observations(), 0, observationBytes);
        env.step();
        UnsafeBuffer truncationValues = null;
        for (int row = 0; row < rows; row++) {
            if (buffers.ended(row)) {
                episodes++;
                recentEpisodes++;
                recentRewardSum += env.episodes().totalReward(row);
                if (truncationValues == null && buffers.truncated(row) && !buffers.terminated(row)) {
                    truncationValues = policy.finalValues();
                }
            }
        }
        rollout.addStep(previousObservations, policy.actions(), policy.logProbs(), policy.values(),
            buffers.rewards(), buffers.terminated(), buffers.truncated(), truncationValues);
        transitions += rows;
    }

    /** As the off-policy loop: stops at the first update with a non-finite loss term or gradient norm. */
    private void checkFinite() {
        String fault = agent.nonFiniteTerm();
        if (fault != null) {
            throw NumericFault.at(agent.updates(), transitions, fault);
        }
    }

    private Progress progress(long startNanos, long begin) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double meanReward = recentEpisodes == 0 ? Double.NaN : recentRewardSum / recentEpisodes;
        recentEpisodes = 0;
        recentRewardSum = 0;
        return new Progress(transitions, agent.updates(), episodes, meanReward,
            agent.updates() == 0 ? null : agent.lastUpdate(), seconds > 0 ? (transitions - begin) / seconds : 0);
    }

    public long transitions() {
        return transitions;
    }

    /**
     * The loop's counters and the environment, taken between rollouts: with the agent's own
     * checkpoint, everything a restored trainer needs to continue (the rollout is refilled, and its
     * minibatch order is reseeded from the agent's update count before every update).
     */
    public void writeState(StateWriter out) {
        StateWriter trainer = out.prefixed("trainer.");
        trainer.longs("counters", transitions, episodes, recentEpisodes);
        trainer.doubles("recentRewardSum", recentRewardSum);
        env.writeState(out.prefixed("env."));
    }

    /** Restores what {@link #writeState} wrote, into a trainer built from the same agent and env config. */
    public void readState(StateReader in) {
        StateReader trainer = in.prefixed("trainer.");
        long[] counters = trainer.longs("counters", 3);
        if (counters[0] < 0 || counters[0] % rows != 0) {
            throw new UserInputException("run state: " + counters[0] + " transitions is not a whole number of steps of "
                + rows + " envs; the state belongs to another configuration");
        }
        env.readState(in.prefixed("env."));
        recentRewardSum = trainer.scalarDouble("recentRewardSum");
        transitions = counters[0];
        episodes = counters[1];
        recentEpisodes = counters[2];
    }

    @Override
    public void close() {
        policy.close();
    }
}
