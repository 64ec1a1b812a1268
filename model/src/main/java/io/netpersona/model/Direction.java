package io.netpersona.model;

/** Direction of an allow rule, seen from the application. */
public enum Direction {
    INGRESS, EGRESS
}
