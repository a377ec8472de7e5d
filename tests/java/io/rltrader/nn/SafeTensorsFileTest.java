package io.rltrader.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rltrader.nn.SafeTensorsFile.DType;
import io.rltrader.nn.SafeTensorsFile.Entry;
import io.rltrader.util.OffHeap;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsFileTest {
    @TempDir
    Path directory;

    // ---------------------------------------------------------------------------------------------
    // Round trips

    @Test
    void everyDtypeRoundTripsBitIdentical() {
        float[] floats = {0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7fc00001)}; // a NaN with a payload must survive as is
        double[] doubles = {-0d, Math.PI, Double.MIN_VALUE, Double.longBitsToDouble(0x0000_0000_7ff8_0000L) /* subnormal */,
            Double.longBitsToDouble(0x7ff8_0000_0000_0abcL)};
        int[] ints = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 42};
        long[] longs = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
        byte[] u8 = {0, 1, (byte) 127, (byte) 128, (byte) 255};
        byte[] bools = {0, 1, 1, 0};

        SafeTensorsFile.Writer writer = new SafeTensorsFile.Writer()
            .add("f32", new long[] {7}, floats)
            .add("f64", new long[] {5, 1}, doubles)
            .add("i32", new long[] {2, 3}, ints)
            .add("i64", new long[] {2, 1, 2}, longs)
            .add("u8", new long[] {5}, u8)
            .add("bool", DType.BOOL, new long[] {2, 2}, bools)
            .add("scalar", new long[0], new long[] {123_456_789_012L})
            .add("scalar.f32", new long[0], new float[] {2.5f})
            .add("empty", new long[] {2, 0}, new float[0])
            .add("empty.i64", new long[] {0}, new long[0])
            .metadata("note", "round trip ✓")
            .metadata("", "empty key");
        Path file = directory.resolve("all.safetensors");
        writer.writeAtomically(file);

        SafeTensorsFile read = SafeTensorsFile.read(file);
        assertEquals(10, read.entries().size());
        assertEquals(Map.of("note", "round trip ✓", "", "empty key"), read.metadata());
        assertArrayEquals(bits(floats), bits(read.requireTensor("f32", DType.F32, 7).toFloatArray()));
        double[] readDoubles = read.requireTensor("f64", DType.F64, 5, 1).toDoubleArray();
        for (int i = 0; i < doubles.length; i++) {
            assertEquals(Double.doubleToRawLongBits(doubles[i]), Double.doubleToRawLongBits(readDoubles[i]));
        }
        assertArrayEquals(ints, read.requireTensor("i32", DType.I32, 2, 3).toIntArray());
        assertArrayEquals(longs, read.requireTensor("i64", DType.I64, 2, 1, 2).toLongArray());
        assertArrayEquals(u8, read.requireTensor("u8", DType.U8, 5).toByteArray());
        assertArrayEquals(bools, read.requireTensor("bool", DType.BOOL, 2, 2).toByteArray());
        Entry scalar = read.requireTensor("scalar", DType.I64);
        assertEquals(0, scalar.shape().length);
        assertEquals(1, scalar.elementCount());
        assertArrayEquals(new long[] {123_456_789_012L}, scalar.toLongArray());
        assertArrayEquals(new float[] {2.5f}, read.requireTensor("scalar.f32", DType.F32).toFloatArray());
        Entry empty = read.requireTensor("empty", DType.F32, 2, 0);
        assertEquals(0, empty.elementCount());
        assertEquals(0, empty.byteLength());
        assertEquals(0, empty.toFloatArray().length);
        assertEquals(0, read.requireTensor("empty.i64", DType.I64, 0).toLongArray().length);

        // writing what was read gives the same bytes again
        SafeTensorsFile.Writer again = new SafeTensorsFile.Writer();
        for (Entry entry : read.entries().values()) {
            again.add(entry.name(), entry.dtype(), entry.shape(), entry.toByteArray());
        }
        read.metadata().forEach(again::metadata);
        assertArrayEquals(writer.toByteArray(), again.toByteArray());
    }

    @Test
    void offHeapTensorsCopyInAndOutBitIdentical() {
        UnsafeBuffer source = OffHeap.allocate(1024);
        for (int i = 0; i < 1024; i++) {
            source.putByte(i, (byte) (i * 31 + 7));
        }
        Path file = directory.resolve("offheap.safetensors");
        new SafeTensorsFile.Writer()
            .add("weights", DType.F32, new long[] {16, 8}, source, 64)
            .add("moments", DType.F64, new long[] {4, 4}, source, 640)
            .add("flags", DType.U8, new long[] {3}, source, 1)
            .writeAtomically(file);
        // the writer took a snapshot: later changes to the source are not in the file
        source.putByte(64, (byte) 0);

        SafeTensorsFile read = SafeTensorsFile.read(file);
        UnsafeBuffer target = OffHeap.allocate(1024);
        read.requireTensor("weights", DType.F32, 16, 8).copyTo(target, 128);
        read.requireTensor("moments", DType.F64, 4, 4).copyTo(target, 0);
        read.requireTensor("flags", DType.U8, 3).copyTo(target, 1000);
        for (int i = 0; i < 16 * 8 * 4; i++) {
            assertEquals((byte) ((64 + i) * 31 + 7), target.getByte(128 + i), "weights byte " + i);
        }
        for (int i = 0; i < 16 * 8; i++) {
            assertEquals((byte) ((640 + i) * 31 + 7), target.getByte(i), "moments byte " + i);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals((byte) ((1 + i) * 31 + 7), target.getByte(1000 + i));
        }
        assertThrows(IllegalArgumentException.class,
            () -> read.tensor("weights").copyTo(target, 1024 - 16 * 8 * 4 + 1));
        assertThrows(IllegalArgumentException.class,
            () -> new SafeTensorsFile.Writer().add("w", DType.F32, new long[] {257}, source, 0));
    }

    // ---------------------------------------------------------------------------------------------
    // Golden bytes: the reference implementation's own test vectors (safetensors/src/tensor.rs)

    /** tensor.rs test_serialization: "attn.0" F32 [1, 2, 3] holding 0..5. */
    private static final int[] REFERENCE_SERIALIZATION = {
        64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
        116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
        58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
        101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
        0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64};

    /** tensor.rs test_serialization_forced_alignement: "attn0" F32 [1, 1, 2, 3], header padded. */
    private static final int[] REFERENCE_FORCED_ALIGNMENT = {
        72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
        121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
        91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
        115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
        32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
        160, 64};

    /** tensor.rs test_empty: no tensors, then metadata {"framework": "pt"}. */
    private static final int[] REFERENCE_EMPTY = {8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32};
    private static final int[] REFERENCE_EMPTY_WITH_METADATA = {
        40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
        95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
        116, 34, 125, 125, 32, 32, 32, 32, 32};

    private static final float[] ZERO_TO_FIVE = {0, 1, 2, 3, 4, 5};

    @Test
    void writerProducesTheReferenceBytes() {
        assertArrayEquals(bytes(REFERENCE_SERIALIZATION),
            new SafeTensorsFile.Writer().add("attn.0", new long[] {1, 2, 3}, ZERO_TO_FIVE).toByteArray());
        assertArrayEquals(bytes(REFERENCE_FORCED_ALIGNMENT),
            new SafeTensorsFile.Writer().add("attn0", new long[] {1, 1, 2, 3}, ZERO_TO_FIVE).toByteArray());
        assertArrayEquals(bytes(REFERENCE_EMPTY), new SafeTensorsFile.Writer().toByteArray());
        assertArrayEquals(bytes(REFERENCE_EMPTY_WITH_METADATA),
            new SafeTensorsFile.Writer().metadata("framework", "pt").toByteArray());
    }

    @Test
    void readerParsesTheReferenceBytes() throws IOException {
        for (int[] reference : new int[][] {REFERENCE_SERIALIZATION, REFERENCE_FORCED_ALIGNMENT}) {
            SafeTensorsFile read = SafeTensorsFile.read(write("reference.safetensors", bytes(reference)));
            Entry entry = read.entries().values().iterator().next();
            assertEquals(DType.F32, entry.dtype());
            assertArrayEquals(ZERO_TO_FIVE, entry.toFloatArray());
        }
        assertTrue(SafeTensorsFile.read(write("empty.safetensors", bytes(REFERENCE_EMPTY))).entries().isEmpty());
        assertEquals(Map.of("framework", "pt"),
            SafeTensorsFile.read(write("meta.safetensors", bytes(REFERENCE_EMPTY_WITH_METADATA))).metadata());
    }

    /** Reference test vectors whose headers are not padded, or padded with other JSON whitespace. */
    @Test
    void readerAcceptsWhatTheReferenceAccepts() throws IOException {
        // test_deserialization: a 60-byte header (not a multiple of 8)
        SafeTensorsFile read = SafeTensorsFile.read(write("a.safetensors",
            raw("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16)));
        assertArrayEquals(new int[4], read.requireTensor("test", DType.I32, 2, 2).toIntArray());
        // test_empty_shapes_allowed: a 0-d tensor
        read = SafeTensorsFile.read(write("b.safetensors",
            raw("{\"test\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4)));
        assertArrayEquals(new int[1], read.requireTensor("test", DType.I32).toIntArray());
        // test_zero_sized_tensor, with a space inside the offsets
        read = SafeTensorsFile.read(write("c.safetensors",
            raw("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}", 0)));
        assertEquals(0, read.requireTensor("test", DType.I32, 2, 0).byteLength());
        // test_whitespace_padded_header and test_whitespace_leading_padded_header
        assertTrue(SafeTensorsFile.read(write("d.safetensors", raw("{}\r \t\n", 0))).entries().isEmpty());
        assertTrue(SafeTensorsFile.read(write("e.safetensors", raw("\t\n{}\r ", 0))).entries().isEmpty());
        // an explicit null __metadata__ means none; unknown fields in a tensor are ignored (serde's default)
        read = SafeTensorsFile.read(write("f.safetensors", raw("{\"__metadata__\":null,"
            + "\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"extra\":true}}", 1)));
        assertTrue(read.metadata().isEmpty());
        assertEquals(1, read.tensor("t").byteLength());
    }

    /** The layout rule, with bytes constructed independently: descending dtype alignment, then name. */
    @Test
    void writerLaysTensorsOutByDtypeAlignmentThenName() throws IOException {
        SafeTensorsFile.Writer writer = new SafeTensorsFile.Writer()
            .add("b", new long[] {3}, new byte[] {1, 2, 3})
            .add("a2", new long[] {1}, new float[] {1f})
            .add("z", DType.BOOL, new long[] {1}, new byte[] {1})
            .add("i", new long[] {2}, new int[] {-1, 7})
            .add("m", new long[] {1}, new double[] {0.5})
            .add("a", new long[] {2}, new float[] {2f, 3f})
            .add("Z", new long[] {1}, new float[] {4f})          // upper case sorts before lower case
            .add("é", new long[] {1}, new float[] {5f})          // non-ASCII after ASCII, by UTF-8 bytes
            .add("c", new long[] {1}, new long[] {-2L})
            .metadata("zeta", "1").metadata("alpha", "\"quoted\"\n");
        String header = "{\"__metadata__\":{\"alpha\":\"\\\"quoted\\\"\\n\",\"zeta\":\"1\"},"
            + "\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
            + "\"m\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
            + "\"Z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]},"
            + "\"a2\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[28,32]},"
            + "\"é\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[32,36]},"
            + "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[36,44]},"
            + "\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[44,47]},"
            + "\"z\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[47,48]}}";
        ByteBuffer data = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(-2L).putDouble(0.5).putFloat(4f).putFloat(2f).putFloat(3f).putFloat(1f).putFloat(5f)
            .putInt(-1).putInt(7).put(new byte[] {1, 2, 3}).put((byte) 1);
        byte[] expected = rawPadded(header, data.array());
        assertArrayEquals(expected, writer.toByteArray());

        Path file = directory.resolve("ordered.safetensors");
        writer.writeAtomically(file);
        assertArrayEquals(expected, Files.readAllBytes(file));
        assertEquals(List.of("c", "m", "Z", "a", "a2", "é", "i", "b", "z"),
            List.copyOf(SafeTensorsFile.read(file).entries().keySet()));
    }

    /** Bonus: where python3 has the safetensors package, both directions against the reference. */
    @Test
    void crossCheckWithTheReferenceWhenPythonHasIt() throws Exception {
        Path script = directory.resolve("cross.py");
        Files.writeString(script, String.join("\n",
            "import sys, json",
            "from safetensors import deserialize",
            "from safetensors.numpy import load, save",
            "data = open(sys.argv[1], 'rb').read()",
            "out = {name: [t['dtype'], list(t['shape']), list(t['data'])] for name, t in deserialize(data)}",
            "print(json.dumps(out, sort_keys=True))",
            "open(sys.argv[2], 'wb').write(save(load(data), metadata={'k': 'v'}))",
            ""));
        Path ours = directory.resolve("ours.safetensors");
        Path theirs = directory.resolve("theirs.safetensors");
        SafeTensorsFile.Writer writer = new SafeTensorsFile.Writer()
            .add("w", new long[] {2, 2}, new float[] {1, -2, 3.5f, Float.NaN})
            .add("step", new long[0], new long[] {41})
            .add("ids", new long[] {3}, new int[] {1, 2, 3})
            .add("mask", DType.BOOL, new long[] {2}, new byte[] {1, 0})
            .add("u", new long[] {1}, new byte[] {9})
            .add("d", new long[] {0}, new double[0])
            .metadata("k", "v");
        writer.writeAtomically(ours);
        Process process;
        try {
            process = new ProcessBuilder("python3", script.toString(), ours.toString(), theirs.toString())
                .redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no python3: " + e.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        org.junit.jupiter.api.Assumptions.assumeFalse(output.contains("No module named"),
            "python3 lacks safetensors or numpy");
        assertEquals(0, exit, output);
        assertTrue(output.contains("\"step\": [\"I64\", [], [41, 0, 0, 0, 0, 0, 0, 0]]"), output);
        assertTrue(output.contains("\"mask\": [\"BOOL\", [2], [1, 0]]"), output);
        assertArrayEquals(Files.readAllBytes(ours), Files.readAllBytes(theirs),
            "the reference writes the same bytes for the same tensors and metadata");
        assertArrayEquals(new int[] {1, 2, 3}, SafeTensorsFile.read(theirs).requireTensor("ids", DType.I32, 3)
            .toIntArray());
    }

    // ---------------------------------------------------------------------------------------------
    // Malformed files: one clear UserInputException each, naming the file and the problem

    @Test
    void tooShortFilesAreRejected() throws IOException {
        expectInvalid(write("empty.safetensors", new byte[0]), "0 bytes, expected at least 8");
        expectInvalid(write("five.safetensors", new byte[5]), "5 bytes, expected at least 8");
    }

    @Test
    void headerLengthBeyondTheLimitOrTheFileIsRejected() throws IOException {
        // test_header_too_large: length bytes 3c 00 00 00 00 ff ff ff
        byte[] tooLarge = raw("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16);
        tooLarge[5] = tooLarge[6] = tooLarge[7] = (byte) 0xff;
        expectInvalid(write("large.safetensors", tooLarge), "header length 18446742974197923900 bytes is above the"
            + " limit of 100000000");
        ByteBuffer justAbove = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001L);
        expectInvalid(write("above.safetensors", justAbove.array()), "above the limit");
        // test_invalid_header_length: declares 60 bytes, has none
        expectInvalid(write("short.safetensors", new byte[] {60, 0, 0, 0, 0, 0, 0, 0}),
            "header length 60 bytes runs past the end of the file (8 bytes in all)");
    }

    @Test
    void headerThatIsNotUtf8OrNotAJsonObjectIsRejected() throws IOException {
        expectInvalid(write("utf8.safetensors", new byte[] {1, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff}),
            "header is not valid UTF-8: byte 8 of the file starts a malformed sequence");
        expectInvalid(write("open.safetensors", raw("{", 0)), "header is not valid JSON at character");
        expectInvalid(write("array.safetensors", raw("[]", 0)), "header is not a JSON object");
        expectInvalid(write("number.safetensors", raw("42", 0)), "header is not a JSON object");
        expectInvalid(write("blank.safetensors", raw("", 0)), "header is not a JSON object");
        expectInvalid(write("two.safetensors", raw("{}{}", 0)), "content after its JSON object");
        expectInvalid(write("trailing.safetensors", raw("{} x", 0)), "header is not valid JSON");
        expectInvalid(write("comment.safetensors", raw("{/* x */}", 0)), "header is not valid JSON");
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        expectInvalid(write("dup.safetensors", raw("{\"w\":" + info("F32", "[1]", 0, 4) + ",\"w\":"
            + info("F32", "[1]", 4, 8) + "}", 8)), "header declares 'w' twice (duplicate keys are not allowed)");
        expectInvalid(write("dupmeta.safetensors", raw("{\"__metadata__\":{},\"__metadata__\":{}}", 0)),
            "header declares '__metadata__' twice");
        expectInvalid(write("dupfield.safetensors",
            raw("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)),
            "tensor 'w' declares 'dtype' twice (duplicate keys are not allowed)");
        expectInvalid(write("dupkey.safetensors", raw("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0)),
            "header's __metadata__ declares 'a' twice");
    }

    @Test
    void malformedTensorDeclarationsAreRejected() throws IOException {
        expectInvalid(one("unknown", "\"XYZ\"", "[1]", 0, 4, 4), "tensor 'w' has dtype 'XYZ', expected one of [BOOL");
        expectInvalid(one("f16", "\"F16\"", "[2]", 0, 4, 4), "tensor 'w' has dtype 'F16'");
        expectInvalid(one("nodtype", null, "[1]", 0, 4, 4), "tensor 'w' has no dtype");
        expectInvalid(one("numdtype", "3", "[1]", 0, 4, 4), "tensor 'w' has dtype number 3");
        expectInvalid(one("negative", "\"F32\"", "[-1]", 0, 4, 4),
            "tensor 'w' has shape [-1], expected an array of non-negative integers");
        expectInvalid(one("fraction", "\"F32\"", "[1.5]", 0, 4, 4), "tensor 'w' has shape [1.5]");
        expectInvalid(one("huge", "\"I32\"", "[2,18446744073709551614]", 0, 16, 16), "below 2^63");
        expectInvalid(one("noshape", "\"F32\"", null, 0, 4, 4), "tensor 'w' has no shape");
        expectInvalid(write("threeoffsets.safetensors",
            raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4)),
            "tensor 'w' has data_offsets [0,4,8], expected an array of 2 non-negative integers");
        expectInvalid(write("notobject.safetensors", raw("{\"w\":[1,2]}", 0)),
            "tensor 'w' is array [1,2], expected an object with dtype, shape and data_offsets");
    }

    @Test
    void shapeThatDoesNotMatchTheOffsetsIsRejected() throws IOException {
        // test_invalid_info
        expectInvalid(one("info", "\"I32\"", "[2,2]", 0, 4, 4),
            "tensor 'w' of dtype I32 and shape [2, 2] needs 16 bytes, but its data_offsets [0, 4] span 4");
    }

    @Test
    void absurdShapesFailFastWithoutAllocating() throws IOException {
        long huge = 1L << 40;
        expectInvalid(one("overflow", "\"F32\"", "[" + huge + "," + huge + "]", 0, 4, 4),
            "tensor 'w' has shape [1099511627776, 1099511627776] whose byte size overflows 64 bits");
        // test_validation_overflow, second vector: elements fit, bytes overflow
        expectInvalid(one("bytes", "\"I32\"", "[2,9223372036854775807]", 0, 16, 16), "overflows 64 bits");
        // fits in 64 bits and agrees with its offsets, but the file holds 4 data bytes, not 4 TiB
        long tib = 1L << 42;
        expectInvalid(one("tib", "\"F32\"", "[" + (1L << 20) + "," + (1L << 20) + "]", 0, tib, 4),
            "truncated: the tensors need 4398046511104 data bytes after the header but the file has 4");
    }

    @Test
    void offsetsMustTileTheDataSection() throws IOException {
        String a = "\"a\":" + info("F32", "[2]", 0, 8);
        expectInvalid(write("gap.safetensors", raw("{" + a + ",\"b\":" + info("F32", "[1]", 12, 16) + "}", 16)),
            "tensor 'b' begins at data offset 12 but tensor 'a' ends at 8 (a gap");
        expectInvalid(write("overlap.safetensors", raw("{" + a + ",\"b\":" + info("F32", "[2]", 4, 12) + "}", 12)),
            "tensor 'b' begins at data offset 4 but tensor 'a' ends at 8 (an overlap");
        expectInvalid(write("first.safetensors", raw("{\"a\":" + info("F32", "[1]", 4, 8) + "}", 8)),
            "tensor 'a' begins at data offset 4 but the first tensor must begin at 0");
        expectInvalid(write("backwards.safetensors", raw("{\"a\":" + info("F32", "[1]", 8, 4) + "}", 8)),
            "tensor 'a' has data_offsets [8, 4]: the end is before the begin");
        // test_metadata_incomplete_buffer: trailing bytes (a polyglot file), then missing bytes
        expectInvalid(one("polyglot", "\"I32\"", "[2,2]", 0, 16, 16 + 34),
            "the tensors cover 16 data bytes but the file has 50 after the header (trailing bytes are not allowed)");
        expectInvalid(one("missing", "\"I32\"", "[2,2]", 0, 16, 14),
            "truncated: the tensors need 16 data bytes after the header but the file has 14");
        // the tensors' order in the header does not matter, only their offsets
        SafeTensorsFile read = SafeTensorsFile.read(write("reordered.safetensors",
            raw("{\"b\":" + info("U8", "[1]", 8, 9) + "," + a + "}", 9)));
        assertEquals(List.of("a", "b"), List.copyOf(read.entries().keySet()));
    }

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        expectInvalid(write("meta.safetensors", raw("{\"__metadata__\":{\"epoch\":3}}", 0)),
            "metadata 'epoch' is number 3, expected a string (safetensors metadata values are strings)");
        expectInvalid(write("metaarray.safetensors", raw("{\"__metadata__\":[\"a\"]}", 0)),
            "__metadata__ is array [\"a\"], expected an object of strings");
    }

    @Test
    void missingFileIsNamed() {
        Path file = directory.resolve("nowhere.safetensors");
        UserInputException e = assertThrows(UserInputException.class, () -> SafeTensorsFile.read(file));
        assertEquals(file + ": safetensors file does not exist", e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Checks for callers

    @Test
    void requireTensorNamesTheMismatch() {
        Path file = directory.resolve("model.safetensors");
        new SafeTensorsFile.Writer().add("q.0.weight", new long[] {128, 8}, new float[128 * 8]).writeAtomically(file);
        SafeTensorsFile read = SafeTensorsFile.read(file);
        assertEquals(file + ": tensor 'q.0.weight' has shape [128, 8], expected [64, 8]", assertThrows(
            UserInputException.class, () -> read.requireTensor("q.0.weight", DType.F32, 64, 8)).getMessage());
        assertEquals(file + ": tensor 'q.0.weight' has dtype F32, expected F64", assertThrows(
            UserInputException.class, () -> read.requireTensor("q.0.weight", DType.F64, 128, 8)).getMessage());
        assertEquals(file + ": has no tensor 'q.1.weight' (it holds 1 tensors: 'q.0.weight')", assertThrows(
            UserInputException.class, () -> read.requireTensor("q.1.weight", DType.F32, 64, 8)).getMessage());
        assertEquals(file + ": tensor 'q.0.weight' has dtype F32, expected I64", assertThrows(
            UserInputException.class, () -> read.tensor("q.0.weight").toLongArray()).getMessage());
        assertTrue(read.contains("q.0.weight"));
        assertFalse(read.contains("q.1.weight"));
    }

    @Test
    void requireFiniteNamesTheFirstBadElement() {
        float[] weights = new float[6];
        weights[4] = Float.NaN;
        weights[5] = Float.POSITIVE_INFINITY;
        double[] moments = {1, 2, Double.NEGATIVE_INFINITY};
        Path file = directory.resolve("finite.safetensors");
        new SafeTensorsFile.Writer()
            .add("w", new long[] {2, 3}, weights)
            .add("m", new long[] {3}, moments)
            .add("ok", new long[] {2}, new float[] {1, 2})
            .add("step", new long[0], new long[] {1})
            .writeAtomically(file);
        SafeTensorsFile read = SafeTensorsFile.read(file);
        assertEquals(file + ": tensor 'w' has a non-finite value NaN at element 4 (index [1, 1] of shape [2, 3])",
            assertThrows(UserInputException.class, () -> read.requireFinite("w")).getMessage());
        assertTrue(assertThrows(UserInputException.class, () -> read.requireFinite("m")).getMessage()
            .contains("tensor 'm' has a non-finite value -Infinity at element 2 (index [2]"));
        assertEquals("ok", read.requireFinite("ok").name());
        assertTrue(assertThrows(UserInputException.class, () -> read.requireFinite("step")).getMessage()
            .contains("expected a float tensor"));
    }

    @Test
    void writerRejectsMisuse() {
        SafeTensorsFile.Writer writer = new SafeTensorsFile.Writer().add("w", new long[] {2}, new float[2]);
        assertThrows(IllegalArgumentException.class, () -> writer.add("w", new long[] {2}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("x", new long[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("x", new long[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("x", new long[] {1L << 40, 1L << 40},
            new float[0]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("__metadata__", new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> writer.add("\ud800", new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> writer.metadata("k", "v").metadata("k", "w"));
    }

    // ---------------------------------------------------------------------------------------------
    // Atomic replacement

    @Test
    void atomicWriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = directory.resolve("weights.safetensors");
        new SafeTensorsFile.Writer().add("w", new long[] {1}, new float[] {1}).writeAtomically(file);
        new SafeTensorsFile.Writer().add("w", new long[] {2}, new float[] {2, 3}).writeAtomically(file);
        assertArrayEquals(new float[] {2, 3}, SafeTensorsFile.read(file).requireTensor("w", DType.F32, 2)
            .toFloatArray());
        assertEquals(List.of(file), listing());
    }

    @Test
    void aHalfWrittenTemporaryFileFromACrashIsHarmless() throws IOException {
        Path file = directory.resolve("weights.safetensors");
        new SafeTensorsFile.Writer().add("w", new long[] {1}, new float[] {1}).writeAtomically(file);
        // a crash while writing the next version leaves a partial temporary file next to the old one
        byte[] next = new SafeTensorsFile.Writer().add("w", new long[] {2}, new float[] {2, 3}).toByteArray();
        Files.write(directory.resolve("weights.safetensors.tmp"), java.util.Arrays.copyOf(next, next.length / 2));
        assertArrayEquals(new float[] {1}, SafeTensorsFile.read(file).tensor("w").toFloatArray());
        new SafeTensorsFile.Writer().add("w", new long[] {2}, new float[] {2, 3}).writeAtomically(file);
        assertArrayEquals(new float[] {2, 3}, SafeTensorsFile.read(file).tensor("w").toFloatArray());
        assertEquals(List.of(file), listing());
    }

    @Test
    void unwritableTargetIsAUserError() {
        Path file = directory.resolve("no-such-dir").resolve("w.safetensors");
        UserInputException e = assertThrows(UserInputException.class,
            () -> new SafeTensorsFile.Writer().writeAtomically(file));
        assertTrue(e.getMessage().startsWith(file + ": cannot write safetensors file"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    private void expectInvalid(Path file, String problem) {
        UserInputException e = assertThrows(UserInputException.class, () -> SafeTensorsFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ": invalid safetensors file: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** A file with one tensor 'w' declared as given (a null field is left out) and {@code dataBytes} of data. */
    private Path one(String fileName, String dtype, String shape, long begin, long end, int dataBytes)
            throws IOException {
        StringBuilder json = new StringBuilder("{\"w\":{");
        if (dtype != null) {
            json.append("\"dtype\":").append(dtype).append(',');
        }
        if (shape != null) {
            json.append("\"shape\":").append(shape).append(',');
        }
        json.append("\"data_offsets\":[").append(begin).append(',').append(end).append("]}}");
        return write(fileName + ".safetensors", raw(json.toString(), dataBytes));
    }

    private static String info(String dtype, String shape, long begin, long end) {
        return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /** Length prefix, the header exactly as given (unpadded), then {@code dataBytes} zeros. */
    private static byte[] raw(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(json.length).put(json).array();
    }

    /** Length prefix, the header padded with spaces to a multiple of 8, then {@code data}. */
    private static byte[] rawPadded(String header, byte[] data) {
        StringBuilder padded = new StringBuilder(header);
        while (padded.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            padded.append(' ');
        }
        byte[] json = padded.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(json.length).put(json).put(data).array();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = directory.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static byte[] bytes(int[] unsigned) {
        byte[] bytes = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            bytes[i] = (byte) unsigned[i];
        }
        return bytes;
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
