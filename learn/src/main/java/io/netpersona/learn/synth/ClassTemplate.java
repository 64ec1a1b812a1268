package io.netpersona.learn.synth;

import io.netpersona.model.CongestionControl;
import io.netpersona.model.Dscp;
import io.netpersona.model.TrafficClass;

/**
 * What a traffic class asks of the network, before the measured numbers: HTB priority, DSCP, which
 * per-second percentile the guaranteed rate follows and with how much headroom, the ceiling's headroom over
 * the peak second, TCP congestion control, MTU (null: leave the host's), and the factor by which the
 * intrusion-detection limits exceed the connection rates that were seen. The table is in the README
 * ("Persona templates"); a test keeps the two in step.
 */
public record ClassTemplate(TrafficClass trafficClass, int priority, Dscp dscp, Percentile guaranteedFrom,
        double guaranteedHeadroom, double ceilHeadroom, CongestionControl congestionControl, Integer mtu,
        int limitFactor, String why) {

    /** The per-second rate percentile a guaranteed rate follows. */
    public enum Percentile { P50, P95, P99 }

    /** The template of a class; {@link #NEUTRAL} when the class is unknown. */
    public static ClassTemplate of(TrafficClass c) {
        if (c == null) {
            return NEUTRAL;
        }
        return switch (c) {
            case REALTIME -> new ClassTemplate(c, 0, Dscp.parse("EF"), Percentile.P99, 1.5, 3, CongestionControl.BBR, 1400, 4,
                    "latency and jitter first: top priority, expedited forwarding, the worst seconds guaranteed; MTU 1400 "
                            + "keeps its packets whole on tunnelled paths");
            case INTERACTIVE -> new ClassTemplate(c, 1, Dscp.parse("AF41"), Percentile.P95, 1.5, 3, CongestionControl.BBR, null, 4,
                    "a person waits on every packet: high priority, small guaranteed rate with room to burst");
            case CONTROL -> new ClassTemplate(c, 1, Dscp.parse("CS6"), Percentile.P99, 2, 4, CongestionControl.CUBIC, null, 4,
                    "network control is small and must never starve: high priority, twice the worst second guaranteed");
            case TRANSACTIONAL -> new ClassTemplate(c, 2, Dscp.parse("AF21"), Percentile.P95, 1.5, 2, CongestionControl.CUBIC, null, 4,
                    "request and response: low latency for short exchanges, its busy seconds guaranteed");
            case STREAMING -> new ClassTemplate(c, 3, Dscp.parse("AF31"), Percentile.P95, 1.25, 1.5, CongestionControl.BBR, null, 4,
                    "sustained throughput: the busy seconds guaranteed, BBR holds the rate under loss");
            case MESSAGING -> new ClassTemplate(c, 3, Dscp.parse("AF11"), Percentile.P95, 1.5, 2, CongestionControl.CUBIC, null, 4,
                    "small messages that may wait a little: middle priority");
            case TUNNEL -> new ClassTemplate(c, 4, Dscp.parse("DF"), Percentile.P50, 1.25, 1.5, CongestionControl.BBR, null, 4,
                    "a tunnel carries traffic of every kind: ordinary priority, its usual rate guaranteed");
            // cubic, not BBR: behind a shaping host a bulk class's standing queue is its own, and it is what takes every
            // second the classes above leave (measured in the lab: a backup on BBR took 4-5 s to grow back after the video's
            // buffering burst, and 72-74% of what was left; the unclaimed load on cubic took the gaps); the engine switches
            // a bulk persona to BBR when its path loses packets
            case BULK -> new ClassTemplate(c, 6, Dscp.parse("LE"), Percentile.P50, 0.5, 1.25, CongestionControl.CUBIC, null, 4,
                    "takes what is left: low priority and lower-effort marking, half its usual rate guaranteed, cubic to fill "
                            + "what the classes above leave (BBR when the path loses packets)");
        };
    }

    public static final ClassTemplate NEUTRAL = new ClassTemplate(null, 4, Dscp.parse("DF"), Percentile.P95, 1.5, 2, null, null, 4,
            "no flow's class was known: ordinary priority, the busy seconds guaranteed, TCP and MTU left alone");
}
