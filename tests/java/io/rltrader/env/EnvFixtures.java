package io.rltrader.env;

import io.rltrader.data.DoubleColumn;
import io.rltrader.data.FeatureMatrix;
import io.rltrader.data.MarketData;
import io.rltrader.data.Normalization;
import io.rltrader.data.TimeFormat;
import io.rltrader.util.Rng;
import java.util.List;

/** Small market data sets and feature matrices for the environment tests. */
final class EnvFixtures {
    /** A feature that is defined from the first bar (close over its 1-bar SMA, minus 1: always 0). */
    static final List<String> NO_WARM_UP = List.of("sma:1");
    /** Two causal features without normalization, defined from bar 1 and bar 3. */
    static final List<String> SMALL = List.of("logret", "logret:3");

    private EnvFixtures() {
    }

    /** One asset with the given closes (and opens when not null). */
    static MarketData prices(double[] closes, double[] opens) {
        return MarketData.ofSingleAsset("test", "X", null, TimeFormat.ROW_INDEX, DoubleColumn.of("Close", closes),
            opens == null ? null : DoubleColumn.of("Open", opens), null, null, null);
    }

    static MarketData prices(double... closes) {
        return prices(closes, null);
    }

    /** A geometric random walk with opens between the previous close and the close. */
    static MarketData randomWalk(long seed, int rows, double volatility) {
        Rng rng = new Rng(seed);
        double[] closes = new double[rows];
        double[] opens = new double[rows];
        double price = 100;
        for (int t = 0; t < rows; t++) {
            double previous = price;
            price *= Math.exp(volatility * rng.nextGaussian());
            closes[t] = price;
            opens[t] = previous * Math.exp(0.3 * volatility * rng.nextGaussian());
        }
        return prices(closes, opens);
    }

    /** Wide data of several random walks (assets A0, A1, ...). */
    static MarketData randomWalks(long seed, int assets, int rows) {
        Rng rng = new Rng(seed);
        List<DoubleColumn> columns = new java.util.ArrayList<>();
        for (int k = 0; k < assets; k++) {
            double[] closes = new double[rows];
            double price = 20 + 40 * k;
            for (int t = 0; t < rows; t++) {
                price *= Math.exp(0.015 * rng.nextGaussian());
                closes[t] = price;
            }
            columns.add(DoubleColumn.of("A" + k, closes));
        }
        return MarketData.ofPrices("walks", null, TimeFormat.ROW_INDEX, columns);
    }

    static FeatureMatrix features(MarketData data, int asset, List<String> names) {
        return FeatureMatrix.build(data, data.asset(asset), names, Normalization.none());
    }

    static List<FeatureMatrix> allFeatures(MarketData data, List<String> names) {
        List<FeatureMatrix> out = new java.util.ArrayList<>();
        for (int k = 0; k < data.assetCount(); k++) {
            out.add(features(data, k, names));
        }
        return out;
    }

    static EnvConfig env(int envs, int window, int episodeLength, long seed) {
        return EnvConfig.of(envs).withWindow(window).withEpisodeLength(episodeLength).withSeed(seed);
    }

    /** A market with every cost switched on, shorting and a finite limit. */
    static MarketConfig costlyMarket() {
        return MarketConfig.tutorialDefaults().withFeeRate(0.002).withFixedFee(1.5).withSlippageBps(5)
            .withBorrowRatePerBar(0.0002).withMaxPosition(500);
    }
}
