package io.netpersona.model;

import java.util.List;

/**
 * The application's firewall: what happens to traffic no rule allows, the allowlist, intrusion-detection
 * limits, and whether dropped packets are logged.
 */
public record Security(Action defaultAction, List<AllowRule> allow, Limits limits, Boolean logDropped) {
    public Security {
        allow = Copies.list(allow);
    }

    public Security withAllow(List<AllowRule> a) {
        return new Security(defaultAction, a, limits, logDropped);
    }
}
