package io.rltrader.env;

/**
 * The outcome of one {@link TradingEnv#step}: reward and flags per agent (one agent except in
 * multi-agent environments), the next observation, and account information. When the episode ended
 * this step, the account information is that of the ended episode's last bar (before the
 * auto-reset) and {@link #finalObservation()} holds its last observation, while
 * {@link #observation()} already starts the next episode. The object and its arrays are reused by
 * the next step; copy what must be kept.
 */
public final class StepResult {
    private final int agents;
    private final int assets;
    private final int observationSize;
    final float[] observation;
    final float[] finalObservation;
    final float[] rewards;
    final double[] equity;
    final double[] cash;
    final double[] shares;
    final double[] fees;
    final int[] trades;
    boolean terminated;
    boolean truncated;

    StepResult(int agents, int assets, int observationSize) {
        this.agents = agents;
        this.assets = assets;
        this.observationSize = observationSize;
        this.observation = new float[agents * observationSize];
        this.finalObservation = new float[agents * observationSize];
        this.rewards = new float[agents];
        this.equity = new double[agents];
        this.cash = new double[agents];
        this.shares = new double[agents * assets];
        this.fees = new double[agents];
        this.trades = new int[agents];
    }

    public int agents() {
        return agents;
    }

    public int observationSize() {
        return observationSize;
    }

    /** Next observation, agent after agent ({@code agents x observationSize}). */
    public float[] observation() {
        return observation;
    }

    /** The ended episode's last observation (valid only when {@link #ended()}). */
    public float[] finalObservation() {
        return finalObservation;
    }

    public float reward() {
        return rewards[0];
    }

    public float reward(int agent) {
        return rewards[agent];
    }

    /** Ruin or end of data. */
    public boolean terminated() {
        return terminated;
    }

    /** Episode length reached. */
    public boolean truncated() {
        return truncated;
    }

    public boolean ended() {
        return terminated || truncated;
    }

    /** Equity marked at the close after the step. */
    public double equity() {
        return equity[0];
    }

    public double equity(int agent) {
        return equity[agent];
    }

    public double cash() {
        return cash[0];
    }

    public double cash(int agent) {
        return cash[agent];
    }

    /** Shares of asset 0 held by agent 0. */
    public double position() {
        return shares[0];
    }

    public double shares(int agent, int asset) {
        return shares[agent * assets + asset];
    }

    /** Fees paid in the episode so far. */
    public double fees() {
        return fees[0];
    }

    public double fees(int agent) {
        return fees[agent];
    }

    /** Orders executed in the episode so far. */
    public int trades() {
        return trades[0];
    }

    public int trades(int agent) {
        return trades[agent];
    }
}
