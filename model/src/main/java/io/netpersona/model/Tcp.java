package io.netpersona.model;

/** TCP settings for the application's routes. */
public record Tcp(CongestionControl congestionControl) {}
