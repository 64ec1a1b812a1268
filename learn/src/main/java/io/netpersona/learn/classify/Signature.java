package io.netpersona.learn.classify;

import io.netpersona.model.TrafficClass;
import java.util.Objects;

/**
 * The application protocol a flow was recognised as, and nDPI's category for it.
 *
 * @param protocol the protocol, with the service after a dot when a name was recognised (as nDPI writes it:
 *     {@code TLS.YouTube}, {@code DNS}, {@code Gnutella})
 * @param category nDPI's category of that protocol or service ({@code Media}, {@code Network}, ...)
 * @param confident whether the protocol alone settles the class: true for a protocol recognised from its
 *     payload whose category does not depend on what it carries; false for carriers (TLS, QUIC, HTTP, STUN,
 *     RTP) without a known service and for guesses from a port, which the forest weighs with everything else
 */
public record Signature(String protocol, String category, boolean confident) {
    public Signature {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(category, "category");
    }

    /** The class of the category, null when the category has none. */
    public TrafficClass trafficClass() {
        return Categories.trafficClass(category);
    }

    /** The same protocol as a guess. */
    Signature unsure() {
        return confident ? new Signature(protocol, category, false) : this;
    }

    /** The protocol carrying a recognised service: {@code TLS} and {@code YouTube, Media} give {@code TLS.YouTube}. */
    Signature carrying(Service s) {
        return new Signature(protocol + "." + s.name(), s.category(), true);
    }

    /** A named service and its nDPI category. */
    record Service(String name, String category) {
    }
}
