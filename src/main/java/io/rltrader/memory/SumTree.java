package io.rltrader.memory;

import io.rltrader.util.OffHeap;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.util.Arrays;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An 8-ary sum tree (and, alongside, a min tree) over {@code size} non-negative priorities, in
 * off-heap doubles: O(log8 n) update and prefix-sum search, O(1) total and minimum.
 *
 * <p>Layout: level 0 holds the leaves, level {@code k + 1} one node per group of {@link #FANOUT}
 * consecutive nodes of level {@code k}, up to the root, the single node of the top level. Node
 * {@code j} of level {@code k + 1} has children {@code 8j .. 8j + 7} of level {@code k}. Each level is
 * padded to a multiple of 8 nodes, so the 8 children of a node are one 64-byte aligned cache line.
 * A leaf holds its priority only, which is also its minimum; the inner levels hold sums, and in a
 * second array laid out the same, minimums. (A separate array of leaf minimums, a copy of the
 * leaves, cost every update a store and every parent a read of one more cache line per leaf, which
 * missed the caches in large trees: a prioritized sample and update of 256 at 1M transitions went
 * from 75 to 60-67 us without it.) Every inner node also has a <em>search
 * line</em>, a third array of one 64-byte line per inner node: the prefix sums of its children,
 * {@code [P0 = 0, P1, ..., P7]}, {@code P_k} the sum of children {@code 0..k-1}. A search reads one
 * search line per level (5 for 10 000 leaves, 7 for a million; a binary tree reads 14 and 20),
 * counts the prefixes at or below its mass (the child it descends into, without branches: a binary
 * tree's left/right branch is a coin flip the predictor loses half the time) and subtracts one of
 * them; it never adds. The sums are only read by updates.
 *
 * <p>Parents are always recomputed from all their children (never updated by a delta), summed
 * pairwise, so {@code sum(node) == ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))} holds exactly and
 * rounding cannot drift. The prefixes are the same pairwise sums with the children from {@code k} on
 * taken as zero ({@code P3 = (c0 + c1) + c2}, {@code P5 = ((c0 + c1) + (c2 + c3)) + c4}, ...), so a
 * node's sum and its children's prefixes agree. Unset and padding leaves have priority 0 (and
 * an inner node with no positive leaf below it has minimum +infinity); a prefix {@code P_k} whose children {@code k..7} are all zero is stored
 * as +infinity, so a search never lands on a zero-priority node, not even with a mass at or past
 * the node's sum (rounding). For the same reason a zero-priority leaf, which a search never
 * returns, counts as +infinity in the minimums: {@link #min()} is the smallest positive priority.
 */
public final class SumTree {
    /** Children per node: 8 doubles are one cache line. */
    public static final int FANOUT = 8;
    private static final int NODE_BYTES = Double.BYTES;
    private static final int GROUP_BYTES = FANOUT * NODE_BYTES;
    private static final int LINE_BYTES = FANOUT * NODE_BYTES;

    private final int size;
    /** Levels including leaves and root. */
    private final int levels;
    /** Nodes in use per level (level 0: size, top level: 1). */
    private final int[] levelNodes;
    /**
     * Raw address of node 0 of each level in the sum array; for the inner levels (>= 1) the min
     * array is {@link #minDelta} further.
     */
    private final long[] levelAddress;
    /** Raw address of the search line of node 0 of each level (level 0, the leaves, has none: 0). */
    private final long[] lineAddress;
    private final long minDelta;
    private final long leafAddress;
    private final long rootAddress;
    private final UnsafeBuffer nodes;

    /** Sum of the words the touch passes read, kept so that the reads stay. */
    private long touched;
    /** Scratch of {@link #findAll}: the node each search is at and its mass left within that node. */
    private int[] searchNodes = new int[0];
    private double[] searchMasses = new double[0];
    /** Scratch of {@link #setLeavesAndRefresh}: the distinct nodes of one level to recompute. */
    private int[] refreshNodes = new int[0];

    public SumTree(int size) {
        if (size <= 0) {
            throw new UserInputException("sum tree size must be positive, got " + size);
        }
        this.size = size;
        int count = 1;
        for (long n = size; n > 1; n = (n + FANOUT - 1) / FANOUT) {
            count++;
        }
        // at least one inner level, whose minimum stands for a single leaf's too
        this.levels = Math.max(2, count);
        this.levelNodes = new int[levels];
        // [leaves][inner sums][inner minimums, laid out as the sums][search lines]
        long[] offsets = new long[levels];
        long[] lineOffsets = new long[levels];
        long leafBytes = (size + FANOUT - 1L) / FANOUT * GROUP_BYTES;
        long inner = 0;
        long lines = 0;
        long n = size;
        for (int level = 0; level < levels; level++) {
            levelNodes[level] = (int) n;
            if (level > 0) {
                offsets[level] = leafBytes + inner;
                inner += (n + FANOUT - 1) / FANOUT * GROUP_BYTES;
                lineOffsets[level] = lines;
                lines += n * LINE_BYTES;
            }
            n = (n + FANOUT - 1) / FANOUT;
        }
        nodes = OffHeap.allocate(leafBytes + 2 * inner + lines);
        long base = nodes.addressOffset();
        long linesStart = base + leafBytes + 2 * inner;
        this.levelAddress = new long[levels];
        this.lineAddress = new long[levels];
        for (int level = 0; level < levels; level++) {
            levelAddress[level] = base + offsets[level];
            lineAddress[level] = level == 0 ? 0 : linesStart + lineOffsets[level];
        }
        this.minDelta = inner;
        this.leafAddress = levelAddress[0];
        this.rootAddress = levelAddress[levels - 1];
        for (long at = leafBytes; at < leafBytes + inner; at += NODE_BYTES) {
            UnsafeApi.putDouble(base + minDelta + at, Double.POSITIVE_INFINITY);
        }
        // no child has priority yet: every prefix but P0 is +infinity
        for (long line = linesStart; line < linesStart + lines; line += LINE_BYTES) {
            for (int k = 1; k < FANOUT; k++) {
                UnsafeApi.putDouble(line + k * NODE_BYTES, Double.POSITIVE_INFINITY);
            }
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
     * until {@link #refreshRange} has covered the leaf. Lets a batch of
     * updates recompute each shared ancestor once instead of once per leaf.
     */
    void putLeaf(int leaf, double priority) {
        if (leaf < 0 || leaf >= size) {
            throw new IndexOutOfBoundsException("leaf " + leaf + " outside [0, " + size + ")");
        }
        checkPriority(priority);
        putLeafUnchecked(leaf, priority);
    }

    /** {@link #putLeaf} for a leaf and priority the caller has checked ({@link #checkPriority}). */
    void putLeafUnchecked(int leaf, double priority) {
        // + 0.0 turns -0.0 into +0.0: a zero leaf has the bits 0, which the minimums treat as empty
        UnsafeApi.putDouble(leafAddress + (long) leaf * NODE_BYTES, priority + 0.0);
    }

    static void checkPriority(double priority) {
        if (!(priority >= 0.0) || priority == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("priority must be finite and non-negative, got " + priority);
        }
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
     * Sets leaf {@code leaves[i]} (int64 values at the raw address {@code leaves}) to
     * {@code priorities[i]} for {@code i} in order, so a leaf listed twice keeps its later priority,
     * then recomputes their ancestors level by level, each level from the distinct parents of the
     * level below. Runs of leaves under the same parent (a stratified sample is sorted) recompute
     * that parent once; any order is correct. The caller has checked the leaves (against
     * {@link #size()}) and the priorities ({@link #checkPriority}).
     */
    void setLeavesAndRefresh(long leaves, double[] priorities, int count) {
        if (count <= 0) {
            return;
        }
        int[] distinct = refreshScratch(count);
        int previous = -1;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int leaf = (int) UnsafeApi.getLong(leaves + (long) i * Long.BYTES);
            putLeafUnchecked(leaf, priorities[i]);
            int node = leaf >>> 3;
            // written always, kept only when new: no branch to mispredict on runs of equal parents
            distinct[kept] = node;
            kept += node != previous ? 1 : 0;
            previous = node;
        }
        refreshAncestors(distinct, kept);
    }

    private int[] refreshScratch(int count) {
        if (refreshNodes.length < count) {
            refreshNodes = new int[count];
        }
        return refreshNodes;
    }

    /**
     * Recomputes the {@code kept} level-1 nodes in {@code distinct}, then their distinct parents,
     * up to the root; each level's parents are collected while the level is recomputed, in place
     * (the parent of entry {@code i} is written at an index at most {@code i}, after it was read).
     */
    private void refreshAncestors(int[] distinct, int kept) {
        for (int level = 1; level < levels; level++) {
            long children = levelAddress[level - 1];
            long parents = levelAddress[level];
            long lines = lineAddress[level];
            int previous = -1;
            int next = 0;
            for (int i = 0; i < kept; i++) {
                int node = distinct[i];
                recompute(children + (long) node * GROUP_BYTES, parents + (long) node * NODE_BYTES,
                    lines + (long) node * LINE_BYTES, level == 1);
                int parent = node >>> 3;
                distinct[next] = parent;
                next += parent != previous ? 1 : 0;
                previous = parent;
            }
            kept = next;
        }
    }

    /** Sum, min and search line of node {@code node} of {@code level} (>= 1) from its 8 children. */
    private void recompute(int level, int node) {
        recompute(levelAddress[level - 1] + (long) node * GROUP_BYTES, levelAddress[level] + (long) node * NODE_BYTES,
            lineAddress[level] + (long) node * LINE_BYTES, level == 1);
    }

    /**
     * Recomputes the node at {@code target} (its sum; its min at {@code target + minDelta}) and its
     * search line at {@code line} from the 8 children at {@code children}, which are leaves when
     * {@code leafChildren} (their minimums are their priorities, zero as +infinity). The prefixes are
     * the pairwise sums that form the node's sum, with the later children zero; a prefix with only
     * zero children from its index on is +infinity, which no mass reaches.
     */
    private void recompute(long children, long target, long line, boolean leafChildren) {
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
        double q456 = q45 + s6;
        double sum = h0 + (q45 + (s6 + s7));
        if (s7 > 0.0) {
            UnsafeApi.putDouble(line + 8, s0);
            UnsafeApi.putDouble(line + 16, q01);
            UnsafeApi.putDouble(line + 24, q01 + s2);
            UnsafeApi.putDouble(line + 32, h0);
            UnsafeApi.putDouble(line + 40, h0 + s4);
            UnsafeApi.putDouble(line + 48, h0 + q45);
            UnsafeApi.putDouble(line + 56, h0 + q456);
        } else {
            lineWithEmptyTail(children, line);
        }
        UnsafeApi.putDouble(target, sum);
        if (leafChildren) {
            recomputeMinOfLeaves(children, target + minDelta);
        } else {
            recomputeMin(children + minDelta, target + minDelta);
        }
    }

    /**
     * The minimum of the 8 minimums at {@code mins} into {@code target}. Minimums are never negative
     * (nor -0.0, nor NaN), and the bits of such doubles order as the doubles do, so the minimum is
     * taken over the bits as longs ({@link #minOfBits}).
     */
    private static void recomputeMin(long mins, long target) {
        long m01 = minOfBits(UnsafeApi.getLong(mins), UnsafeApi.getLong(mins + 8));
        long m23 = minOfBits(UnsafeApi.getLong(mins + 16), UnsafeApi.getLong(mins + 24));
        long m45 = minOfBits(UnsafeApi.getLong(mins + 32), UnsafeApi.getLong(mins + 40));
        long m67 = minOfBits(UnsafeApi.getLong(mins + 48), UnsafeApi.getLong(mins + 56));
        UnsafeApi.putLong(target, minOfBits(minOfBits(m01, m23), minOfBits(m45, m67)));
    }

    /**
     * The minimum of the 8 leaves at {@code leaves} into {@code target}, a zero leaf taken as
     * +infinity: over the keys {@code (bits - 1) & Long.MAX_VALUE}, which keep the order of positive
     * doubles and put a zero (bits 0) above them all, then back to bits, or to +infinity when every
     * leaf is zero.
     */
    private static void recomputeMinOfLeaves(long leaves, long target) {
        long m01 = minOfBits(leafKey(UnsafeApi.getLong(leaves)), leafKey(UnsafeApi.getLong(leaves + 8)));
        long m23 = minOfBits(leafKey(UnsafeApi.getLong(leaves + 16)), leafKey(UnsafeApi.getLong(leaves + 24)));
        long m45 = minOfBits(leafKey(UnsafeApi.getLong(leaves + 32)), leafKey(UnsafeApi.getLong(leaves + 40)));
        long m67 = minOfBits(leafKey(UnsafeApi.getLong(leaves + 48)), leafKey(UnsafeApi.getLong(leaves + 56)));
        long key = minOfBits(minOfBits(m01, m23), minOfBits(m45, m67));
        UnsafeApi.putLong(target, key == Long.MAX_VALUE ? POSITIVE_INFINITY_BITS : key + 1);
    }

    private static final long POSITIVE_INFINITY_BITS = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);

    /** The order key of a leaf's bits for {@link #recomputeMinOfLeaves}: a zero becomes {@code Long.MAX_VALUE}. */
    private static long leafKey(long bits) {
        return (bits - 1) & Long.MAX_VALUE;
    }

    /**
     * The smaller of two non-negative longs, in arithmetic: {@code b + min(a - b, 0)}, the
     * difference's sign spread into a mask. The JIT compiles {@code Math.min} of longs to a compare
     * and a branch here, which random priorities mispredict; this measured about 1.3 us less per
     * batch refresh of 256 leaves at 10 000.
     */
    private static long minOfBits(long a, long b) {
        long difference = a - b;
        return b + (difference & (difference >> 63));
    }

    /**
     * The search line of children whose last ones are empty (the end of the tree, or of its stored
     * part), kept out of {@link #recompute} so that stays small enough to be inlined: the prefix
     * {@code P_k} becomes +infinity where children {@code k..7} all have priority 0.
     */
    private static void lineWithEmptyTail(long children, long line) {
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
        // liveK: child k or a later one has priority (priorities are never negative)
        boolean live7 = s7 > 0.0;
        boolean live6 = live7 | s6 > 0.0;
        boolean live5 = live6 | s5 > 0.0;
        boolean live4 = live5 | s4 > 0.0;
        boolean live3 = live4 | s3 > 0.0;
        boolean live2 = live3 | s2 > 0.0;
        boolean live1 = live2 | s1 > 0.0;
        double inf = Double.POSITIVE_INFINITY;
        UnsafeApi.putDouble(line + 8, live1 ? s0 : inf);
        UnsafeApi.putDouble(line + 16, live2 ? q01 : inf);
        UnsafeApi.putDouble(line + 24, live3 ? q01 + s2 : inf);
        UnsafeApi.putDouble(line + 32, live4 ? h0 : inf);
        UnsafeApi.putDouble(line + 40, live5 ? h0 + s4 : inf);
        UnsafeApi.putDouble(line + 48, live6 ? h0 + q45 : inf);
        UnsafeApi.putDouble(line + 56, live7 ? h0 + (q45 + s6) : inf);
    }

    public double get(int leaf) {
        if (leaf < 0 || leaf >= size) {
            throw new IndexOutOfBoundsException("leaf " + leaf + " outside [0, " + size + ")");
        }
        return UnsafeApi.getDouble(leafAddress + (long) leaf * NODE_BYTES);
    }

    /** Priority of {@code leaf}, which the caller has checked to lie in {@code [0, size())}. */
    double getUnchecked(int leaf) {
        return UnsafeApi.getDouble(leafAddress + (long) leaf * NODE_BYTES);
    }

    /** Sum of all priorities. */
    public double total() {
        return UnsafeApi.getDouble(rootAddress);
    }

    /** Smallest positive priority; +infinity when there is none (nothing set, or only zeros). */
    public double min() {
        return UnsafeApi.getDouble(rootAddress + minDelta);
    }

    /**
     * The leaf whose cumulative range contains {@code mass}, for {@code 0 <= mass < total()}: leaf
     * {@code j} is found for mass in {@code [sum(0..j-1), sum(0..j))}. A mass at or past the total
     * (rounding) returns the last leaf with a positive priority; a zero-priority leaf is never returned
     * while the total is positive.
     */
    public int find(double mass) {
        // -0.0 compares as 0.0 but would give the sign of -0.0 - 0.0 to the prefix test in child()
        mass += 0.0;
        int node = 0;
        for (int level = levels - 1; level >= 1; level--) {
            long line = lineAddress[level] + (long) node * LINE_BYTES;
            int child = child(line, mass);
            mass -= UnsafeApi.getDouble(line + child * NODE_BYTES);
            node = node * FANOUT + child;
        }
        return node;
    }

    /**
     * {@link #find} for {@code count} masses, the leaves written as int64 to the raw address
     * {@code leaves} (checked by the caller); the same leaves as {@code count} calls of {@link #find},
     * bit for bit. The searches go down together, one level at a time: within a level no search
     * waits for another, so the processor overlaps their loads (their cache misses, once the tree
     * outgrows the caches) and their arithmetic, where one search alone is a chain of dependent loads
     * and compares that leaves most of the core idle. On the top levels, where many searches share
     * a node, the children are walked in order instead ({@link #walkLevel}); masses in ascending
     * order (a stratified sample) make that a few instructions per search.
     */
    void findAll(double[] masses, int count, long leaves) {
        if (searchNodes.length < count) {
            searchNodes = new int[count];
            searchMasses = new double[count];
        }
        int[] at = searchNodes;
        double[] left = searchMasses;
        boolean nonNegative = true;
        for (int i = 0; i < count; i++) {
            // + 0.0 turns -0.0 into +0.0, which compares the same and has the bits of zero
            double mass = masses[i] + 0.0;
            nonNegative &= mass >= 0.0;
            left[i] = mass;
        }
        if (!nonNegative) {
            // the levels compare bits, which order only non-negative doubles; a negative or NaN mass
            // is outside the search's domain anyway: find() gives it the leaf it always gave
            for (int i = 0; i < count; i++) {
                UnsafeApi.putLong(leaves + (long) i * Long.BYTES, find(masses[i]));
            }
            return;
        }
        Arrays.fill(at, 0, count, 0);
        for (int level = levels - 1; level >= 1; level--) {
            if ((long) levelNodes[level] * WALK_SEARCHES_PER_NODE <= count) {
                walkLevel(lineAddress[level], at, left, count);
            } else {
                if ((long) levelNodes[level] * LINE_BYTES > CACHED_LEVEL_BYTES) {
                    touchLines(lineAddress[level], at, count);
                }
                searchLevel(lineAddress[level], at, left, count);
            }
        }
        for (int i = 0; i < count; i++) {
            UnsafeApi.putLong(leaves + (long) i * Long.BYTES, at[i]);
        }
    }

    /**
     * Bytes of search lines in a level beyond which the level is taken not to stay in the caches
     * between two batches, so its lines are touched in a pass of their own first
     * ({@link #touchLines}): half of a typical per-core L2. (The same pass before the update's
     * recomputations made no difference: their stores already overlap their misses.)
     */
    private static final long CACHED_LEVEL_BYTES = 256 * 1024;

    /**
     * Reads one word of the line of each search's node, with nothing waiting on the loads: a loop
     * of a few instructions per line keeps some twenty cache misses in flight, where the search's
     * own loop, ten times longer, fits only a few of its iterations in the processor's window.
     */
    private void touchLines(long lines, int[] at, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += UnsafeApi.getLong(lines + (long) at[i] * LINE_BYTES);
        }
        touched += sum;
    }

    /** Searches per node (on average) from which a level is walked rather than searched. */
    private static final int WALK_SEARCHES_PER_NODE = 32;

    /**
     * One level of {@link #findAll}: for each search, the child of its node that holds its mass,
     * branch-free. Prefixes and masses are non-negative here (or +infinity), and the bits of such
     * doubles order as the doubles do, so the three comparisons are integer subtractions (one cycle
     * each, against three for a double subtraction and three more to move its sign out).
     */
    private static void searchLevel(long lines, int[] at, double[] left, int count) {
        for (int i = 0; i < count; i++) {
            int node = at[i];
            long line = lines + (long) node * LINE_BYTES;
            double mass = left[i];
            long massBits = Double.doubleToRawLongBits(mass);
            // the byte offset of the child in the line: 32, 16 and 8 added where the prefix there is at or below
            long offset = belowBits(UnsafeApi.getLong(line + 4 * NODE_BYTES), massBits) << 5;
            offset += belowBits(UnsafeApi.getLong(line + offset + 2 * NODE_BYTES), massBits) << 4;
            offset += belowBits(UnsafeApi.getLong(line + offset + NODE_BYTES), massBits) << 3;
            left[i] = mass - UnsafeApi.getDouble(line + offset);
            at[i] = node * FANOUT + (int) (offset >>> 3);
        }
    }

    /** 1 when {@code prefixBits <= massBits}, else 0; both are the bits of non-negative doubles (or +infinity). */
    private static long belowBits(long prefixBits, long massBits) {
        return ((massBits - prefixBits) >>> 63) ^ 1;
    }

    /**
     * One level of {@link #findAll} for searches that share few nodes: while consecutive searches
     * stay in one node with non-decreasing masses, the child only moves right, so it is carried from
     * one search to the next and advanced past the prefixes at or below the mass (the same
     * comparisons as {@link #child}, so the same child); a new node or a smaller mass starts at
     * child 0 again. The loop's branches mispredict about once per child boundary, not per search.
     */
    private static void walkLevel(long lines, int[] at, double[] left, int count) {
        int node = -1;
        long line = 0;
        int child = 0;
        double previous = 0;
        for (int i = 0; i < count; i++) {
            int current = at[i];
            double mass = left[i];
            if (current != node || mass < previous) {
                node = current;
                line = lines + (long) node * LINE_BYTES;
                child = 0;
            }
            while (child < FANOUT - 1 && UnsafeApi.getDouble(line + (child + 1) * NODE_BYTES) <= mass) {
                child++;
            }
            previous = mass;
            left[i] = mass - UnsafeApi.getDouble(line + child * NODE_BYTES);
            at[i] = node * FANOUT + child;
        }
    }

    /**
     * Which of the 8 children of the search line at {@code line} holds {@code mass}: the number of
     * prefixes {@code P1..P7} at or below it (they rise, so that is the first child whose range
     * exceeds the mass), counted without branches. Prefixes over zero children only are +infinity,
     * so the count stops at the last child with a positive sum for a mass past the node's sum.
     */
    private static int child(long line, double mass) {
        // a branch-free binary search: P1..P7 rise, so the count is found in three steps, each
        // adding 4, 2 or 1 when the prefix just past the count so far is still at or below the mass
        int count = below(UnsafeApi.getDouble(line + 4 * NODE_BYTES), mass) << 2;
        count += below(UnsafeApi.getDouble(line + (count + 2) * NODE_BYTES), mass) << 1;
        return count + below(UnsafeApi.getDouble(line + (count + 1) * NODE_BYTES), mass);
    }

    /**
     * 1 when {@code prefix <= mass}, else 0, from the sign of {@code mass - prefix} (exact in sign for
     * finite or infinite operands; equal ones give +0.0): a ternary here is compiled to a branch
     * where its result picks the next load, and that branch is a coin flip.
     */
    private static int below(double prefix, double mass) {
        return (int) (Double.doubleToRawLongBits(mass - prefix) >>> 63) ^ 1;
    }

    /** Prefix {@code P_k} ({@code k} in 0..7) of the search line of node {@code node} of {@code level} (>= 1). */
    double childPrefix(int level, int node, int k) {
        if (level < 1 || level >= levels || node < 0 || node >= levelNodes[level] || k < 0 || k >= FANOUT) {
            throw new IndexOutOfBoundsException("prefix " + k + " of node " + node + " of level " + level
                + " does not exist");
        }
        return UnsafeApi.getDouble(lineAddress[level] + (long) node * LINE_BYTES + k * NODE_BYTES);
    }

    /** Sum at node {@code node} of {@code level} (0 = leaves, {@link #levels()} - 1 = root), for checking the invariant. */
    public double nodeSum(int level, int node) {
        return nodes.getDouble(nodeIndex(level, node));
    }

    /** Minimum at node {@code node} of {@code level}: for a leaf its priority, +infinity where that is zero. */
    public double nodeMin(int level, int node) {
        if (level == 0) {
            double priority = nodeSum(0, node);
            return priority == 0.0 ? Double.POSITIVE_INFINITY : priority;
        }
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

    /** Every node (sums and minima), so a restored tree is bit-identical, not re-summed. */
    public void writeState(StateWriter out) {
        out.bytes("nodes", nodes, 0, nodes.capacity());
    }

    public void readState(StateReader in) {
        in.bytes("nodes", nodes, 0, nodes.capacity());
    }
}
