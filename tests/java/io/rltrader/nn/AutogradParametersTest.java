package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.Rng;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The autograd path over the flat parameters gives the hand-written path's gradients, update after update. */
class AutogradParametersTest {
    @Test
    void autogradGradientsOnFlatParametersMatchHandWrittenBackward() {
        int batch = 6;
        int in = 4;
        try (PointerScope scope = new PointerScope(); DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            ParameterSet.Builder builder = ParameterSet.builder();
            Sequential mlp = Sequential.mlp(builder, "net", in, new int[] {10}, 2, Activation.TANH, Activation.IDENTITY);
            ParameterSet params = builder.build(arena, new Rng(4));
            Tensor x = arena.zeros(batch, in);
            Rng rng = new Rng(9);
            Autograd.fillGaussian(arena, x, rng, 1.0);
            LayerPass pass = mlp.bind(new Binding(arena, batch, true), x, null);
            Adam adam = new Adam(params, Adam.Config.adam(1e-2));
            try (AutogradParameters autograd = new AutogradParameters(params)) {
                for (int step = 0; step < 3; step++) {
                    // Loss: sum(output * c) with a fixed c, so d loss / d output = c.
                    pass.forward();
                    Autograd.fillGaussian(arena, pass.gradOutput(), new Rng(step), 1.0);
                    pass.backward(true);
                    float[] hand = params.gradientsToArray();

                    Tensor h = torch.tanh(torch.addmm(autograd.value("net.0.bias"), x, autograd.value("net.0.weight").t()));
                    Tensor out = torch.addmm(autograd.value("net.1.bias"), h, autograd.value("net.1.weight").t());
                    out.mul(Autograd.constant(pass.gradOutput())).sum().backward();
                    params.zeroGradients();
                    autograd.collectGradients();
                    float[] viaAutograd = params.gradientsToArray();
                    double error = Autograd.maxRelativeError(viaAutograd, hand, 1e-3);
                    assertTrue(error < 1e-5, "step " + step + ": max relative error " + error);
                    adam.step();
                }
            } finally {
                adam.close();
            }
        }
    }
}
