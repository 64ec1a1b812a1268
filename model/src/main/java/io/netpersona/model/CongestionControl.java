package io.netpersona.model;

/** TCP congestion control algorithms a persona may ask for. */
public enum CongestionControl {
    CUBIC, BBR, RENO
}
