package io.netpersona.substrate.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed table with the lookups a persona's part of a shared table needs, built once: its sets' and
 * maps' elements by the address they start with (then by set), its members named {@code pXX_...} by that
 * prefix, and which addresses map to a named counter. Reading a thousand personas' parts is then a
 * thousand lookups, not a thousand scans of the whole table.
 */
record NftIndex(Map<String, NftListing.Member> members, Map<String, Map<String, List<String>>> byAddress,
        Map<String, List<String>> membersByPrefix, Map<String, List<String>> byCounter) {

    static NftIndex of(Map<String, NftListing.Member> members) {
        Map<String, Map<String, List<String>>> byAddress = new HashMap<>();
        Map<String, List<String>> byPrefix = new HashMap<>();
        Map<String, List<String>> byCounter = new HashMap<>();
        members.forEach((member, m) -> {
            String name = member.substring(member.indexOf(' ') + 1);
            int us = name.indexOf('_');
            if (us > 0 && name.startsWith("p")) {
                byPrefix.computeIfAbsent(name.substring(0, us + 1), x -> new ArrayList<>()).add(member);
            }
            for (String e : m.elements()) {
                int sp = e.indexOf(' ');
                String address = sp < 0 ? e : e.substring(0, sp);
                byAddress.computeIfAbsent(address, a -> new TreeMap<>()).computeIfAbsent(name, x -> new ArrayList<>()).add(e);
                int quote = e.indexOf(" : \"");
                if (quote > 0 && e.endsWith("\"")) {
                    byCounter.computeIfAbsent(e.substring(quote + 4, e.length() - 1), x -> new ArrayList<>())
                            .add(e.substring(0, quote));
                }
            }
        });
        return new NftIndex(members, byAddress, byPrefix, byCounter);
    }

    /** The addresses a map sends to the named object (a persona's rx counter names its addresses). */
    List<String> addressesCounting(String object) {
        return byCounter.getOrDefault(object, List.of());
    }
}
