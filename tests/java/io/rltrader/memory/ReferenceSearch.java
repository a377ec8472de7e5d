package io.rltrader.memory;

/**
 * The sum tree's search as it was first written, for tests: a descent over the node sums
 * ({@link SumTree#nodeSum}) that forms each node's prefixes from its children's sums, pairwise as the
 * node's sum is formed, takes the number of prefixes {@code P1..P7} at or below the mass, caps it at
 * the last child with a positive sum, and subtracts that child's prefix. Slow and obvious; the
 * tree's search lines must give the same leaf, bit for bit.
 */
final class ReferenceSearch {
    private ReferenceSearch() {
    }

    /** The 8 children sums of {@code node} at {@code level} (>= 1); padding children are 0. */
    static double[] children(SumTree tree, int level, int node) {
        double[] sums = new double[SumTree.FANOUT];
        for (int c = 0; c < SumTree.FANOUT; c++) {
            int child = node * SumTree.FANOUT + c;
            sums[c] = child < tree.levelNodes(level - 1) ? tree.nodeSum(level - 1, child) : 0.0;
        }
        return sums;
    }

    /** {@code P_k} for k = 0..8 (P8 the node's sum), pairwise as {@code ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))} with children k.. zero. */
    static double[] prefixes(double[] c) {
        double[] p = new double[SumTree.FANOUT + 1];
        for (int k = 0; k <= SumTree.FANOUT; k++) {
            double[] m = new double[SumTree.FANOUT];
            for (int j = 0; j < k; j++) {
                m[j] = c[j];
            }
            p[k] = ((m[0] + m[1]) + (m[2] + m[3])) + ((m[4] + m[5]) + (m[6] + m[7]));
        }
        return p;
    }

    /** The search line the tree should hold for {@code node}: P0..P7, +infinity where children k..7 are all zero. */
    static double[] line(SumTree tree, int level, int node) {
        double[] c = children(tree, level, node);
        double[] p = prefixes(c);
        double[] line = new double[SumTree.FANOUT];
        for (int k = 0; k < SumTree.FANOUT; k++) {
            boolean laterPositive = false;
            for (int j = k; j < SumTree.FANOUT; j++) {
                laterPositive |= c[j] > 0;
            }
            line[k] = k == 0 || laterPositive ? p[k] : Double.POSITIVE_INFINITY;
        }
        return line;
    }

    static int find(SumTree tree, double mass) {
        int node = 0;
        for (int level = tree.levels() - 1; level >= 1; level--) {
            double[] c = children(tree, level, node);
            double[] p = prefixes(c);
            int passed = 0;
            for (int k = 1; k < SumTree.FANOUT; k++) {
                if (p[k] <= mass) {
                    passed++;
                }
            }
            int lastPositive = 0;
            for (int k = 1; k < SumTree.FANOUT; k++) {
                if (c[k] > 0) {
                    lastPositive = k;
                }
            }
            int child = Math.min(passed, lastPositive);
            mass -= p[child];
            node = node * SumTree.FANOUT + child;
        }
        return node;
    }

    /** The mass at which the search's subtractions reach the start of {@code leaf}: the sum of the prefixes on its path, top down. */
    static double massBefore(SumTree tree, int leaf) {
        double mass = 0;
        for (int level = tree.levels() - 1; level >= 1; level--) {
            int node = leaf >> (3 * level);
            int child = (leaf >> (3 * (level - 1))) & (SumTree.FANOUT - 1);
            mass += prefixes(children(tree, level, node))[child];
        }
        return mass;
    }
}
