package io.rltrader.agent;

import java.util.List;

/**
 * The settings the continuous actor-critic agents' configs share (SAC, TD3) beyond
 * {@link OffPolicyConfig}'s; they replay one-step transitions uniformly.
 */
public interface ActorCriticConfig extends OffPolicyConfig {
    /** Hidden widths of the actor and of each critic (SB3 net_arch). */
    List<Integer> hidden();
}
