package io.netpersona.agent;

/** The agent cannot start or go on; the message names the file, option or value and why. */
public final class AgentException extends RuntimeException {
    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
