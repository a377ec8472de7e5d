package io.rltrader.agent;

/** Names the first non-finite value among an update's loss terms and gradient norms. */
final class FiniteTerms {
    private FiniteTerms() {
    }

    /** Null if {@code value} is finite, else {@code "name = value"}. */
    static String first(String name, double value) {
        return Double.isFinite(value) ? null : name + " = " + value;
    }

    /** The first non-finite of two named values, or null. */
    static String first(String name1, double value1, String name2, double value2) {
        String first = first(name1, value1);
        return first != null ? first : first(name2, value2);
    }

    /** The first non-finite of three named values, or null. */
    static String first(String name1, double value1, String name2, double value2, String name3, double value3) {
        String first = first(name1, value1, name2, value2);
        return first != null ? first : first(name3, value3);
    }
}
