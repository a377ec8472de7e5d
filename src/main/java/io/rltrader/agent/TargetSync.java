package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.ParameterSet;
import org.bytedeco.pytorch.Scalar;

/**
 * Keeps a target network behind its online network: every {@code interval} updates, a hard copy
 * ({@code tau} 1) or Polyak averaging {@code target += tau (online - target)}, one native op either way.
 */
final class TargetSync {
    private final ParameterSet online;
    private final ParameterSet target;
    private final int interval;
    private final boolean hardCopy;
    private final Scalar tau;

    TargetSync(DeviceTensors arena, ParameterSet online, ParameterSet target, int interval, double tau) {
        this.online = online;
        this.target = target;
        this.interval = interval;
        this.hardCopy = tau >= 1.0;
        this.tau = arena.scalar(tau);
        target.copyFrom(online);
    }

    /** Called after each gradient update with the new update count. */
    void afterUpdate(long updates) {
        if (updates % interval == 0) {
            if (hardCopy) {
                target.copyFrom(online);
            } else {
                target.polyakFrom(online, tau);
            }
        }
    }
}
