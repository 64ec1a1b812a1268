package io.netpersona.engine;

import java.util.Comparator;

/**
 * Where an application's traffic queues now: the queue on its path that grows or drops. It tells whether
 * a larger rate can help: when the application's own class queues, its rate is what limits it; when a
 * device elsewhere on its path drops while its classes do not queue, the limit is outside the persona.
 */
public sealed interface Bottleneck {
    /** One of the persona's classes queues or drops. */
    record OwnQueue(Signals.QueueSignal queue) implements Bottleneck {}

    /** A device on the path drops while no class of the persona queues. */
    record PathDevice(Signals.DeviceSignal device) implements Bottleneck {}

    /** Nothing queues. */
    record None() implements Bottleneck {}

    static Bottleneck find(Signals s) {
        var queue = s.queues().stream()
                .filter(q -> q.drops() > 0 || (q.growthBytes() > 0 && q.backlogBytes() > 0))
                .max(Comparator.comparingLong(Signals.QueueSignal::drops).thenComparingLong(Signals.QueueSignal::growthBytes));
        if (queue.isPresent()) {
            return new OwnQueue(queue.get());
        }
        var device = s.devices().stream().max(Comparator.comparingLong(d -> d.txDropped() + d.rxDropped()));
        return device.<Bottleneck>map(PathDevice::new).orElseGet(None::new);
    }

    default String describe() {
        return switch (this) {
            case OwnQueue o -> "the class queue on " + o.queue().where() + " (backlog " + o.queue().backlogBytes()
                    + " B, growth " + o.queue().growthBytes() + " B, " + o.queue().drops() + " drops)";
            case PathDevice d -> "device " + d.device().name() + (d.device().scope().isEmpty() ? "" : " in "
                    + d.device().scope()) + " (" + (d.device().txDropped() + d.device().rxDropped())
                    + " drops), outside the persona's classes";
            case None n -> "no queue grows";
        };
    }
}
