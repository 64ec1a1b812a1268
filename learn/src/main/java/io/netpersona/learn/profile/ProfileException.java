package io.netpersona.learn.profile;

/** The traffic cannot give a profile: no flows, or the selection matches nothing (the message says what was seen). */
public final class ProfileException extends RuntimeException {
    public ProfileException(String message) {
        super(message);
    }
}
