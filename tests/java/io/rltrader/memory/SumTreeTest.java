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
                double sum = 0;
                double min = Double.POSITIVE_INFINITY;
                int first = node * SumTree.FANOUT;
                int end = Math.min(first + SumTree.FANOUT, tree.levelNodes(level - 1));
                for (int child = first; child < end; child++) {
                    sum += tree.nodeSum(level - 1, child);
                    min = Math.min(min, tree.nodeMin(level - 1, child));
                }
                assertEquals(sum, tree.nodeSum(level, node), 0.0, "sum at node " + node + " of level " + level);
                assertEquals(min, tree.nodeMin(level, node), 0.0, "min at node " + node + " of level " + level);
            }
        }
        double total = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double p : leaves) {
            total += p;
            min = Math.min(min, p);
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
    void rejectsInvalidPriorityAndLeaf() {
        SumTree tree = new SumTree(4);
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, -1));
        assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.NaN));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.set(4, 1));
    }
}
