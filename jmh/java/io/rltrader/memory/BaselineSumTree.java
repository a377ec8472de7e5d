package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * FROZEN COPY, for benchmarks only: {@link SumTree} as of commit da8cbe8, before the batch
 * sample/update rewrite, so that {@link PrioritizedReplayBreakdownBenchmark} can compare before and
 * after in one JMH run. Not used by rltrader itself.
 *
 * <p>An 8-ary sum tree (and, alongside, a min tree) over {@code size} non-negative priorities, in
 * off-heap doubles: O(log8 n) update and prefix-sum search, O(1) total and minimum.
 *
 * <p>Layout: level 0 holds the leaves, level {@code k + 1} one node per group of {@link #FANOUT}
 * consecutive nodes of level {@code k}, up to the root, the single node of the top level. Node
 * {@code j} of level {@code k + 1} has children {@code 8j .. 8j + 7} of level {@code k}. Each level is
 * padded to a multiple of 8 nodes, so the 8 children of a node are one 64-byte aligned cache line:
 * a search reads one line per level (5 for 10 000 leaves, 7 for a million; a binary tree reads 14 and
 * 20) and picks the child without branches. Sums and minimums are two such arrays in one block.
 *
 * <p>Parents are always recomputed from all their children (never updated by a delta), summed
 * pairwise, so {@code sum(node) == ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))} holds exactly and
 * rounding cannot drift; the search forms its prefix sums from the same partial sums. Unset and padding leaves have priority
 * 0 (and +infinity in the min tree), so a search never lands on them.
 */
final class BaselineSumTree {
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

