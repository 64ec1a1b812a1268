package io.netpersona.model;

/** Intrusion-detection limits: new connections per second in total, and concurrent connections per source. */
public record Limits(Integer newConnectionsPerSecond, Integer connectionsPerSource) {}
