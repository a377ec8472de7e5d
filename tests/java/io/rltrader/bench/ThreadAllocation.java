package io.rltrader.bench;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes the current thread allocates around a piece of work, for the tests that check a hot
 * path allocates nothing where JMH's gate cannot look (other threads, whole collect/update cycles).
 *
 * <p>The JVM's per-thread counter is exact, but reading it can cost bytes of its own, and the first
 * reads on a fresh thread cost more than later ones. So the counter is warmed on the calling
 * thread, its own cost is the fewest bytes over many back-to-back reads, and the work is measured
 * over several windows: a steady allocation shows in every window, a one-off of the JVM's (a
 * deoptimization re-creating objects the compiler had removed, on a loaded machine) in one only.
 */
public final class ThreadAllocation {

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadAllocation() {
    }

    /** Bytes the current thread has allocated so far. */
    public static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * The fewest bytes {@code work} allocates on the current thread over up to {@code windows}
     * runs, less the counter's own cost; stops at the first run that allocated nothing. Warm the
     * work up before calling this.
     */
    public static long fewestBytes(int windows, Runnable work) {
        if (windows < 1) {
            throw new IllegalArgumentException("windows must be at least 1, got " + windows);
        }
        long readCost = readCost();
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < windows && fewest > 0; window++) {
            long before = current();
            work.run();
            fewest = Math.min(fewest, current() - before - readCost);
        }
        return Math.max(0, fewest);
    }

    /** The fewest bytes one read of the counter allocates, after warming it on this thread. */
    static long readCost() {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < 64; i++) {
            long first = current();
            fewest = Math.min(fewest, current() - first);
        }
        return fewest;
    }
}
