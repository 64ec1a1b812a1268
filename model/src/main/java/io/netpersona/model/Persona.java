package io.netpersona.model;

/**
 * The persona document: how the network around one application should behave.
 *
 * <p>Every field except {@code metadata.name} and {@code spec.app} is optional, and an absent
 * (null) field means "leave the host's setting alone". Instances are plain values: they are checked by
 * {@link PersonaValidator}, and read and written by {@link PersonaCodec}, which refuses invalid input whole.
 */
public record Persona(String apiVersion, String kind, Metadata metadata, Spec spec, Evidence evidence) {
    public static final String API_VERSION = "netpersona.io/v1";
    public static final String KIND = "Persona";

    /** A persona with the current apiVersion and kind. */
    public static Persona of(Metadata metadata, Spec spec, Evidence evidence) {
        return new Persona(API_VERSION, KIND, metadata, spec, evidence);
    }

    public String name() {
        return metadata == null ? null : metadata.name();
    }

    public Persona withMetadata(Metadata m) {
        return new Persona(apiVersion, kind, m, spec, evidence);
    }

    public Persona withSpec(Spec s) {
        return new Persona(apiVersion, kind, metadata, s, evidence);
    }
}
