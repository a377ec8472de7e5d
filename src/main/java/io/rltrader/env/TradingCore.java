package io.rltrader.env;

import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.RowRange;
import io.rltrader.util.Rng;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.util.List;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The mechanics every environment kind shares: price data, episode clocks with random starts and
 * auto-reset, accounts, rewards, observations and the step buffers. A kind maps its actions to
 * orders ({@link Accounts#trade}) for every env i at the prices of {@link #referencePrice}, then
 * calls {@link #finishStep()}, which moves every env to its next bar and writes the outputs.
 *
 * <p>Timeline of one step of env i at decision bar t (the observation showed feature rows up to t):
 * orders fill at the close of t or the open of t+1; the accounts are marked at the close of t+1;
 * the reward compares that equity with the equity marked at the close of t; the next observation is
 * for bar t+1. Nothing written for bar t reads data of a later bar.
 */
final class TradingCore {
    private static final int REWARD_PNL = 0;
    private static final int REWARD_LOG_RETURN = 1;
    private static final int REWARD_DIFFERENTIAL_SHARPE = 2;
    private static final int REWARD_TUTORIAL = 3;
    /** Observation blocks up to this size are copied with a loop of 8-byte moves instead of copyMemory. */
    private static final int SMALL_COPY_BYTES = 128;

    final int envs;
    final int agents;
    final int rows;
    final int assets;
    final int observationSize;
    private final int window;
    private final int featureBlockBytes;
    private final int featureRowBytes;
    private final int accountStateIndex;
    private final int dataRows;
    private final int firstDecisionRow;
    private final int lastRow;
    private final int episodeLength;
    /**
     * One asset and one agent (the discrete and continuous kinds): every env has one account, row ==
     * env. finishStep then takes loops without the inner loops over agents and assets, whose unknown
     * trip count of 1 cost more per env than the work inside them.
     */
    private final boolean oneAccountPerEnv;

    /** Closing price of asset k at bar t at index {@code t * assets + k}. */
    private final double[] closePrices;
    /** Reference price of an order decided at bar t (close of t, or open of t+1), same indexing. */
    private final double[] fillPrices;
    private final UnsafeBuffer[] featureBuffers;

    private final int[] cursor;
    private final int[] steps;
    private final double[] priceFactor;
    private final Rng[] rngs;

    private final int rewardKind;
    private final double rewardScale;
    private final double eta;
    private final double positionPenalty;
    /**
     * Equity at or below this (1e-12 of the initial cash) counts as gone: the log-return reward floors
     * at it, the differential Sharpe ratio divides by no less, and the account state's ratios over
     * equity are 0, so that a nearly empty account cannot divide a finite value into infinity.
     */
    private final double logFloor;
    private final double ruinEquity;
    private final double[] rewardSum;
    private final double[] sharpeMean;
    private final double[] sharpeSecondMoment;

    private final boolean limitEncoding;
    private final double inverseLimit;
    private final double inverseTimeScale;
    private final double inverseInitialCash;

    private final String[] assetNames;

    final Accounts accounts;
    final EpisodeStats episodes;
    final StepBuffers buffers;
    private final UnsafeBuffer observations;
    private final UnsafeBuffer finalObservations;
    private final UnsafeBuffer rewards;
    private final UnsafeBuffer terminated;
    private final UnsafeBuffer truncated;
    /*
     * The hot loops write through raw addresses rather than UnsafeBuffer accessors: an accessor's
     * store has an unknown base object, so the JIT must assume it may alias any heap array and
     * reloads the accounting arrays after every store. Every offset used is in range by
     * construction (rows < buffers.rows(), decision bars in [firstDecisionRow, lastRow], both
     * checked below against the buffers' capacities), and the UnsafeBuffer fields above keep the
     * memory reachable for as long as this object lives.
     */
    private final long observationsAddress;
    private final long finalObservationsAddress;
    private final long rewardsAddress;
    private final long terminatedAddress;
    private final long truncatedAddress;
    private final long[] featureAddresses;

    TradingCore(List<MarketData.Asset> assetList, List<FeatureMatrix> featureList, EnvConfig env,
                MarketConfig market, int agents, int actionSize, boolean discreteActions) {
        if (assetList.isEmpty()) {
            throw new UserInputException("at least one asset is needed");
        }
        if (featureList.size() != assetList.size()) {
            throw new UserInputException("feature matrices: expected one per asset (" + assetList.size()
                + " assets), got " + featureList.size());
        }
        this.envs = env.envs();
        this.agents = agents;
        this.rows = envs * agents;
        this.assets = assetList.size();
        this.window = env.window();
        this.dataRows = assetList.get(0).price().length();
        int width = featureList.get(0).width();
        int firstValid = 0;
        for (int k = 0; k < assets; k++) {
            MarketData.Asset asset = assetList.get(k);
            FeatureMatrix features = featureList.get(k);
            if (asset.price().length() != dataRows) {
                throw new UserInputException("asset " + asset.name() + " has " + asset.price().length()
                    + " rows, asset " + assetList.get(0).name() + " has " + dataRows + "; assets must share bars");
            }
            if (features.rows() != dataRows) {
                throw new UserInputException("feature matrix of asset " + asset.name() + " has " + features.rows()
                    + " rows, expected " + dataRows + " (one per bar of the data)");
            }
            if (features.width() != width) {
                throw new UserInputException("feature matrix of asset " + asset.name() + " has " + features.width()
                    + " features, expected " + width + " like asset " + assetList.get(0).name());
            }
            firstValid = Math.max(firstValid, features.firstValidRow());
        }
        if (window > dataRows) {
            throw new UserInputException("window " + window + " is longer than the data (" + dataRows
                + " rows of " + assetList.get(0).name() + ")");
        }
        RowRange range = env.rows() == null ? new RowRange(0, dataRows) : env.rows();
        if (range.end() > dataRows) {
            throw new UserInputException("rows " + range + " exceed the data (" + dataRows + " rows)");
        }
        this.firstDecisionRow = Math.max(range.start(), firstValid + window - 1);
        this.lastRow = range.end() - 1;
        int usableSteps = lastRow - firstDecisionRow;
        if (usableSteps < 1) {
            throw new UserInputException("window " + window + ": no bar can be stepped in rows " + range
                + " (the first decision bar would be " + firstDecisionRow + " after " + firstValid
                + " rows of feature warm-up; the last bar is " + lastRow + ")");
        }
        this.episodeLength = env.episodeLength();
        this.oneAccountPerEnv = assets == 1 && agents == 1;
        if (episodeLength > usableSteps) {
            throw new UserInputException("episodeLength " + episodeLength + " is longer than the " + usableSteps
                + " steps the rows allow (decision bars " + firstDecisionRow + ".." + (lastRow - 1) + ")");
        }
        if (env.positionEncoding() == EnvConfig.PositionEncoding.LIMIT_FRACTION
            && Double.isInfinite(market.maxPosition())) {
            throw new UserInputException("positionEncoding LIMIT_FRACTION needs a finite market maxPosition");
        }

        this.closePrices = new double[dataRows * assets];
        this.fillPrices = new double[dataRows * assets];
        for (int k = 0; k < assets; k++) {
            MarketData.Asset asset = assetList.get(k);
            for (int t = 0; t < dataRows; t++) {
                closePrices[t * assets + k] = asset.price().get(t);
                fillPrices[t * assets + k] = market.fill() == MarketConfig.Fill.CLOSE ? asset.price().get(t)
                    : t + 1 < dataRows ? asset.openOrPreviousPrice(t + 1) : Double.NaN;
            }
        }
        this.assetNames = new String[assets];
        for (int k = 0; k < assets; k++) {
            assetNames[k] = assetList.get(k).name();
        }
        this.featureBuffers = new UnsafeBuffer[assets];
        for (int k = 0; k < assets; k++) {
            featureBuffers[k] = featureList.get(k).buffer();
        }
        this.featureRowBytes = width * Float.BYTES;
        this.featureBlockBytes = window * featureRowBytes;
        this.accountStateIndex = assets * window * width;
        this.observationSize = accountStateIndex + AccountStateDescriptor.length(assets);

        this.cursor = new int[envs];
        this.steps = new int[envs];
        this.priceFactor = new double[envs];
        this.rngs = new Rng[envs];
        for (int i = 0; i < envs; i++) {
            rngs[i] = Rng.split(env.seed(), env.streamOffset() + i);
            priceFactor[i] = 1;
        }

        RewardConfig reward = env.reward();
        this.rewardKind = switch (reward.kind()) {
            case PNL -> REWARD_PNL;
            case LOG_RETURN -> REWARD_LOG_RETURN;
            case DIFFERENTIAL_SHARPE -> REWARD_DIFFERENTIAL_SHARPE;
            case TUTORIAL -> REWARD_TUTORIAL;
        };
        this.rewardScale = reward.scale();
        this.eta = reward.eta();
        this.positionPenalty = reward.positionPenalty();
        this.logFloor = 1e-12 * market.initialCash();
        this.ruinEquity = market.ruinFraction() * market.initialCash();
        this.rewardSum = new double[rows];
        this.sharpeMean = new double[rows];
        this.sharpeSecondMoment = new double[rows];

        this.limitEncoding = env.positionEncoding() == EnvConfig.PositionEncoding.LIMIT_FRACTION;
        this.inverseLimit = 1 / market.maxPosition();
        this.inverseTimeScale = 1 / env.timeScale();
        this.inverseInitialCash = 1 / market.initialCash();

        this.accounts = new Accounts(rows, assets, market);
        this.episodes = new EpisodeStats(rows, assets, market.initialCash());
        this.buffers = new StepBuffers(rows, observationSize, actionSize, discreteActions);
        this.observations = buffers.observations();
        this.finalObservations = buffers.finalObservations();
        this.rewards = buffers.rewards();
        this.terminated = buffers.terminated();
        this.truncated = buffers.truncated();
        long featureBytesNeeded = (long) dataRows * featureRowBytes;
        for (UnsafeBuffer features : featureBuffers) {
            if (features.capacity() < featureBytesNeeded || firstDecisionRow - window + 1 < 0) {
                throw new IllegalStateException("feature memory of " + features.capacity() + " bytes cannot hold "
                    + dataRows + " rows of " + featureRowBytes + " bytes");
            }
        }
        if (observations.capacity() != (long) rows * observationSize * Float.BYTES
            || rewards.capacity() != (long) rows * Float.BYTES || terminated.capacity() != rows
            || truncated.capacity() != rows) {
            throw new IllegalStateException("step buffers do not match " + rows + " rows of " + observationSize);
        }
        this.observationsAddress = observations.addressOffset();
        this.finalObservationsAddress = finalObservations.addressOffset();
        this.rewardsAddress = rewards.addressOffset();
        this.terminatedAddress = terminated.addressOffset();
        this.truncatedAddress = truncated.addressOffset();
        this.featureAddresses = new long[assets];
        for (int k = 0; k < assets; k++) {
            featureAddresses[k] = featureBuffers[k].addressOffset();
        }
    }

    /** Starts a new episode in every env and writes the first observations; clears rewards and flags. */
    void reset() {
        float observationProbe = 0f;
        for (int i = 0; i < envs; i++) {
            startEpisode(i);
            for (int m = 0; m < agents; m++) {
                int row = i * agents + m;
                observationProbe += writeObservation(row, i, observationsAddress);
                rewards.putFloat(StepBuffersDescriptor.rewardOffset(row), 0f);
                terminated.putByte(StepBuffersDescriptor.flagOffset(row), StepBuffersDescriptor.FALSE);
                truncated.putByte(StepBuffersDescriptor.flagOffset(row), StepBuffersDescriptor.FALSE);
            }
        }
        if (observationProbe != 0f) {
            throw nonFiniteAccountState(observations, "observation");
        }
    }

    /** Reference price (before slippage and impact) of an order of env i on asset k at its decision bar. */
    double referencePrice(int env, int asset) {
        return fillPrices[cursor[env] * assets + asset] * priceFactor[env];
    }

    /** Equity of an account valued at the reference prices of its env's decision bar (for order sizing). */
    double equityAtReference(int account, int env) {
        return accounts.equityAt(account, fillPrices, cursor[env] * assets, priceFactor[env]);
    }

    /** Multi-agent permanent impact: scales every later price of env i by {@code factor}. */
    void scalePrices(int env, double factor) {
        priceFactor[env] *= factor;
    }

    /**
     * After the orders of every env at its bar t: moves all envs to bar t+1, marks, pays rewards,
     * sets the flags, auto-resets ended episodes (keeping their final observations and statistics)
     * and writes every observation. Each phase is one tight loop over the structure-of-arrays state.
     *
     * <p>Every reward and account-state value written is checked to be finite at the bar where it
     * arises (features were checked when the feature matrix was built): each loop sums {@code v - v}
     * over what it writes, which is 0 unless a value is infinite or NaN, and tests the sum once per
     * step. Only then does it look for the culprit and throw a {@link UserInputException}.
     */
    void finishStep() {
        int ended = oneAccountPerEnv ? markAndRewardOneAccount() : markAndReward();
        if (ended > 0) {
            resetEnded();
        }
        if (oneAccountPerEnv) {
            writeObservationsOneAccount();
        } else {
            writeObservations();
        }
    }

    /** {@link #markAndReward()} for one asset and one agent: the same arithmetic in the same order. */
    private int markAndRewardOneAccount() {
        int ended = 0;
        float rewardProbe = 0f;
        for (int env = 0; env < envs; env++) {
            int bar = cursor[env] + 1;
            cursor[env] = bar;
            int stepsTaken = ++steps[env];
            double before = accounts.equity(env);
            double after = accounts.markOneAsset(env, closePrices[bar], priceFactor[env]);
            float reward = (float) (reward(env, before, after) * rewardScale);
            UnsafeApi.putFloat(rewardsAddress + StepBuffersDescriptor.rewardOffset(env), reward);
            rewardSum[env] += reward;
            rewardProbe += reward - reward;
            boolean isTerminated = after <= ruinEquity || bar == lastRow;
            boolean isTruncated = stepsTaken == episodeLength;
            UnsafeApi.putByte(terminatedAddress + StepBuffersDescriptor.flagOffset(env),
                isTerminated ? StepBuffersDescriptor.TRUE : StepBuffersDescriptor.FALSE);
            UnsafeApi.putByte(truncatedAddress + StepBuffersDescriptor.flagOffset(env),
                isTruncated ? StepBuffersDescriptor.TRUE : StepBuffersDescriptor.FALSE);
            if (isTerminated || isTruncated) {
                ended++;
            }
        }
        if (rewardProbe != 0f) {
            throw nonFiniteReward();
        }
        return ended;
    }

    /** {@link #writeObservations()} for one asset and one agent: the same values. */
    private void writeObservationsOneAccount() {
        float observationProbe = 0f;
        long featureAddress = featureAddresses[0];
        for (int env = 0; env < envs; env++) {
            long rowAddress = observationsAddress + StepBuffersDescriptor.observationOffset(env, observationSize, 0);
            copyBlock(featureAddress + (long) (cursor[env] - window + 1) * featureRowBytes, rowAddress,
                featureBlockBytes);
            observationProbe += writeAccountStateOneAsset(env, rowAddress + (long) accountStateIndex * Float.BYTES);
        }
        if (observationProbe != 0f) {
            throw nonFiniteAccountState(observations, "observation");
        }
    }

    /** {@link #writeAccountState} for one asset (row == env): the same arithmetic in the same order. */
    private float writeAccountStateOneAsset(int env, long stateAddress) {
        double equity = accounts.equity(env);
        double inverseEquity = equity > logFloor ? 1 / equity : 0;
        double held = accounts.shares(env, 0);
        double price = closePrices[cursor[env]] * priceFactor[env];
        // a sum from 0 as in the general loop, so a product of -0.0 still reads +0.0
        double unrealized = 0;
        unrealized += held * (price - accounts.entryPrice(env, 0));
        float position = (float) (limitEncoding ? held * inverseLimit : held * price * inverseEquity);
        float cashFraction = (float) (accounts.cash(env) * inverseEquity);
        float unrealizedFraction = (float) (unrealized * inverseInitialCash);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.positionIndex(0) * Float.BYTES, position);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.cashFractionIndex(1) * Float.BYTES,
            cashFraction);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.unrealizedPnlIndex(1) * Float.BYTES,
            unrealizedFraction);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.timeInPositionIndex(1) * Float.BYTES,
            (float) (accounts.barsInPosition(env) * inverseTimeScale));
        return (position - position) + (cashFraction - cashFraction) + (unrealizedFraction - unrealizedFraction);
    }

    /** Advances every env one bar, marks its accounts, writes rewards and flags; returns the rows that ended. */
    private int markAndReward() {
        int ended = 0;
        float rewardProbe = 0f;
        for (int env = 0; env < envs; env++) {
            int bar = cursor[env] + 1;
            cursor[env] = bar;
            int stepsTaken = ++steps[env];
            int base = bar * assets;
            double factor = priceFactor[env];
            int firstRow = env * agents;
            int endRow = firstRow + agents;
            boolean ruined = false;
            for (int row = firstRow; row < endRow; row++) {
                double before = accounts.equity(row);
                double after = accounts.mark(row, closePrices, base, factor);
                float reward = (float) (reward(row, before, after) * rewardScale);
                UnsafeApi.putFloat(rewardsAddress + StepBuffersDescriptor.rewardOffset(row), reward);
                rewardSum[row] += reward;
                rewardProbe += reward - reward;
                ruined |= after <= ruinEquity;
            }
            boolean isTerminated = ruined || bar == lastRow;
            boolean isTruncated = stepsTaken == episodeLength;
            byte terminatedFlag = isTerminated ? StepBuffersDescriptor.TRUE : StepBuffersDescriptor.FALSE;
            byte truncatedFlag = isTruncated ? StepBuffersDescriptor.TRUE : StepBuffersDescriptor.FALSE;
            for (int row = firstRow; row < endRow; row++) {
                UnsafeApi.putByte(terminatedAddress + StepBuffersDescriptor.flagOffset(row), terminatedFlag);
                UnsafeApi.putByte(truncatedAddress + StepBuffersDescriptor.flagOffset(row), truncatedFlag);
            }
            if (isTerminated || isTruncated) {
                ended++;
            }
        }
        if (rewardProbe != 0f) {
            throw nonFiniteReward();
        }
        return ended;
    }

    /** The rare path: final observations and statistics of ended episodes, then new episodes. */
    private void resetEnded() {
        float observationProbe = 0f;
        for (int env = 0; env < envs; env++) {
            int firstRow = env * agents;
            boolean isTerminated = terminated.getByte(StepBuffersDescriptor.flagOffset(firstRow)) != 0;
            if (!isTerminated && truncated.getByte(StepBuffersDescriptor.flagOffset(firstRow)) == 0) {
                continue;
            }
            for (int row = firstRow; row < firstRow + agents; row++) {
                observationProbe += writeObservation(row, env, finalObservationsAddress);
                episodes.record(row, accounts, steps[env], rewardSum[row], isTerminated);
            }
            if (observationProbe != 0f) {
                throw nonFiniteAccountState(finalObservations, "final observation");
            }
            startEpisode(env);
        }
    }

    private void writeObservations() {
        float observationProbe = 0f;
        for (int env = 0; env < envs; env++) {
            int firstRow = env * agents;
            for (int row = firstRow; row < firstRow + agents; row++) {
                observationProbe += writeObservation(row, env, observationsAddress);
            }
        }
        if (observationProbe != 0f) {
            throw nonFiniteAccountState(observations, "observation");
        }
    }

    private double reward(int row, double before, double after) {
        switch (rewardKind) {
            case REWARD_PNL:
                return after - before;
            case REWARD_LOG_RETURN:
                return Math.log(Math.max(after, logFloor) / Math.max(before, logFloor));
            case REWARD_DIFFERENTIAL_SHARPE: {
                double r = after / Math.max(before, logFloor) - 1;
                double mean = sharpeMean[row];
                double second = sharpeSecondMoment[row];
                double dMean = r - mean;
                double dSecond = r * r - second;
                double variance = second - mean * mean;
                sharpeMean[row] = mean + eta * dMean;
                sharpeSecondMoment[row] = second + eta * dSecond;
                return variance > 0 ? (second * dMean - 0.5 * mean * dSecond) / (variance * Math.sqrt(variance)) : 0;
            }
            default: {
                double held = 0;
                for (int k = 0; k < assets; k++) {
                    held += Math.abs(accounts.shares(row, k));
                }
                return after - before - positionPenalty * held;
            }
        }
    }

    private void startEpisode(int env) {
        int start = episodeLength == 0 ? firstDecisionRow
            : firstDecisionRow + rngs[env].nextInt(lastRow - episodeLength - firstDecisionRow + 1);
        cursor[env] = start;
        steps[env] = 0;
        priceFactor[env] = 1;
        for (int row = env * agents; row < (env + 1) * agents; row++) {
            accounts.reset(row);
            rewardSum[row] = 0;
            sharpeMean[row] = 0;
            sharpeSecondMoment[row] = 0;
        }
    }

    /**
     * Feature windows of rows t-W+1..t of every asset, then the account state at the close of t;
     * returns 0, or NaN when an account-state value is not finite.
     */
    private float writeObservation(int row, int env, long targetAddress) {
        long rowAddress = targetAddress + StepBuffersDescriptor.observationOffset(row, observationSize, 0);
        writeFeatures(env, rowAddress);
        return writeAccountState(row, env, rowAddress + (long) accountStateIndex * Float.BYTES);
    }

    private void writeFeatures(int env, long rowAddress) {
        long sourceOffset = (long) (cursor[env] - window + 1) * featureRowBytes;
        for (int k = 0; k < assets; k++) {
            copyBlock(featureAddresses[k] + sourceOffset, rowAddress + (long) k * featureBlockBytes, featureBlockBytes);
        }
    }

    /** Writes the account state; returns the sum of {@code v - v} over its values: 0, or NaN if one is not finite. */
    private float writeAccountState(int row, int env, long stateAddress) {
        double equity = accounts.equity(row);
        double inverseEquity = equity > logFloor ? 1 / equity : 0;
        double factor = priceFactor[env];
        int base = cursor[env] * assets;
        double unrealized = 0;
        float probe = 0f;
        for (int k = 0; k < assets; k++) {
            double held = accounts.shares(row, k);
            double price = closePrices[base + k] * factor;
            unrealized += held * (price - accounts.entryPrice(row, k));
            float position = (float) (limitEncoding ? held * inverseLimit : held * price * inverseEquity);
            UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.positionIndex(k) * Float.BYTES, position);
            probe += position - position;
        }
        float cashFraction = (float) (accounts.cash(row) * inverseEquity);
        float unrealizedFraction = (float) (unrealized * inverseInitialCash);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.cashFractionIndex(assets) * Float.BYTES,
            cashFraction);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.unrealizedPnlIndex(assets) * Float.BYTES,
            unrealizedFraction);
        UnsafeApi.putFloat(stateAddress + (long) AccountStateDescriptor.timeInPositionIndex(assets) * Float.BYTES,
            (float) (accounts.barsInPosition(row) * inverseTimeScale));
        return probe + (cashFraction - cashFraction) + (unrealizedFraction - unrealizedFraction);
    }

    /** The rare path: the first row whose reward is not finite, as a one-line error naming the bar. */
    private UserInputException nonFiniteReward() {
        for (int row = 0; row < rows; row++) {
            float reward = rewards.getFloat(StepBuffersDescriptor.rewardOffset(row));
            if (!Float.isFinite(reward)) {
                int env = row / agents;
                return new UserInputException("env row " + row + ": the reward for the step to bar " + cursor[env]
                    + " is " + reward + " (" + rewardKindName() + ", scale " + rewardScale + "; equity after the step "
                    + accounts.equity(row) + ", " + positions(row, env) + "); check the prices near bar "
                    + cursor[env] + " and the market and reward settings");
            }
        }
        return new UserInputException("a reward is not finite (the row could not be found again)");
    }

    /** The rare path: the first non-finite account-state value in {@code target}, as a one-line error. */
    private UserInputException nonFiniteAccountState(UnsafeBuffer target, String what) {
        String[] names = new String[AccountStateDescriptor.length(assets)];
        for (int k = 0; k < assets; k++) {
            names[AccountStateDescriptor.positionIndex(k)] = limitEncoding ? "position of " + assetNames[k]
                + " / position limit" : "position value of " + assetNames[k] + " / equity";
        }
        names[AccountStateDescriptor.cashFractionIndex(assets)] = "cash / equity";
        names[AccountStateDescriptor.unrealizedPnlIndex(assets)] = "unrealized PnL / initial cash";
        names[AccountStateDescriptor.timeInPositionIndex(assets)] = "bars in position / time scale";
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < names.length; j++) {
                float value = target.getFloat(StepBuffersDescriptor.observationOffset(row, observationSize,
                    accountStateIndex + j));
                if (!Float.isFinite(value)) {
                    int env = row / agents;
                    return new UserInputException("env row " + row + ": " + what + " at bar " + cursor[env]
                        + ": account state '" + names[j] + "' is " + value + " (cash " + accounts.cash(row)
                        + ", equity " + accounts.equity(row) + ", " + positions(row, env) + "), beyond float32;"
                        + " check the prices near bar " + cursor[env] + " and the market's position limit");
                }
            }
        }
        return new UserInputException("an account-state value is not finite (the row could not be found again)");
    }

    private String positions(int row, int env) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < assets; k++) {
            out.append(k == 0 ? "" : ", ").append(assetNames[k]).append(": ").append(accounts.shares(row, k))
                .append(" shares at close ").append(closePrices[cursor[env] * assets + k] * priceFactor[env])
                .append(", entry ").append(accounts.entryPrice(row, k));
        }
        return out.toString();
    }

    private String rewardKindName() {
        return switch (rewardKind) {
            case REWARD_PNL -> "PNL";
            case REWARD_LOG_RETURN -> "LOG_RETURN";
            case REWARD_DIFFERENTIAL_SHARPE -> "DIFFERENTIAL_SHARPE";
            default -> "TUTORIAL";
        };
    }

    private static void copyBlock(long source, long target, int bytes) {
        if (bytes > SMALL_COPY_BYTES) {
            UnsafeApi.copyMemory(source, target, bytes);
            return;
        }
        int i = 0;
        for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
            UnsafeApi.putLong(target + i, UnsafeApi.getLong(source + i));
        }
        if (i < bytes) {
            UnsafeApi.putInt(target + i, UnsafeApi.getInt(source + i));
        }
    }

    int decisionRow(int env) {
        return cursor[env];
    }

    int stepsInEpisode(int env) {
        return steps[env];
    }

    int firstDecisionRow() {
        return firstDecisionRow;
    }

    int lastRow() {
        return lastRow;
    }

    double priceFactor(int env) {
        return priceFactor[env];
    }

    /**
     * Everything that changes as the envs step: clocks, episode generators, reward accumulators,
     * accounts, episode statistics and the step buffers (the observations the next actions are
     * chosen from). Prices and features are not state: they come from the same data and config.
     */
    void writeState(StateWriter out) {
        out.ints("cursor", cursor);
        out.ints("steps", steps);
        out.doubles("priceFactor", priceFactor);
        for (int i = 0; i < envs; i++) {
            out.rng("rng." + i, rngs[i]);
        }
        out.doubles("rewardSum", rewardSum);
        out.doubles("sharpeMean", sharpeMean);
        out.doubles("sharpeSecondMoment", sharpeSecondMoment);
        accounts.writeState(out.prefixed("accounts."));
        episodes.writeState(out.prefixed("episodes."));
        out.bytes("observations", observations, 0, observations.capacity());
        out.bytes("finalObservations", finalObservations, 0, finalObservations.capacity());
        out.bytes("rewards", rewards, 0, rewards.capacity());
        out.bytes("terminated", terminated, 0, terminated.capacity());
        out.bytes("truncated", truncated, 0, truncated.capacity());
    }

    /** Restores what {@link #writeState} wrote for an env of the same configuration. */
    void readState(StateReader in) {
        int[] cursors = in.ints("cursor", envs);
        for (int i = 0; i < envs; i++) {
            if (cursors[i] < firstDecisionRow || cursors[i] > lastRow) {
                throw new UserInputException("env state: env " + i + " is at bar " + cursors[i]
                    + ", outside the decision bars " + firstDecisionRow + ".." + lastRow + " of this data");
            }
        }
        System.arraycopy(cursors, 0, cursor, 0, envs);
        System.arraycopy(in.ints("steps", envs), 0, steps, 0, envs);
        System.arraycopy(in.doubles("priceFactor", envs), 0, priceFactor, 0, envs);
        for (int i = 0; i < envs; i++) {
            in.rng("rng." + i, rngs[i]);
        }
        System.arraycopy(in.doubles("rewardSum", rows), 0, rewardSum, 0, rows);
        System.arraycopy(in.doubles("sharpeMean", rows), 0, sharpeMean, 0, rows);
        System.arraycopy(in.doubles("sharpeSecondMoment", rows), 0, sharpeSecondMoment, 0, rows);
        accounts.readState(in.prefixed("accounts."));
        episodes.readState(in.prefixed("episodes."));
        in.bytes("observations", observations, 0, observations.capacity());
        in.bytes("finalObservations", finalObservations, 0, finalObservations.capacity());
        in.bytes("rewards", rewards, 0, rewards.capacity());
        in.bytes("terminated", terminated, 0, terminated.capacity());
        in.bytes("truncated", truncated, 0, truncated.capacity());
    }
}
