package io.netpersona.model;

/** The shape of an application's virtual network. */
public enum TopologyKind {
    STAR, MESH, TREE
}
