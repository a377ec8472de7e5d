package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A binary sum tree (and, alongside, a min tree) over {@code leafCount} non-negative priorities, in
 * off-heap doubles: O(log n) update and prefix-sum search, O(1) total and minimum.
 *
 * <p>Layout: node 1 is the root, node {@code i} has children {@code 2i} and {@code 2i + 1}, leaf
 * {@code j} is node {@code leaves + j} with {@code leaves} the next power of two. Parents are always
 * recomputed from both children (never updated by a delta), so {@code sum(node) == sum(2 node) +
 * sum(2 node + 1)} holds exactly and rounding cannot drift. Unset leaves have priority 0 (and
 * +infinity in the min tree), so a search never lands on them.
 */
public final class SumTree {
    private final int size;
    private final int leaves;
    private final UnsafeBuffer sums;
    private final UnsafeBuffer mins;

    public SumTree(int size) {
        if (size <= 0) {
            throw new UserInputException("sum tree size must be positive, got " + size);
        }
        this.size = size;
        int power = 1;
        while (power < size) {
            power <<= 1;
        }
        this.leaves = power;
        sums = OffHeap.allocate(2L * leaves * Double.BYTES);
        mins = OffHeap.allocate(2L * leaves * Double.BYTES);
        for (int node = 1; node < 2 * leaves; node++) {
            mins.putDouble(node * Double.BYTES, Double.POSITIVE_INFINITY);
        }
    }

    /** Sets the priority of {@code leaf} and recomputes its ancestors. */
    public void set(int leaf, double priority) {
        if (leaf < 0 || leaf >= size) {
            throw new IndexOutOfBoundsException("leaf " + leaf + " outside [0, " + size + ")");
        }
        if (!(priority >= 0.0) || priority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("priority must be finite and non-negative, got " + priority);
        }
        int node = leaves + leaf;
        sums.putDouble(node * Double.BYTES, priority);
        mins.putDouble(node * Double.BYTES, priority);
        node >>>= 1;
        while (node >= 1) {
            int left = node << 1;
            sums.putDouble(node * Double.BYTES,
                sums.getDouble(left * Double.BYTES) + sums.getDouble((left + 1) * Double.BYTES));
            mins.putDouble(node * Double.BYTES,
                Math.min(mins.getDouble(left * Double.BYTES), mins.getDouble((left + 1) * Double.BYTES)));
            node >>>= 1;
        }
    }

    public double get(int leaf) {
        return sums.getDouble((leaves + leaf) * Double.BYTES);
    }

    /** Sum of all priorities. */
    public double total() {
        return sums.getDouble(Double.BYTES);
    }

    /** Smallest priority that was set; +infinity when none was. */
    public double min() {
        return mins.getDouble(Double.BYTES);
    }

    /**
     * The leaf whose cumulative range contains {@code mass}, for {@code 0 <= mass < total()}: leaf
     * {@code j} is found for mass in {@code [sum(0..j-1), sum(0..j))}. A mass at or past the total
     * (rounding) returns the last leaf with a positive priority; a zero-priority leaf is never returned
     * while the total is positive.
     */
    public int find(double mass) {
        int node = 1;
        while (node < leaves) {
            int left = node << 1;
            double leftSum = sums.getDouble(left * Double.BYTES);
            if (mass < leftSum || sums.getDouble((left + 1) * Double.BYTES) <= 0.0) {
                node = left;
            } else {
                mass -= leftSum;
                node = left + 1;
            }
        }
        return node - leaves;
    }

    /** Sum at tree node {@code node} (1 = root), for checking the invariant. */
    public double nodeSum(int node) {
        return sums.getDouble(node * Double.BYTES);
    }

    /** Minimum at tree node {@code node}. */
    public double nodeMin(int node) {
        return mins.getDouble(node * Double.BYTES);
    }

    /** Number of leaves usable ({@code [0, size())}). */
    public int size() {
        return size;
    }

    /** Leaf count rounded up to a power of two; nodes are {@code [1, 2 * leafNodes())}. */
    public int leafNodes() {
        return leaves;
    }
}
