package io.netpersona.model;

/** Transport protocols a rule or a dependency can name. */
public enum Protocol {
    TCP, UDP, ICMP, ICMPV6;

    public boolean hasPorts() {
        return this == TCP || this == UDP;
    }
}
