package io.netpersona.model;

/**
 * A scalar that cannot be read: carries what was expected, so that the caller can report
 * {@code path: value (expected: ...)}.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private final String expected;

    public InvalidValueException(String expected) {
        super("expected: " + expected);
        this.expected = expected;
    }

    /** What a valid value looks like, e.g. {@code "a rate such as 20Mbit"}. */
    public String expected() {
        return expected;
    }
}
