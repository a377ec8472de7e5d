package io.rltrader.nn;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rltrader.util.OffHeap;
import io.rltrader.util.DurableFiles;
import io.rltrader.util.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A file in the safetensors format (https://github.com/huggingface/safetensors), read whole into
 * off-heap memory, and its {@link Writer}.
 *
 * <pre>
 * offset  size  field
 *      0     8  N, header length in bytes (uint64, little-endian), at most 100,000,000
 *      8     N  UTF-8 JSON object: {"__metadata__": {"key": "string", ...},
 *               "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...};
 *               may be padded with JSON whitespace (this writer pads with spaces to a multiple of 8)
 *    8+N     -  data: every tensor's bytes, row-major, little-endian; offsets count from here
 * </pre>
 *
 * <p>{@link #read} applies the reference implementation's rules ({@code safetensors/src/tensor.rs},
 * {@code SafeTensors::read_metadata}) before it allocates anything sized by the file: the header
 * length fits the limit and the file; the header is UTF-8 and one JSON object without duplicate
 * keys; every tensor has a known dtype, a shape of non-negative integers whose byte size does not
 * overflow and equals {@code end - begin}; the tensors, in offset order, tile the data exactly
 * from 0 to the end of the file without gap or overlap; metadata values are strings. Any
 * violation is a {@link UserInputException} of one line naming the file, the tensor and what was
 * expected. Like the reference (and unlike its README, which says the header must begin with
 * '{'), JSON whitespace before the object is accepted, and unknown fields inside a tensor's entry
 * are ignored. Two deliberate differences: dtypes other than F32, F64, I32, I64, U8 and BOOL are
 * rejected as unsupported, and dimensions are limited to 2^63 - 1 (the reference: 2^64 - 1).
 *
 * <p>The {@link Writer} produces the same bytes as the reference {@code serialize}: tensors laid
 * out by descending dtype alignment (I64, F64, F32, I32, U8, BOOL), then by name (UTF-8 byte
 * order); compact JSON with {@code __metadata__} first; header padded with spaces to a multiple
 * of 8. Metadata keys are written in UTF-8 byte order (the reference leaves their order to a hash
 * map).
 *
 * <p>Raw copies between off-heap memory and the file assume a little-endian machine, which is
 * checked; the array accessors convert explicitly.
 */
public final class SafeTensorsFile {
    /** The reference implementation's limit on the header length, in bytes. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Bytes of the header-length prefix. */
    public static final int LENGTH_PREFIX_BYTES = Long.BYTES;
    /** The reserved header key of the string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    /** The most tensor data one file may hold: {@link #read} refuses more. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - OffHeap.ALIGNMENT;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength((int) MAX_HEADER_BYTES)
            .maxNameLength((int) MAX_HEADER_BYTES)
            .build())
        .build())
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    /** Rust's {@code String} order, which the reference sorts names by: unsigned UTF-8 bytes. */
    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /**
     * Element types rltrader reads and writes, with their size in bytes. Declared in the order of
     * the reference implementation's {@code Dtype} enum (increasing alignment): the writer lays
     * tensors out by descending ordinal.
     */
    public enum DType {
        BOOL(1),
        U8(1),
        I32(4),
        F32(4),
        F64(8),
        I64(8);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes of one element. */
        public int bytes() {
            return bytes;
        }

        private static DType named(String name) {
            for (DType dtype : values()) {
                if (dtype.name().equals(name)) {
                    return dtype;
                }
            }
            return null;
        }
    }

    private final Path file;
    private final Map<String, String> metadata;
    private final Map<String, Entry> entries;
    private final UnsafeBuffer data;

    private SafeTensorsFile(Path file, Map<String, String> metadata, List<TensorInfo> infos, UnsafeBuffer data) {
        this.file = file;
        this.metadata = Collections.unmodifiableMap(metadata);
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            byName.put(info.name, new Entry(info.name, info.dtype, info.shape, (int) info.begin,
                (int) (info.end - info.begin), info.elements));
        }
        this.entries = Collections.unmodifiableMap(byName);
        this.data = data;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads and validates {@code file}, then loads its data section (at most 2 GiB) into off-heap
     * memory. Nothing sized by the file is allocated before the header has been checked against
     * the file's length.
     *
     * @throws UserInputException if the file is missing, unreadable or not a valid safetensors file
     */
    public static SafeTensorsFile read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileLength = channel.size();
            if (fileLength < LENGTH_PREFIX_BYTES) {
                throw invalid(file, "not a safetensors file or truncated: " + fileLength
                    + " bytes, expected at least 8 (the header length)");
            }
            ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, channel, prefix, 0);
            long headerLength = prefix.getLong(0);
            if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
                throw invalid(file, "header length " + Long.toUnsignedString(headerLength)
                    + " bytes is above the limit of " + MAX_HEADER_BYTES + " (not a safetensors file?)");
            }
            if (LENGTH_PREFIX_BYTES + headerLength > fileLength) {
                throw invalid(file, "header length " + headerLength + " bytes runs past the end of the file ("
                    + fileLength + " bytes in all)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(file, channel, headerBytes, LENGTH_PREFIX_BYTES);
            headerBytes.flip();
            Map<String, String> metadata = new LinkedHashMap<>();
            List<TensorInfo> infos = parseHeader(file, decodeUtf8(file, headerBytes), metadata);
            long dataLength = fileLength - LENGTH_PREFIX_BYTES - headerLength;
            validateLayout(file, infos, dataLength);
            if (dataLength > MAX_DATA_BYTES) {
                throw invalid(file, "data section of " + dataLength + " bytes is larger than the "
                    + MAX_DATA_BYTES + " bytes rltrader loads at once");
            }
            UnsafeBuffer data = OffHeap.allocate(dataLength);
            ByteBuffer target = data.byteBuffer().duplicate();
            target.clear().limit((int) dataLength);
            readFully(file, channel, target, LENGTH_PREFIX_BYTES + headerLength);
            return new SafeTensorsFile(file, metadata, infos, data);
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + ": safetensors file does not exist", e);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read safetensors file: " + e.getMessage(), e);
        }
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /** The header's {@code __metadata__} strings (empty when absent), unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor by name, in data order, unmodifiable. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** Whether the file holds a tensor of this name. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The tensor {@code name}; a missing tensor is a {@link UserInputException} naming the file. */
    public Entry tensor(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new UserInputException(file + ": has no tensor '" + name + "' (it holds "
                + entries.size() + " tensors" + (entries.isEmpty() ? "" : ": " + namesPreview()) + ")");
        }
        return entry;
    }

    /**
     * The tensor {@code name}, checked to have {@code dtype} and {@code shape}; otherwise a
     * {@link UserInputException} such as
     * {@code "ckpt/model.safetensors: tensor 'q.0.weight' has shape [128, 8], expected [64, 8]"}.
     */
    public Entry requireTensor(String name, DType dtype, long... shape) {
        Entry entry = tensor(name);
        if (entry.dtype != dtype) {
            throw new UserInputException(file + ": tensor '" + name + "' has dtype " + entry.dtype
                + ", expected " + dtype);
        }
        if (!Arrays.equals(entry.shape, shape)) {
            throw new UserInputException(file + ": tensor '" + name + "' has shape " + Arrays.toString(entry.shape)
                + ", expected " + Arrays.toString(shape));
        }
        return entry;
    }

    /**
     * The float (F32 or F64) tensor {@code name}, checked to hold no NaN or infinity; otherwise a
     * {@link UserInputException} naming the tensor, the first bad element and its index.
     */
    public Entry requireFinite(String name) {
        Entry entry = tensor(name);
        int elementBytes = entry.dtype.bytes;
        if (entry.dtype != DType.F32 && entry.dtype != DType.F64) {
            throw new UserInputException(file + ": tensor '" + name + "' has dtype " + entry.dtype
                + ", expected a float tensor (F32 or F64) to check for finite values");
        }
        for (long i = 0; i < entry.elements; i++) {
            int at = entry.begin + (int) (i * elementBytes);
            double value = entry.dtype == DType.F32
                ? data.getFloat(at, ByteOrder.LITTLE_ENDIAN) : data.getDouble(at, ByteOrder.LITTLE_ENDIAN);
            if (!Double.isFinite(value)) {
                throw new UserInputException(file + ": tensor '" + name + "' has a non-finite value " + value
                    + " at element " + i + " (index " + Arrays.toString(entry.index(i))
                    + " of shape " + Arrays.toString(entry.shape) + ")");
            }
        }
        return entry;
    }

    private String namesPreview() {
        StringBuilder names = new StringBuilder();
        Iterator<String> it = entries.keySet().iterator();
        for (int i = 0; i < 8 && it.hasNext(); i++) {
            names.append(i == 0 ? "'" : ", '").append(it.next()).append('\'');
        }
        return it.hasNext() ? names.append(", ...").toString() : names.toString();
    }

    /** One tensor of a read file: its declaration and accessors to its bytes. */
    public final class Entry {
        private final String name;
        private final DType dtype;
        private final long[] shape;
        private final int begin;
        private final int byteLength;
        private final long elements;

        private Entry(String name, DType dtype, long[] shape, int begin, int byteLength, long elements) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.byteLength = byteLength;
            this.elements = elements;
        }

        public String name() {
            return name;
        }

        public DType dtype() {
            return dtype;
        }

        /** The shape (a copy); empty for a 0-d (scalar) tensor. */
        public long[] shape() {
            return shape.clone();
        }

        /** Number of elements: the product of the shape (1 for a 0-d tensor). */
        public long elementCount() {
            return elements;
        }

        /** Bytes of data: elements times the dtype size. */
        public int byteLength() {
            return byteLength;
        }

        /** Copies the tensor's raw little-endian bytes to {@code dst} at {@code dstOffset}. */
        public void copyTo(MutableDirectBuffer dst, int dstOffset) {
            requireLittleEndianMachine();
            if (dstOffset < 0 || (long) dstOffset + byteLength > dst.capacity()) {
                throw new IllegalArgumentException("tensor '" + name + "' of " + byteLength + " bytes does not fit at"
                    + " offset " + dstOffset + " of a buffer of " + dst.capacity() + " bytes");
            }
            dst.putBytes(dstOffset, data, begin, byteLength);
        }

        /** The raw little-endian bytes, any dtype. */
        public byte[] toByteArray() {
            byte[] bytes = new byte[byteLength];
            data.getBytes(begin, bytes);
            return bytes;
        }

        /** The elements of an F32 tensor, row-major. */
        public float[] toFloatArray() {
            float[] values = new float[arrayLength(DType.F32)];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getFloat(begin + i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
            return values;
        }

        /** The elements of an F64 tensor, row-major. */
        public double[] toDoubleArray() {
            double[] values = new double[arrayLength(DType.F64)];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getDouble(begin + i * Double.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
            return values;
        }

        /** The elements of an I32 tensor, row-major. */
        public int[] toIntArray() {
            int[] values = new int[arrayLength(DType.I32)];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getInt(begin + i * Integer.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
            return values;
        }

        /** The elements of an I64 tensor, row-major. */
        public long[] toLongArray() {
            long[] values = new long[arrayLength(DType.I64)];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getLong(begin + i * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
            return values;
        }

        private int arrayLength(DType expected) {
            if (dtype != expected) {
                throw new UserInputException(file + ": tensor '" + name + "' has dtype " + dtype
                    + ", expected " + expected);
            }
            return (int) elements;
        }

        /** The row-major multi-index of flat element {@code flat}. */
        private long[] index(long flat) {
            long[] index = new long[shape.length];
            long rest = flat;
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            return index;
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Header parsing and validation

    /** A tensor as the header declares it, before its layout has been checked. */
    private record TensorInfo(String name, DType dtype, long[] shape, long begin, long end, long elements, long bytes) {
    }

    private static String decodeUtf8(Path file, ByteBuffer headerBytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = headerBytes.duplicate();
        CharBuffer out = CharBuffer.allocate(in.remaining());
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalid(file, "header is not valid UTF-8: byte " + (LENGTH_PREFIX_BYTES + in.position())
                + " of the file starts a malformed sequence");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static List<TensorInfo> parseHeader(Path file, String json, Map<String, String> metadata) {
        List<TensorInfo> infos = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(file, "header is not a JSON object (expected '{' after optional whitespace)");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                JsonNode value = readValue(file, key, parser);
                if (!seen.add(key)) {
                    throw invalid(file, "header declares '" + key + "' twice (duplicate keys are not allowed)");
                }
                if (key.equals(METADATA_KEY)) {
                    readMetadata(file, value, metadata);
                } else {
                    infos.add(tensorInfo(file, key, value));
                }
            }
            if (parser.nextToken() != null) {
                throw invalid(file, "header has content after its JSON object (only whitespace may follow)");
            }
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            int newline = message.indexOf('\n');
            throw invalid(file, "header is not valid JSON at character " + e.getLocation().getCharOffset() + ": "
                + (newline < 0 ? message : message.substring(0, newline)));
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot parse safetensors header: " + e.getMessage(), e);
        }
        return infos;
    }

    /** One top-level value; a duplicate key inside it is named. */
    private static JsonNode readValue(Path file, String key, JsonParser parser) throws IOException {
        try {
            return JSON.readTree(parser);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            String duplicate = "Duplicate field '";
            if (message.startsWith(duplicate)) {
                String field = message.substring(duplicate.length(), Math.max(duplicate.length(),
                    message.indexOf("' for ")));
                throw invalid(file, (key.equals(METADATA_KEY) ? "header's " + METADATA_KEY : "tensor '" + key + "'")
                    + " declares '" + field + "' twice (duplicate keys are not allowed)");
            }
            throw e;
        }
    }

    private static void readMetadata(Path file, JsonNode value, Map<String, String> metadata) {
        if (value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            throw invalid(file, "header's " + METADATA_KEY + " is " + describe(value)
                + ", expected an object of strings");
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!field.getValue().isTextual()) {
                throw invalid(file, "metadata '" + field.getKey() + "' is " + describe(field.getValue())
                    + ", expected a string (safetensors metadata values are strings)");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
    }

    private static TensorInfo tensorInfo(Path file, String name, JsonNode value) {
        String where = "tensor '" + name + "'";
        if (!value.isObject()) {
            throw invalid(file, where + " is " + describe(value)
                + ", expected an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = value.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw invalid(file, where + " has " + (dtypeNode == null ? "no dtype" : "dtype " + describe(dtypeNode))
                + ", expected a string such as \"F32\"");
        }
        DType dtype = DType.named(dtypeNode.textValue());
        if (dtype == null) {
            throw invalid(file, where + " has dtype '" + dtypeNode.textValue() + "', expected one of "
                + Arrays.toString(DType.values()) + " (the dtypes rltrader reads)");
        }
        long[] shape = naturals(file, where, "shape", value.get("shape"), -1);
        long[] offsets = naturals(file, where, "data_offsets", value.get("data_offsets"), 2);
        long elements = 1;
        long bytes;
        try {
            for (long dim : shape) {
                elements = Math.multiplyExact(elements, dim);
            }
            bytes = Math.multiplyExact(elements, (long) dtype.bytes);
        } catch (ArithmeticException e) {
            throw invalid(file, where + " has shape " + Arrays.toString(shape)
                + " whose byte size overflows 64 bits (an absurd shape)");
        }
        // bytes is checked against end - begin in validateLayout, in offset order as the reference does.
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1], elements, bytes);
    }

    /** A JSON array of non-negative integers; {@code length} -1 for any length. */
    private static long[] naturals(Path file, String where, String field, JsonNode node, int length) {
        String expected = length < 0 ? "an array of non-negative integers" : "an array of " + length
            + " non-negative integers";
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw invalid(file, where + " has " + (node == null ? "no " + field : field + " " + node)
                + ", expected " + expected);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode element = node.get(i);
            boolean tooLarge = element.isIntegralNumber() && !element.canConvertToLong();
            if (!element.isIntegralNumber() || tooLarge || element.longValue() < 0) {
                throw invalid(file, where + " has " + field + " " + node + ", expected " + expected
                    + (tooLarge ? " below 2^63 (an absurd size)" : ""));
            }
            values[i] = element.longValue();
        }
        return values;
    }

    /** The reference's {@code Metadata::validate} and the check that the tensors cover the data section. */
    private static void validateLayout(Path file, List<TensorInfo> infos, long dataLength) {
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long start = 0;
        String previous = null;
        for (TensorInfo info : infos) {
            String where = "tensor '" + info.name + "'";
            if (info.end < info.begin) {
                throw invalid(file, where + " has data_offsets [" + info.begin + ", " + info.end
                    + "]: the end is before the begin");
            }
            if (info.begin != start) {
                String expected = previous == null ? "the first tensor must begin at 0"
                    : "tensor '" + previous + "' ends at " + start;
                throw invalid(file, where + " begins at data offset " + info.begin + " but " + expected + " ("
                    + (info.begin > start ? "a gap" : "an overlap")
                    + "; tensors must tile the data section contiguously)");
            }
            long expectedBytes = info.bytes;
            if (info.end - info.begin != expectedBytes) {
                throw invalid(file, where + " of dtype " + info.dtype + " and shape " + Arrays.toString(info.shape)
                    + " needs " + expectedBytes + " bytes, but its data_offsets [" + info.begin + ", " + info.end
                    + "] span " + (info.end - info.begin));
            }
            start = info.end;
            previous = info.name;
        }
        if (start != dataLength) {
            throw invalid(file, start < dataLength
                ? "the tensors cover " + start + " data bytes but the file has " + dataLength
                    + " after the header (trailing bytes are not allowed)"
                : "truncated: the tensors need " + start + " data bytes after the header but the file has "
                    + dataLength);
        }
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " "
            + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    private static UserInputException invalid(Path file, String problem) {
        return new UserInputException(file + ": invalid safetensors file: " + problem);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer target, long position)
            throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int read = channel.read(target, at);
            if (read < 0) {
                throw new UserInputException(file + ": unexpected end of file at byte " + at
                    + " (was it changed while being read?)");
            }
            at += read;
        }
    }

    private static void requireLittleEndianMachine() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("safetensors raw copies assume a little-endian machine; this one is "
                + ByteOrder.nativeOrder());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /**
     * Collects named tensors and metadata and writes them as one safetensors file. Each
     * {@code add} copies the data at once, so the source may change afterwards (a snapshot).
     * Names are unique, and not {@value #METADATA_KEY}. Not thread-safe.
     */
    public static final class Writer {
        private final Map<String, Pending> tensors = new HashMap<>();
        private final Map<String, String> metadata = new TreeMap<>(UTF8_ORDER);

        /** A tensor copied for writing. */
        private record Pending(String name, DType dtype, long[] shape, byte[] bytes) {
        }

        /**
         * Adds {@code product(shape) * dtype.bytes()} bytes of native-order (little-endian) off-heap
         * memory starting at {@code srcOffset} of {@code src}.
         */
        public Writer add(String name, DType dtype, long[] shape, DirectBuffer src, int srcOffset) {
            requireLittleEndianMachine();
            int bytes = byteLength(name, dtype, shape);
            if (srcOffset < 0 || (long) srcOffset + bytes > src.capacity()) {
                throw new IllegalArgumentException("tensor '" + name + "' of " + bytes + " bytes at offset "
                    + srcOffset + " does not fit a buffer of " + src.capacity() + " bytes");
            }
            byte[] copy = new byte[bytes];
            src.getBytes(srcOffset, copy);
            return put(name, dtype, shape, copy);
        }

        /** Adds a tensor from its raw little-endian bytes (U8, BOOL, or any dtype already encoded). */
        public Writer add(String name, DType dtype, long[] shape, byte[] littleEndianBytes) {
            int bytes = byteLength(name, dtype, shape);
            requireLength(name, shape, littleEndianBytes.length, bytes);
            return put(name, dtype, shape, littleEndianBytes.clone());
        }

        /** Adds an F32 tensor. */
        public Writer add(String name, long[] shape, float[] values) {
            ByteBuffer bytes = encode(name, DType.F32, shape, values.length);
            bytes.asFloatBuffer().put(values);
            return put(name, DType.F32, shape, bytes.array());
        }

        /** Adds an F64 tensor. */
        public Writer add(String name, long[] shape, double[] values) {
            ByteBuffer bytes = encode(name, DType.F64, shape, values.length);
            bytes.asDoubleBuffer().put(values);
            return put(name, DType.F64, shape, bytes.array());
        }

        /** Adds an I32 tensor. */
        public Writer add(String name, long[] shape, int[] values) {
            ByteBuffer bytes = encode(name, DType.I32, shape, values.length);
            bytes.asIntBuffer().put(values);
            return put(name, DType.I32, shape, bytes.array());
        }

        /** Adds an I64 tensor. */
        public Writer add(String name, long[] shape, long[] values) {
            ByteBuffer bytes = encode(name, DType.I64, shape, values.length);
            bytes.asLongBuffer().put(values);
            return put(name, DType.I64, shape, bytes.array());
        }

        /** Adds a U8 tensor. */
        public Writer add(String name, long[] shape, byte[] values) {
            return add(name, DType.U8, shape, values);
        }

        /** Adds a {@code __metadata__} entry; keys are unique. */
        public Writer metadata(String key, String value) {
            requireUtf8(key, "metadata key");
            requireUtf8(value, "metadata value");
            if (metadata.containsKey(key)) {
                throw new IllegalArgumentException("metadata '" + key + "' added twice");
            }
            metadata.put(key, value);
            return this;
        }

        /** Names of the tensors added so far. */
        public Set<String> names() {
            return Collections.unmodifiableSet(tensors.keySet());
        }

        /**
         * Writes the file so that a crash at any moment leaves either the previous file or the
         * complete new one: the bytes go to {@code <name>.tmp} in the same directory, are forced to
         * disk, and the temporary file is renamed over {@code file} atomically (a plain replacing
         * move only where the file system cannot rename atomically); the directory is then forced
         * so the rename is durable. One writer per file at a time.
         *
         * @throws UserInputException if the file cannot be written
         */
        public void writeAtomically(Path file) {
            Path target = file.toAbsolutePath();
            Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
            try {
                writeAndForce(temporary);
                DurableFiles.moveAtomically(temporary, target);
                DurableFiles.forceDirectory(target.getParent());
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The write failed already; report that.
                }
                throw new UserInputException(file + ": cannot write safetensors file: " + e, e);
            }
        }

        /** Writes the file in place (no rename) and forces it to disk. */
        void writeAndForce(Path file) throws IOException {
            List<Pending> ordered = ordered();
            byte[] header = header(ordered);
            List<ByteBuffer> parts = new ArrayList<>(ordered.size() + 2);
            parts.add(ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            parts.add(ByteBuffer.wrap(header));
            for (Pending tensor : ordered) {
                parts.add(ByteBuffer.wrap(tensor.bytes));
            }
            DurableFiles.writeAndForce(file, parts);
        }

        /** The whole file as bytes (for tests and small files). */
        byte[] toByteArray() {
            List<Pending> ordered = ordered();
            byte[] header = header(ordered);
            long total = LENGTH_PREFIX_BYTES + header.length;
            for (Pending tensor : ordered) {
                total += tensor.bytes.length;
            }
            ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(header.length).put(header);
            for (Pending tensor : ordered) {
                out.put(tensor.bytes);
            }
            return out.array();
        }

        /** The reference layout: descending dtype alignment, then name in UTF-8 byte order. */
        private List<Pending> ordered() {
            List<Pending> ordered = new ArrayList<>(tensors.values());
            ordered.sort(Comparator.comparing((Pending p) -> p.dtype).reversed()
                .thenComparing(Pending::name, UTF8_ORDER));
            return ordered;
        }

        /** Compact JSON as serde_json writes it, padded with spaces to a multiple of 8 bytes. */
        private byte[] header(List<Pending> ordered) {
            StringBuilder json = new StringBuilder("{");
            if (!metadata.isEmpty()) {
                appendString(json, METADATA_KEY).append(":{");
                boolean first = true;
                for (Map.Entry<String, String> entry : metadata.entrySet()) {
                    json.append(first ? "" : ",");
                    appendString(json, entry.getKey()).append(':');
                    appendString(json, entry.getValue());
                    first = false;
                }
                json.append('}');
            }
            long offset = 0;
            for (Pending tensor : ordered) {
                json.append(json.length() > 1 ? "," : "");
                appendString(json, tensor.name).append(":{\"dtype\":\"").append(tensor.dtype.name())
                    .append("\",\"shape\":[");
                for (int d = 0; d < tensor.shape.length; d++) {
                    json.append(d == 0 ? "" : ",").append(tensor.shape[d]);
                }
                long end = offset + tensor.bytes.length;
                json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
                offset = end;
            }
            json.append('}');
            byte[] unpadded = json.toString().getBytes(StandardCharsets.UTF_8);
            int padded = (unpadded.length + LENGTH_PREFIX_BYTES - 1) & -LENGTH_PREFIX_BYTES;
            if (padded > MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("safetensors header of " + padded + " bytes is above the limit of "
                    + MAX_HEADER_BYTES);
            }
            byte[] header = Arrays.copyOf(unpadded, padded);
            Arrays.fill(header, unpadded.length, padded, (byte) ' ');
            return header;
        }

        /** A JSON string escaped as serde_json does: short escapes, other controls as lower-case \\u00xx. */
        private static StringBuilder appendString(StringBuilder json, String text) {
            json.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\b' -> json.append("\\b");
                    case '\f' -> json.append("\\f");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            json.append(String.format("\\u%04x", (int) c));
                        } else {
                            json.append(c);
                        }
                    }
                }
            }
            return json.append('"');
        }

        private Writer put(String name, DType dtype, long[] shape, byte[] bytes) {
            tensors.put(name, new Pending(name, dtype, shape.clone(), bytes));
            return this;
        }

        private ByteBuffer encode(String name, DType dtype, long[] shape, int valueCount) {
            int bytes = byteLength(name, dtype, shape);
            requireLength(name, shape, (long) valueCount * dtype.bytes, bytes);
            return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Validates name and shape; the byte size of the tensor. */
        private int byteLength(String name, DType dtype, long[] shape) {
            requireUtf8(name, "tensor name");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            if (tensors.containsKey(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' added twice");
            }
            long elements = 1;
            for (long dim : shape) {
                if (dim < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension in shape "
                        + Arrays.toString(shape));
                }
                elements = multiply(name, shape, elements, dim);
            }
            long bytes = multiply(name, shape, elements, dtype.bytes);
            if (bytes > MAX_DATA_BYTES) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + " needs " + bytes + " bytes, more than the " + MAX_DATA_BYTES + " one file can hold");
            }
            return (int) bytes;
        }

        private static long multiply(String name, long[] shape, long a, long b) {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor '" + name + "' has a shape whose size overflows: "
                    + Arrays.toString(shape), e);
            }
        }

        private static void requireLength(String name, long[] shape, long actualBytes, int expectedBytes) {
            if (actualBytes != expectedBytes) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + " needs " + expectedBytes + " bytes of data, got " + actualBytes);
            }
        }

        private static void requireUtf8(String text, String what) {
            if (text == null) {
                throw new IllegalArgumentException(what + " is null");
            }
            if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
                throw new IllegalArgumentException(what + " '" + text + "' has an unpaired surrogate"
                    + " and cannot be written as UTF-8");
            }
        }
    }
}
