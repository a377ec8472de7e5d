package io.rltrader.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastPowTest {

    /** Relative error against Math.pow (itself within one ulp, ~1.1e-16). */
    private static double relativeError(double x, double y) {
        double expected = Math.pow(x, y);
        return Math.abs(FastPow.pow(x, y) - expected) / expected;
    }

    @Test
    void importanceWeightDomainIsWithin1e14OfMathPow() {
        // the weights' arguments: a priority ratio >= 1 (up to 2^40) and an exponent -beta in [-1, 0]
        Rng rng = new Rng(11);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = Math.pow(2.0, rng.nextDouble() * 40);
            double y = -rng.nextDouble();
            worst = Math.max(worst, relativeError(x, y));
        }
        assertTrue(worst < 1e-14, "worst relative error " + worst);
    }

    @Test
    void errorGrowsOnlyWithTheExponentOfTheResult() {
        Rng rng = new Rng(12);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            // x from 1e-300 to 1e300 and y such that |y log2 x| <= 512, either sign
            double log2x = (rng.nextDouble() * 2 - 1) * 996;
            double x = Math.pow(2.0, log2x);
            double y = (rng.nextDouble() * 2 - 1) * 512 / Math.max(1.0, Math.abs(log2x));
            double t = Math.abs(y * Math.log(x) / Math.log(2.0));
            worst = Math.max(worst, relativeError(x, y) / (1 + t));
        }
        assertTrue(worst < 5e-16, "worst relative error per unit of |y log2 x| " + worst);
    }

    @Test
    void floatResultsEqualMathPowsButForRareRoundingTies() {
        Rng rng = new Rng(13);
        int differ = 0;
        int samples = 1_000_000;
        for (int i = 0; i < samples; i++) {
            double x = 1.0 + rng.nextDouble() * 1000;
            double y = -rng.nextDouble();
            float fast = (float) FastPow.pow(x, y);
            float exact = (float) Math.pow(x, y);
            if (fast != exact) {
                differ++;
                assertEquals(Math.ulp(exact), Math.abs(fast - exact), 0.0, "at most one float ulp apart");
            }
        }
        // the expected count is ~0.1 for an error of ~1e-15: more would mean a real loss of accuracy
        assertTrue(differ <= 2, differ + " of " + samples + " float results differ");
    }

    @Test
    void exactCasesAreExact() {
        assertEquals(1.0, FastPow.pow(1.0, -0.4), 0.0);
        assertEquals(1.0, FastPow.pow(12345.678, 0.0), 0.0);
        assertEquals(1.0, FastPow.pow(12345.678, -0.0), 0.0);
        assertEquals(0.5, FastPow.pow(2.0, -1.0), 0.0);
        assertEquals(1024.0, FastPow.pow(2.0, 10.0), 0.0);
        assertEquals(0.25, FastPow.pow(16.0, -0.5), 0.0);
        for (int e = -1000; e <= 1000; e += 7) {
            assertEquals(Math.scalb(1.0, e), FastPow.pow(2.0, e), 0.0, "2^" + e);
        }
    }

    @Test
    void argumentsOutsideTheFastPathGoToMathPow() {
        double[] xs = {0.0, -0.0, -2.0, Double.MIN_VALUE, Double.MIN_NORMAL / 3, Double.POSITIVE_INFINITY,
            Double.NaN, 1e300, 1e-300, 2.0};
        double[] ys = {-1.0, -0.4, 0.0, 0.5, 3.0, 1e6, -1e6, Double.NaN, Double.POSITIVE_INFINITY};
        for (double x : xs) {
            for (double y : ys) {
                double expected = Math.pow(x, y);
                double fast = FastPow.pow(x, y);
                boolean fastPath = x >= Double.MIN_NORMAL && x <= Double.MAX_VALUE && Double.isFinite(expected)
                    && expected != 0.0 && Math.abs(y * Math.log(x) / Math.log(2.0)) < 1022;
                if (fastPath) {
                    double t = Math.abs(y * Math.log(x) / Math.log(2.0));
                    assertEquals(expected, fast, 5e-16 * (1 + t) * expected, x + "^" + y);
                } else {
                    assertEquals(expected, fast, 0.0, x + "^" + y);
                }
            }
        }
    }

    @Test
    void logThenPowerOfTwoIsThePowerBitForBit() {
        Rng rng = new Rng(17);
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(rng.nextGaussian() * 20);
        }
        for (double y : new double[] {0.6, 0.5, 1.0, -0.4, 0.0, 3.7}) {
            double[] powers = values.clone();
            FastPow.powInPlace(powers, powers.length, y);
            double[] split = values.clone();
            FastPow.scaledLog2InPlace(split, split.length, y);
            for (int i = 0; i < values.length; i++) {
                assertEquals(y * FastPow.log2Checked(values[i]), split[i], 0.0, "exponent " + i);
                assertEquals(Math.log(values[i]) / Math.log(2) * y, split[i], 1e-13 * Math.max(1, Math.abs(split[i])));
            }
            FastPow.exp2InPlace(split, split.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals(Double.doubleToRawLongBits(powers[i]), Double.doubleToRawLongBits(split[i]),
                    "x = " + values[i] + ", y = " + y);
            }
        }
    }

    @Test
    void logsOutsideTheDomainAreRefusedByIndex() {
        for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE}) {
            double[] values = {1.0, 2.0, bad, 4.0};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FastPow.scaledLog2InPlace(values, values.length, 0.6));
            assertTrue(e.getMessage().contains("index 2"), e.getMessage());
            assertEquals(1.0, values[0], 0.0, "nothing is changed before the refusal");
            assertThrows(IllegalArgumentException.class, () -> FastPow.log2Checked(bad));
        }
        double[] values = {8.0, 0.0};
        FastPow.scaledLog2InPlace(values, 1, 1.0);
        assertEquals(3.0, values[0], 0.0, "only the first count values are read");
    }
}
