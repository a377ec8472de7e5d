package io.rltrader.env;

import io.rltrader.util.UserInputException;

/**
 * One environment stepped one action at a time, over a {@link VectorEnv} of a single copy: the
 * same mechanics and numbers as the vectorized kinds, with heap arrays for callers that do not
 * want off-heap buffers. Arrays returned are reused by the next call.
 *
 * <pre>
 * TradingEnv env = new TradingEnv(new DiscreteTradingEnv(asset, features, DiscreteTradingEnv.Config.tutorial(1)));
 * float[] observation = env.reset();
 * StepResult result = env.step(DiscreteTradingEnv.BUY);
 * </pre>
 */
public final class TradingEnv {
    private final VectorEnv env;
    private final StepBuffers buffers;
    private final int agents;
    private final int assets;
    private final int observationSize;
    private final StepResult result;

    public TradingEnv(VectorEnv env) {
        if (env.envs() != 1) {
            throw new UserInputException("a single TradingEnv wraps a vectorized env of envs = 1, got envs = "
                + env.envs());
        }
        this.env = env;
        this.buffers = env.buffers();
        this.agents = env.agents();
        this.assets = env.assets();
        this.observationSize = env.observationSize();
        this.result = new StepResult(agents, assets, observationSize);
    }

    public VectorEnv vectorEnv() {
        return env;
    }

    public int observationSize() {
        return observationSize;
    }

    /** Starts an episode; returns its first observation (agents x observationSize, reused). */
    public float[] reset() {
        env.reset();
        copyObservations(false);
        return result.observation;
    }

    /** Discrete kinds with one agent: {@code SELL}, {@code HOLD} or {@code BUY}. */
    public StepResult step(int action) {
        requireDiscrete(1);
        buffers.putDiscreteAction(0, action);
        return advance();
    }

    /** Multi-agent: one discrete action per agent. */
    public StepResult step(int[] actions) {
        requireDiscrete(actions.length);
        for (int m = 0; m < agents; m++) {
            buffers.putDiscreteAction(m, actions[m]);
        }
        return advance();
    }

    /** Continuous kinds: {@code buffers().actionSize()} floats. */
    public StepResult step(float[] action) {
        if (buffers.discreteActions()) {
            throw new UserInputException("this env takes a discrete action (0 sell, 1 hold, 2 buy), not floats");
        }
        if (action.length != buffers.actionSize()) {
            throw new UserInputException("action has " + action.length + " values, this env expects "
                + buffers.actionSize());
        }
        for (int j = 0; j < action.length; j++) {
            buffers.putContinuousAction(0, j, action[j]);
        }
        return advance();
    }

    private void requireDiscrete(int actions) {
        if (!buffers.discreteActions()) {
            throw new UserInputException("this env takes " + buffers.actionSize() + " float action values,"
                + " not a discrete action");
        }
        if (actions != agents) {
            throw new UserInputException("this env has " + agents + " agents, got " + actions + " actions");
        }
    }

    private StepResult advance() {
        env.step();
        boolean ended = buffers.ended(0);
        result.terminated = buffers.terminated(0);
        result.truncated = buffers.truncated(0);
        Accounts accounts = env.accounts();
        EpisodeStats episodes = env.episodes();
        for (int m = 0; m < agents; m++) {
            result.rewards[m] = buffers.reward(m);
            if (ended) {
                result.equity[m] = episodes.finalEquity(m);
                result.cash[m] = episodes.finalCash(m);
                result.fees[m] = episodes.fees(m);
                result.trades[m] = episodes.trades(m);
                for (int k = 0; k < assets; k++) {
                    result.shares[m * assets + k] = episodes.finalShares(m, k);
                }
            } else {
                result.equity[m] = accounts.equity(m);
                result.cash[m] = accounts.cash(m);
                result.fees[m] = accounts.fees(m);
                result.trades[m] = accounts.trades(m);
                for (int k = 0; k < assets; k++) {
                    result.shares[m * assets + k] = accounts.shares(m, k);
                }
            }
        }
        copyObservations(ended);
        return result;
    }

    private void copyObservations(boolean ended) {
        for (int m = 0; m < agents; m++) {
            for (int j = 0; j < observationSize; j++) {
                result.observation[m * observationSize + j] = buffers.observation(m, j);
                if (ended) {
                    result.finalObservation[m * observationSize + j] = buffers.finalObservation(m, j);
                }
            }
        }
    }
}
