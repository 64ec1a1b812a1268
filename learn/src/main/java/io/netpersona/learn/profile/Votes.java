package io.netpersona.learn.profile;

import io.netpersona.model.TrafficClass;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The traffic class of an endpoint or of the application, from the classes of its flows. Each flow votes
 * for the class the classifier gave it with weight {@code confidence × √packets}; a flow of unknown class
 * adds its {@code √packets} to the total only. The winner is the class with the most weight, and its
 * confidence is its weight over the total: a long flow counts more than a short one, but not so much that
 * one long transfer outvotes a thousand sessions, and unsure or unknown flows lower the confidence.
 *
 * <p>The application's class is from the flows it serves; an application that serves nothing takes the
 * class of the flows it opened.
 */
final class Votes {
    private Votes() {
    }

    static Profile.ClassFit application(List<Conversation> served, List<Conversation> opened) {
        if (!served.isEmpty()) {
            return fit(served, "flows it served");
        }
        return fit(opened, "flows it opened (it served none)");
    }

    static List<Profile.Served> served(List<Conversation> served) {
        Map<String, List<Conversation>> byPort = new LinkedHashMap<>();
        for (Conversation c : served) {
            if (Address.nameable(c.key.protocol(), c.key.port())) {
                byPort.computeIfAbsent(c.key.protocol() + "/" + c.key.port(), k -> new ArrayList<>()).add(c);
            }
        }
        List<Profile.Served> out = new ArrayList<>();
        for (List<Conversation> group : byPort.values()) {
            long flows = 0, packets = 0, in = 0, back = 0;
            Set<Object> clients = new HashSet<>();
            for (Conversation c : group) {
                flows += c.flows;
                packets += c.packets();
                in += c.bytesIn;
                back += c.bytesOut;
                clients.add(c.key.client() == null ? "others" : c.key.client());
            }
            Conversation k = group.getFirst();
            out.add(new Profile.Served(Address.protocol(k.key.protocol()), k.key.port(), flows, clients.size(), packets, in,
                    back, fit(group, "flows it served on " + Address.endpoint(k.key.protocol(), k.key.port()))));
        }
        out.sort(Comparator.comparingLong((Profile.Served s) -> s.bytesIn() + s.bytesOut()).reversed());
        return out;
    }

    static Profile.ClassFit fit(List<Conversation> conversations, String what) {
        double[] votes = new double[TrafficClass.values().length];
        double total = 0;
        long flows = 0;
        for (Conversation c : conversations) {
            for (int i = 0; i < votes.length; i++) {
                votes[i] += c.votes[i];
            }
            total += c.voteWeight;
            flows += c.flows;
        }
        Map<TrafficClass, Double> shares = new EnumMap<>(TrafficClass.class);
        TrafficClass best = null;
        for (TrafficClass t : TrafficClass.values()) {
            double share = total == 0 ? 0 : votes[t.ordinal()] / total;
            if (share > 0) {
                shares.put(t, share);
            }
            if (share > 0 && (best == null || share > shares.get(best))) {
                best = t;
            }
        }
        double confidence = best == null ? 0 : Math.min(1, shares.get(best));
        StringBuilder reason = new StringBuilder();
        reason.append(flows).append(flows == 1 ? " of the " : " ").append(what).append(", each voting confidence x sqrt(packets): ");
        if (best == null) {
            reason.append("no flow's class was known");
        } else {
            String sep = "";
            for (var e : shares.entrySet().stream().sorted(Map.Entry.<TrafficClass, Double>comparingByValue().reversed()).toList()) {
                reason.append(sep).append(e.getKey().name().toLowerCase(Locale.ROOT)).append(' ')
                        .append(String.format(Locale.ROOT, "%.2f", e.getValue()));
                sep = ", ";
            }
            double unknown = Math.max(0, 1 - shares.values().stream().mapToDouble(Double::doubleValue).sum());
            if (unknown >= 0.005) {
                reason.append(sep).append(String.format(Locale.ROOT, "unknown or unsure %.2f", unknown));
            }
        }
        return new Profile.ClassFit(best, confidence, shares, reason.toString());
    }
}
