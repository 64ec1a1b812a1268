package io.netpersona.store;

/** What {@link Store#put} did: stored a new version, or found the latest one already equal. */
public sealed interface PutResult {
    PersonaVersion version();

    /** A new version was stored. */
    record Created(PersonaVersion version) implements PutResult {}

    /** The document equals the latest version (up to the order of unordered lists); nothing was stored. */
    record Unchanged(PersonaVersion version) implements PutResult {}
}
