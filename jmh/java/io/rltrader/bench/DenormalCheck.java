package io.rltrader.bench;

import io.rltrader.nn.NativeRuntime;

/**
 * Subnormal flushing on the thread that runs a benchmark's operations. The flag lives in the thread's
 * SSE control register (NATIVE.md: without it Adam's decaying moments make an update several times
 * slower); the agents set it when they are built, which in JMH happens inside the first iteration.
 * JMH runs each iteration as a reflective call, and HotSpot enters such a call (like any call from
 * native code into Java) with the default control flags and puts the caller's back on return: on the
 * same worker thread the flag was on in the first iteration and off from the second on (seen with
 * JMH 1.37 on JDK 17), so every measured iteration ran with subnormal arithmetic. Benchmarks call
 * {@link #onThisThread} from an iteration-level setup, which runs inside the measured iteration's
 * call: it sets the flag if it is off and says so once.
 */
public final class DenormalCheck {
    private static volatile boolean reported;

    private DenormalCheck() {
    }

    /** Makes sure the calling thread flushes subnormals; returns whether it already did. */
    public static boolean onThisThread(String benchmark) {
        if (NativeRuntime.denormalsFlushedOnThisThread()) {
            return true;
        }
        NativeRuntime.flushDenormalsOnThisThread();
        if (!reported) {
            reported = true;
            System.out.println(benchmark + ": subnormals were not flushed on the measuring thread "
                + Thread.currentThread().getName() + "; flushed them before the iteration");
        }
        return false;
    }
}
