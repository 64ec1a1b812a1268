package io.netpersona.lab;

import java.util.ArrayDeque;

/**
 * A wire that holds each packet for a delay and hands packets out in the order they came in. Time is
 * passed in (nanoseconds on any monotonic clock), so the logic is tested without sleeping. A packet is
 * released at {@code max(arrival + delay, previous release)}: when the delay shrinks, packets queue behind
 * the earlier ones instead of overtaking them, as on a real link. Bounded: a full line drops the new
 * packet. Not thread-safe; {@link DelayElement} guards it with a lock.
 */
final class DelayLine {
    private record Held(byte[] packet, long releaseAt) {}

    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private final int capacity;
    private long lastRelease = Long.MIN_VALUE;
    private long delayNanos;
    private long passed;
    private long dropped;

    DelayLine(int capacity, long delayNanos) {
        this.capacity = capacity;
        this.delayNanos = delayNanos;
    }

    void delayNanos(long d) {
        delayNanos = d;
    }

    long delayNanos() {
        return delayNanos;
    }

    /** Takes a packet that arrived at {@code now}; false (and counted) when the line is full. */
    boolean offer(byte[] packet, long now) {
        if (queue.size() >= capacity) {
            dropped++;
            return false;
        }
        long at = Math.max(now + delayNanos, lastRelease);
        lastRelease = at;
        queue.addLast(new Held(packet, at));
        return true;
    }

    /** The oldest packet if its time has come, else null. */
    byte[] poll(long now) {
        Held h = queue.peekFirst();
        if (h == null || h.releaseAt() - now > 0) {
            return null;
        }
        queue.removeFirst();
        passed++;
        return h.packet();
    }

    /** Nanoseconds until the oldest packet is due (0 or less: due now), or {@code Long.MAX_VALUE} when empty. */
    long nanosUntilNext(long now) {
        Held h = queue.peekFirst();
        return h == null ? Long.MAX_VALUE : h.releaseAt() - now;
    }

    int size() {
        return queue.size();
    }

    long passed() {
        return passed;
    }

    long dropped() {
        return dropped;
    }
}
