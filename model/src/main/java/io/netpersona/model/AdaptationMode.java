package io.netpersona.model;

/** Whether the engine applies its changes or only advises them. */
public enum AdaptationMode {
    APPLY, ADVISE
}
