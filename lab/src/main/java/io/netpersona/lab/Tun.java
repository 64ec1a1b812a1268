package io.netpersona.lab;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A TUN device opened through the FFM API: {@code open("/dev/net/tun")} and {@code ioctl(TUNSETIFF)} with
 * {@code IFF_TUN | IFF_NO_PI}, then whole IP packets with {@code read} and {@code write}. Attaches to an
 * existing (persistent) device of that name in the calling process's network namespace. One reader and
 * one writer thread may use it at once (each with its own buffer).
 */
final class Tun implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2), ERRNO_OPTION);
    private static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2), ERRNO_OPTION);
    private static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle WRITE = handle("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSID = handle("setsid", FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001, IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40, IFNAMSIZ = 16, EINTR = 4;
    static final int MAX_PACKET = 65536;

    private final String name;
    private final int fd;

    private Tun(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    @SuppressWarnings("restricted") // the delay element runs with --enable-native-access
    private static MethodHandle handle(String fn, FunctionDescriptor d, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(fn).orElseThrow(), d, options);
    }

    static Tun attach(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("device name " + name + " (expected: at most 15 characters)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                throw new IllegalStateException("cannot open /dev/net/tun: errno " + errno(state));
            }
            MemorySegment ifr = arena.allocate(IFREQ_SIZE);
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
            int r = (int) IOCTL.invokeExact(state, fd, TUNSETIFF, ifr);
            if (r < 0) {
                int e = errno(state);
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IllegalStateException("cannot attach to TUN device " + name + ": ioctl TUNSETIFF errno " + e);
            }
            return new Tun(name, fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Leaves the caller's session and process group, so the terminal's Ctrl-C and hang-up no longer reach it. */
    static void detachFromTerminal() {
        try {
            int ignored = (int) SETSID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    String name() {
        return name;
    }

    /** Reads one packet into {@code buf} (at least {@link #MAX_PACKET} bytes); its length, or -errno. */
    long read(MemorySegment buf, MemorySegment state) {
        while (true) {
            try {
                long n = (long) READ.invokeExact(state, fd, buf, (long) MAX_PACKET);
                if (n >= 0) {
                    return n;
                }
                int e = errno(state);
                if (e != EINTR) {
                    return -e;
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** Writes one packet from {@code buf}; 0, or -errno. */
    long write(MemorySegment buf, long length, MemorySegment state) {
        while (true) {
            try {
                long n = (long) WRITE.invokeExact(state, fd, buf, length);
                if (n >= 0) {
                    return 0;
                }
                int e = errno(state);
                if (e != EINTR) {
                    return -e;
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
