package io.rltrader.agent;

import io.rltrader.nn.DeviceTensors;
import io.rltrader.nn.NativeConstants;
import org.bytedeco.pytorch.Tensor;

/**
 * The greedy action of every row of an action-value table {@code [B, A]}, on the device and without
 * an index tensor: the row maximum by {@code A - 1} in-place maxima over column views, and a mask that
 * is 1/k on a row's k maximal entries (1 on the argmax unless values tie exactly), so that
 * {@code mask . values} is the greedy value and a matrix product with the mask selects whatever
 * belongs to the greedy action (its target value, its quantiles).
 */
final class GreedyMask {
    private final Tensor values;
    private final Tensor[] columns;
    private final Tensor max;
    private final Tensor maxColumn;
    private final Tensor maxRows;
    private final Tensor mask;
    private final Tensor tieCount;
    private final Tensor tieCountRows;
    private final Tensor onesActions;

    GreedyMask(DeviceTensors arena, Tensor values) {
        int b = (int) values.size(0);
        int actions = (int) values.size(1);
        this.values = values;
        this.columns = new Tensor[actions];
        for (int a = 0; a < actions; a++) {
            columns[a] = arena.own(values.narrow(1, a, 1));
        }
        this.max = arena.zeros(b);
        this.maxColumn = arena.own(max.view(b, 1));
        this.maxRows = arena.own(maxColumn.expand(b, actions));
        this.mask = arena.zeros(b, actions);
        this.tieCount = arena.zeros(b);
        this.tieCountRows = arena.own(arena.own(tieCount.view(b, 1)).expand(b, actions));
        this.onesActions = arena.full(1.0, actions);
    }

    /** Row maxima of the bound values into {@link #max()}. */
    Tensor computeMax() {
        maxColumn.copy_(columns[0]);
        for (int a = 1; a < columns.length; a++) {
            maxColumn.clamp_min_(columns[a]);
        }
        return max;
    }

    /** The normalized greedy mask [B, A] of the bound values (computes the maxima first). */
    Tensor computeMask() {
        computeMax();
        mask.copy_(values).eq_(maxRows);
        tieCount.addmv_(mask, onesActions, NativeConstants.ZERO, NativeConstants.ONE);
        return mask.div_(tieCountRows);
    }

    /** float32 [B], valid after {@link #computeMax()}. */
    Tensor max() {
        return max;
    }

    /** float32 [B, A], valid after {@link #computeMask()}. */
    Tensor mask() {
        return mask;
    }
}
