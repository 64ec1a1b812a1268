package io.netpersona.store;

/**
 * One entry of the change feed. Revisions grow by one with every change, across the whole repository,
 * in the order the changes became visible.
 *
 * @param node the node, for assignment changes; null for a new persona version
 * @param version the persona version, for a new persona version; 0 otherwise
 */
public record ChangeEvent(long revision, Kind kind, String persona, String node, int version, long atMs) {
    public enum Kind { PERSONA_VERSION, ASSIGNED, UNASSIGNED }
}
