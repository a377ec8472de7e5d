package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeConstants;
import org.bytedeco.pytorch.Tensor;

/**
 * The matrix products of an MLP {@code observations-hidden-hidden-outputs} at one batch size, with
 * the layouts the layers use (weights stored as in PyTorch, {@code [out, in]}, and read through
 * transposed views in the forward pass): the arithmetic floor of a value agent's update, of a
 * batched act and of a one-row act, for benchmarks to set next to the real thing.
 */
final class MlpGemmFloor {
    private final Tensor x;
    private final Tensor h1;
    private final Tensor w1;
    private final Tensor w2;
    private final Tensor h2;
    private final Tensor w3;
    private final Tensor q;
    private final Tensor gradW1;
    private final Tensor gradW2;
    private final Tensor gradW3;
    private final Tensor onesBatch;
    private final Tensor gradB1;
    private final Tensor gradB2;
    private final Tensor gradB3;
    private final Tensor w1T;
    private final Tensor w2T;
    private final Tensor w3T;
    private final Tensor qT;
    private final Tensor h2T;
    private final Tensor h1T;
    private final Tensor xRow;
    private final Tensor h1Row;
    private final Tensor h2Row;
    private final Tensor qRow;

    MlpGemmFloor(DeviceTensors arena, int batch, int observations, int hidden, int outputs) {
        x = arena.zeros(batch, observations);
        w1 = arena.zeros(hidden, observations);
        h1 = arena.zeros(batch, hidden);
        w2 = arena.zeros(hidden, hidden);
        h2 = arena.zeros(batch, hidden);
        w3 = arena.zeros(outputs, hidden);
        q = arena.zeros(batch, outputs);
        gradW1 = arena.zeros(hidden, observations);
        gradW2 = arena.zeros(hidden, hidden);
        gradW3 = arena.zeros(outputs, hidden);
        onesBatch = arena.full(1.0, batch);
        gradB1 = arena.zeros(hidden);
        gradB2 = arena.zeros(hidden);
        gradB3 = arena.zeros(outputs);
        w1T = arena.own(w1.t());
        w2T = arena.own(w2.t());
        w3T = arena.own(w3.t());
        qT = arena.own(q.t());
        h2T = arena.own(h2.t());
        h1T = arena.own(h1.t());
        xRow = arena.own(x.select(0, 0));
        h1Row = arena.own(h1.select(0, 0));
        h2Row = arena.own(h2.select(0, 0));
        qRow = arena.own(q.select(0, 0));
    }

    /**
     * The 11 GEMMs and 3 bias GEMVs of one update: forward of the online and the target network,
     * weight and input gradients (none for the observations).
     */
    void update() {
        var zero = NativeConstants.ZERO;
        var one = NativeConstants.ONE;
        for (int net = 0; net < 2; net++) {
            act();
        }
        gradW3.addmm_(qT, h2, zero, one);
        h2.addmm_(q, w3, zero, one);
        gradW2.addmm_(h2T, h1, zero, one);
        h1.addmm_(h2, w2, zero, one);
        gradW1.addmm_(h1T, x, zero, one);
        gradB3.addmv_(qT, onesBatch, zero, one);
        gradB2.addmv_(h2T, onesBatch, zero, one);
        gradB1.addmv_(h1T, onesBatch, zero, one);
    }

    /** The forward pass of the batch: three GEMMs. */
    void act() {
        var zero = NativeConstants.ZERO;
        var one = NativeConstants.ONE;
        h1.addmm_(x, w1T, zero, one);
        h2.addmm_(h1, w2T, zero, one);
        q.addmm_(h2, w3T, zero, one);
    }

    /** The forward pass of one row: three GEMVs, as the layers do for a single env. */
    void actOneRow() {
        var zero = NativeConstants.ZERO;
        var one = NativeConstants.ONE;
        h1Row.addmv_(w1, xRow, zero, one);
        h2Row.addmv_(w2, h1Row, zero, one);
        qRow.addmv_(w3, h2Row, zero, one);
    }
}
