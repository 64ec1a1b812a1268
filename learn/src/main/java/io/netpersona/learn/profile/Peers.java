package io.netpersona.learn.profile;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The application's dependencies: the conversations it opened, one peer per server endpoint, and which of
 * them are critical. A peer is critical when any of these holds (each is written as a reason):
 * <ul>
 *   <li>held open: a flow to it was open during at least {@link #HELD_OPEN} of the capture (a connection
 *       pool, a session to a database);
 *   <li>contacted regularly: at least {@link #MIN_CONTACTS} flows, touching at least {@link #REGULAR_SLICES}
 *       of the capture's {@link #SLICES} equal slices of time;
 *   <li>carries much traffic: at least {@link #HEAVY} of the application's bytes.
 * </ul>
 * A peer seen once, briefly and with little traffic, is not critical, and its reason says so.
 */
final class Peers {
    static final double HELD_OPEN = 0.5, HEAVY = 0.10;
    static final int SLICES = 10, REGULAR_SLICES = 5, MIN_CONTACTS = 3;
    private final long first, last, appBytes;

    Peers(long first, long last, long appBytes) {
        this.first = first;
        this.last = last;
        this.appBytes = appBytes;
    }

    List<Profile.Peer> of(List<Conversation> opened) {
        Map<String, List<Conversation>> byEndpoint = new LinkedHashMap<>();
        for (Conversation c : opened) {
            if (!Address.nameable(c.key.protocol(), c.key.port())) {
                continue;
            }
            byEndpoint.computeIfAbsent(c.key.protocol() + " " + Address.text(c.key.server()) + " " + c.key.port(),
                    k -> new ArrayList<>()).add(c);
        }
        List<Profile.Peer> peers = new ArrayList<>();
        for (List<Conversation> group : byEndpoint.values()) {
            peers.add(peer(group));
        }
        peers.sort(Comparator.comparingLong((Profile.Peer p) -> p.bytesIn() + p.bytesOut()).reversed()
                .thenComparing(p -> Address.text(p.address())).thenComparingInt(Profile.Peer::port));
        return peers;
    }

    private Profile.Peer peer(List<Conversation> group) {
        Conversation k = group.getFirst();
        Intervals inUse = new Intervals();
        long flows = 0, packets = 0, out = 0, in = 0;
        String name = "";
        List<Long> rtts = new ArrayList<>();
        for (Conversation c : group) {
            inUse.addAll(c.inUse);
            flows += c.flows;
            packets += c.packets();
            out += c.bytesIn;
            in += c.bytesOut;
            if (name.isEmpty()) {
                name = c.name;
            }
            for (long r : c.rttSamples()) {
                rtts.add(r);
            }
        }
        long duration = Math.max(1, last - first);
        double minutes = Math.max(1e9, duration) / 60e9;
        double held = Math.min(1, inUse.covered() / (double) duration);
        int slices = inUse.slicesTouched(first, last, SLICES);
        double share = appBytes == 0 ? 0 : (double) (out + in) / appBytes;
        List<String> reasons = new ArrayList<>();
        if (held >= HELD_OPEN) {
            reasons.add("held open during " + pct(held) + " of the capture");
        }
        if (flows >= MIN_CONTACTS && slices >= REGULAR_SLICES) {
            reasons.add("contacted regularly: " + flows + " flows in " + slices + " of " + SLICES + " tenths of the capture");
        }
        if (share >= HEAVY) {
            reasons.add("carries " + pct(share) + " of the application's bytes");
        }
        boolean critical = !reasons.isEmpty();
        if (!critical) {
            reasons.add(String.format(Locale.ROOT, "not critical: %d flow%s in %d of %d tenths, open %s of the capture, %s of the bytes",
                    flows, flows == 1 ? "" : "s", slices, SLICES, pct(held), pct(share)));
        }
        return new Profile.Peer(Address.protocol(k.key.protocol()), k.key.server(), k.key.port(), name, flows, packets,
                out, in, flows / minutes, median(rtts), held, slices, share, critical, reasons);
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        long[] v = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return v[(v.length - 1) / 2];
    }

    static String pct(double share) {
        return Address.percent(Math.round(share * 10_000), 10_000);
    }
}
