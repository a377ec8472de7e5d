package io.rltrader.train;

import io.rltrader.nn.SafeTensorsFile;
import io.rltrader.util.StateReader;
import io.rltrader.util.StateWriter;
import io.rltrader.util.UserInputException;
import java.nio.file.Path;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The state of a training run beyond the agent's checkpoint: the loop's counters, the environment
 * (clocks, accounts, observations, generators) and the replay memory, as one safetensors
 * file ({@value #FILE}) next to the agent's files in the run's checkpoint directory. Each component
 * names its own entries ({@code trainer.}, {@code env.}, {@code replay.}).
 */
final class RunState {
    /** File name inside a checkpoint directory; a checkpoint without it is a finished run's. */
    static final String FILE = "run.safetensors";
    /** Format of the entries; a change that old files cannot be read with increments it. */
    static final int VERSION = 2;

    private RunState() {
    }

    /** A writer that collects entries into a safetensors file. */
    static final class Writer implements StateWriter {
        final SafeTensorsFile.Writer file = new SafeTensorsFile.Writer();
        /** Bytes of data added so far (tensor payloads, without the header). */
        long dataBytes;

        Writer() {
            file.metadata("format", "rltrader-run-state");
            file.metadata("version", Integer.toString(VERSION));
        }

        @Override
        public void longs(String name, long... values) {
            dataBytes += (long) values.length * Long.BYTES;
            file.add(name, new long[] {values.length}, values);
        }

        @Override
        public void ints(String name, int... values) {
            dataBytes += (long) values.length * Integer.BYTES;
            file.add(name, new long[] {values.length}, values);
        }

        @Override
        public void doubles(String name, double... values) {
            dataBytes += (long) values.length * Double.BYTES;
            file.add(name, new long[] {values.length}, values);
        }

        @Override
        public void bytes(String name, DirectBuffer source, int offset, int length) {
            dataBytes += length;
            file.add(name, SafeTensorsFile.DType.U8, new long[] {length}, source, offset);
        }
    }

    /** Reads the entries of a file written by {@link Writer}, checking type and length of each. */
    static final class Reader implements StateReader {
        private final Path path;
        private final SafeTensorsFile file;

        Reader(Path path) {
            this.path = path;
            this.file = SafeTensorsFile.read(path);
            String format = file.metadata().get("format");
            String version = file.metadata().get("version");
            if (!"rltrader-run-state".equals(format)) {
                throw new UserInputException(path + ": not an rltrader run state (format " + format + ")");
            }
            if (!Integer.toString(VERSION).equals(version)) {
                throw new UserInputException(path + ": run state version " + version + ", this rltrader reads "
                    + VERSION);
            }
        }

        Path path() {
            return path;
        }

        @Override
        public long[] longs(String name, int count) {
            return file.requireTensor(name, SafeTensorsFile.DType.I64, count).toLongArray();
        }

        @Override
        public int[] ints(String name, int count) {
            return file.requireTensor(name, SafeTensorsFile.DType.I32, count).toIntArray();
        }

        @Override
        public double[] doubles(String name, int count) {
            return file.requireTensor(name, SafeTensorsFile.DType.F64, count).toDoubleArray();
        }

        @Override
        public void bytes(String name, MutableDirectBuffer target, int offset, int length) {
            file.requireTensor(name, SafeTensorsFile.DType.U8, length).copyTo(target, offset);
        }

        @Override
        public int byteLength(String name) {
            SafeTensorsFile.Entry entry = file.tensor(name);
            if (entry.dtype() != SafeTensorsFile.DType.U8 || entry.shape().length != 1) {
                throw new UserInputException(file.file() + ": tensor '" + name + "' is " + entry.dtype()
                    + Arrays.toString(entry.shape()) + ", expected a byte vector");
            }
            return entry.byteLength();
        }
    }
}
