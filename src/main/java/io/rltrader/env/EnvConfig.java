package io.rltrader.env;

import io.rltrader.data.RowRange;
import io.rltrader.util.UserInputException;

/**
 * Shape and episode settings shared by every environment kind.
 *
 * @param envs             independent copies stepped together (>= 1)
 * @param window           feature rows per observation, W >= 1: decision bar t sees rows t-W+1..t
 * @param episodeLength    steps per episode; episodes start at random bars drawn per env. 0: every
 *                         episode runs from the first usable bar to the end of the data
 * @param seed             run seed; env i draws its starts from {@code Rng.split(seed, streamOffset + i)}
 * @param streamOffset     index of env 0's random stream, so that envs split over several
 *                         instances (or stepped one at a time) draw the same starts as one instance
 * @param rows             the rows of the data that decisions and fills may use (null: all); window
 *                         rows before its start may be read, as they are in the past
 * @param reward           reward function
 * @param positionEncoding how the position appears in the observation
 * @param timeScale        bars in position are divided by this in the observation (> 0)
 */
public record EnvConfig(int envs, int window, int episodeLength, long seed, long streamOffset, RowRange rows,
                        RewardConfig reward, PositionEncoding positionEncoding, double timeScale) {

    /** The position entry of the observation's account state. */
    public enum PositionEncoding {
        /** Value of the position over equity (signed). */
        EQUITY_FRACTION,
        /** Shares over the position limit, in [-1, 1] (needs a finite {@code MarketConfig.maxPosition}). */
        LIMIT_FRACTION
    }

    public EnvConfig {
        if (envs < 1) {
            throw new UserInputException("envs must be >= 1, got " + envs);
        }
        if (window < 1) {
            throw new UserInputException("window must be >= 1 bar, got " + window);
        }
        if (episodeLength < 0) {
            throw new UserInputException("episodeLength must be >= 1 step, or 0 for the whole series, got "
                + episodeLength);
        }
        if (streamOffset < 0) {
            throw new UserInputException("streamOffset must be >= 0, got " + streamOffset);
        }
        if (reward == null) {
            throw new UserInputException("reward must be set (for example RewardConfig.pnl())");
        }
        if (positionEncoding == null) {
            throw new UserInputException("positionEncoding must be EQUITY_FRACTION or LIMIT_FRACTION");
        }
        if (!(timeScale > 0) || !Double.isFinite(timeScale)) {
            throw new UserInputException("timeScale must be a finite number of bars > 0, got " + timeScale);
        }
    }

    /** {@code envs} copies, window 1, whole-series episodes, PnL reward, position as equity fraction. */
    public static EnvConfig of(int envs) {
        return new EnvConfig(envs, 1, 0, 0L, 0L, null, RewardConfig.pnl(), PositionEncoding.EQUITY_FRACTION, 252);
    }

    public EnvConfig withEnvs(int value) {
        return new EnvConfig(value, window, episodeLength, seed, streamOffset, rows, reward, positionEncoding,
            timeScale);
    }

    public EnvConfig withWindow(int value) {
        return new EnvConfig(envs, value, episodeLength, seed, streamOffset, rows, reward, positionEncoding,
            timeScale);
    }

    public EnvConfig withEpisodeLength(int value) {
        return new EnvConfig(envs, window, value, seed, streamOffset, rows, reward, positionEncoding, timeScale);
    }

    public EnvConfig withSeed(long value) {
        return new EnvConfig(envs, window, episodeLength, value, streamOffset, rows, reward, positionEncoding,
            timeScale);
    }

    public EnvConfig withStreamOffset(long value) {
        return new EnvConfig(envs, window, episodeLength, seed, value, rows, reward, positionEncoding, timeScale);
    }

    public EnvConfig withRows(RowRange value) {
        return new EnvConfig(envs, window, episodeLength, seed, streamOffset, value, reward, positionEncoding,
            timeScale);
    }

    public EnvConfig withReward(RewardConfig value) {
        return new EnvConfig(envs, window, episodeLength, seed, streamOffset, rows, value, positionEncoding,
            timeScale);
    }

    public EnvConfig withPositionEncoding(PositionEncoding value) {
        return new EnvConfig(envs, window, episodeLength, seed, streamOffset, rows, reward, value, timeScale);
    }

    public EnvConfig withTimeScale(double value) {
        return new EnvConfig(envs, window, episodeLength, seed, streamOffset, rows, reward, positionEncoding, value);
    }
}
