package io.rltrader.agent;

import io.rltrader.nn.Binding;
import io.rltrader.nn.ComputeDevice;
import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.Layer;
import io.rltrader.nn.LayerPass;
import io.rltrader.nn.OffHeapTensors;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Tensor;

/**
 * A network's inference pass bound to observation rows that live in off-heap memory (an env's
 * observation buffer), with its output readable from Java: what every agent's acting path runs
 * before choosing actions in Java. On the CPU the input tensor is a view of that memory and the
 * output is read in place; on CUDA both cross with one copy each. {@link #forward()} allocates nothing.
 */
final class RowsForward implements AutoCloseable {
    private final OffHeapTensors views = new OffHeapTensors();
    private final DeviceTensors local;
    private final LayerPass pass;
    private final Tensor deviceInput;
    private final Tensor hostInput;
    private final Tensor hostOutput;
    private final UnsafeBuffer output;

    RowsForward(Layer network, ComputeDevice device, UnsafeBuffer observationRows, int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        int observations = network.inFeatures();
        this.local = new DeviceTensors(device);
        this.hostInput = views.float32(observationRows, rows, observations);
        this.deviceInput = device.isCuda() ? local.zeros(rows, observations) : hostInput;
        this.pass = network.bind(new Binding(local, rows, false), deviceInput, null);
        if (device.isCuda()) {
            hostOutput = local.hostZeros(rows, network.outFeatures());
            output = local.host(hostOutput);
        } else {
            hostOutput = null;
            output = local.host(pass.output());
        }
    }

    /** Runs the network on the rows' current observations; returns the float32 [rows, outputs] output. */
    UnsafeBuffer forward() {
        if (deviceInput != hostInput) {
            deviceInput.copy_(hostInput);
        }
        pass.forward();
        if (hostOutput != null) {
            hostOutput.copy_(pass.output());
        }
        return output;
    }

    @Override
    public void close() {
        local.close();
        views.close();
    }
}
