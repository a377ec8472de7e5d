package io.rltrader.nn;

import io.rltrader.util.OffHeap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The one owner of the native tensors a model, an optimizer or a bound pass uses: it allocates them
 * on its device, registers every view derived from them, and closes all of it, newest first.
 *
 * <p>On the CPU every tensor lies in off-heap memory from {@link OffHeap} and Java reads and writes
 * it through {@link #host(Tensor)} without copying (losses, argmax over a few actions, parameter
 * initialization). On CUDA the tensors are LibTorch allocations on the GPU and {@link #host} is
 * refused; data crosses with {@code copy_} into CPU tensors. Everything is made at construction of
 * the object that owns this arena, never on a step.
 */
public final class DeviceTensors implements AutoCloseable {
    private final ComputeDevice device;
    private final OffHeapTensors offHeap;
    private final List<Pointer> owned = new ArrayList<>();
    private final Map<Tensor, UnsafeBuffer> hostMemory = new IdentityHashMap<>();
    private final TensorOptions cudaFloat;
    private final TensorOptions cudaLong;
    private final TensorOptions cudaBool;
    private boolean closed;

    public DeviceTensors(ComputeDevice device) {
        NativeRuntime.init();
        this.device = device;
        this.offHeap = new OffHeapTensors();
        if (device.isCuda()) {
            Device cuda = own(new Device(torch.DeviceType.CUDA, (byte) device.index()));
            TensorOptions base = own(new TensorOptions(cuda));
            cudaFloat = own(base.dtype(new ScalarTypeOptional(torch.ScalarType.Float)));
            cudaLong = own(base.dtype(new ScalarTypeOptional(torch.ScalarType.Long)));
            cudaBool = own(base.dtype(new ScalarTypeOptional(torch.ScalarType.Bool)));
        } else {
            cudaFloat = null;
            cudaLong = null;
            cudaBool = null;
        }
    }

    public ComputeDevice device() {
        return device;
    }

    /** A zero-filled float32 tensor of {@code shape} on this arena's device. */
    public Tensor zeros(long... shape) {
        return allocate(OffHeapTensors.Dtype.FLOAT32, shape);
    }

    /** A zero-filled int64 tensor of {@code shape} on this arena's device. */
    public Tensor zerosLong(long... shape) {
        return allocate(OffHeapTensors.Dtype.INT64, shape);
    }

    /** A zero-filled (all false) bool tensor of {@code shape} on this arena's device. */
    public Tensor zerosBool(long... shape) {
        return allocate(OffHeapTensors.Dtype.BOOL, shape);
    }

    /** A float32 tensor filled with {@code value}. */
    public Tensor full(double value, long... shape) {
        Tensor tensor = zeros(shape);
        try (Scalar fill = new Scalar(value)) {
            tensor.fill_(fill);
        }
        return tensor;
    }

    /** A float32 0-dim tensor on this device holding {@code value}: a cheap operand for in-place ops. */
    public Tensor constant(double value) {
        return full(value);
    }

    /**
     * A float32 0-dim tensor in CPU off-heap memory whose value Java rewrites through {@link #host}
     * (learning rates, bias corrections). A CPU 0-dim tensor is a valid operand for a CUDA op too.
     */
    public Tensor hostScalar(double value) {
        UnsafeBuffer memory = OffHeap.allocate(Float.BYTES);
        memory.putFloat(0, (float) value);
        Tensor tensor = offHeap.view(memory, 0, OffHeapTensors.Dtype.FLOAT32);
        hostMemory.put(tensor, memory);
        return tensor;
    }

    /**
     * A float64 0-dim tensor in CPU off-heap memory whose value Java rewrites through {@link #host}: for
     * kernels that read a double argument from a tensor (the learning rate of the fused Adam kernel).
     */
    public Tensor hostScalar64(double value) {
        UnsafeBuffer memory = OffHeap.allocate(Double.BYTES);
        memory.putDouble(0, value);
        Tensor tensor = offHeap.view(memory, 0, OffHeapTensors.Dtype.FLOAT64);
        hostMemory.put(tensor, memory);
        return tensor;
    }

    /** A float32 tensor in CPU off-heap memory regardless of the device (staging for copies). */
    public Tensor hostZeros(long... shape) {
        UnsafeBuffer memory = OffHeap.allocate(Math.max(1, bytes(OffHeapTensors.Dtype.FLOAT32, shape)));
        Tensor tensor = offHeap.view(memory, 0, OffHeapTensors.Dtype.FLOAT32, shape);
        hostMemory.put(tensor, memory);
        return tensor;
    }

    /** A scalar argument (alpha, beta, value of an in-place op) owned by this arena. */
    public Scalar scalar(double value) {
        return own(new Scalar(value));
    }

    /** Registers a view or any native object derived here so that {@link #close()} frees it. */
    public <T extends Pointer> T own(T pointer) {
        if (closed) {
            throw new IllegalStateException("DeviceTensors is closed");
        }
        owned.add(pointer);
        return pointer;
    }

    /**
     * The off-heap memory behind a tensor this arena allocated on the CPU (a {@link #zeros} tensor,
     * not a view of one). Refused for CUDA tensors.
     */
    public UnsafeBuffer host(Tensor tensor) {
        UnsafeBuffer memory = hostMemory.get(tensor);
        if (memory == null) {
            throw new IllegalStateException(device.isCuda()
                ? "tensor lives on " + device + "; copy it into a host tensor first"
                : "tensor was not allocated by this arena");
        }
        return memory;
    }

    /** Whether Java can read this tensor's memory directly. */
    public boolean hasHost(Tensor tensor) {
        return hostMemory.containsKey(tensor);
    }

    /**
     * Writes host floats into a float32 tensor whose shape is {@code shape}: directly for this
     * arena's CPU tensors, through a staging copy for any other tensor (another arena's, or on
     * CUDA). For set-up and checkpoints, not hot paths.
     */
    public void upload(Tensor tensor, float[] values, long... shape) {
        if (hasHost(tensor)) {
            HostFloats.put(host(tensor), values);
            return;
        }
        try (DeviceTensors staging = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor host = staging.zeros(shape);
            HostFloats.put(staging.host(host), values);
            tensor.copy_(host);
        }
    }

    /**
     * The first value of a float32 tensor (a loss, a norm): a load from host memory for this
     * arena's CPU tensors, a device-to-host copy otherwise.
     */
    public float readFloat(Tensor tensor) {
        return hasHost(tensor) ? host(tensor).getFloat(0) : download(tensor, 1)[0];
    }

    /**
     * Reads {@code count} floats of a float32 tensor into a new array: directly for this arena's CPU
     * tensors, through a staging copy for any other tensor (another arena's, or on CUDA).
     */
    public float[] download(Tensor tensor, int count) {
        if (hasHost(tensor)) {
            return HostFloats.get(host(tensor), count);
        }
        try (DeviceTensors staging = new DeviceTensors(ComputeDevice.CPU)) {
            Tensor host = staging.zeros(count);
            try (Tensor flat = tensor.reshape(count)) {
                host.copy_(flat);
            }
            return HostFloats.get(staging.host(host), count);
        }
    }

    private Tensor allocate(OffHeapTensors.Dtype dtype, long[] shape) {
        if (closed) {
            throw new IllegalStateException("DeviceTensors is closed");
        }
        if (device.isCuda()) {
            TensorOptions options = switch (dtype) {
                case INT64 -> cudaLong;
                case BOOL -> cudaBool;
                case FLOAT32 -> cudaFloat;
                default -> throw new IllegalArgumentException("no CUDA allocation for " + dtype);
            };
            try (MemoryFormatOptional format = new MemoryFormatOptional()) {
                Tensor tensor = own(torch.empty(shape, options, format));
                tensor.zero_();
                return tensor;
            }
        }
        UnsafeBuffer memory = OffHeap.allocate(Math.max(1, bytes(dtype, shape)));
        Tensor tensor = offHeap.view(memory, 0, dtype, shape);
        hostMemory.put(tensor, memory);
        return tensor;
    }

    private static long bytes(OffHeapTensors.Dtype dtype, long[] shape) {
        long elements = 1;
        for (long dim : shape) {
            elements = Math.multiplyExact(elements, dim);
        }
        return Math.multiplyExact(elements, dtype.bytes());
    }

    /** Frees every view, then every tensor, then the off-heap views; idempotent. */
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
        offHeap.close();
        hostMemory.clear();
    }
}
