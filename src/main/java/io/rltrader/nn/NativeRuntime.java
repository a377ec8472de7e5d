package io.rltrader.nn;

import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.Context;
import org.bytedeco.pytorch.global.torch;

/**
 * The one place that initializes LibTorch: loads the natives once, sets the intra-op, inter-op and
 * BLAS thread pools, seeds LibTorch's generators, resolves the device and reports what it set.
 *
 * <p>Defaults follow native-config/README.md: one intra-op thread, one inter-op thread and one
 * OpenBLAS thread, denormals flushed on the initializing thread. LibTorch allows the inter-op pool
 * to be sized only once per process, so a second {@link #init} with another inter-op count fails.
 */
public final class NativeRuntime {
    /** Thread settings; {@link #defaults()} is what every entry point uses unless asked otherwise. */
    public record Settings(int intraOpThreads, int interOpThreads, int blasThreads, boolean flushDenormal) {
        public Settings {
            requirePositive("intra-op threads", intraOpThreads);
            requirePositive("inter-op threads", interOpThreads);
            requirePositive("BLAS threads", blasThreads);
        }

        public static Settings defaults() {
            return new Settings(1, 1, 1, true);
        }

        public Settings withThreads(int threads) {
            return new Settings(threads, interOpThreads, threads, flushDenormal);
        }

        private static void requirePositive(String what, int value) {
            if (value < 1) {
                throw new UserInputException(what + " must be at least 1, got " + value);
            }
        }
    }

    private static Settings current;

    private NativeRuntime() {
    }

    /** Initializes with the default settings (idempotent). */
    public static synchronized Settings init() {
        return current != null ? current : init(Settings.defaults());
    }

    /** Loads the natives (once) and applies {@code settings}; returns the settings in force. */
    public static synchronized Settings init(Settings settings) {
        if (current == null) {
            loadNatives();
            torch.set_num_interop_threads(settings.interOpThreads());
        } else if (current.interOpThreads() != settings.interOpThreads()) {
            throw new IllegalStateException("LibTorch's inter-op pool is already sized to "
                + current.interOpThreads() + " threads; it can be set only once per process");
        }
        torch.set_num_threads(settings.intraOpThreads());
        openblas_full.openblas_set_num_threads(settings.blasThreads());
        if (settings.flushDenormal()) {
            flushDenormalsOnThisThread();
        }
        current = settings;
        return settings;
    }

    /**
     * Flushes subnormal floats to zero on the calling thread. Adam moments of dead units decay into
     * subnormals and make updates several times slower; training threads call this once.
     */
    public static void flushDenormalsOnThisThread() {
        Context.setFlushDenormal(true);
    }

    /**
     * Whether the calling thread flushes subnormal floats to zero: half the smallest normal float
     * comes out as 0. A Java float product uses the same SSE control flags (MXCSR) as LibTorch's CPU
     * kernels, and the operand is read from a volatile field so that the compiler cannot fold it.
     */
    public static boolean denormalsFlushedOnThisThread() {
        return smallestNormal * 0.5f == 0f;
    }

    private static volatile float smallestNormal = Float.MIN_NORMAL;

    /** Seeds LibTorch's default generators (CPU, and CUDA where present). */
    public static void seed(long seed) {
        init();
        torch.manual_seed(seed);
    }

    /**
     * Resolves a device name: {@code cpu}, {@code cuda} or {@code cuda:N}. Asking for CUDA where this
     * LibTorch build or machine has none is a {@link UserInputException}, never a native crash.
     */
    public static ComputeDevice device(String name) {
        ComputeDevice device = ComputeDevice.parse(name);
        if (device.isCuda()) {
            init();
            if (!torch.cuda_is_available()) {
                throw new UserInputException("--device " + name + ": CUDA is not available ("
                    + (Context.hasCUDA() ? "no CUDA device found" : "this LibTorch build is CPU-only;"
                    + " build with 'mvn -Pgpu' on a machine with an NVIDIA GPU") + "); use --device cpu");
            }
            int count = torch.cuda_device_count();
            if (device.index() >= count) {
                throw new UserInputException("--device " + name + ": only " + count
                    + " CUDA device(s) present (cuda:0 .. cuda:" + (count - 1) + ")");
            }
        }
        return device;
    }

    public static boolean cudaAvailable() {
        init();
        return torch.cuda_is_available();
    }

    public static int intraOpThreads() {
        init();
        return torch.get_num_threads();
    }

    public static int interOpThreads() {
        init();
        return (int) torch.get_num_interop_threads();
    }

    public static int blasThreads() {
        init();
        return openblas_full.openblas_get_num_threads();
    }

    /** The OpenBLAS kernel set picked for this CPU (for benchmark reports). */
    public static String blasCore() {
        init();
        return string(openblas_full.openblas_get_corename());
    }

    /** What the runtime set, for logs and benchmark output. */
    public static Map<String, Object> describe() {
        init();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("libtorch", torch.class.getPackage().getImplementationVersion());
        info.put("javacpp", Loader.class.getPackage().getImplementationVersion());
        info.put("platform", Loader.getPlatform());
        info.put("intra_op_threads", intraOpThreads());
        info.put("inter_op_threads", interOpThreads());
        info.put("blas_threads", blasThreads());
        info.put("blas_core", blasCore());
        info.put("blas_config", string(openblas_full.openblas_get_config()));
        info.put("cuda_build", Context.hasCUDA());
        info.put("cuda_available", torch.cuda_is_available());
        info.put("cuda_devices", torch.cuda_is_available() ? torch.cuda_device_count() : 0);
        info.put("flush_denormal", current.flushDenormal());
        return info;
    }

    private static void loadNatives() {
        // A system libtorch (e.g. Debian's) can be picked up by the dynamic loader before JavaCPP has
        // unpacked its own on a fresh cache, which crashes; unpack ours first (NATIVE.md).
        String resource = "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/libtorch_cpu.so";
        if (torch.class.getResource(resource) != null) {
            try {
                Loader.cacheResource(torch.class, resource);
            } catch (IOException e) {
                throw new IllegalStateException("could not unpack LibTorch natives from " + resource, e);
            }
        }
        Loader.load(torch.class);
        Loader.load(openblas_full.class);
    }

    private static String string(BytePointer pointer) {
        return pointer == null || pointer.isNull() ? "" : pointer.getString().trim();
    }
}
