package io.netpersona.model;

/**
 * Quality of service: HTB class priority (0 = most urgent .. 7), DSCP marking, guaranteed and ceiling
 * rates, and the burst the class may send at line rate.
 */
public record Qos(Integer priority, Dscp dscp, Rate guaranteedRate, Rate ceilRate, ByteSize burst) {
    public static final int PRIORITY_MIN = 0;
    public static final int PRIORITY_MAX = 7;

    public Qos withPriority(Integer p) {
        return new Qos(p, dscp, guaranteedRate, ceilRate, burst);
    }

    public Qos withRates(Rate guaranteed, Rate ceil) {
        return new Qos(priority, dscp, guaranteed, ceil, burst);
    }
}
