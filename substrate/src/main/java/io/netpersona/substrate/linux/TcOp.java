package io.netpersona.substrate.linux;

import io.netpersona.substrate.linux.netlink.TcRequest;
import java.util.Optional;

/**
 * One tc command as the tc kinds render it: its {@code tc -batch} line ({@link #text}) and, for the shapes
 * {@link TcRequest} knows, its rtnetlink request built from the same values ({@link #request}). A batch
 * that goes over netlink is sent without its lines ever being written (a thousand personas' classes and
 * leaves are some two thousand lines to write and parse back); the text is still what tc runs when it
 * runs the batch ({@code tc -batch}, or one process per command) and what a failure names.
 */
sealed interface TcOp {
    String text();

    /** The request for this command, or empty when tc must run it (then its batch goes to tc whole). */
    Optional<TcRequest> request(TcRequest.Clock clock);

    /** A line of a shape without a request of its own here (ingress, filters): parsed, as any line. */
    record Line(String text) implements TcOp {
        @Override
        public Optional<TcRequest> request(TcRequest.Clock clock) {
            return TcRequest.parse(text, clock);
        }
    }

    /** A device's HTB root qdisc {@code 1:} whose unclassified traffic goes to class {@code 1:2}. */
    record HtbRoot(String dev) implements TcOp {
        @Override
        public String text() {
            return "qdisc add dev " + dev + " root handle 1: htb default 2";
        }

        @Override
        public Optional<TcRequest> request(TcRequest.Clock clock) {
            return TcRequest.htbRoot(dev, "1:", "2");
        }
    }

    /**
     * An HTB class set to these rates (bits per second); {@code burst} and {@code cburst} in bytes, both
     * below 0 for HTB's own; {@code prio} as written, null for none.
     */
    record HtbClass(String dev, String parent, String classid, long rate, long ceil, long burst, long cburst, String prio)
            implements TcOp {
        @Override
        public String text() {
            return "class replace dev " + dev + " parent " + parent + " classid " + classid + " htb rate " + rate + "bit ceil "
                    + ceil + "bit" + (burst >= 0 ? " burst " + burst + "b cburst " + cburst + "b" : "")
                    + (prio != null ? " prio " + prio : "");
        }

        @Override
        public Optional<TcRequest> request(TcRequest.Clock clock) {
            return TcRequest.htbClass(dev, parent, classid, rate, ceil, burst, cburst, prio, clock);
        }
    }

    /** A tbf attached as {@code handle} below {@code parent}, or changed in place: rate in bits per second, sizes in bytes. */
    record Tbf(String dev, String parent, String handle, long rate, long burst, long limit) implements TcOp {
        @Override
        public String text() {
            return "qdisc replace dev " + dev + " parent " + parent + " handle " + handle + " tbf rate " + rate + "bit burst "
                    + burst + "b limit " + limit + "b";
        }

        @Override
        public Optional<TcRequest> request(TcRequest.Clock clock) {
            return TcRequest.tbf(dev, parent, handle, rate, burst, limit, clock);
        }
    }

    /** The qdisc below {@code parent} goes; a null parent: the device's root qdisc. */
    record DeleteQdisc(String dev, String parent) implements TcOp {
        @Override
        public String text() {
            return "qdisc del dev " + dev + (parent == null ? " root" : " parent " + parent);
        }

        @Override
        public Optional<TcRequest> request(TcRequest.Clock clock) {
            return TcRequest.deleteQdisc(dev, parent);
        }
    }

    record DeleteClass(String dev, String classid) implements TcOp {
        @Override
        public String text() {
            return "class del dev " + dev + " classid " + classid;
        }

        @Override
        public Optional<TcRequest> request(TcRequest.Clock clock) {
            return TcRequest.deleteClass(dev, classid);
        }
    }
}
