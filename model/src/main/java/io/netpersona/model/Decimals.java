package io.netpersona.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Shared number formatting for the unit types: the shortest exact decimal with at most three places. */
final class Decimals {
    private Decimals() {}

    /** {@code value / unit} as text when it has at most three decimal places, else null. */
    static String exact(long value, long unit) {
        BigDecimal q = BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit), 3, RoundingMode.DOWN);
        if (q.multiply(BigDecimal.valueOf(unit)).compareTo(BigDecimal.valueOf(value)) != 0) {
            return null;
        }
        q = q.stripTrailingZeros();
        return q.scale() < 0 ? q.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : q.toPlainString();
    }

    /** Parses a non-negative decimal times a unit, rounded half up to a whole number, or -1 when too large. */
    static long times(String number, long unit, long max) {
        BigDecimal v = new BigDecimal(number).multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.HALF_UP);
        return v.compareTo(BigDecimal.valueOf(max)) > 0 ? -1 : v.longValueExact();
    }
}
