package io.rltrader.agent;

import io.rltrader.nn.NativeRuntime;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The check that keeps a policy single-threaded: {@link #enter()} at the start of every call that
 * uses the policy's scratch tensors or generators, {@link #exit()} at its end. A call that starts
 * while another thread is inside one fails at once with an {@link IllegalStateException} naming
 * both threads, instead of two forward passes writing the same activations. Handing a policy from
 * one thread to another between calls is fine (the atomic hand-over orders the memory).
 *
 * <p>The first call on a thread also flushes denormals on that thread, as agents do on the thread
 * that builds them ({@link NativeRuntime#flushDenormalsOnThisThread()}), so a policy acts with the
 * same arithmetic, and bit for bit the same actions, on every thread. One compare-and-set per call;
 * allocates nothing unless it throws.
 */
final class SingleThreadedUse {
    private final String what;
    private final AtomicReference<Thread> user = new AtomicReference<>();
    /** The thread of the previous call (read and written only inside enter/exit, under the hand-over). */
    private Thread previousUser;

    SingleThreadedUse(String what) {
        this.what = what;
    }

    void enter() {
        Thread current = Thread.currentThread();
        if (!user.compareAndSet(null, current)) {
            throw overlapping(current);
        }
        if (current != previousUser) {
            previousUser = current;
            NativeRuntime.flushDenormalsOnThisThread();
        }
    }

    void exit() {
        user.setRelease(null);
    }

    private IllegalStateException overlapping(Thread current) {
        Thread other = user.get();
        return new IllegalStateException(what + " was called on thread '" + current.getName() + "' while thread '"
            + (other == null ? "?" : other.getName()) + "' was using it: a policy is single-threaded; give each"
            + " thread its own copyFor(observationRows, rows)");
    }
}
