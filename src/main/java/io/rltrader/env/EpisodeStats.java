package io.rltrader.env;

import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;

/**
 * Statistics of the last episode each row finished, kept when the row auto-resets so the caller
 * can read them after the step that ended it (the row's terminated or truncated flag is set).
 */
public final class EpisodeStats {
    private final int assets;
    private final double initialCash;
    private final long[] completed;
    private final int[] length;
    private final double[] finalEquity;
    private final double[] finalCash;
    private final double[] finalShares;
    private final double[] totalReward;
    private final int[] trades;
    private final double[] fees;
    private final double[] buyNotional;
    private final double[] sellNotional;
    private final double[] borrowCost;
    private final boolean[] terminated;

    EpisodeStats(int rows, int assets, double initialCash) {
        this.assets = assets;
        this.initialCash = initialCash;
        this.completed = new long[rows];
        this.length = new int[rows];
        this.finalEquity = new double[rows];
        this.finalCash = new double[rows];
        this.finalShares = new double[rows * assets];
        this.totalReward = new double[rows];
        this.trades = new int[rows];
        this.fees = new double[rows];
        this.buyNotional = new double[rows];
        this.sellNotional = new double[rows];
        this.borrowCost = new double[rows];
        this.terminated = new boolean[rows];
    }

    void record(int row, Accounts accounts, int steps, double rewardSum, boolean wasTerminated) {
        completed[row]++;
        length[row] = steps;
        finalEquity[row] = accounts.equity(row);
        finalCash[row] = accounts.cash(row);
        for (int k = 0; k < assets; k++) {
            finalShares[row * assets + k] = accounts.shares(row, k);
        }
        totalReward[row] = rewardSum;
        trades[row] = accounts.trades(row);
        fees[row] = accounts.fees(row);
        buyNotional[row] = accounts.buyNotional(row);
        sellNotional[row] = accounts.sellNotional(row);
        borrowCost[row] = accounts.borrowCost(row);
        terminated[row] = wasTerminated;
    }

    /** Episodes the row has finished since construction. */
    public long completed(int row) {
        return completed[row];
    }

    /** Steps of the last finished episode. */
    public int length(int row) {
        return length[row];
    }

    public double finalEquity(int row) {
        return finalEquity[row];
    }

    /** Final equity over initial cash, minus 1. */
    public double totalReturn(int row) {
        return finalEquity[row] / initialCash - 1;
    }

    public double finalCash(int row) {
        return finalCash[row];
    }

    public double finalShares(int row, int asset) {
        return finalShares[row * assets + asset];
    }

    /** Sum of the (scaled) rewards paid in the episode. */
    public double totalReward(int row) {
        return totalReward[row];
    }

    public int trades(int row) {
        return trades[row];
    }

    public double fees(int row) {
        return fees[row];
    }

    public double buyNotional(int row) {
        return buyNotional[row];
    }

    public double sellNotional(int row) {
        return sellNotional[row];
    }

    public double borrowCost(int row) {
        return borrowCost[row];
    }

    /** Whether the last episode terminated (ruin or end of data) rather than only being truncated. */
    public boolean terminated(int row) {
        return terminated[row];
    }

    /** The statistics of every row's last finished episode, for run snapshots. */
    void writeState(StateWriter out) {
        out.longs("completed", completed);
        out.ints("length", length);
        out.doubles("finalEquity", finalEquity);
        out.doubles("finalCash", finalCash);
        out.doubles("finalShares", finalShares);
        out.doubles("totalReward", totalReward);
        out.ints("trades", trades);
        out.doubles("fees", fees);
        out.doubles("buyNotional", buyNotional);
        out.doubles("sellNotional", sellNotional);
        out.doubles("borrowCost", borrowCost);
        int[] flags = new int[terminated.length];
        for (int row = 0; row < flags.length; row++) {
            flags[row] = terminated[row] ? 1 : 0;
        }
        out.ints("terminated", flags);
    }

    void readState(StateReader in) {
        int rows = completed.length;
        System.arraycopy(in.longs("completed", rows), 0, completed, 0, rows);
        System.arraycopy(in.ints("length", rows), 0, length, 0, rows);
        System.arraycopy(in.doubles("finalEquity", rows), 0, finalEquity, 0, rows);
        System.arraycopy(in.doubles("finalCash", rows), 0, finalCash, 0, rows);
        System.arraycopy(in.doubles("finalShares", finalShares.length), 0, finalShares, 0, finalShares.length);
        System.arraycopy(in.doubles("totalReward", rows), 0, totalReward, 0, rows);
        System.arraycopy(in.ints("trades", rows), 0, trades, 0, rows);
        System.arraycopy(in.doubles("fees", rows), 0, fees, 0, rows);
        System.arraycopy(in.doubles("buyNotional", rows), 0, buyNotional, 0, rows);
        System.arraycopy(in.doubles("sellNotional", rows), 0, sellNotional, 0, rows);
        System.arraycopy(in.doubles("borrowCost", rows), 0, borrowCost, 0, rows);
        int[] flags = in.ints("terminated", rows);
        for (int row = 0; row < rows; row++) {
            terminated[row] = flags[row] != 0;
        }
    }
}
