package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.Optional;

/**
 * How one kind of host state is read back from the kernel and written as batch lines. Kinds are applied
 * in {@link #order()} (topology before addresses before routes before qdiscs before nftables before
 * files) and deleted in the reverse order.
 */
interface ResourceKind {
    String name();

    int order();

    /** The resource as it is now, or empty when it does not exist. */
    Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded);

    /** The reads {@link #read} makes for this key, to make ahead of time with others ({@link HostView#prefetch}). */
    default java.util.List<HostView.Read> reads(Resource.Key key) {
        return java.util.List.of();
    }

    /** Adds the commands for {@code step} to the batches. */
    void render(Step step, Batches out);

    /**
     * What to remember of a resource just applied, to tell later whether someone changed it (kinds whose
     * kernel form is not the form they were written in, such as nftables tables); null when the
     * attributes read back suffice.
     */
    default String fingerprint(Resource.Key key, HostView view) {
        return null;
    }

    /**
     * Whether resources of this kind are shared by the personas of a host (its HTB root, its IFB): they are
     * recorded in the host's own record rather than a persona's, made by the first persona that needs one
     * and removed, back to their state before, when the last persona that {@link #serves} goes.
     */
    default boolean shared() {
        return false;
    }

    /** For a shared kind: whether {@code shared} (as applied) is needed by a persona's {@code dependent}. */
    default boolean serves(Resource shared, Resource.Key dependent) {
        return false;
    }
}
