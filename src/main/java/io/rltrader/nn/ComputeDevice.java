package io.rltrader.nn;

import io.rltrader.util.UserInputException;

/** A compute device by name: {@code cpu}, {@code cuda} (= {@code cuda:0}) or {@code cuda:N}. */
public record ComputeDevice(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final ComputeDevice CPU = new ComputeDevice(Kind.CPU, 0);

    public static ComputeDevice parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("cpu")) {
            return CPU;
        }
        if (n.equals("cuda")) {
            return new ComputeDevice(Kind.CUDA, 0);
        }
        if (n.startsWith("cuda:")) {
            try {
                int index = Integer.parseInt(n.substring(5));
                if (index >= 0) {
                    return new ComputeDevice(Kind.CUDA, index);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new UserInputException("--device '" + name + "': expected cpu, cuda or cuda:N");
    }

    public boolean isCuda() {
        return kind == Kind.CUDA;
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
