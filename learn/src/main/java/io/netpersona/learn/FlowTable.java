package io.netpersona.learn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Flows by their key, in an open-addressing table with linear probing. The hash is the same for both
 * directions of a flow, so one probe finds it whichever side sends. A removal shifts back the flows probed
 * past the hole, which keeps probing simple and tombstone-free. The flows are also linked in the order they
 * were made, which idle scans follow: the flows a scan ends then come nearly in the order they are handed on.
 */
final class FlowTable {
    private static final long K1 = 0x9e3779b97f4a7c15L, K2 = 0xc2b2ae3d27d4eb4fL, K3 = 0x165667b19e3779f9L;
    private FlowState[] slots = new FlowState[1024];
    private int size;
    /** The oldest and newest flow; each links to the next older and newer through its own fields. */
    private FlowState oldest, newest;
    /** The side of the packet in the flow {@link #find} returned last. */
    int side;

    int size() {
        return size;
    }

    int capacity() {
        return slots.length;
    }

    static long hash(Packet p) {
        long a = mix(p.srcHi * K1 + p.srcLo * K2 + p.srcPort);
        long b = mix(p.dstHi * K1 + p.dstLo * K2 + p.dstPort);
        return mix(a + b + p.protocol * K3 + p.vlan);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The packet's flow, or null; sets {@link #side}. */
    FlowState find(Packet p, long hash) {
        FlowState[] s = slots;
        int mask = s.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            FlowState f = s[i];
            if (f == null) {
                return null;
            }
            if (f.hash == hash) {
                int d = f.side(p);
                if (d >= 0) {
                    side = d;
                    return f;
                }
            }
        }
    }

    void insert(FlowState f) {
        if ((size + 1) * 2 > slots.length) {
            rebuild(slots.length * 2, null, null);
        }
        place(slots, f);
        size++;
        f.older = newest;
        f.newer = null;
        if (newest != null) {
            newest.newer = f;
        } else {
            oldest = f;
        }
        newest = f;
    }

    private void unlink(FlowState f) {
        if (f.older != null) {
            f.older.newer = f.newer;
        } else {
            oldest = f.newer;
        }
        if (f.newer != null) {
            f.newer.older = f.older;
        } else {
            newest = f.older;
        }
        f.older = null;
        f.newer = null;
    }

    private static void place(FlowState[] s, FlowState f) {
        int mask = s.length - 1;
        int i = (int) f.hash & mask;
        while (s[i] != null) {
            i = (i + 1) & mask;
        }
        s[i] = f;
    }

    /** Removes one flow, shifting back the ones probed past it so that every flow stays reachable. */
    void remove(FlowState f) {
        FlowState[] s = slots;
        int mask = s.length - 1;
        int i = (int) f.hash & mask;
        while (s[i] != f) {
            if (s[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        s[i] = null;
        size--;
        unlink(f);
        for (int j = (i + 1) & mask; s[j] != null; j = (j + 1) & mask) {
            int home = (int) s[j].hash & mask;
            // s[j] may move into the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays) {
                s[i] = s[j];
                s[j] = null;
                i = j;
            }
        }
    }

    /** After {@link #removeIdle}: the least last time of the flows left, and of those of them TCP has closed. */
    long leastLast, leastClosedLast;

    /**
     * Removes the flows quiet for longer than their timeout at {@code now} ({@code closedNanos} once TCP has
     * closed, else {@code idleNanos}) and returns them; sets {@link #leastLast} and {@link #leastClosedLast} from
     * the flows that stay. Flows are taken out one by one, not by a rebuild: a scan usually ends few of them.
     */
    List<FlowState> removeIdle(long now, long closedNanos, long idleNanos) {
        List<FlowState> removed = new ArrayList<>();
        long least = Long.MAX_VALUE, leastClosed = Long.MAX_VALUE;
        for (FlowState f = oldest; f != null; f = f.newer) {
            boolean closed = f.closed();
            long last = f.last;
            if (now - last > (closed ? closedNanos : idleNanos)) {
                removed.add(f);
            } else {
                least = Math.min(least, last);
                if (closed) {
                    leastClosed = Math.min(leastClosed, last);
                }
            }
        }
        for (FlowState f : removed) {
            remove(f);
        }
        leastLast = least;
        leastClosedLast = leastClosed;
        return removed;
    }

    /** Removes the flows {@code remove} accepts and returns them. */
    List<FlowState> removeIf(Predicate<FlowState> remove) {
        boolean any = false;
        for (FlowState f : slots) {
            if (f != null && remove.test(f)) {
                any = true;
                break;
            }
        }
        List<FlowState> removed = new ArrayList<>();
        if (any) {
            rebuild(slots.length, remove, removed);
        }
        return removed;
    }

    /** Every flow, in no particular order. */
    List<FlowState> all() {
        List<FlowState> out = new ArrayList<>(size);
        for (FlowState f : slots) {
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private void rebuild(int capacity, Predicate<FlowState> remove, List<FlowState> removed) {
        FlowState[] old = slots;
        FlowState[] fresh = new FlowState[capacity];
        int kept = 0;
        for (FlowState f : old) {
            if (f == null) {
                continue;
            }
            if (remove != null && remove.test(f)) {
                removed.add(f);
                unlink(f);
            } else {
                place(fresh, f);
                kept++;
            }
        }
        slots = fresh;
        size = kept;
    }
}
