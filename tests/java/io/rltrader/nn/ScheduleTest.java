package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rltrader.util.UserInputException;
import org.junit.jupiter.api.Test;

/** Schedule values at chosen steps, against values worked out by hand. */
class ScheduleTest {
    @Test
    void constantIsConstant() {
        Schedule s = Schedule.constant(3e-4);
        assertEquals(3e-4, s.at(0));
        assertEquals(3e-4, s.at(1_000_000_000L));
    }

    @Test
    void linearInterpolatesThenHolds() {
        Schedule s = Schedule.linear(1.0, 0.0, 4);
        assertEquals(1.0, s.at(0));
        assertEquals(0.75, s.at(1));
        assertEquals(0.5, s.at(2));
        assertEquals(0.25, s.at(3));
        assertEquals(0.0, s.at(4));
        assertEquals(0.0, s.at(100));
        Schedule rising = Schedule.linear(0.5, 1.5, 8);
        assertEquals(0.625, rising.at(1));
        assertEquals(1.5, rising.at(9));
        assertThrows(UserInputException.class, () -> Schedule.linear(1, 0, 0));
    }

    @Test
    void exponentialDecaysToItsFloor() {
        Schedule s = Schedule.exponential(1.0, 0.1, 0.5);
        assertEquals(1.0, s.at(0));
        assertEquals(0.5, s.at(1), 1e-15);
        assertEquals(0.125, s.at(3), 1e-15);
        // 0.5^4 = 0.0625 is below the floor.
        assertEquals(0.1, s.at(4));
        assertEquals(0.1, s.at(1000));
        assertEquals(0.99 * 0.99 * 0.99, Schedule.exponential(1.0, 0.0, 0.99).at(3), 1e-15);
        assertEquals(2.0, Schedule.exponential(2.0, 0.0, 1.0).at(50), 0);
        assertThrows(UserInputException.class, () -> Schedule.exponential(1, 0, 0));
        assertThrows(UserInputException.class, () -> Schedule.exponential(1, 0, 1.5));
    }

    @Test
    void cosineAnnealsThroughTheMidpoint() {
        Schedule s = Schedule.cosine(1.0, 0.0, 100);
        assertEquals(1.0, s.at(0), 1e-15);
        assertEquals(0.5, s.at(50), 1e-15);
        assertEquals((1 + Math.sqrt(0.5)) / 2, s.at(25), 1e-15);
        assertEquals((1 - Math.sqrt(0.5)) / 2, s.at(75), 1e-15);
        assertEquals(0.0, s.at(100));
        assertEquals(0.0, s.at(1000));
        Schedule offset = Schedule.cosine(3e-4, 1e-5, 10);
        assertEquals((3e-4 + 1e-5) / 2, offset.at(5), 1e-18);
        assertThrows(UserInputException.class, () -> Schedule.cosine(1, 0, 0));
    }
}
