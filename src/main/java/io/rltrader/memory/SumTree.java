package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.UnsafeApi;
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
 *
 * <p>Memory: one off-heap block of 16-byte nodes, {@code [sum, min]} as two doubles, so an update
 * touches one cache line per level and siblings {@code 2i, 2i + 1} share a line. Node addresses are
 * computed from indices checked once at {@link #set}'s entry, so the walks use raw loads.
 */
public final class SumTree {
    private static final int NODE_BYTES = 16;
    private static final int MIN_OFFSET = 8;

    private final int size;
    private final int leaves;
    private final UnsafeBuffer nodes;
    private final long base;

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
        nodes = OffHeap.allocate(2L * leaves * NODE_BYTES);
        base = nodes.addressOffset();
        for (int node = 1; node < 2 * leaves; node++) {
            nodes.putDouble(node * NODE_BYTES + MIN_OFFSET, Double.POSITIVE_INFINITY);
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
        long address = base + (long) node * NODE_BYTES;
        UnsafeApi.putDouble(address, priority);
        UnsafeApi.putDouble(address + MIN_OFFSET, priority);
        node >>>= 1;
        while (node >= 1) {
            long left = base + (long) (node << 1) * NODE_BYTES;
            long right = left + NODE_BYTES;
            long parent = base + (long) node * NODE_BYTES;
            UnsafeApi.putDouble(parent, UnsafeApi.getDouble(left) + UnsafeApi.getDouble(right));
            UnsafeApi.putDouble(parent + MIN_OFFSET,
                Math.min(UnsafeApi.getDouble(left + MIN_OFFSET), UnsafeApi.getDouble(right + MIN_OFFSET)));
            node >>>= 1;
        }
    }

    public double get(int leaf) {
        return nodes.getDouble((leaves + leaf) * NODE_BYTES);
    }

    /** Sum of all priorities. */
    public double total() {
        return nodes.getDouble(NODE_BYTES);
    }

    /** Smallest priority that was set; +infinity when none was. */
    public double min() {
        return nodes.getDouble(NODE_BYTES + MIN_OFFSET);
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
            long leftAddress = base + (long) left * NODE_BYTES;
            double leftSum = UnsafeApi.getDouble(leftAddress);
            if (mass < leftSum || UnsafeApi.getDouble(leftAddress + NODE_BYTES) <= 0.0) {
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
        return nodes.getDouble(node * NODE_BYTES);
    }

    /** Minimum at tree node {@code node}. */
    public double nodeMin(int node) {
        return nodes.getDouble(node * NODE_BYTES + MIN_OFFSET);
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
