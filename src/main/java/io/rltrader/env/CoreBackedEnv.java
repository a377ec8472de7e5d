package io.rltrader.env;

import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;

/**
 * The {@link VectorEnv} accessors every kind answers from its {@link TradingCore}. Kinds differ in
 * how they turn actions into orders ({@code step()}) and in their shape ({@code agents()},
 * {@code assets()}); everything else is the shared core's.
 */
abstract class CoreBackedEnv implements VectorEnv {
    /** The shared mechanics this kind steps. */
    abstract TradingCore core();

    @Override
    public final int observationSize() {
        return core().observationSize;
    }

    @Override
    public final StepBuffers buffers() {
        return core().buffers;
    }

    @Override
    public final Accounts accounts() {
        return core().accounts;
    }

    @Override
    public final EpisodeStats episodes() {
        return core().episodes;
    }

    @Override
    public final void reset() {
        core().reset();
    }

    @Override
    public final int decisionRow(int env) {
        return core().decisionRow(env);
    }

    @Override
    public final int stepsInEpisode(int env) {
        return core().stepsInEpisode(env);
    }

    @Override
    public final int firstDecisionRow() {
        return core().firstDecisionRow();
    }

    @Override
    public final int lastRow() {
        return core().lastRow();
    }

    @Override
    public final void writeState(StateWriter out) {
        core().writeState(out);
    }

    @Override
    public final void readState(StateReader in) {
        core().readState(in);
    }
}
