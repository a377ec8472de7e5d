package io.rltrader.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadAllocationTest {
    private static volatile Object sink;

    @Test
    void anAllocationInEveryWindowIsCounted() {
        long bytes = ThreadAllocation.fewestBytes(5, () -> sink = new byte[4096]);
        assertTrue(bytes >= 4096 && bytes < 4096 + 64, "bytes: " + bytes);
    }

    @Test
    void workThatAllocatesNothingCountsZeroEvenOnAFreshThread() throws Exception {
        long[] counter = new long[1];
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // a fresh thread's first reads of the counter cost more than later ones
            long bytes = pool.submit(() -> ThreadAllocation.fewestBytes(1, () -> counter[0]++)).get(30, TimeUnit.SECONDS);
            assertEquals(0, bytes);
            assertEquals(1, counter[0]);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWindowCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadAllocation.fewestBytes(0, () -> { }));
    }
}
