package io.rltrader.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class FixedExponentPowTest {

    /** x^y to about 30 digits: exp(y ln x) in BigDecimal from a double-double ln (x = 2^e m). */
    private static double exact(double x, double y) {
        int e = Math.getExponent(x);
        double m = x / Math.scalb(1.0, e);
        // ln m by atanh series in BigDecimal: ln m = 2 atanh((m - 1) / (m + 1))
        MathContext mc = new MathContext(40);
        BigDecimal bm = new BigDecimal(m);
        BigDecimal s = bm.subtract(BigDecimal.ONE).divide(bm.add(BigDecimal.ONE), mc);
        BigDecimal s2 = s.multiply(s, mc);
        BigDecimal term = s;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 1; k < 90; k += 2) {
            sum = sum.add(term.divide(BigDecimal.valueOf(k), mc), mc);
            term = term.multiply(s2, mc);
        }
        BigDecimal ln2 = new BigDecimal("0.693147180559945309417232121458176568075500134360255254120680009");
        BigDecimal lnX = sum.multiply(BigDecimal.valueOf(2)).add(ln2.multiply(BigDecimal.valueOf(e)), mc);
        BigDecimal t = lnX.multiply(new BigDecimal(y), mc);
        // exp(t) = 2^k exp(t - k ln 2), the rest by its series
        BigDecimal k = t.divide(ln2, mc).setScale(0, java.math.RoundingMode.HALF_EVEN);
        BigDecimal rest = t.subtract(k.multiply(ln2, mc), mc);
        BigDecimal expRest = BigDecimal.ONE;
        BigDecimal power = BigDecimal.ONE;
        for (int n = 1; n < 36; n++) {
            power = power.multiply(rest, mc).divide(BigDecimal.valueOf(n), mc);
            expRest = expRest.add(power, mc);
        }
        return Math.scalb(expRest.doubleValue(), k.intValueExact());
    }

    private static double relativeError(FixedExponentPow pow, double x) {
        double expected = exact(x, pow.exponent());
        return Math.abs(pow.pow(x) - expected) / expected;
    }

    @Test
    void prioritiesOfFloatTdErrorsAreWithin1e15OfTheExactPower() {
        Rng rng = new Rng(21);
        for (float alpha : new float[] {0.6f, 0.7f, 0.4f, 0.05f, 0.95f, 0.999f}) {
            FixedExponentPow pow = new FixedExponentPow(alpha);
            double worst = 0;
            for (int i = 0; i < 3_000; i++) {
                // |delta| + epsilon over the float range a learner produces
                double raw = Math.abs((float) (rng.nextGaussian() * Math.pow(10, rng.nextDouble() * 12 - 6))) + 1e-6f;
                worst = Math.max(worst, relativeError(pow, raw));
            }
            assertTrue(worst < 1e-15, "alpha " + alpha + ": worst relative error " + worst);
        }
    }

    @Test
    void theWholeNormalRangeAndEveryTablePointAreWithin1e15() {
        Rng rng = new Rng(22);
        for (double y : new double[] {0.6, Math.PI / 4, 1e-9, 1 - 1e-12}) {
            FixedExponentPow pow = new FixedExponentPow(y);
            double worst = 0;
            for (int i = 0; i < 3_000; i++) {
                double x = Math.scalb(1.0 + rng.nextDouble(), rng.nextInt(2045) - 1022);
                worst = Math.max(worst, relativeError(pow, x));
            }
            for (int j = 0; j <= 128; j++) {
                // the table points themselves and the midpoints between them (the largest |d|)
                for (double x : new double[] {1 + j / 128.0, 1 + (j + 0.5) / 128.0, Math.nextDown(1 + (j + 0.5) / 128.0)}) {
                    if (x < 2) {
                        worst = Math.max(worst, relativeError(pow, x));
                    }
                }
            }
            assertTrue(worst < 1e-15, "y " + y + ": worst relative error " + worst);
        }
    }

    @Test
    void argumentsOutsideTheTablesFollowMathPow() {
        FixedExponentPow pow = new FixedExponentPow(0.6);
        assertEquals(1.0, pow.pow(1.0), 0.0);
        for (double x : new double[] {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NaN, -2.0}) {
            assertEquals(Math.pow(x, 0.6), pow.pow(x), 0.0, "x = " + x);
        }
        for (double x : new double[] {Double.MIN_VALUE, 1e-310}) {
            assertEquals(Math.pow(x, 0.6), pow.pow(x), Math.pow(x, 0.6) * 1e-14, "x = " + x);
        }
        assertTrue(Double.isNaN(pow.pow(-2.0)));
    }

    @Test
    void anExponentOutsideZeroToOneIsRefused() {
        for (double y : new double[] {0.0, 1.0, -0.5, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new FixedExponentPow(y), "y = " + y);
        }
    }
}
