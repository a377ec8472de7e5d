package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rltrader.util.OffHeap;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class OffHeapTensorsTest {

    @Test
    void viewSharesMemoryWithTheBufferBothWays() {
        UnsafeBuffer buffer = OffHeap.allocate(256);
        try (OffHeapTensors tensors = new OffHeapTensors(); Scalar seven = new Scalar(7.0)) {
            Tensor matrix = tensors.view(buffer, 64, OffHeapTensors.Dtype.FLOAT32, 2, 3);
            assertEquals(buffer.addressOffset() + 64, matrix.data_ptr().address());
            // JavaCPP returns enums by value, not as the Java constant: compare the values
            assertEquals(torch.ScalarType.Float.value, matrix.scalar_type().value);
            buffer.putFloat(64 + (1 * 3 + 2) * 4, 2.5f);
            assertEquals(2.5f, matrix.get(1).get(2).item_float());
            matrix.fill_(seven);
            assertEquals(7f, buffer.getFloat(64));
            assertEquals(7f, buffer.getFloat(64 + 5 * 4));
            assertEquals(0f, buffer.getFloat(64 + 6 * 4), "outside the view is untouched");

            Tensor indices = tensors.int64(buffer, 4);
            buffer.putLong(3 * 8, 1L << 40);
            assertEquals(1L << 40, indices.get(3).item_long());
            Tensor ints = tensors.int32(buffer, 8);
            assertEquals(torch.ScalarType.Int.value, ints.scalar_type().value);
            Tensor bytes = tensors.uint8(buffer, 16);
            buffer.putByte(15, (byte) 200);
            assertEquals(200L, bytes.get(15).item_long());
        }
    }

    @Test
    void regionOutsideTheBufferOrMisalignedIsRejected() {
        UnsafeBuffer buffer = OffHeap.allocate(64);
        try (OffHeapTensors tensors = new OffHeapTensors()) {
            assertThrows(IllegalArgumentException.class, () -> tensors.float32(buffer, 17));
            assertThrows(IllegalArgumentException.class,
                () -> tensors.view(buffer, 60, OffHeapTensors.Dtype.FLOAT32, 2));
            assertThrows(IllegalArgumentException.class,
                () -> tensors.view(buffer, 2, OffHeapTensors.Dtype.FLOAT32, 1));
            assertThrows(IllegalArgumentException.class, () -> tensors.float32(new UnsafeBuffer(new byte[64]), 4));
        }
    }
}
