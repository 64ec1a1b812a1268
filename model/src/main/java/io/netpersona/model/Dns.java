package io.netpersona.model;

import java.util.List;

/** Resolvers and search domains for the application (its namespace's resolv.conf). */
public record Dns(List<IpAddress> servers, List<String> search) {
    public Dns {
        servers = Copies.list(servers);
        search = Copies.list(search);
    }
}
