package io.rltrader.env;

import java.util.Arrays;

/**
 * The env indices of one step grouped by the kind of order each will execute, so that an env kind
 * can trade group by group (the discrete kind groups by action and by the side of the position).
 * Actions early in training are random, and trading env by env in index order mispredicted the
 * branches of a fill (buy or sell, adding to a position or reducing it) in most envs, which cost
 * more than the rest of the step; within a group they mostly go the same way.
 * The envs of a kind are independent (own account, own prices), so the order in which they trade
 * changes no result. Grouping itself takes no branch: the group index is computed from sign bits.
 * (The continuous kind does not group: sizing every order first and executing them by side
 * measured no faster there.)
 */
final class OrderGroups {
    private final int envs;
    private final int[] members;
    private final int[] sizes;

    OrderGroups(int groups, int envs) {
        this.envs = envs;
        this.members = new int[groups * envs];
        this.sizes = new int[groups];
    }

    /** 1 when the sign bit of {@code value} is set (negative, -0.0, or a NaN with the bit), else 0. */
    static int signBit(double value) {
        return (int) (Double.doubleToRawLongBits(value) >>> 63);
    }

    void clear() {
        Arrays.fill(sizes, 0);
    }

    void add(int group, int env) {
        members[group * envs + sizes[group]++] = env;
    }

    int size(int group) {
        return sizes[group];
    }

    /** The {@code index}-th env added to {@code group} since {@link #clear()}. */
    int env(int group, int index) {
        return members[group * envs + index];
    }
}
