package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The skeleton of a host's shared table ({@code nft-host}, id {@code inet netpersona}): made by the first
 * persona of the host that needs it, removed with the last (see {@link Ledger}). Read back by structure (every member there,
 * every chain with its number of rules), so a rule deleted by hand shows; put right without dropping the
 * elements other personas keep in it.
 */
final class HostTableKind implements ResourceKind {
    static final String KIND = "nft-host";
    private static final String VERSION = version();
    private static final Map<String, NftListing.Member> EXPECTED = NftListing.parse(HostTable.skeleton());

    static Resource of(String scope) {
        return new Resource(KIND, scope, HostTable.TABLE, Map.of("skeleton", VERSION));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 58;
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** The skeleton serves every persona's entries in its namespace. */
    @Override
    public boolean serves(Resource shared, Resource.Key dependent) {
        return dependent.kind().equals(HostEntriesKind.KIND) && dependent.scope().equals(shared.scope());
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        return view.nftMembers(key.scope(), HostTable.FAMILY, HostTable.NAME).map(actual -> {
            List<String> damage = new ArrayList<>();
            EXPECTED.forEach((member, expected) -> {
                var found = actual.get(member);
                if (found == null) {
                    damage.add(member + " missing");
                } else if (member.startsWith("chain ") && found.body().size() != expected.body().size()) {
                    damage.add(member + " has " + found.body().size() + " lines, not " + expected.body().size());
                }
            });
            return new Resource(KIND, key.scope(), key.id(),
                    Map.of("skeleton", damage.isEmpty() ? VERSION : "damaged: " + String.join(", ", damage)));
        });
    }

    @Override
    public List<HostView.Read> reads(Resource.Key key) {
        return List.of(new HostView.Read.NftIndexed(key.scope(), HostTable.FAMILY, HostTable.NAME));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> out.nft(c.resource().scope(), HostTable.skeleton());
            case Step.Modify m -> out.nft(m.to().scope(), repair());
            case Step.Delete d -> out.nft(d.resource().scope(), "delete table " + HostTable.TABLE);
        }
    }

    /** Every member made again if missing and every skeleton chain's rules written anew; elements stay. */
    private static String repair() {
        List<String> members = new ArrayList<>(), rules = new ArrayList<>();
        for (String c : NftCommands.split(HostTable.skeleton())) {
            if (c.startsWith("add rule ")) {
                rules.add(c);
            } else {
                members.add(c);
                if (c.startsWith("add chain ")) {
                    members.add("flush chain " + HostTable.TABLE + " " + c.split(" ")[4]);
                }
            }
        }
        members.addAll(rules);
        return String.join("\n", members);
    }

    private static String version() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(HostTable.skeleton().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
