package io.netpersona.substrate.linux;

import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The queues of a persona's HTB classes, for {@link Metrics#queues()}: backlog, drops and bytes sent from
 * the leaf queue, how often the class was over its rate from the class. Read through the observation's
 * {@link HostView}: two netlink dumps per device, however many classes ({@code tc -s -j qdisc show} and
 * {@code tc -s class show}, two processes, where netlink cannot be read).
 */
final class QueueMetrics {
    private QueueMetrics() {}

    /** {@code base} with the queues of the classes among {@code keys}. */
    static Metrics into(Metrics base, HostView view, Collection<Resource.Key> keys) {
        List<Metrics.Queue> queues = new ArrayList<>(base.queues());
        for (Resource.Key k : keys) {
            if (k.kind().equals(HtbClassKind.KIND)) {
                read(view, k.scope(), HtbClassKind.device(k), HtbClassKind.classid(k)).ifPresent(queues::add);
            }
        }
        return new Metrics(base.sampledAtMillis(), base.traffic(), base.sockets(), queues, base.devices());
    }

    static Optional<Metrics.Queue> read(HostView view, String scope, String device, String classid) {
        Optional<JsonNode> cls = view.find(view.queueClasses(scope, device), "handle", classid);
        if (cls.isEmpty()) {
            return Optional.empty();
        }
        JsonNode c = cls.get();
        JsonNode leaf = view.find(view.queueQdiscs(scope, device), "parent", classid).orElse(c);
        return Optional.of(new Metrics.Queue(scope, device, classid, leaf.path("backlog").asLong(), leaf.path("qlen").asLong(),
                leaf.path("drops").asLong(), c.path("overlimits").asLong(), leaf.path("bytes").asLong(), leaf.path("packets").asLong()));
    }
}
