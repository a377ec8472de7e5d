package io.rltrader.train;

import io.rltrader.agent.OffPolicyAgent;
import io.rltrader.env.StepBuffers;
import io.rltrader.env.VectorEnv;
import io.rltrader.memory.ActionSpec;
import io.rltrader.memory.PrioritizedReplayBuffer;
import io.rltrader.memory.ReplayBuffer;
import io.rltrader.memory.TransitionSink;
import io.rltrader.nn.Schedule;
import io.rltrader.util.OffHeap;
import io.rltrader.util.Rng;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-policy loop that connects a vectorized environment, a replay buffer and an off-policy
 * agent (value-based with discrete actions, or actor-critic with continuous ones), in CleanRL's
 * phases: act for all env copies, step, store the N transitions, and every {@code trainFrequency}
 * steps (after {@code learningStarts} transitions) sample and update {@code gradientSteps} times.
 * Steps are counted in transitions (vectorized steps times env rows), as Stable-Baselines3's
 * {@code total_timesteps}. As in Stable-Baselines3, agents with continuous actions act uniformly at
 * random in [-1, 1] until {@code learningStarts} transitions are stored (discrete agents explore
 * through their epsilon schedule instead). With prioritized replay, beta anneals to 1 over the sample
 * calls the run plans ({@link #plannedSamples}), as the PER paper anneals it by the end of learning.
 */
public final class OffPolicyTrainer implements AutoCloseable {
    /** A log line: counters, the mean return of recently finished episodes, the last loss. */
    public record Progress(long transitions, long updates, long episodes, double meanEpisodeReward, double loss,
                           double epsilon, double transitionsPerSecond) {
    }

    private final OffPolicyAgent agent;
    private final VectorEnv env;
    private final StepBuffers buffers;
    private final int rows;
    private final ReplayBuffer uniform;
    private final PrioritizedReplayBuffer prioritized;
    private final TransitionSink sink;
    private final UnsafeBuffer previousObservations;
    private final OffPolicyAgent.BoundPolicy policy;
    private final OffPolicyAgent.ReplaySettings settings;
    private final ActionSpec actionSpec;
    private final Rng warmUpRng;
    private long transitions;
    private long vectorSteps;
    private long episodes;
    private double recentRewardSum;
    private long recentEpisodes;
    /**
     * The loss a restored trainer shows until its agent updates again (the agent's own loss buffers
     * start empty after a load), and the update count it belongs to; -1 when nothing was restored.
     */
    private double restoredLoss = Double.NaN;
    private long restoredLossUpdate = -1;

    public OffPolicyTrainer(OffPolicyAgent agent, VectorEnv env) {
        this.agent = agent;
        this.env = env;
        this.buffers = env.buffers();
        this.rows = env.rows();
        this.actionSpec = agent.actionSpec();
        if (buffers.discreteActions() != actionSpec.discrete()) {
            throw new UserInputException(actionSpec.discrete()
                ? "this agent chooses discrete actions; the environment takes continuous ones"
                : "this agent outputs continuous actions; the environment takes discrete ones");
        }
        if (buffers.actionSize() != agent.actionCount()) {
            throw new UserInputException("environment has " + buffers.actionSize()
                + (actionSpec.discrete() ? " actions" : " action components") + ", the agent " + agent.actionCount());
        }
        if (buffers.observationSize() != agent.observationSize()) {
            throw new UserInputException("environment observations have " + buffers.observationSize()
                + " values, the agent expects " + agent.observationSize());
        }
        this.settings = agent.replaySettings();
        ReplayBuffer.Config replay = new ReplayBuffer.Config(settings.bufferSize(), rows, buffers.observationSize(),
            actionSpec, settings.nStep(), (float) settings.gamma(), Rng.deriveSeed(settings.seed(), 201));
        if (settings.prioritized()) {
            PrioritizedReplayBuffer.Config base = PrioritizedReplayBuffer.Config.of(replay);
            prioritized = new PrioritizedReplayBuffer(new PrioritizedReplayBuffer.Config(replay,
                (float) settings.priorityAlpha(), (float) settings.priorityBetaStart(), base.betaAnnealSamples(),
                base.epsilon()));
            uniform = null;
            sink = prioritized;
        } else {
            uniform = new ReplayBuffer(replay);
            prioritized = null;
            sink = uniform;
        }
        this.previousObservations = OffHeap.allocate((long) rows * buffers.observationSize() * Float.BYTES);
        this.warmUpRng = Rng.split(settings.seed(), 202);
        env.reset();
        this.policy = agent.policy(buffers.observations(), rows);
    }

    /**
     * Runs until {@code totalTransitions} more transitions have been collected, calling {@code log}
     * every {@code logInterval} transitions (and at the end) when it is not null.
     */
    public Progress run(long totalTransitions, long logInterval, Consumer<Progress> log) {
        return run(totalTransitions, logInterval, log, 0, null);
    }

    /**
     * As {@link #run(long, long, Consumer)}, and calls {@code checkpoint} each time the transition
     * count passes a multiple of {@code checkpointInterval} (0: never), at the end of a loop
     * iteration, where {@link #writeState} and the agent's checkpoint together capture the run.
     * Log lines and checkpoints fall on multiples of their intervals counted from the trainer's
     * first transition, and the exploration schedule and prioritized replay's beta annealing span
     * the trainer's whole life (its first transition to the end of this call), so a trainer restored
     * from a checkpoint and run to the same end repeats an uninterrupted run exactly. (As with
     * Stable-Baselines3's {@code learn(..., reset_num_timesteps=False)}, a second call that runs
     * further stretches both schedules to its own end.)
     */
    public Progress run(long totalTransitions, long logInterval, Consumer<Progress> log, long checkpointInterval,
                        Runnable checkpoint) {
        if (totalTransitions <= 0) {
            throw new UserInputException("training steps must be positive, got " + totalTransitions);
        }
        long end = transitions + totalTransitions;
        Schedule exploration = agent.explorationSchedule(end / rows);
        if (prioritized != null) {
            prioritized.annealBetaOver(Math.max(1, plannedSamples(end)));
        }
        long start = System.nanoTime();
        long begin = transitions;
        long nextLog = nextMultiple(transitions, logInterval);
        long nextCheckpoint = checkpoint == null ? Long.MAX_VALUE : nextMultiple(transitions, checkpointInterval);
        long lastLogged = -1;
        double epsilon = exploration.at(vectorSteps);
        int obsBytes = rows * buffers.observationSize() * Float.BYTES;
        while (transitions < end) {
            epsilon = exploration.at(vectorSteps);
            if (!actionSpec.discrete() && transitions < settings.learningStarts()) {
                uniformActions(buffers.actions());
            } else {
                policy.act(buffers.actions(), epsilon);
            }
            previousObservations.putBytes(0, buffers.observations(), 0, obsBytes);
            env.step();
            sink.addBatch(rows, previousObservations, buffers.actions(), buffers.rewards(), buffers.observations(),
                buffers.finalObservations(), buffers.terminated(), buffers.truncated());
            countEpisodes();
            transitions += rows;
            vectorSteps++;
            if (transitions >= settings.learningStarts() && vectorSteps % settings.trainFrequency() == 0
                && sink.store().size() >= settings.batchSize()) {
                for (int g = 0; g < settings.gradientSteps(); g++) {
                    if (prioritized != null) {
                        prioritized.sample(agent.batch());
                        agent.update();
                        prioritized.updatePriorities(agent.batch());
                    } else {
                        uniform.sample(agent.batch());
                        agent.update();
                    }
                    checkFinite();
                }
            }
            if (log != null && transitions >= nextLog) {
                log.accept(progress(epsilon, start, begin));
                lastLogged = transitions;
                nextLog = nextMultiple(transitions, logInterval);
            }
            if (transitions >= nextCheckpoint && transitions < end) {
                checkpoint.run();
                nextCheckpoint = nextMultiple(transitions, checkpointInterval);
            }
        }
        Progress last = progress(epsilon, start, begin);
        if (log != null && lastLogged < transitions) {
            log.accept(last);
        }
        return last;
    }

    /**
     * Stops at the first update with a non-finite loss term or gradient norm, naming the update and
     * the term: training on from a NaN would only spread it into every weight. On the CPU this reads
     * a few floats from host memory.
     */
    private void checkFinite() {
        String fault = agent.nonFiniteTerm();
        if (fault != null) {
            throw NumericFault.at(agent.updates(), transitions, fault);
        }
    }

    private void uniformActions(UnsafeBuffer actions) {
        int floats = rows * actionSpec.dim();
        for (int i = 0; i < floats; i++) {
            actions.putFloat(i * Float.BYTES, (float) (2 * warmUpRng.nextDouble() - 1));
        }
    }

    private void countEpisodes() {
        for (int row = 0; row < rows; row++) {
            if (buffers.ended(row)) {
                episodes++;
                recentEpisodes++;
                recentRewardSum += env.episodes().totalReward(row);
            }
        }
    }

    private Progress progress(double epsilon, long startNanos, long begin) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double meanReward = recentEpisodes == 0 ? Double.NaN : recentRewardSum / recentEpisodes;
        recentEpisodes = 0;
        recentRewardSum = 0;
        return new Progress(transitions, agent.updates(), episodes, meanReward, lastLoss(), epsilon,
            seconds > 0 ? (transitions - begin) / seconds : 0);
    }

    /**
     * The last update's loss, read when a line is logged rather than every update: some agents
     * (QR-DQN, IQN) compute the loss value only when asked.
     */
    private double lastLoss() {
        long updates = agent.updates();
        return updates == 0 ? Double.NaN : updates == restoredLossUpdate ? restoredLoss : agent.lastLoss();
    }

    /**
     * The sample calls of a run from the trainer's first transition until {@code end} transitions:
     * {@code gradientSteps} for each vector step {@code v} (counted from 1) that is a multiple of
     * {@code trainFrequency} once {@code v * rows} transitions reach both {@code learningStarts} and
     * the batch size (the store holds every step's transitions as they come, n-step or not, up to
     * its capacity: {@code run}'s condition exactly), or none where the store cannot hold a batch.
     */
    public long plannedSamples(long end) {
        if (sink.store().capacity() < settings.batchSize()) {
            return 0;
        }
        long vectorStepsAtEnd = (end + rows - 1) / rows;
        long threshold = Math.max(settings.learningStarts(), settings.batchSize());
        long firstStep = Math.max(1, (threshold + rows - 1) / rows);
        if (firstStep > vectorStepsAtEnd) {
            return 0;
        }
        long frequency = settings.trainFrequency();
        long trainingSteps = vectorStepsAtEnd / frequency - (firstStep - 1) / frequency;
        return trainingSteps * settings.gradientSteps();
    }

    /** The importance exponent prioritized replay's next sample will use; an error for uniform replay. */
    public double priorityBeta() {
        if (prioritized == null) {
            throw new IllegalStateException("this trainer replays uniformly: there is no priority beta");
        }
        return prioritized.beta();
    }

    /** The first multiple of {@code interval} above {@code count}; never for a non-positive interval. */
    static long nextMultiple(long count, long interval) {
        return interval > 0 ? (count / interval + 1) * interval : Long.MAX_VALUE;
    }

    /**
     * The loop's counters, the warm-up generator, the replay memory and the environment: with the
     * agent's own checkpoint, everything a restored trainer needs to continue exactly.
     */
    public void writeState(StateWriter out) {
        StateWriter trainer = out.prefixed("trainer.");
        trainer.longs("counters", transitions, vectorSteps, episodes, recentEpisodes);
        trainer.doubles("recentRewardSum", recentRewardSum);
        trainer.doubles("lastLoss", lastLoss());
        trainer.rng("warmUpRng", warmUpRng);
        sink.writeState(out.prefixed("replay."));
        env.writeState(out.prefixed("env."));
    }

    /** Restores what {@link #writeState} wrote, into a trainer built from the same agent and env config. */
    public void readState(StateReader in) {
        StateReader trainer = in.prefixed("trainer.");
        long[] counters = trainer.longs("counters", 4);
        if (counters[0] < 0 || counters[0] != counters[1] * rows) {
            throw new UserInputException("run state: " + counters[0] + " transitions after " + counters[1]
                + " steps of " + rows + " envs do not add up; the state belongs to another configuration");
        }
        sink.readState(in.prefixed("replay."));
        env.readState(in.prefixed("env."));
        trainer.rng("warmUpRng", warmUpRng);
        recentRewardSum = trainer.scalarDouble("recentRewardSum");
        restoredLoss = trainer.scalarDouble("lastLoss");
        restoredLossUpdate = agent.updates();
        transitions = counters[0];
        vectorSteps = counters[1];
        episodes = counters[2];
        recentEpisodes = counters[3];
    }

    public long transitions() {
        return transitions;
    }

    @Override
    public void close() {
        policy.close();
    }
}
