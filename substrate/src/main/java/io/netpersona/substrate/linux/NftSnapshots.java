package io.netpersona.substrate.linux;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nft tables a plan listed, kept for the apply that follows it: nf_tables gives every committed
 * change of a namespace's ruleset a new generation number, so a listing made at generation G is still the
 * table's configuration while the namespace is at G, and an apply need not list (a process that prints and
 * parses a thousand personas' elements) what its plan just listed. Counters and the elements of dynamic
 * sets change without a new generation: listings kept here are for state, never for metrics.
 */
final class NftSnapshots {
    /** One table's listing (empty: no such table), parsed on first use and then kept with it. */
    static final class Listing {
        private final Optional<String> text;
        private volatile Optional<Map<String, NftListing.Member>> members;
        private volatile Optional<NftIndex> index;

        Listing(Optional<String> text) {
            this.text = text;
        }

        Optional<String> text() {
            return text;
        }

        synchronized Optional<Map<String, NftListing.Member>> members() {
            if (members == null) {
                members = text.map(NftListing::parse);
            }
            return members;
        }

        synchronized Optional<NftIndex> index() {
            if (index == null) {
                index = members().map(NftIndex::of);
            }
            return index;
        }
    }

    private record Kept(long generation, Listing listing) {}

    private final Map<String, Kept> byTable = new ConcurrentHashMap<>();

    /** The listing of table {@code key} made at {@code generation}, if that is the one kept. */
    Optional<Listing> get(String key, long generation) {
        Kept k = byTable.get(key);
        return k != null && k.generation() == generation ? Optional.of(k.listing()) : Optional.empty();
    }

    void put(String key, long generation, Listing listing) {
        byTable.put(key, new Kept(generation, listing));
    }
}
