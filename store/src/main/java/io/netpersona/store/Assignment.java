package io.netpersona.store;

/** "Persona {@code persona} applies on node {@code node}"; the node runs the persona's latest version. */
public record Assignment(String persona, String node, long createdAtMs, long revision) {}