    BaselineSumTree(int size) {
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
        double sum = groupSum(children);
        double min = UnsafeApi.getDouble(children + minDelta);
        for (int c = 1; c < FANOUT; c++) {
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
     * The sum of the 8 nodes at {@code children}, added pairwise: {@code ((c0 + c1) + (c2 + c3)) +
     * ((c4 + c5) + (c6 + c7))}. The search forms its prefix sums from the same partial sums (three
     * additions deep rather than seven), so a node's sum and its children's prefixes agree.
     */
    private static double groupSum(long children) {
        double q01 = UnsafeApi.getDouble(children) + UnsafeApi.getDouble(children + 8);
        double q23 = UnsafeApi.getDouble(children + 16) + UnsafeApi.getDouble(children + 24);
        double q45 = UnsafeApi.getDouble(children + 32) + UnsafeApi.getDouble(children + 40);
        double q67 = UnsafeApi.getDouble(children + 48) + UnsafeApi.getDouble(children + 56);
        return (q01 + q23) + (q45 + q67);
    }

    /**
     * The leaf whose cumulative range contains {@code mass}, for {@code 0 <= mass < total()}: leaf
     * {@code j} is found for mass in {@code [sum(0..j-1), sum(0..j))}. A mass at or past the total
     * (rounding) returns the last leaf with a positive priority; a zero-priority leaf is never returned
     * while the total is positive.
     */
    public int find(double mass) {
        int node = 0;
        for (int level = levels - 2; level >= 0; level--) {
            long children = levelAddress[level] + (long) node * GROUP_BYTES;
            int child = child(children, mass);
            mass -= prefixBefore(children, child);
            node = node * FANOUT + child;
        }
        return node;
    }

    /**
     * {@link #find} for {@code count} masses, the leaves written as int64 to the raw address
     * {@code leaves} (checked by the caller). Four searches descend in lockstep: one search is a chain
     * of dependent loads and compares that leaves most of the core idle, four keep it busy.
     */
    void findAll(double[] masses, int count, long leaves) {
        int i = 0;
        for (; i + 4 <= count; i += 4) {
            double m0 = masses[i];
            double m1 = masses[i + 1];
            double m2 = masses[i + 2];
            double m3 = masses[i + 3];
            int n0 = 0;
            int n1 = 0;
            int n2 = 0;
            int n3 = 0;
            for (int level = levels - 2; level >= 0; level--) {
                long base = levelAddress[level];
                long a0 = base + (long) n0 * GROUP_BYTES;
                long a1 = base + (long) n1 * GROUP_BYTES;
                long a2 = base + (long) n2 * GROUP_BYTES;
                long a3 = base + (long) n3 * GROUP_BYTES;
                int c0 = child(a0, m0);
                int c1 = child(a1, m1);
                int c2 = child(a2, m2);
                int c3 = child(a3, m3);
                m0 -= prefixBefore(a0, c0);
                m1 -= prefixBefore(a1, c1);
                m2 -= prefixBefore(a2, c2);
                m3 -= prefixBefore(a3, c3);
                n0 = n0 * FANOUT + c0;
                n1 = n1 * FANOUT + c1;
                n2 = n2 * FANOUT + c2;
                n3 = n3 * FANOUT + c3;
            }
            UnsafeApi.putLong(leaves + (long) i * Long.BYTES, n0);
            UnsafeApi.putLong(leaves + (long) (i + 1) * Long.BYTES, n1);
            UnsafeApi.putLong(leaves + (long) (i + 2) * Long.BYTES, n2);
            UnsafeApi.putLong(leaves + (long) (i + 3) * Long.BYTES, n3);
        }
        for (; i < count; i++) {
            UnsafeApi.putLong(leaves + (long) i * Long.BYTES, find(masses[i]));
        }
    }

    /**
     * Which of the 8 children at {@code children} holds {@code mass}: the number of prefix sums
     * {@code P1..P7} at or below it (the prefixes rise, so that is the first child whose range
     * exceeds the mass), counted without branches (a binary tree's left/right branch is a coin flip
     * the predictor loses half the time), capped at the last child with a positive sum for a mass
     * past the node's sum.
     */
    private static int child(long children, double mass) {
        double s0 = UnsafeApi.getDouble(children);
        double s1 = UnsafeApi.getDouble(children + 8);
        double s2 = UnsafeApi.getDouble(children + 16);
        double s3 = UnsafeApi.getDouble(children + 24);
        double s4 = UnsafeApi.getDouble(children + 32);
        double s5 = UnsafeApi.getDouble(children + 40);
        double s6 = UnsafeApi.getDouble(children + 48);
        double s7 = UnsafeApi.getDouble(children + 56);
        double q01 = s0 + s1;
        double h0 = q01 + (s2 + s3);
        double q45 = s4 + s5;
        // P_k, the sum of children 0..k-1, associated as groupSum would with the rest zero
        int passed = below(s0, mass) + below(q01, mass) + below(q01 + s2, mass) + below(h0, mass)
            + below(h0 + s4, mass) + below(h0 + q45, mass) + below(h0 + (q45 + s6), mass);
        int positive = positive(s1) | positive(s2) << 1 | positive(s3) << 2 | positive(s4) << 3
            | positive(s5) << 4 | positive(s6) << 5 | positive(s7) << 6;
        int lastPositive = 32 - Integer.numberOfLeadingZeros(positive);
        return Math.min(passed, lastPositive);
    }

    /**
     * The prefix sum {@code P_child} of the children at {@code children} (0 for child 0), as
     * {@link #child} forms it: the pairwise sum of the children with those from {@code child} on
     * masked to +0.0 by their bits (no branch, and no int-to-double conversion on the path).
     */
    private static double prefixBefore(long children, int child) {
        double q01 = masked(children, 0, child) + masked(children, 1, child);
        double q23 = masked(children, 2, child) + masked(children, 3, child);
        double q45 = masked(children, 4, child) + masked(children, 5, child);
        double q67 = masked(children, 6, child) + masked(children, 7, child);
        return (q01 + q23) + (q45 + q67);
    }

    /** Child {@code index} when it lies left of {@code child}, else +0.0. */
    private static double masked(long children, int index, int child) {
        long keep = (long) ((index - child) >> 31);
        return Double.longBitsToDouble(UnsafeApi.getLong(children + index * NODE_BYTES) & keep);
    }

    /** 1 when {@code prefix <= mass}, else 0. */
    private static int below(double prefix, double mass) {
        return prefix <= mass ? 1 : 0;
    }

    /** 1 when {@code sum > 0}, else 0. */
    private static int positive(double sum) {
        return sum > 0.0 ? 1 : 0;
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
