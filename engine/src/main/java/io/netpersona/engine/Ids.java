package io.netpersona.engine;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered ids (the layout of UUID version 7: 48 bits of epoch milliseconds, then a counter within
 * the millisecond, then random bits), so that ids made by different processes never collide and sort in
 * the order they were made, in any database.
 */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static int counter;

    private Ids() {}

    static synchronized String next(long millis) {
        if (millis <= lastMillis) {
            millis = lastMillis;
            if (++counter > 0xFFF) {
                millis++; // the counter ran out within one millisecond: borrow the next one
                counter = 0;
            }
        } else {
            counter = 0;
        }
        lastMillis = millis;
        long high = (millis << 16) | 0x7000L | counter;
        long low = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
