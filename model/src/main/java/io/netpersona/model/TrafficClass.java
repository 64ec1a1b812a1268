package io.netpersona.model;

/** The eight traffic classes of an application or a flow (see shared/data/traffic-classes.csv). */
public enum TrafficClass {
    REALTIME, STREAMING, INTERACTIVE, TRANSACTIONAL, BULK, CONTROL, MESSAGING, TUNNEL
}
