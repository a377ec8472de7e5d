package io.rltrader.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticSeriesTest {

    @Test
    void sameSeedGivesBitIdenticalSeriesAndAnotherSeedDoesNot() {
        for (SyntheticSeries.Kind kind : SyntheticSeries.Kind.values()) {
            double[] a = SyntheticSeries.generate(kind, 1000, 7).asset(0).price().toArray();
            double[] b = SyntheticSeries.generate(kind, 1000, 7).asset(0).price().toArray();
            double[] c = SyntheticSeries.generate(kind, 1000, 8).asset(0).price().toArray();
            assertArrayEquals(a, b, kind.toString());
            assertFalse(Arrays.equals(a, c), kind.toString());
            for (double p : a) {
                assertTrue(p > 0 && Double.isFinite(p), kind + " price " + p);
            }
        }
    }

    @Test
    void gbmLogReturnsHaveTheConfiguredDriftAndVolatility() {
        int n = 200_000;
        double mu = 0.1;
        double sigma = 0.3;
        double[] p = SyntheticSeries.gbm(n, 11, 100, mu, sigma).asset(0).price().toArray();
        double mean = 0;
        for (int t = 1; t < n; t++) {
            mean += Math.log(p[t] / p[t - 1]);
        }
        mean /= n - 1;
        double var = 0;
        for (int t = 1; t < n; t++) {
            double d = Math.log(p[t] / p[t - 1]) - mean;
            var += d * d;
        }
        double dt = 1.0 / 252;
        double annualVol = Math.sqrt(var / (n - 2) / dt);
        assertEquals(sigma, annualVol, 0.005);
        // drift estimate has sd sigma/sqrt(T) with T = n*dt years: about 0.017 here
        assertEquals(mu - 0.5 * sigma * sigma, mean / dt, 0.06);
    }

    @Test
    void ouRevertsToItsMean() {
        double[] p = SyntheticSeries.ornsteinUhlenbeck(100_000, 5, 50, 0.05, 0.01).asset(0).price().toArray();
        double sumLog = 0;
        for (double v : p) {
            sumLog += Math.log(v);
        }
        assertEquals(Math.log(50), sumLog / p.length, 0.01);
        // lag-1 autocorrelation of log deviations is 1 - theta
        double num = 0;
        double den = 0;
        for (int t = 1; t < p.length; t++) {
            double x0 = Math.log(p[t - 1] / 50);
            double x1 = Math.log(p[t] / 50);
            num += x0 * x1;
            den += x0 * x0;
        }
        assertEquals(0.95, num / den, 0.01);
    }

    @Test
    void openIsThePreviousCloseAndHighLowBracketIt() {
        MarketData d = SyntheticSeries.generate(SyntheticSeries.Kind.SINE, 100, 1);
        MarketData.Asset a = d.asset(0);
        for (int t = 1; t < 100; t++) {
            assertEquals(a.price().get(t - 1), a.open().get(t));
            assertTrue(a.high().get(t) >= Math.max(a.open().get(t), a.price().get(t)));
            assertTrue(a.low().get(t) <= Math.min(a.open().get(t), a.price().get(t)));
        }
    }
}
