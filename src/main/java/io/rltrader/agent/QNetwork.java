package io.rltrader.agent;

import io.rltrader.nn.Activation;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.DuelingHead;
import io.rltrader.nn.Layer;
import io.rltrader.nn.ParameterSet;
import io.rltrader.nn.Sequential;
import io.rltrader.util.Rng;
import java.util.List;

/**
 * A Q-network: an MLP from observations to one value per action, or with a dueling head (a shared
 * trunk of the first hidden layer, then value and advantage streams of the remaining width), with
 * all its parameters in one {@link ParameterSet}.
 */
final class QNetwork {
    final Layer layer;
    final ParameterSet parameters;

    QNetwork(DeviceTensors arena, int observations, int[] hidden, int outputs, boolean dueling, Rng rng) {
        ParameterSet.Builder builder = ParameterSet.builder();
        if (dueling) {
            if (hidden.length < 1) {
                throw new IllegalArgumentException("a dueling network needs at least one hidden layer");
            }
            Layer trunk = Sequential.mlp(builder, "q.features", observations, new int[0], hidden[0],
                Activation.RELU, Activation.RELU);
            int streamWidth = hidden.length > 1 ? hidden[1] : hidden[0];
            layer = new Sequential(List.of(trunk, DuelingHead.of(builder, "q", hidden[0], streamWidth, outputs)));
        } else {
            layer = Sequential.mlp(builder, "q", observations, hidden, outputs, Activation.RELU, Activation.IDENTITY);
        }
        parameters = builder.build(arena, rng);
    }
}
