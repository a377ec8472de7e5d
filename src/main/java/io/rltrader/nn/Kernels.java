package io.rltrader.nn;

/**
 * How the small, element-wise parts of an update run; the matrix products are LibTorch's either way.
 *
 * <p>Each LibTorch op costs 0.5-3 microseconds of dispatch however little it computes, so an update
 * made of dozens of ops over a few hundred values (TD targets, a loss over a batch of 64, the one-hot
 * scatter of its gradient) spends more time dispatching than computing. On the CPU the tensors lie in
 * off-heap memory that Java reads and writes directly ({@link DeviceTensors#host}); a Java loop over
 * that memory does the same work in well under a microsecond. On CUDA the memory is on the GPU and only
 * tensor ops reach it.
 */
public enum Kernels {
    /**
     * One in-place LibTorch op per step of the maths, on any device: the CUDA code path, which the CPU
     * runs as well (that is how its tests run without a GPU).
     */
    TENSOR_OPS,
    /**
     * CPU only: element-wise work over a batch of values as Java loops over the tensors' off-heap
     * memory, and Adam as LibTorch's fused CPU kernel (one pass over the parameters instead of eight).
     */
    CPU_FUSED;

    /** {@link #CPU_FUSED} on the CPU, {@link #TENSOR_OPS} on CUDA. */
    public static Kernels defaultFor(ComputeDevice device) {
        return device.isCuda() ? TENSOR_OPS : CPU_FUSED;
    }

    /** Refuses {@link #CPU_FUSED} on a CUDA device; {@code who} names the component in the message. */
    public Kernels requireSupportedOn(ComputeDevice device, String who) {
        if (this == CPU_FUSED && device.isCuda()) {
            throw new IllegalArgumentException(who + ": CPU_FUSED kernels need host memory; " + device
                + " runs TENSOR_OPS");
        }
        return this;
    }
}
