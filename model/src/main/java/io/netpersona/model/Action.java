package io.netpersona.model;

/** What the firewall does with traffic no rule allows. */
public enum Action {
    ACCEPT, DROP
}
