package io.netpersona.learn.synth;

import io.netpersona.learn.profile.Profile;
import io.netpersona.model.Action;
import io.netpersona.model.AllowRule;
import io.netpersona.model.Cidr;
import io.netpersona.model.Dependency;
import io.netpersona.model.Direction;
import io.netpersona.model.Limits;
import io.netpersona.model.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The allowlist of what the capture showed: each endpoint the application served, inbound from anywhere; each
 * dependency, outbound to its address alone and its port. Everything else is dropped and logged. The
 * intrusion-detection limits follow the connection rates that were seen, times the template's factor.
 */
final class Firewall {
    static final int MIN_NEW_PER_SECOND = 10, MIN_PER_SOURCE = 8;

    private Firewall() {
    }

    static Security of(Profile profile, ClassTemplate t, List<Dependency> dependencies, Map<String, String> reasons) {
        List<AllowRule> allow = new ArrayList<>();
        for (Profile.Served s : profile.served()) {
            AllowRule r = s.protocol().hasPorts() ? AllowRule.ingress(s.protocol(), s.port())
                    : new AllowRule(Direction.INGRESS, s.protocol(), null, null, null, null);
            if (!allow.contains(r)) {
                allow.add(r);
            }
        }
        for (Dependency d : dependencies) {
            AllowRule r = new AllowRule(Direction.EGRESS, d.proto(), null, Cidr.host(d.address()), d.port(), d.name());
            allow.add(r);
        }
        int newPerSecond = Math.clamp((long) profile.peakNewConnectionsPerSecond() * t.limitFactor(), MIN_NEW_PER_SECOND, 1_000_000);
        int perSource = Math.clamp((long) profile.mostConnectionsPerSource() * t.limitFactor(), MIN_PER_SOURCE, 1_000_000);
        reasons.put("spec.security.allow", profile.served().size() + " served endpoint(s) in from anywhere, "
                + dependencies.size() + " dependenc" + (dependencies.size() == 1 ? "y" : "ies")
                + " out to their address and port: only what the capture showed");
        reasons.put("spec.security.limits.newConnectionsPerSecond", "peak " + profile.peakNewConnectionsPerSecond()
                + " new flows in one second x " + t.limitFactor() + ", at least " + MIN_NEW_PER_SECOND);
        reasons.put("spec.security.limits.connectionsPerSource", "at most " + profile.mostConnectionsPerSource()
                + " flows of one client open at once x " + t.limitFactor() + ", at least " + MIN_PER_SOURCE);
        return new Security(Action.DROP, allow, new Limits(newPerSecond, perSource), true);
    }
}
