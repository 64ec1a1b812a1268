package io.netpersona.substrate.linux.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One netlink socket, in the namespace it was made in for its whole life. One dump at a time (answers of
 * two dumps on one socket would interleave); a dump waits at most {@link #TIMEOUT_SECONDS} for each datagram.
 */
final class Channel implements AutoCloseable {
    static final int NETLINK_ROUTE = 0, NETLINK_SOCK_DIAG = 4, NETLINK_NETFILTER = 12;
    static final int TIMEOUT_SECONDS = 5;
    /** Larger than any datagram a dump sends (the kernel sizes them to at most 32 KiB, or one message). */
    private static final int BUFFER = 64 * 1024;
    private static final int SOCKADDR_NL = 12;
    private static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;

    private final int fd;
    private final String what;
    private final ReentrantLock lock = new ReentrantLock();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER);
    private boolean closed;
    private int seq;

    private Channel(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /** A new socket of {@code protocol} in the calling thread's namespace. */
    static Channel open(MemorySegment state, int protocol, String what) {
        int fd = Libc.socket(state, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw new NetlinkException("cannot open a netlink socket (protocol " + protocol + ") for " + what, -fd);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment timeval = a.allocate(16);
            timeval.set(ValueLayout.JAVA_LONG, 0, TIMEOUT_SECONDS);
            int r = Libc.setsockopt(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval);
            if (r < 0) {
                Libc.close(state, fd);
                throw new NetlinkException("cannot set a receive timeout on a netlink socket for " + what, -r);
            }
            // a refused request's acknowledgement with the kernel's reason, without the request echoed back;
            // a kernel that offers neither still acknowledges with the errno
            MemorySegment on = a.allocate(ValueLayout.JAVA_INT);
            on.set(ValueLayout.JAVA_INT, 0, 1);
            Libc.setsockopt(state, fd, SOL_NETLINK, NETLINK_EXT_ACK, on);
            Libc.setsockopt(state, fd, SOL_NETLINK, NETLINK_CAP_ACK, on);
        }
        return new Channel(fd, what);
    }

    /**
     * Sends one dump request and returns the payloads of the answer's messages of {@code answerType}.
     * Fails when the socket was closed meanwhile ({@link Closed}), on a system call's error, a kernel
     * error answer, a truncated datagram or a message that does not parse.
     */
    List<ByteBuffer> dump(int requestType, byte[] body, int answerType) {
        return exchange(requestType, Frames.NLM_F_REQUEST | Frames.NLM_F_DUMP, body, answerType);
    }

    /** One request that is not a dump: its answers of {@code answerType}, up to the acknowledgement it asks for. */
    List<ByteBuffer> ask(int requestType, byte[] body, int answerType) {
        return exchange(requestType, Frames.NLM_F_REQUEST | Frames.NLM_F_ACK, body, answerType);
    }

    private List<ByteBuffer> exchange(int requestType, int flags, byte[] body, int answerType) {
        lock.lock();
        try {
            if (closed) {
                throw new Closed();
            }
            int s = ++seq;
            byte[] request = Frames.request(requestType, flags, s, body);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = Libc.callState(a);
                MemorySegment kernel = a.allocate(SOCKADDR_NL); // nl_family AF_NETLINK, nl_pid 0: the kernel
                kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
                MemorySegment req = a.allocateFrom(ValueLayout.JAVA_BYTE, request);
                send(state, kernel, req, request.length, "a netlink request");
                MemorySegment from = a.allocate(SOCKADDR_NL);
                MemorySegment fromLength = a.allocate(ValueLayout.JAVA_INT);
                List<ByteBuffer> out = new ArrayList<>();
                while (true) {
                    ByteBuffer datagram = receive(state, from, fromLength, "netlink answer", "netlink answer");
                    if (datagram != null && Frames.read(datagram, s, answerType, out)) {
                        return out;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Where a {@link #transact} stopped: the request's position, the kernel's errno and its message (or ""). */
    record Refusal(int index, int errno, String message) {}

    /**
     * At most this much, and this many requests, are sent at once: the kernel refuses a datagram larger than
     * the socket's send buffer, and drops acknowledgements (ENOBUFS) beyond what the receive buffer holds,
     * counted at a kilobyte or so each.
     */
    private static final int CHUNK = 16 * 1024, REQUESTS = 64;

    /**
     * Sends requests (message type and body each) with {@code flags | NLM_F_REQUEST | NLM_F_ACK}, many to a
     * datagram, and reads every acknowledgement. The kernel goes on with a datagram's later requests after one
     * fails, so no further datagram is sent after a refusal unless {@code force}; the first refusal is returned.
     */
    java.util.Optional<Refusal> transact(List<int[]> headers, List<byte[]> bodies, boolean force) {
        lock.lock();
        try {
            if (closed) {
                throw new Closed();
            }
            Refusal first = null;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = Libc.callState(a);
                MemorySegment kernel = a.allocate(SOCKADDR_NL);
                kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
                MemorySegment out = a.allocate(CHUNK + BUFFER);
                MemorySegment from = a.allocate(SOCKADDR_NL);
                MemorySegment fromLength = a.allocate(ValueLayout.JAVA_INT);
                int i = 0;
                while (i < bodies.size() && (first == null || force)) {
                    int base = seq + 1;
                    ByteBuffer chunk = Frames.order(ByteBuffer.allocate(CHUNK + BUFFER));
                    int start = i;
                    while (i < bodies.size() && (i == start || i - start < REQUESTS
                            && chunk.position() + Frames.HEADER + bodies.get(i).length <= CHUNK)) {
                        byte[] body = bodies.get(i);
                        int len = Frames.HEADER + body.length;
                        chunk.putInt(len).putShort((short) headers.get(i)[0])
                                .putShort((short) (headers.get(i)[1] | Frames.NLM_F_REQUEST | Frames.NLM_F_ACK))
                                .putInt(++seq).putInt(0).put(body);
                        chunk.position(Frames.align(chunk.position()));
                        i++;
                    }
                    int length = chunk.position();
                    MemorySegment.copy(chunk.array(), 0, out, ValueLayout.JAVA_BYTE, 0, length);
                    send(state, kernel, out, length, "netlink requests");
                    java.util.BitSet acked = new java.util.BitSet(i - start);
                    while (acked.cardinality() < i - start) {
                        ByteBuffer datagram = receive(state, from, fromLength, "netlink acknowledgement", "netlink acknowledgement");
                        if (datagram == null) {
                            continue;
                        }
                        for (Frames.Ack ack : Frames.acks(datagram)) {
                            int k = ack.seq() - base;
                            if (k < 0 || k >= i - start) {
                                continue; // left from an earlier exchange
                            }
                            acked.set(k);
                            if (ack.errno() != 0 && (first == null || start + k < first.index())) {
                                first = new Refusal(start + k, ack.errno(), ack.message());
                            }
                        }
                    }
                }
            }
            return java.util.Optional.ofNullable(first);
        } finally {
            lock.unlock();
        }
    }

    private static final int NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11, NFNL_SUBSYS_NFTABLES = 10;
    private static final int SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;

    /**
     * Sends messages (type and flags, body each) as one nfnetlink batch, in one datagram: the kernel
     * commits all of them or, when any is refused, none. Only the last message asks for an acknowledgement
     * (a thousand would overflow the socket's receive buffer); the kernel answers every refused one anyway,
     * and all answers come once the whole batch was processed, in the messages' order, so the last one's
     * acknowledgement comes last. The first refusal is returned (its index among the messages; -1 when the
     * batch as a whole was refused). A failure once the batch was sent is {@link NetlinkException#sent()}.
     */
    java.util.Optional<Refusal> batch(List<int[]> headers, List<byte[]> bodies) {
        lock.lock();
        try {
            if (closed) {
                throw new Closed();
            }
            int size = 2 * (HEADER_AND_GEN);
            for (byte[] b : bodies) {
                size += Frames.align(Frames.HEADER + b.length);
            }
            ByteBuffer all = Frames.order(ByteBuffer.allocate(size));
            byte[] subsystem = {0, 0, 0, (byte) NFNL_SUBSYS_NFTABLES}; // nfgenmsg: any family, version 0, res_id (big-endian)
            int begin = ++seq;
            all.putInt(HEADER_AND_GEN).putShort((short) NFNL_MSG_BATCH_BEGIN).putShort((short) Frames.NLM_F_REQUEST)
                    .putInt(begin).putInt(0).put(subsystem);
            int base = seq + 1;
            for (int i = 0; i < bodies.size(); i++) {
                byte[] body = bodies.get(i);
                int ack = i == bodies.size() - 1 ? Frames.NLM_F_ACK : 0;
                all.putInt(Frames.HEADER + body.length).putShort((short) headers.get(i)[0])
                        .putShort((short) (headers.get(i)[1] | Frames.NLM_F_REQUEST | ack)).putInt(++seq).putInt(0).put(body);
                all.position(Frames.align(all.position()));
            }
            int end = ++seq;
            all.putInt(HEADER_AND_GEN).putShort((short) NFNL_MSG_BATCH_END).putShort((short) Frames.NLM_F_REQUEST)
                    .putInt(end).putInt(0).put(subsystem);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = Libc.callState(a);
                // the batch is one datagram, which must fit the socket's send buffer (as nft does, forced as root);
                // a batch refused in many places gets as many answers, a kilobyte or so each in the receive buffer
                MemorySegment buf = a.allocate(ValueLayout.JAVA_INT);
                buf.set(ValueLayout.JAVA_INT, 0, size + 4096);
                Libc.setsockopt(state, fd, Libc.SOL_SOCKET, SO_SNDBUFFORCE, buf);
                buf.set(ValueLayout.JAVA_INT, 0, Math.max(256 * 1024, bodies.size() * 2048));
                Libc.setsockopt(state, fd, Libc.SOL_SOCKET, SO_RCVBUFFORCE, buf);
                MemorySegment kernel = a.allocate(SOCKADDR_NL);
                kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
                MemorySegment out = a.allocate(size);
                MemorySegment.copy(all.array(), 0, out, ValueLayout.JAVA_BYTE, 0, size);
                send(state, kernel, out, size, "an nf_tables batch of " + size + " bytes");
                try {
                    return answers(a, state, begin, end, base, bodies.size());
                } catch (NetlinkException e) {
                    throw e.afterSending();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads a batch's answers up to the last message's; the first refusal. */
    private java.util.Optional<Refusal> answers(Arena a, MemorySegment state, int begin, int end, int base, int count) {
        MemorySegment from = a.allocate(SOCKADDR_NL);
        MemorySegment fromLength = a.allocate(ValueLayout.JAVA_INT);
        Refusal first = null;
        while (true) {
            ByteBuffer datagram = receive(state, from, fromLength, "acknowledgement of an nf_tables batch", "netlink acknowledgement");
            if (datagram == null) {
                continue;
            }
            for (Frames.Ack ack : Frames.acks(datagram)) {
                if ((ack.seq() == begin || ack.seq() == end) && ack.errno() != 0) {
                    return java.util.Optional.of(new Refusal(-1, ack.errno(), ack.message())); // nothing else is answered
                }
                int k = ack.seq() - base;
                if (k < 0 || k >= count) {
                    continue; // left from an earlier exchange
                }
                if (ack.errno() != 0 && (first == null || k < first.index())) {
                    first = new Refusal(k, ack.errno(), ack.message());
                }
                if (k == count - 1) {
                    return java.util.Optional.ofNullable(first);
                }
            }
        }
    }

    private static final int HEADER_AND_GEN = Frames.HEADER + 4;

    /** Sends {@code length} bytes of {@code out} to {@code kernel}, again when a signal cut the call short. */
    private void send(MemorySegment state, MemorySegment kernel, MemorySegment out, long length, String sending) {
        long sent;
        do {
            sent = Libc.sendto(state, fd, out, length, kernel);
        } while (sent == -Libc.EINTR);
        if (sent < 0) {
            throw new NetlinkException("cannot send " + sending + " for " + what, (int) -sent);
        }
    }

    /**
     * The next datagram the kernel sent this socket, or null when there is none to look at yet (a signal cut the wait
     * short, or the datagram came from elsewhere than the kernel): the caller waits again. Fails when nothing came
     * within {@link #TIMEOUT_SECONDS} ({@code awaited} says what), on a receive error, or when a datagram did not fit
     * the buffer.
     */
    private ByteBuffer receive(MemorySegment state, MemorySegment from, MemorySegment fromLength, String awaited,
            String receiving) {
        fromLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_NL);
        long n = Libc.recvfrom(state, fd, buffer, Libc.MSG_TRUNC, from, fromLength);
        if (n == -Libc.EINTR) {
            return null;
        }
        if (n == -Libc.EAGAIN) {
            throw new NetlinkException("no " + awaited + " for " + what + " within " + TIMEOUT_SECONDS + " s");
        }
        if (n < 0) {
            throw new NetlinkException("cannot receive a " + receiving + " for " + what, (int) -n);
        }
        if (n > BUFFER) {
            throw new NetlinkException("a netlink datagram of " + n + " bytes for " + what + " did not fit the " + BUFFER
                    + "-byte buffer");
        }
        if (from.get(ValueLayout.JAVA_INT, 4) != 0) {
            return null; // not from the kernel
        }
        return ByteBuffer.wrap(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
    }

    /** Closes the socket once no dump is using it. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                try (Arena a = Arena.ofConfined()) {
                    Libc.close(Libc.callState(a), fd);
                }
                arena.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The socket was closed (an idle or stale namespace's) while the caller was on its way to it. */
    static final class Closed extends RuntimeException {
        Closed() {
            super("netlink socket closed", null, false, false);
        }
    }
}
