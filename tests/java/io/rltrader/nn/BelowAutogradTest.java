package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class BelowAutogradTest {
    @Test
    void excludesAutogradForTheSpanAndRestoresThePreviousState() {
        NativeRuntime.init();
        try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor leaf = arena.full(2.0, 3);
            leaf.requires_grad_(true);
            assertFalse(BelowAutograd.active());
            Tensor recorded = arena.own(leaf.mul(leaf));
            assertTrue(recorded.requires_grad(), "outside a span autograd records");

            int outer = BelowAutograd.enter();
            assertTrue(BelowAutograd.active());
            Tensor unrecorded = arena.own(leaf.mul(leaf));
            assertFalse(unrecorded.requires_grad(), "inside a span nothing is recorded");
            int inner = BelowAutograd.enter();
            BelowAutograd.exit(inner);
            assertTrue(BelowAutograd.active(), "a nested span leaves the outer one in force");
            BelowAutograd.exit(outer);

            assertFalse(BelowAutograd.active());
            Tensor again = arena.own(leaf.mul(leaf));
            assertTrue(again.requires_grad(), "after the span autograd records again");
        }
    }
}
