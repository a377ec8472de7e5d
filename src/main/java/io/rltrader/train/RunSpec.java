package io.rltrader.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.util.UserInputException;
import java.util.List;
import java.util.Locale;

/**
 * Everything a training run is made of, resolved: data and split, features, environment, market,
 * agent and its settings, budget and seed. Written as the run directory's {@code config.json} and
 * read back by evaluate, so that a checkpoint is always tested on the features and market it was
 * trained on.
 *
 * @param agent          agent name (see {@code Agents.names()})
 * @param env            environment kind: discrete (target positions short/flat/long) for the
 *                       value-based agents, continuous (target fraction of equity) for SAC and TD3
 * @param data           data source (file or builtin:NAME), or null for a synthetic series
 * @param synthetic      synthetic series kind (gbm, ou, sine, regime), or null
 * @param syntheticBars  bars of the synthetic series
 * @param asset          traded asset name, or null for the first
 * @param trainFraction  first fraction of rows used for training; the rest is the held-out test part
 * @param features       causal features of the observation (see {@link FeatureMatrix})
 * @param window         feature rows per observation
 * @param episodeLength  steps per training episode (random starts), 0 for whole-split episodes
 * @param reward         log-return or pnl
 * @param rewardScale    multiplier of the reward
 * @param cost           proportional fee
 * @param slippageBps    slippage in basis points
 * @param fill           close or next-open
 * @param allowShort     whether the short action opens a short position (else it goes flat)
 * @param initialCash    starting cash
 * @param steps          transitions to collect
 * @param envs           environment copies stepped together
 * @param seed           run seed
 * @param device         cpu, cuda or cuda:N
 * @param logInterval    transitions between train.jsonl lines
 * @param checkpointInterval transitions between checkpoints of the whole run (0 when given:
 *                       a tenth of the steps, at least one log interval)
 * @param settings       the agent's resolved settings
 */
public record RunSpec(String agent, String env, String data, String synthetic, int syntheticBars, String asset, double trainFraction,
                      List<String> features, int window, int episodeLength, String reward, double rewardScale,
                      double cost, double slippageBps, String fill, boolean allowShort, double initialCash, long steps,
                      int envs, long seed, String device, long logInterval, long checkpointInterval,
                      ObjectNode settings) {

    public RunSpec {
        if (!"discrete".equals(env) && !"continuous".equals(env)) {
            throw new UserInputException("--env '" + env + "': expected discrete or continuous");
        }
        if ((data == null) == (synthetic == null)) {
            throw new UserInputException("give exactly one of --data FILE and --synthetic KIND");
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new UserInputException("--train-fraction " + trainFraction + ": expected a number in (0, 1)");
        }
        if (features == null || features.isEmpty()) {
            throw new UserInputException("--features: at least one feature is needed");
        }
        if (window < 1) {
            throw new UserInputException("--window " + window + ": expected >= 1 bar");
        }
        if (episodeLength < 0) {
            throw new UserInputException("--episode-length " + episodeLength + ": expected >= 0 (0: whole split)");
        }
        String r = reward.toLowerCase(Locale.ROOT);
        if (!r.equals("log-return") && !r.equals("pnl")) {
            throw new UserInputException("--reward '" + reward + "': expected log-return or pnl");
        }
        if (!(rewardScale > 0) || !Double.isFinite(rewardScale)) {
            throw new UserInputException("--reward-scale " + rewardScale + ": expected a number > 0");
        }
        if (steps <= 0) {
            throw new UserInputException("--steps " + steps + ": expected a positive number of transitions");
        }
        if (envs < 1 || envs > 65_536) {
            throw new UserInputException("--envs " + envs + ": expected 1 to 65536 environment copies");
        }
        if (logInterval <= 0) {
            throw new UserInputException("--log-interval " + logInterval + ": expected a positive number of transitions");
        }
        if (checkpointInterval < 0) {
            throw new UserInputException("--checkpoint-interval " + checkpointInterval
                + ": expected a positive number of transitions (0: a tenth of the run)");
        }
        if (checkpointInterval == 0) {
            checkpointInterval = Math.max(logInterval, (steps + 9) / 10);
        }
        if (syntheticBars < 100) {
            throw new UserInputException("--bars " + syntheticBars + ": expected at least 100 bars");
        }
    }

    public JsonNode settingsJson() {
        return settings;
    }
}
