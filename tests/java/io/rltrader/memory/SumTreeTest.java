package io.rltrader.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rltrader.util.Rng;
import org.junit.jupiter.api.Test;

class SumTreeTest {

    @Test
    void everyNodeIsTheSumAndMinOfItsChildrenAfterRandomUpdates() {
        SumTree tree = new SumTree(37);
        Rng rng = new Rng(3);
        double[] leaves = new double[37];
        for (int update = 0; update < 5000; update++) {
            int leaf = rng.nextInt(37);
            double priority = rng.nextInt(10) == 0 ? 0.0 : rng.nextDouble() * 10;
            tree.set(leaf, priority);
            leaves[leaf] = priority;
        }
        assertEquals(1, tree.levelNodes(tree.levels() - 1), "one root");
        for (int level = 1; level < tree.levels(); level++) {
            assertEquals((tree.levelNodes(level - 1) + SumTree.FANOUT - 1) / SumTree.FANOUT, tree.levelNodes(level));
            for (int node = 0; node < tree.levelNodes(level); node++) {
                double[] c = new double[SumTree.FANOUT];
                double min = Double.POSITIVE_INFINITY;
                int first = node * SumTree.FANOUT;
                int end = Math.min(first + SumTree.FANOUT, tree.levelNodes(level - 1));
                for (int child = first; child < end; child++) {
                    c[child - first] = tree.nodeSum(level - 1, child);
                    min = Math.min(min, tree.nodeMin(level - 1, child));
                }
                double sum = ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
                assertEquals(sum, tree.nodeSum(level, node), 0.0, "sum at node " + node + " of level " + level);
                assertEquals(min, tree.nodeMin(level, node), 0.0, "min at node " + node + " of level " + level);
            }
        }
        double total = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double p : leaves) {
            total += p;
            // a zero leaf is never drawn and does not count toward the minimum
            if (p > 0) {
                min = Math.min(min, p);
            }
        }
        assertEquals(total, tree.total(), 1e-9 * total);
        assertEquals(min, tree.min(), 0.0);
        for (int leaf = 0; leaf < 37; leaf++) {
            assertEquals(leaves[leaf], tree.get(leaf), 0.0);
        }
    }

    @Test
    void findReturnsTheLeafWhoseCumulativeRangeHoldsTheMass() {
        SumTree tree = new SumTree(10);
        double[] priorities = {1, 0, 2, 3, 0, 0.5, 4, 0, 1.5, 2};
        for (int leaf = 0; leaf < priorities.length; leaf++) {
            tree.set(leaf, priorities[leaf]);
        }
        double cumulative = 0;
        for (int leaf = 0; leaf < priorities.length; leaf++) {
            if (priorities[leaf] > 0) {
                assertEquals(leaf, tree.find(cumulative + priorities[leaf] * 0.5), "middle of leaf " + leaf);
                assertEquals(leaf, tree.find(cumulative), "start of leaf " + leaf);
            }
            cumulative += priorities[leaf];
        }
        // a mass at or past the total (rounding) still lands on a leaf with positive priority
        assertEquals(9, tree.find(tree.total()));
        assertEquals(9, tree.find(tree.total() * 2));
        tree.set(9, 0);
        tree.set(8, 0);
        assertEquals(6, tree.find(tree.total() + 1));
        assertNotEquals(0.0, priorities[tree.find(0.0)]);
    }

    @Test
    void findMatchesALinearScanOnAThreeLevelTreeAlsoInBatches() {
        int size = 1000;
        SumTree tree = new SumTree(size);
        Rng rng = new Rng(9);
        double[] priorities = new double[size];
        for (int leaf = 0; leaf < size; leaf++) {
            // integers keep every prefix sum exact, so the reference needs no tolerance
            priorities[leaf] = rng.nextInt(4) == 0 ? 0 : 1 + rng.nextInt(20);
            tree.set(leaf, priorities[leaf]);
        }
        double[] masses = new double[257];
        for (int i = 0; i < masses.length; i++) {
            masses[i] = rng.nextDouble() * tree.total();
        }
        masses[0] = 0;
        masses[1] = tree.total();
        org.agrona.concurrent.UnsafeBuffer found = io.rltrader.util.OffHeap.allocate(masses.length * 8L);
        tree.findAll(masses, masses.length, found.addressOffset());
        for (int i = 0; i < masses.length; i++) {
            int expected = -1;
            double cumulative = 0;
            for (int leaf = 0; leaf < size; leaf++) {
                if (priorities[leaf] > 0) {
                    expected = leaf;
                }
                cumulative += priorities[leaf];
                if (masses[i] < cumulative) {
                    break;
                }
            }
            assertEquals(expected, tree.find(masses[i]), "mass " + masses[i]);
            assertEquals(expected, found.getLong(i * 8), "batched, mass " + masses[i]);
        }
    }

    @Test
    void batchedLeafUpdatesLeaveTheSameTreeAsSingleOnes() {
        SumTree single = new SumTree(700);
        SumTree batched = new SumTree(700);
        Rng rng = new Rng(4);
        org.agrona.concurrent.UnsafeBuffer leaves = io.rltrader.util.OffHeap.allocate(64 * 8);
        for (int round = 0; round < 50; round++) {
            double[] priorities = new double[64];
            for (int i = 0; i < 64; i++) {
                int leaf = rng.nextInt(700);
                double priority = rng.nextDouble();
                single.set(leaf, priority);
                priorities[i] = priority;
                leaves.putLong(i * 8, leaf);
            }
            batched.setLeavesAndRefresh(leaves.addressOffset(), priorities, 64);
            int first = rng.nextInt(700 - 64);
            for (int i = 0; i < 64; i++) {
                single.set(first + i, i);
                batched.putLeaf(first + i, i);
            }
            batched.refreshRange(first, 64);
        }
        for (int level = 0; level < single.levels(); level++) {
            for (int node = 0; node < single.levelNodes(level); node++) {
                assertEquals(single.nodeSum(level, node), batched.nodeSum(level, node), 0.0);
                assertEquals(single.nodeMin(level, node), batched.nodeMin(level, node), 0.0);
            }
        }
    }

    @Test
    void rejectsInvalidPriorityAndLeaf() {
        SumTree tree = new SumTree(4);
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, -1));
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.NaN));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.set(4, 1));
    }

    /** Priorities with zeros in runs, also at the end, so that nodes with empty trailing children occur. */
    private static double[] randomPriorities(int size, Rng rng) {
        double[] priorities = new double[size];
        for (int leaf = 0; leaf < size; leaf++) {
            boolean inZeroRun = (leaf / 5) % 7 == 3 || leaf >= size - size / 10;
            priorities[leaf] = inZeroRun || rng.nextInt(6) == 0 ? 0.0 : rng.nextDouble() * Math.pow(10, rng.nextInt(7) - 3);
        }
        return priorities;
    }

    @Test
    void searchLinesHoldThePairwisePrefixesOfTheChildren() {
        SumTree tree = new SumTree(3000);
        Rng rng = new Rng(21);
        double[] priorities = randomPriorities(3000, rng);
        for (int leaf = 0; leaf < 3000; leaf++) {
            tree.set(leaf, priorities[leaf]);
        }
        for (int update = 0; update < 2000; update++) {
            tree.set(rng.nextInt(2700), rng.nextInt(3) == 0 ? 0.0 : rng.nextDouble());
        }
        for (int level = 1; level < tree.levels(); level++) {
            for (int node = 0; node < tree.levelNodes(level); node++) {
                double[] expected = ReferenceSearch.line(tree, level, node);
                for (int k = 0; k < SumTree.FANOUT; k++) {
                    assertEquals(expected[k], tree.childPrefix(level, node, k), 0.0,
                        "prefix " + k + " of node " + node + " of level " + level);
                }
            }
        }
    }

    @Test
    void findAndFindAllEqualTheReferenceDescentBitForBit() {
        Rng rng = new Rng(22);
        for (int size : new int[] {1, 2, 7, 8, 9, 63, 64, 65, 513, 4097, 40_000}) {
            SumTree tree = new SumTree(size);
            double[] priorities = randomPriorities(size, rng);
            if (size < 10) {
                priorities[0] = 0.5;
            }
            for (int leaf = 0; leaf < size; leaf++) {
                tree.set(leaf, priorities[leaf]);
            }
            int count = 300;
            double total = tree.total();
            double[] stratified = new double[count];
            double[] unsorted = new double[count];
            for (int i = 0; i < count; i++) {
                stratified[i] = (i + rng.nextDouble()) * (total / count);
                unsorted[i] = rng.nextDouble() * total;
            }
            // masses on and past the boundaries: 0, the total, beyond it, and each leaf's start
            unsorted[0] = 0;
            unsorted[1] = total;
            unsorted[2] = total * 1.5;
            for (int i = 3, leaf = 0; i < count && leaf < size; leaf++) {
                if (priorities[leaf] > 0) {
                    unsorted[i++] = ReferenceSearch.massBefore(tree, leaf);
                }
            }
            // outside the domain: a negative mass and -0.0 (which compares as 0)
            double[] withNegative = unsorted.clone();
            withNegative[count - 1] = -1.0;
            withNegative[count - 2] = -0.0;
            for (double[] masses : new double[][] {stratified, unsorted, withNegative}) {
                org.agrona.concurrent.UnsafeBuffer found = io.rltrader.util.OffHeap.allocate(count * 8L);
                tree.findAll(masses, count, found.addressOffset());
                for (int i = 0; i < count; i++) {
                    int expected = ReferenceSearch.find(tree, masses[i]);
                    assertEquals(expected, tree.find(masses[i]), "size " + size + ", mass " + masses[i]);
                    assertEquals(expected, found.getLong(i * 8), "batched, size " + size + ", mass " + masses[i]);
                }
            }
        }
    }

    @Test
    void minimumIsTheSmallestPositivePriority() {
        SumTree single = new SumTree(1);
        assertEquals(Double.POSITIVE_INFINITY, single.min(), 0.0);
        single.set(0, 0.0);
        assertEquals(Double.POSITIVE_INFINITY, single.min(), 0.0);
        single.set(0, 2.5);
        assertEquals(2.5, single.min(), 0.0);
        assertEquals(2.5, single.total(), 0.0);
        assertEquals(0, single.find(1.0));
        for (int size : new int[] {3, 8, 9, 100}) {
            SumTree tree = new SumTree(size);
            assertEquals(Double.POSITIVE_INFINITY, tree.min(), 0.0, "size " + size + ", empty");
            tree.set(size - 1, 0.0);
            assertEquals(Double.POSITIVE_INFINITY, tree.min(), 0.0, "size " + size + ", only a zero");
            tree.set(0, 2.5);
            assertEquals(2.5, tree.min(), 0.0, "size " + size);
            tree.set(0, Double.MIN_VALUE);
            assertEquals(Double.MIN_VALUE, tree.min(), 0.0, "size " + size + ", the smallest positive double");
            tree.set(size - 1, 7.0);
            assertEquals(Double.MIN_VALUE, tree.min(), 0.0, "size " + size);
            assertEquals(Double.MIN_VALUE + 7.0, tree.total(), 0.0, "size " + size);
            tree.set(0, 0.0);
            assertEquals(7.0, tree.min(), 0.0, "size " + size + ", the zero left out again");
            assertEquals(Double.POSITIVE_INFINITY, tree.nodeMin(0, 0), 0.0, "a zero leaf's own minimum");
            assertEquals(7.0, tree.nodeMin(0, size - 1), 0.0);
        }
    }

    @Test
    void emptyTreeFindsLeafZero() {
        SumTree tree = new SumTree(100);
        assertEquals(0, tree.find(0.0));
        assertEquals(0.0, tree.total(), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, tree.min(), 0.0);
    }

    @Test
    void batchedRefreshInAnyOrderAndWithRepeatsEqualsSingleSets() {
        Rng rng = new Rng(23);
        for (int size : new int[] {5, 700, 10_000}) {
            SumTree single = new SumTree(size);
            SumTree batched = new SumTree(size);
            int count = 256;
            org.agrona.concurrent.UnsafeBuffer leaves = io.rltrader.util.OffHeap.allocate(count * 8L);
            double[] priorities = new double[count];
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < count; i++) {
                    // sorted runs in even rounds (as a stratified sample gives), any order in odd ones
                    int leaf = round % 2 == 0 ? (int) ((long) size * i / count) : rng.nextInt(size);
                    double priority = rng.nextInt(10) == 0 ? 0.0 : rng.nextDouble() * 5;
                    single.set(leaf, priority);
                    priorities[i] = priority;
                    leaves.putLong(i * 8, leaf);
                }
                batched.setLeavesAndRefresh(leaves.addressOffset(), priorities, count);
            }
            for (int level = 0; level < single.levels(); level++) {
                for (int node = 0; node < single.levelNodes(level); node++) {
                    assertEquals(single.nodeSum(level, node), batched.nodeSum(level, node), 0.0);
                    assertEquals(single.nodeMin(level, node), batched.nodeMin(level, node), 0.0);
                    for (int k = 0; level > 0 && k < SumTree.FANOUT; k++) {
                        assertEquals(single.childPrefix(level, node, k), batched.childPrefix(level, node, k), 0.0);
                    }
                }
            }
        }
    }

    /**
     * Many random trees, full and partly filled, set one by one or in a shuffled batch, with zeros
     * (and -0.0) alone, in runs, in whole nodes and at the end, searched with masses at every
     * boundary and past the total: against a linear scan of the leaves where the priorities are small
     * integers (every sum exact, so the documented semantics hold to the bit), and against the
     * reference descent over the node sums, bit for bit, where they are not; and the level-1 search
     * lines, where a zero tail turns the prefixes to +infinity, against the reference's.
     */
    @Test
    void searchesOfRandomTreesMatchALinearScanAndTheReferenceDescent() {
        Rng rng = new Rng(24);
        // 40 000 leaves: level 1 outgrows CACHED_LEVEL_BYTES, so the search touches its lines in a pass first
        for (int size : new int[] {1, 7, 8, 9, 64, 65, 1000, 10_000, 40_000}) {
            int trees = size >= 10_000 ? 4 : 40;
            for (int t = 0; t < trees; t++) {
                boolean integers = t % 2 == 0;
                int filled = t % 4 < 2 ? size : 1 + rng.nextInt(size);
                int zeroOneIn = 2 + rng.nextInt(6);
                SumTree tree = new SumTree(size);
                double[] priorities = new double[size];
                for (int leaf = 0; leaf < filled; leaf++) {
                    boolean zeroNode = (leaf / SumTree.FANOUT) % 5 == 2 && t % 3 == 0;
                    boolean zero = zeroNode || rng.nextInt(zeroOneIn) == 0;
                    double priority = integers
                        ? 1 + rng.nextInt(16)
                        : rng.nextDouble() * Math.pow(10, rng.nextInt(5) - 2);
                    priorities[leaf] = zero ? (rng.nextInt(2) == 0 ? -0.0 : 0.0) : priority;
                }
                if (t % 5 == 4) {
                    // a batched update, leaves in any order, over the tree set one by one
                    for (int leaf = 0; leaf < filled; leaf++) {
                        tree.set(leaf, rng.nextDouble());
                    }
                    org.agrona.concurrent.UnsafeBuffer leaves = io.rltrader.util.OffHeap.allocate(filled * 8L);
                    int[] order = shuffled(filled, rng);
                    double[] inOrder = new double[filled];
                    for (int i = 0; i < filled; i++) {
                        leaves.putLong(i * 8, order[i]);
                        inOrder[i] = priorities[order[i]];
                    }
                    tree.setLeavesAndRefresh(leaves.addressOffset(), inOrder, filled);
                } else {
                    for (int leaf = 0; leaf < filled; leaf++) {
                        tree.set(leaf, priorities[leaf]);
                    }
                }
                double[] masses = boundaryMasses(tree, priorities, filled, rng);
                int count = masses.length;
                org.agrona.concurrent.UnsafeBuffer found = io.rltrader.util.OffHeap.allocate(count * 8L);
                tree.findAll(masses, count, found.addressOffset());
                for (int i = 0; i < count; i++) {
                    int expected = integers ? linearScan(priorities, masses[i]) : ReferenceSearch.find(tree, masses[i]);
                    String where = "size " + size + ", tree " + t + ", mass " + masses[i];
                    assertEquals(expected, tree.find(masses[i]), where);
                    assertEquals(expected, found.getLong(i * 8), "batched, " + where);
                    if (integers) {
                        assertEquals(expected, ReferenceSearch.find(tree, masses[i]), "reference, " + where);
                    }
                }
                for (int node = 0; node < tree.levelNodes(1); node++) {
                    double[] expected = ReferenceSearch.line(tree, 1, node);
                    for (int k = 0; k < SumTree.FANOUT; k++) {
                        assertEquals(expected[k], tree.childPrefix(1, node, k), 0.0,
                            "size " + size + ", tree " + t + ", prefix " + k + " of node " + node);
                    }
                }
            }
        }
    }

    /**
     * The leaf whose cumulative range {@code [sum(0..j-1), sum(0..j))} holds the mass; a mass at or
     * past the total gives the last leaf with a positive priority, no positive leaf gives leaf 0.
     */
    private static int linearScan(double[] priorities, double mass) {
        int lastPositive = 0;
        double cumulative = 0;
        for (int leaf = 0; leaf < priorities.length; leaf++) {
            if (priorities[leaf] > 0) {
                lastPositive = leaf;
                cumulative += priorities[leaf];
                if (mass < cumulative) {
                    return leaf;
                }
            }
        }
        return lastPositive;
    }

    /**
     * Random and stratified masses, 0, -0.0, the total and past it, and the starts of positive leaves
     * (up to about a hundred, spread over the filled ones) with the doubles beside them.
     */
    private static double[] boundaryMasses(SumTree tree, double[] priorities, int filled, Rng rng) {
        double total = tree.total();
        double[] masses = new double[600];
        int at = 0;
        masses[at++] = 0.0;
        masses[at++] = -0.0;
        masses[at++] = total;
        masses[at++] = Math.nextDown(total);
        masses[at++] = Math.nextUp(total);
        masses[at++] = total * 1.5 + 1;
        masses[at++] = Double.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            masses[at++] = (i + rng.nextDouble()) * (total / 100);
        }
        for (int i = 0; i < 100; i++) {
            masses[at++] = rng.nextDouble() * total;
        }
        int stride = Math.max(1, filled / 100);
        for (int leaf = rng.nextInt(stride); leaf < filled && at + 3 <= masses.length;
                leaf += 1 + rng.nextInt(stride)) {
            if (priorities[leaf] > 0) {
                double start = ReferenceSearch.massBefore(tree, leaf);
                masses[at++] = start;
                // below 0 a mass is outside the search's domain
                masses[at++] = start > 0 ? Math.nextDown(start) : start;
                masses[at++] = Math.nextUp(start);
            }
        }
        while (at < masses.length) {
            masses[at++] = rng.nextDouble() * total * 1.01;
        }
        return masses;
    }

    private static int[] shuffled(int count, Rng rng) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
