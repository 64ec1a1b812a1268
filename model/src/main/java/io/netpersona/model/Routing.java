package io.netpersona.model;

import java.util.List;

/** Policy routing: the egress interface the application prefers, then fallbacks in order. */
public record Routing(String preferredEgress, List<String> fallback) {
    public Routing {
        fallback = Copies.list(fallback);
    }
}
