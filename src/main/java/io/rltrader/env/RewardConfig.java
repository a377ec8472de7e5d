package io.rltrader.env;

import io.rltrader.util.UserInputException;

/**
 * What an agent is paid after each step, computed from its equity before the step (marked at the
 * close of the decision bar) and after it (marked at the next close), then multiplied by {@link #scale()}.
 *
 * @param kind            the reward function
 * @param scale           factor applied to every reward (> 0)
 * @param eta             adaptation rate of the differential Sharpe ratio's moving moments, in (0, 1)
 * @param positionPenalty {@link Kind#TUTORIAL} only: cash subtracted per share held after the trade
 */
public record RewardConfig(Kind kind, double scale, double eta, double positionPenalty) {

    public enum Kind {
        /** Change in equity, in cash. */
        PNL,
        /** {@code log(equity_after / equity_before)}; equity at or below zero counts as 1e-12 of the initial cash. */
        LOG_RETURN,
        /**
         * Moody and Saffell's differential Sharpe ratio of the simple return R:
         * {@code D = (B*dA - A*dB/2) / (B - A^2)^(3/2)} with {@code dA = R - A}, {@code dB = R^2 - B}, where
         * A and B are exponential moving first and second moments (rate eta) updated after D; D is 0
         * while {@code B - A^2} is not yet positive. R divides by the equity before the step, or by
         * 1e-12 of the initial cash if that is more (an account that is nearly gone).
         */
        DIFFERENTIAL_SHARPE,
        /** The tutorial's reward: change in equity minus {@code positionPenalty * |shares|} (costs counted once). */
        TUTORIAL
    }

    public RewardConfig {
        if (kind == null) {
            throw new UserInputException("reward kind must be one of PNL, LOG_RETURN, DIFFERENTIAL_SHARPE, TUTORIAL");
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new UserInputException("reward scale must be a finite number > 0, got " + scale);
        }
        if (kind == Kind.DIFFERENTIAL_SHARPE && !(eta > 0 && eta < 1)) {
            throw new UserInputException("reward eta (differential Sharpe adaptation rate) must be in (0, 1), got " + eta);
        }
        if (!(positionPenalty >= 0) || !Double.isFinite(positionPenalty)) {
            throw new UserInputException("reward positionPenalty must be a finite number >= 0, got " + positionPenalty);
        }
    }

    public static RewardConfig pnl() {
        return new RewardConfig(Kind.PNL, 1, 0, 0);
    }

    public static RewardConfig logReturn() {
        return new RewardConfig(Kind.LOG_RETURN, 1, 0, 0);
    }

    public static RewardConfig differentialSharpe(double eta) {
        return new RewardConfig(Kind.DIFFERENTIAL_SHARPE, 1, eta, 0);
    }

    /** The tutorial's reward with its 0.01 per-share position penalty. */
    public static RewardConfig tutorial() {
        return new RewardConfig(Kind.TUTORIAL, 1, 0, 0.01);
    }

    public RewardConfig withScale(double value) {
        return new RewardConfig(kind, value, eta, positionPenalty);
    }
}
