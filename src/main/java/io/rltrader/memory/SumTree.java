package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An 8-ary sum tree (and, alongside, a min tree) over {@code size} non-negative priorities, in
 * off-heap doubles: O(log8 n) update and prefix-sum search, O(1) total and minimum.
 *
 * <p>Layout: level 0 holds the leaves, level {@code k + 1} one node per group of {@link #FANOUT}
 * consecutive nodes of level {@code k}, up to the root, the single node of the top level. Node
 * {@code j} of level {@code k + 1} has children {@code 8j .. 8j + 7} of level {@code k}. Each level is
 * padded to a multiple of 8 nodes, so the 8 children of a node are one 64-byte aligned cache line:
 * a search reads one line per level (5 for 10 000 leaves, 7 for a million; a binary tree reads 14 and
 * 20) and picks the child without branches. Sums and minimums are two such arrays in one block.
 *
 * <p>Parents are always recomputed from all their children, summed left to right (never updated by
 * a delta), so {@code sum(node) == ((c0 + c1) + c2) + ... + c7} holds exactly and rounding cannot
 * drift; the search forms its prefix sums in the same order. Unset and padding leaves have priority
 * 0 (and +infinity in the min tree), so a search never lands on them.
 */
public final class SumTree {
    /** Children per node: 8 doubles are one cache line. */
    public static final int FANOUT = 8;
    private static final int NODE_BYTES = Double.BYTES;
    private static final int GROUP_BYTES = FANOUT * NODE_BYTES;

    private final int size;
    /** Levels including leaves and root. */
    private final int levels;
    /** Nodes in use per level (level 0: size, top level: 1). */
    private final int[] levelNodes;
    /** Raw address of node 0 of each level in the sum array; the min array is {@link #minDelta} further. */
    private final long[] levelAddress;
    private final long minDelta;
    private final long leafAddress;
    private final long rootAddress;
    private final UnsafeBuffer nodes;

    public SumTree(int size) {
        if (size <= 0) {
            throw new UserInputException("sum tree size must be positive, got " + size);
        }
        this.size = size;
        int count = 1;
        for (long n = size; n > 1; n = (n + FANOUT - 1) / FANOUT) {
            count++;
        }
        this.levels = count;
        this.levelNodes = new int[levels];
        long[] offsets = new long[levels];
        long total = 0;
        long n = size;
        for (int level = 0; level < levels; level++) {
            levelNodes[level] = (int) n;
            offsets[level] = total;
            total += (n + FANOUT - 1) / FANOUT * GROUP_BYTES;
            n = (n + FANOUT - 1) / FANOUT;
        }
        nodes = OffHeap.allocate(2 * total);
        long base = nodes.addressOffset();
        this.levelAddress = new long[levels];
        for (int level = 0; level < levels; level++) {
            levelAddress[level] = base + offsets[level];
        }
        this.minDelta = total;
        this.leafAddress = levelAddress[0];
        this.rootAddress = levelAddress[levels - 1];
        for (long at = 0; at < total; at += NODE_BYTES) {
            UnsafeApi.putDouble(base + minDelta + at, Double.POSITIVE_INFINITY);
        }
    }

    /** Sets the priority of {@code leaf} and recomputes its ancestors. */
    public void set(int leaf, double priority) {
        putLeaf(leaf, priority);
        int node = leaf;
        for (int level = 1; level < levels; level++) {
            node /= FANOUT;
            recompute(level, node);
        }
    }

    /**
     * Sets the priority of {@code leaf} without recomputing its ancestors: the tree is inconsistent
     * until {@link #refreshRange} or {@link #refreshLeaves} has covered the leaf. Lets a batch of
     * updates recompute each shared ancestor once instead of once per leaf.
     */
    void putLeaf(int leaf, double priority) {
        if (leaf < 0 || leaf >= size) {
            throw new IndexOutOfBoundsException("leaf " + leaf + " outside [0, " + size + ")");
        }
        if (!(priority >= 0.0) || priority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("priority must be finite and non-negative, got " + priority);
        }
        long address = leafAddress + (long) leaf * NODE_BYTES;
        UnsafeApi.putDouble(address, priority);
        UnsafeApi.putDouble(address + minDelta, priority);
    }

    /** Recomputes the ancestors of leaves {@code [first, first + count)} after {@link #putLeaf}. */
    void refreshRange(int first, int count) {
        if (first < 0 || count < 0 || first > size - count) {
            throw new IndexOutOfBoundsException("leaves [" + first + ", " + first + " + " + count + ") outside [0, "
                + size + ")");
        }
        if (count == 0) {
            return;
        }
        int low = first;
        int high = first + count - 1;
        for (int level = 1; level < levels; level++) {
            low /= FANOUT;
            high /= FANOUT;
            for (int node = low; node <= high; node++) {
                recompute(level, node);
            }
        }
    }

    /**
     * Recomputes the ancestors of the {@code count} leaves whose indices are the int64 values at
     * {@code leaves} (raw address, checked by the caller) after {@link #putLeaf}, level by level. Runs
     * of leaves under the same parent (a stratified sample is sorted) recompute that parent once;
     * any order is correct.
     */
    void refreshLeaves(long leaves, int count) {
        for (int level = 1; level < levels; level++) {
            int shift = 3 * level;
            int previous = -1;
            for (int i = 0; i < count; i++) {
                int leaf = (int) UnsafeApi.getLong(leaves + (long) i * Long.BYTES);
                if (leaf < 0 || leaf >= size) {
                    throw new IndexOutOfBoundsException("leaf " + leaf + " outside [0, " + size + ")");
                }
                int node = leaf >>> shift;
                if (node != previous) {
                    recompute(level, node);
                    previous = node;
                }
            }
        }
    }

    /** Sum and min of node {@code node} of {@code level} (>= 1) from its 8 children, left to right. */
    private void recompute(int level, int node) {
        long children = levelAddress[level - 1] + (long) node * GROUP_BYTES;
        long target = levelAddress[level] + (long) node * NODE_BYTES;
        double sum = UnsafeApi.getDouble(children);
        double min = UnsafeApi.getDouble(children + minDelta);
        for (int c = 1; c < FANOUT; c++) {
            sum += UnsafeApi.getDouble(children + c * NODE_BYTES);
            min = Math.min(min, UnsafeApi.getDouble(children + minDelta + c * NODE_BYTES));
        }
        UnsafeApi.putDouble(target, sum);
        UnsafeApi.putDouble(target + minDelta, min);
    }

    public double get(int leaf) {
        if (leaf < 0 || leaf >= size) {
            throw new IndexOutOfBoundsException("leaf " + leaf + " outside [0, " + size + ")");
        }
        return UnsafeApi.getDouble(leafAddress + (long) leaf * NODE_BYTES);
    }

    /** Sum of all priorities. */
    public double total() {
        return UnsafeApi.getDouble(rootAddress);
    }

    /** Smallest priority that was set; +infinity when none was. */
    public double min() {
        return UnsafeApi.getDouble(rootAddress + minDelta);
    }

    /**
     * The leaf whose cumulative range contains {@code mass}, for {@code 0 <= mass < total()}: leaf
     * {@code j} is found for mass in {@code [sum(0..j-1), sum(0..j))}. A mass at or past the total
     * (rounding) returns the last leaf with a positive priority; a zero-priority leaf is never returned
     * while the total is positive.
     *
     * <p>Per level: the child is the first whose inclusive prefix sum exceeds the mass, counted
     * without branches (a binary tree's left/right branch is a coin flip the predictor loses half
     * the time), capped at the last child with a positive sum for masses past the node's sum.
     */
    public int find(double mass) {
        int node = 0;
        for (int level = levels - 2; level >= 0; level--) {
            long children = levelAddress[level] + (long) node * GROUP_BYTES;
            double s0 = UnsafeApi.getDouble(children);
            double s1 = UnsafeApi.getDouble(children + 8);
            double s2 = UnsafeApi.getDouble(children + 16);
            double s3 = UnsafeApi.getDouble(children + 24);
            double s4 = UnsafeApi.getDouble(children + 32);
            double s5 = UnsafeApi.getDouble(children + 40);
            double s6 = UnsafeApi.getDouble(children + 48);
            double s7 = UnsafeApi.getDouble(children + 56);
            double p0 = s0;
            double p1 = p0 + s1;
            double p2 = p1 + s2;
            double p3 = p2 + s3;
            double p4 = p3 + s4;
            double p5 = p4 + s5;
            double p6 = p5 + s6;
            int passed = below(p0, mass) + below(p1, mass) + below(p2, mass) + below(p3, mass)
                + below(p4, mass) + below(p5, mass) + below(p6, mass);
            int lastPositive = positive(s1) | positive(s2) << 1 | positive(s3) << 2 | positive(s4) << 3
                | positive(s5) << 4 | positive(s6) << 5 | positive(s7) << 6;
            lastPositive = 32 - Integer.numberOfLeadingZeros(lastPositive);
            int child = Math.min(passed, lastPositive);
            // The sum of the children left of `child`, added in the same order as p0..p6 (the other
            // terms are +0.0), so it equals that prefix exactly.
            double skipped = s0 * left(0, child) + s1 * left(1, child) + s2 * left(2, child) + s3 * left(3, child)
                + s4 * left(4, child) + s5 * left(5, child) + s6 * left(6, child);
            mass -= skipped;
            node = node * FANOUT + child;
        }
        return node;
    }

    /** 1 when {@code prefix <= mass}, else 0. */
    private static int below(double prefix, double mass) {
        return prefix <= mass ? 1 : 0;
    }

    /** 1 when {@code sum > 0}, else 0. */
    private static int positive(double sum) {
        return sum > 0.0 ? 1 : 0;
    }

    /** 1.0 when child {@code index} lies left of {@code child}, else 0.0. */
    private static double left(int index, int child) {
        return (index - child) >>> 31;
    }

    /** Sum at node {@code node} of {@code level} (0 = leaves, {@link #levels()} - 1 = root), for checking the invariant. */
    public double nodeSum(int level, int node) {
        return nodes.getDouble(nodeIndex(level, node));
    }

    /** Minimum at node {@code node} of {@code level}. */
    public double nodeMin(int level, int node) {
        return nodes.getDouble((int) (nodeIndex(level, node) + minDelta));
    }

    private int nodeIndex(int level, int node) {
        if (level < 0 || level >= levels || node < 0 || node >= levelNodes[level]) {
            throw new IndexOutOfBoundsException("node " + node + " of level " + level + " does not exist");
        }
        return (int) (levelAddress[level] - nodes.addressOffset()) + node * NODE_BYTES;
    }

    /** Number of leaves usable ({@code [0, size())}). */
    public int size() {
        return size;
    }

    /** Levels, leaves (level 0) and root included. */
    public int levels() {
        return levels;
    }

    /** Nodes in use on {@code level}: {@code size()} leaves, then a node per 8 (rounded up), up to the root's 1. */
    public int levelNodes(int level) {
        return levelNodes[level];
    }
}
