package io.netpersona.substrate.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed table with the lookups a persona's part of a shared table needs, built once: its sets' and
 * maps' elements by the address they start with (then by set, without their counter values), its members
 * named {@code pXX_...} by that prefix, and the counter of every counting element. Reading a thousand
 * personas' parts is then a thousand lookups, not a thousand scans of the whole table.
 */
record NftIndex(Map<String, NftListing.Member> members, Map<String, Map<String, List<String>>> byAddress,
        Map<String, List<String>> membersByPrefix, Map<String, Map<String, Counter>> counters) {
    private static final Pattern COUNTER = Pattern.compile(" counter packets (\\d+) bytes (\\d+)");

    /** An element's counter. */
    record Counter(long packets, long bytes) {}

    static NftIndex of(Map<String, NftListing.Member> members) {
        Map<String, Map<String, List<String>>> byAddress = new HashMap<>();
        Map<String, List<String>> byPrefix = new HashMap<>();
        Map<String, Map<String, Counter>> counters = new HashMap<>();
        members.forEach((member, m) -> {
            String name = member.substring(member.indexOf(' ') + 1);
            int us = name.indexOf('_');
            if (us > 0 && name.startsWith("p")) {
                byPrefix.computeIfAbsent(name.substring(0, us + 1), x -> new ArrayList<>()).add(member);
            }
            for (String e : m.elements()) {
                Matcher c = COUNTER.matcher(e);
                if (c.find()) {
                    String key = e.substring(0, c.start()) + e.substring(c.end());
                    counters.computeIfAbsent(name, x -> new HashMap<>())
                            .put(key, new Counter(Long.parseLong(c.group(1)), Long.parseLong(c.group(2))));
                    e = key;
                }
                int sp = e.indexOf(' ');
                String address = sp < 0 ? e : e.substring(0, sp);
                byAddress.computeIfAbsent(address, a -> new TreeMap<>()).computeIfAbsent(name, x -> new ArrayList<>()).add(e);
            }
        });
        return new NftIndex(members, byAddress, byPrefix, counters);
    }

    /** The counter of an element of a counting set, or none. */
    Counter counter(String set, String element) {
        return counters.getOrDefault(set, Map.of()).getOrDefault(element, new Counter(0, 0));
    }
}
