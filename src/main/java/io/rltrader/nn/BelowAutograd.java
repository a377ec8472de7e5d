package io.rltrader.nn;

import org.bytedeco.pytorch.global.torch;

/**
 * Runs a hand-written update with LibTorch's autograd and ADInplaceOrView dispatch keys excluded on
 * the calling thread, as {@code at::AutoDispatchBelowADInplaceOrView} does, without allocating: the
 * guard object costs about 136 bytes of Java heap a time, these are plain calls on the thread-local
 * key set. The hand-written layers, losses and optimizers act on tensors that never require grad,
 * so those two dispatch steps only check that and bump version counters; skipping them took a DQN
 * update (about 30 LibTorch calls) to 0.95 of its time in a paired run, with the same results bit for
 * bit. Not for code that builds an autograd graph ({@link AutogradParameters}): inside the span
 * nothing is recorded.
 *
 * <pre>{@code
 * private final Runnable step = this::stepBelowAutograd;  // made once: run() allocates nothing
 * public void update() {
 *     BelowAutograd.run(step);
 * }
 * }</pre>
 */
public final class BelowAutograd {
    /** The keys {@code AutoDispatchBelowADInplaceOrView} excludes. */
    private static final torch.DispatchKey[] KEYS = {torch.DispatchKey.AutogradFunctionality,
        torch.DispatchKey.AutogradOther, torch.DispatchKey.AutogradNestedTensor, torch.DispatchKey.ADInplaceOrView};

    private BelowAutograd() {
    }

    /** Runs {@code body} with the keys excluded on this thread, restoring their state however it ends. */
    public static void run(Runnable body) {
        int previous = enter();
        try {
            body.run();
        } finally {
            exit(previous);
        }
    }

    /** Excludes the keys on this thread; returns their previous state for {@link #exit}. */
    public static int enter() {
        int previous = 0;
        for (int i = 0; i < KEYS.length; i++) {
            if (torch.tls_is_dispatch_key_excluded(KEYS[i])) {
                previous |= 1 << i;
            }
            torch.tls_set_dispatch_key_excluded(KEYS[i], true);
        }
        return previous;
    }

    /** Restores the state {@link #enter} returned, so spans nest and an excluding caller stays excluded. */
    public static void exit(int previous) {
        for (int i = 0; i < KEYS.length; i++) {
            torch.tls_set_dispatch_key_excluded(KEYS[i], (previous & (1 << i)) != 0);
        }
    }

    /** True when this thread has autograd excluded (inside a span, or a caller's own guard). */
    public static boolean active() {
        return torch.tls_is_dispatch_key_excluded(torch.DispatchKey.AutogradFunctionality);
    }
}
