package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.util.UserInputException;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class NativeRuntimeTest {

    @Test
    void defaultThreadSettingsTakeEffectInLibTorchAndOpenBlas() {
        NativeRuntime.init(NativeRuntime.Settings.defaults());
        assertEquals(1, torch.get_num_threads(), "LibTorch intra-op threads");
        assertEquals(1, torch.get_num_interop_threads(), "LibTorch inter-op threads");
        assertEquals(1, NativeRuntime.blasThreads(), "OpenBLAS threads");

        NativeRuntime.init(NativeRuntime.Settings.defaults().withThreads(2));
        assertEquals(2, torch.get_num_threads());
        assertEquals(2, NativeRuntime.blasThreads());
        NativeRuntime.init(NativeRuntime.Settings.defaults());
        assertEquals(1, torch.get_num_threads());
        assertEquals(1, NativeRuntime.blasThreads());
    }

    @Test
    void interOpPoolCannotBeResizedAfterStart() {
        NativeRuntime.init();
        assertThrows(IllegalStateException.class,
            () -> NativeRuntime.init(new NativeRuntime.Settings(1, 3, 1, true)));
    }

    @Test
    void seedingMakesLibTorchRandomnessRepeatable() {
        NativeRuntime.seed(42);
        Tensor a = torch.randn(16);
        NativeRuntime.seed(42);
        Tensor b = torch.randn(16);
        NativeRuntime.seed(43);
        Tensor c = torch.randn(16);
        assertTrue(torch.equal(a, b));
        assertFalse(torch.equal(a, c));
        a.close();
        b.close();
        c.close();
    }

    @Test
    void cudaRequestWithoutCudaIsAClearErrorAndCpuAlwaysResolves() {
        assertEquals(ComputeDevice.CPU, NativeRuntime.device("cpu"));
        if (!NativeRuntime.cudaAvailable()) {
            UserInputException e = assertThrows(UserInputException.class, () -> NativeRuntime.device("cuda"));
            assertTrue(e.getMessage().contains("--device cuda") && e.getMessage().contains("--device cpu"),
                e.getMessage());
        }
        UserInputException bad = assertThrows(UserInputException.class, () -> NativeRuntime.device("gpu0"));
        assertTrue(bad.getMessage().contains("expected cpu, cuda or cuda:N"));
        assertThrows(UserInputException.class, () -> NativeRuntime.device("cuda:-1"));
    }

    /** The probe tells a fresh thread (flags as the JVM set them) from one where the flag was set. */
    @Test
    void denormalFlushingIsSeenPerThread() throws Exception {
        NativeRuntime.init();
        boolean[] seen = new boolean[3];
        Thread thread = new Thread(() -> {
            seen[0] = NativeRuntime.denormalsFlushedOnThisThread();
            NativeRuntime.flushDenormalsOnThisThread();
            seen[1] = NativeRuntime.denormalsFlushedOnThisThread();
            // LibTorch's own kernels see the same flag: half the smallest normal float is 0 in a tensor too.
            try (DeviceTensors arena = new DeviceTensors(ComputeDevice.CPU)) {
                Tensor x = arena.full(Float.MIN_NORMAL, 4);
                x.mul_(arena.constant(0.5));
                seen[2] = arena.host(x).getFloat(0) == 0f;
            }
        });
        thread.start();
        thread.join();
        assertFalse(seen[0], "a new thread keeps subnormals");
        assertTrue(seen[1], "after flushDenormalsOnThisThread the probe sees flushing");
        assertTrue(seen[2], "and LibTorch's kernels on that thread flush too");
    }

    @Test
    void describeReportsWhatWasSet() {
        Map<String, Object> info = NativeRuntime.describe();
        assertEquals(1, info.get("intra_op_threads"));
        assertEquals(1, info.get("blas_threads"));
        assertTrue(String.valueOf(info.get("libtorch")).startsWith("2.10.0"), info.toString());
        assertFalse(String.valueOf(info.get("blas_core")).isEmpty());
    }
}
