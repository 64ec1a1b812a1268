package io.netpersona.substrate;

/**
 * An apply that failed at one step. The host was put back as it was before the apply; {@code restored}
 * says whether reading the host back confirmed that (false means a human should look: the message lists
 * what still differs).
 */
public final class ApplyFailedException extends SubstrateException {
    private final transient Step step;
    private final boolean restored;

    public ApplyFailedException(Step step, String reason, boolean restored, String residue) {
        super("apply failed at step " + step + ": " + reason
                + (restored ? " (the host was put back as it was)" : " (could not fully restore: " + residue + ")"));
        this.step = step;
        this.restored = restored;
    }

    public Step step() {
        return step;
    }

    public boolean restored() {
        return restored;
    }
}
