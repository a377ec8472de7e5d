package io.rltrader.env;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The grouping the discrete env trades by: every env lands in its group once, in the order added. */
class OrderGroupsTest {
    @Test
    void keepsEveryEnvInItsGroupInOrderUntilCleared() {
        OrderGroups groups = new OrderGroups(3, 5);
        int[] groupOf = {2, 0, 2, 2, 1};
        for (int round = 0; round < 2; round++) {
            groups.clear();
            for (int env = 0; env < groupOf.length; env++) {
                groups.add(groupOf[env], env);
            }
            assertEquals(1, groups.size(0));
            assertEquals(1, groups.size(1));
            assertEquals(3, groups.size(2));
            assertEquals(1, groups.env(0, 0));
            assertEquals(4, groups.env(1, 0));
            assertEquals(0, groups.env(2, 0));
            assertEquals(2, groups.env(2, 1));
            assertEquals(3, groups.env(2, 2));
        }
        groups.clear();
        for (int env = 0; env < 5; env++) {
            groups.add(1, env);
        }
        assertEquals(0, groups.size(0));
        assertEquals(5, groups.size(1));
        assertEquals(4, groups.env(1, 4));
    }

    @Test
    void signBitIsOneForNegativeValuesOnly() {
        assertEquals(0, OrderGroups.signBit(0.0));
        assertEquals(0, OrderGroups.signBit(3.5));
        assertEquals(0, OrderGroups.signBit(Double.POSITIVE_INFINITY));
        assertEquals(1, OrderGroups.signBit(-0.0));
        assertEquals(1, OrderGroups.signBit(-1e-300));
        assertEquals(1, OrderGroups.signBit(Double.NEGATIVE_INFINITY));
    }
}
