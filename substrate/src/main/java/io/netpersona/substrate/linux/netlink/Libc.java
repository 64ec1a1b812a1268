package io.netpersona.substrate.linux.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few C library calls a netlink reader needs, through the FFM API, each returning its result or
 * {@code -errno} (never a negative result with a stale errno). The handles are made when this class is
 * first used; a JVM that refuses native access fails there, which {@link NetlinkReader#shared()} reports.
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(INT, ValueLayout.ADDRESS, INT, INT),
            Linker.Option.firstVariadicArg(2), ERRNO_OPTION);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT), ERRNO_OPTION);
    private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(INT, INT, INT), ERRNO_OPTION);
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(INT, INT, INT, INT), ERRNO_OPTION);
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(INT, INT, INT, INT, ValueLayout.ADDRESS, INT), ERRNO_OPTION);
    private static final MethodHandle SENDTO = handle("sendto",
            FunctionDescriptor.of(LONG, INT, ValueLayout.ADDRESS, LONG, INT, ValueLayout.ADDRESS, INT), ERRNO_OPTION);
    private static final MethodHandle RECVFROM = handle("recvfrom",
            FunctionDescriptor.of(LONG, INT, ValueLayout.ADDRESS, LONG, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
            ERRNO_OPTION);

    static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_RCVTIMEO = 20, SO_RCVBUF = 8;
    static final int MSG_TRUNC = 0x20;
    static final int EINTR = 4, ENOENT = 2, EAGAIN = 11, EPERM = 1;

    private Libc() {}

    @SuppressWarnings("restricted") // the jars and tests run with --enable-native-access=ALL-UNNAMED
    private static MethodHandle handle(String fn, FunctionDescriptor d, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(fn).orElseThrow(
                () -> new UnsatisfiedLinkError("no " + fn + " in the C library")), d, options);
    }

    /** A buffer for the calls' errno; one per thread that makes calls (confined arenas are per thread). */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int open(MemorySegment state, String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return result((int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment state, int fd) {
        try {
            return result((int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setns(MemorySegment state, int fd, int nstype) {
        try {
            return result((int) SETNS.invokeExact(state, fd, nstype), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return result((int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value) {
        try {
            return result((int) SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize()), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long sendto(MemorySegment state, int fd, MemorySegment buf, long length, MemorySegment address) {
        try {
            return result((long) SENDTO.invokeExact(state, fd, buf, length, 0, address, (int) address.byteSize()), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code from} receives the sender's address; {@code fromLength} (an int) holds its size, in and out. */
    static long recvfrom(MemorySegment state, int fd, MemorySegment buf, int flags, MemorySegment from,
            MemorySegment fromLength) {
        try {
            return result((long) RECVFROM.invokeExact(state, fd, buf, buf.byteSize(), flags, from, fromLength), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int result(int r, MemorySegment state) {
        return r < 0 ? -(int) ERRNO.get(state, 0L) : r;
    }

    private static long result(long r, MemorySegment state) {
        return r < 0 ? -(int) ERRNO.get(state, 0L) : r;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
