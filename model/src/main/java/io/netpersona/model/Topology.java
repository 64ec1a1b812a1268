package io.netpersona.model;

import java.util.List;

/**
 * The shape of the application's virtual network: a {@code star} around {@code hub}, a full {@code mesh},
 * or a {@code tree} rooted at {@code hub} with at most {@code fanout} children per node. Members, when
 * absent, come from the learned peers.
 */
public record Topology(TopologyKind kind, String hub, List<String> members, Integer fanout) {
    public Topology {
        members = Copies.list(members);
    }
}
