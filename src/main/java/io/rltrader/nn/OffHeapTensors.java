package io.rltrader.nn;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Owner of LibTorch tensors that view regions of off-heap {@link UnsafeBuffer}s without copying.
 *
 * <p>Each tensor is made by {@code Tensor.from_blob} over {@code buffer.addressOffset() + offset}: a
 * write through the buffer is visible through the tensor and the other way round. The tensor does
 * not own the memory; the buffer must outlive this owner. Create the views once (each costs a few
 * hundred bytes of heap and a native allocation) and reuse them on every step. {@link #close()}
 * frees the tensors and their options in reverse order of creation. The buffer must be in native
 * byte order, as everything from {@code io.rltrader.util.OffHeap} is.
 */
public final class OffHeapTensors implements AutoCloseable {
    /** Element types a view can have, with their size in bytes. */
    public enum Dtype {
        FLOAT32(4, torch.ScalarType.Float),
        FLOAT64(8, torch.ScalarType.Double),
        INT32(4, torch.ScalarType.Int),
        INT64(8, torch.ScalarType.Long),
        UINT8(1, torch.ScalarType.Byte),
        BOOL(1, torch.ScalarType.Bool);

        private final int bytes;
        private final torch.ScalarType scalarType;

        Dtype(int bytes, torch.ScalarType scalarType) {
            this.bytes = bytes;
            this.scalarType = scalarType;
        }

        public int bytes() {
            return bytes;
        }

        public torch.ScalarType scalarType() {
            return scalarType;
        }
    }

    private final TensorOptions[] optionsByDtype = new TensorOptions[Dtype.values().length];
    private final List<Pointer> owned = new ArrayList<>();
    private boolean closed;

    public OffHeapTensors() {
        NativeRuntime.init();
    }

    /** A float32 view of the whole of {@code buffer} (from offset 0) with the given shape. */
    public Tensor float32(UnsafeBuffer buffer, long... shape) {
        return view(buffer, 0, Dtype.FLOAT32, shape);
    }

    /** An int32 view from offset 0. */
    public Tensor int32(UnsafeBuffer buffer, long... shape) {
        return view(buffer, 0, Dtype.INT32, shape);
    }

    /** An int64 view from offset 0. */
    public Tensor int64(UnsafeBuffer buffer, long... shape) {
        return view(buffer, 0, Dtype.INT64, shape);
    }

    /** A uint8 view from offset 0. */
    public Tensor uint8(UnsafeBuffer buffer, long... shape) {
        return view(buffer, 0, Dtype.UINT8, shape);
    }

    /**
     * A contiguous, row-major view of {@code shape} elements of {@code dtype} starting {@code offset}
     * bytes into {@code buffer}. The region must lie inside the buffer, be aligned to the element
     * size and the buffer must wrap direct (off-heap) memory.
     */
    public Tensor view(UnsafeBuffer buffer, int offset, Dtype dtype, long... shape) {
        if (closed) {
            throw new IllegalStateException("OffHeapTensors is closed");
        }
        if (buffer.byteArray() != null) {
            throw new IllegalArgumentException("a tensor view needs off-heap memory, got a heap-backed buffer");
        }
        long elements = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension " + dim + " in tensor shape");
            }
            elements = Math.multiplyExact(elements, dim);
        }
        long bytes = Math.multiplyExact(elements, dtype.bytes());
        if (offset < 0 || offset + bytes > buffer.capacity()) {
            throw new IllegalArgumentException("tensor view of " + bytes + " bytes at offset " + offset
                + " does not fit a buffer of " + buffer.capacity() + " bytes");
        }
        long address = buffer.addressOffset() + offset;
        if (address % dtype.bytes() != 0) {
            throw new IllegalArgumentException("address " + address + " is not aligned to " + dtype);
        }
        TensorOptions options = optionsByDtype[dtype.ordinal()];
        if (options == null) {
            options = new TensorOptions(dtype.scalarType());
            optionsByDtype[dtype.ordinal()] = options;
            owned.add(options);
        }
        try (RawAddress blob = new RawAddress(address, bytes)) {
            Tensor tensor = torch.from_blob(blob, shape, options);
            owned.add(tensor);
            return tensor;
        }
    }

    /** Frees every tensor and option this owner made, newest first. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }

    /** A non-owning pointer at a raw address, only to hand the address to from_blob. */
    private static final class RawAddress extends Pointer {
        RawAddress(long address, long bytes) {
            this.address = address;
            this.limit = bytes;
            this.capacity = bytes;
        }

        @Override
        public void close() {
            // Non-owning: the memory belongs to the UnsafeBuffer; nothing to free.
            setNull();
        }
    }
}
