package io.rltrader.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * How a file gives time. Dates and date-times are stored as epoch milliseconds (UTC; a date-time
 * without offset is read as UTC); ordinals and row indexes as the number itself.
 */
public enum TimeFormat {
    /** ISO date, {@code 1985-01-02}. */
    DATE("ISO date (yyyy-MM-dd)"),
    /** ISO date-time, {@code 2020-01-02T09:30:00}, {@code 2020-01-02 09:30}, with optional offset. */
    DATE_TIME("ISO date-time (yyyy-MM-ddTHH:mm[:ss][offset])"),
    /** Integer seconds since 1970-01-01T00:00Z. */
    EPOCH_SECONDS("epoch seconds"),
    /** Integer milliseconds since 1970-01-01T00:00Z. */
    EPOCH_MILLIS("epoch milliseconds"),
    /** A strictly increasing integer counter (for example a {@code day} column 1..n). */
    ORDINAL("integer ordinal"),
    /** No time column: the row index (0-based) stands for time. */
    ROW_INDEX("row index (no time column)");

    /** Epoch seconds from 1973-03-03 upward; smaller integers are ordinals. */
    private static final long MIN_EPOCH_SECONDS = 100_000_000L;
    /** Epoch milliseconds from 1973-03-03 upward. */
    private static final long MIN_EPOCH_MILLIS = 100_000_000_000L;

    private final String description;

    TimeFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Detects the format of a file's first time value. */
    static TimeFormat detect(String value) {
        String v = value.trim();
        if (v.matches("-?\\d+")) {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                return null;
            }
            if (n >= MIN_EPOCH_MILLIS) {
                return EPOCH_MILLIS;
            }
            return n >= MIN_EPOCH_SECONDS ? EPOCH_SECONDS : ORDINAL;
        }
        if (v.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return DATE;
        }
        if (v.matches("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}.*")) {
            return DATE_TIME;
        }
        return null;
    }

    /**
     * Parses one value of this format into the stored long.
     *
     * @throws IllegalArgumentException when the value is not of this format
     */
    long parse(String value) {
        String v = value.trim();
        try {
            switch (this) {
                case DATE:
                    return parseIsoDate(v) * 86_400_000L;
                case DATE_TIME: {
                    String iso = v.replace(' ', 'T');
                    if (iso.endsWith("Z") || iso.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
                    }
                    return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
                }
                case EPOCH_SECONDS:
                    return Math.multiplyExact(Long.parseLong(v), 1000L);
                case EPOCH_MILLIS:
                case ORDINAL:
                    return Long.parseLong(v);
                default:
                    throw new IllegalStateException("row indexes are not parsed");
            }
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + value + "' is not a " + description, e);
        }
    }

    /** Epoch day of yyyy-MM-dd without the formatter machinery (the loader's hot path); validated by LocalDate.of. */
    private static long parseIsoDate(String v) {
        if (v.length() != 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
            throw new DateTimeParseException("not yyyy-MM-dd", v, 0);
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 7);
        int day = digits(v, 8, 10);
        try {
            return LocalDate.of(year, month, day).toEpochDay();
        } catch (java.time.DateTimeException e) {
            throw new DateTimeParseException(e.getMessage(), v, 0);
        }
    }

    private static int digits(String v, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeParseException("not yyyy-MM-dd", v, i);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Formats a stored value for people. */
    public String format(long stored) {
        switch (this) {
            case DATE:
                return Instant.ofEpochMilli(stored).atOffset(ZoneOffset.UTC).toLocalDate().toString();
            case DATE_TIME:
            case EPOCH_SECONDS:
            case EPOCH_MILLIS:
                return Instant.ofEpochMilli(stored).toString();
            default:
                return Long.toString(stored);
        }
    }

    /** Whether stored values are epoch milliseconds (so spans can be given in days). */
    public boolean isCalendar() {
        return this == DATE || this == DATE_TIME || this == EPOCH_SECONDS || this == EPOCH_MILLIS;
    }
}
