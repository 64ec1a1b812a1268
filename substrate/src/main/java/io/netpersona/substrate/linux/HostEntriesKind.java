package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one persona keeps in its host's shared table ({@code nft-host-entries}, id = persona): set and map
 * elements keyed by its application's addresses ({@code e:SET} attributes, sorted, as nft prints them) and
 * its own objects ({@code o:TYPE NAME}). Replaced in one nft transaction; read back from the table's listing
 * by the addresses and object prefix recorded when it was applied.
 */
final class HostEntriesKind implements ResourceKind {
    static final String KIND = "nft-host-entries";

    static Resource of(String scope, String persona, List<String> addresses, int minor, HostTable.Entries entries) {
        Map<String, String> a = new TreeMap<>();
        a.put("addresses", String.join(",", addresses));
        a.put("prefix", HostTable.prefix(minor));
        entries.elements().forEach((set, els) -> a.put("e:" + set, String.join(", ", els.stream().sorted().toList())));
        entries.objects().forEach((obj, body) -> a.put("o:" + obj, body));
        return new Resource(KIND, scope, persona, a);
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 59;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Optional<Resource> applied = recorded.applied();
        Optional<Map<String, NftListing.Member>> listing = view.nftMembers(key.scope(), HostTable.FAMILY, HostTable.NAME);
        if (applied.isEmpty() || listing.isEmpty()) {
            return Optional.empty();
        }
        List<String> addresses = List.of(applied.get().attr("addresses").split(","));
        String prefix = applied.get().attr("prefix");
        Map<String, String> a = new TreeMap<>();
        for (String member : view.membersByPrefix(key.scope(), HostTable.FAMILY, HostTable.NAME).getOrDefault(prefix, List.of())) {
            a.put("o:" + member, body(member, listing.get().get(member)));
        }
        Map<String, List<String>> mine = new TreeMap<>();
        var index = view.elementsByAddress(key.scope(), HostTable.FAMILY, HostTable.NAME);
        for (String address : addresses) {
            index.getOrDefault(address, Map.of()).forEach((set, els) -> mine.computeIfAbsent(set, x -> new ArrayList<>()).addAll(els));
        }
        mine.forEach((set, els) -> a.put("e:" + set, String.join(", ", els.stream().sorted().toList())));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        a.put("addresses", applied.get().attr("addresses"));
        a.put("prefix", prefix);
        return Optional.of(new Resource(KIND, key.scope(), key.id(), a));
    }

    /** An object's body in the form this driver writes it: counter values and dynamic elements left out. */
    private static String body(String member, NftListing.Member m) {
        if (member.startsWith("counter ")) {
            return "";
        }
        String joiner = member.startsWith("chain ") ? "; " : " ";
        String body = String.join(joiner, m.body());
        return member.startsWith("set ") ? String.join("; ", m.body()) + ";" : body;
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> out.nft(c.resource().scope(), String.join("\n", create(c.resource())));
            case Step.Modify m -> {
                List<String> lines = delete(m.from());
                lines.addAll(create(m.to()));
                out.nft(m.to().scope(), String.join("\n", lines));
            }
            case Step.Delete d -> out.nft(d.resource().scope(), String.join("\n", delete(d.resource())));
        }
    }

    private static List<String> create(Resource r) {
        List<String> lines = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        r.attributes().forEach((k, v) -> {
            if (k.startsWith("o:")) {
                String member = k.substring(2);
                String t = HostTable.TABLE + " " + member.substring(member.indexOf(' ') + 1);
                switch (member.substring(0, member.indexOf(' '))) {
                    case "counter" -> lines.add("add counter " + t);
                    case "chain" -> {
                        lines.add("add chain " + t);
                        for (String rule : v.split("; ")) {
                            rules.add("add rule " + t + " " + rule);
                        }
                    }
                    default -> lines.add("add " + member.substring(0, member.indexOf(' ')) + " " + t + " { " + v + " }");
                }
            }
        });
        lines.addAll(rules);
        r.attributes().forEach((k, v) -> {
            if (k.startsWith("e:")) {
                lines.add("add element " + HostTable.TABLE + " " + k.substring(2) + " { " + v + " }");
            }
        });
        return lines;
    }

    private static List<String> delete(Resource r) {
        List<String> lines = new ArrayList<>();
        r.attributes().forEach((k, v) -> {
            if (k.startsWith("e:")) {
                List<String> keys = new ArrayList<>();
                for (String e : v.split(", ")) {
                    keys.add(e.contains(" : ") ? e.substring(0, e.indexOf(" : ")) : e);
                }
                lines.add("delete element " + HostTable.TABLE + " " + k.substring(2) + " { " + String.join(", ", keys) + " }");
            }
        });
        // objects after the elements that refer to them; chains emptied before they go
        r.attributes().forEach((k, v) -> {
            if (k.startsWith("o:chain ")) {
                lines.add("flush chain " + HostTable.TABLE + " " + k.substring("o:chain ".length()));
            }
        });
        r.attributes().forEach((k, v) -> {
            if (k.startsWith("o:chain ")) {
                lines.add("delete chain " + HostTable.TABLE + " " + k.substring("o:chain ".length()));
            }
        });
        r.attributes().forEach((k, v) -> {
            if (k.startsWith("o:") && !k.startsWith("o:chain ")) {
                String member = k.substring(2);
                lines.add("delete " + member.substring(0, member.indexOf(' ')) + " " + HostTable.TABLE + " "
                        + member.substring(member.indexOf(' ') + 1));
            }
        });
        return lines;
    }
}
