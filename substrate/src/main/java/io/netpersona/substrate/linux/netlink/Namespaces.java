package io.netpersona.substrate.linux.netlink;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Netlink sockets per named network namespace ({@code /run/netns/NAME}, as {@code ip -n} finds them).
 *
 * <p>A socket belongs to the namespace its creator was in, for life. So one platform thread (never a
 * virtual thread: those move between carriers) enters a namespace with {@code setns}, makes the sockets and
 * returns to its own namespace before it does anything else; the sockets are then used from any thread.
 * If it cannot return, it is poisoned: it makes no more sockets and every read fails (callers fall back).
 *
 * <p>A socket also keeps its namespace alive: the kernel does not free a deleted namespace, nor its
 * devices (a veth's peer in a namespace that lives on), while a socket in it is open. So sockets are
 * closed when their namespace's file is gone or names another namespace (deleted and made again), checked
 * before each use and by a sweep every second, and when unused for {@link #IDLE_NANOS}.
 */
final class Namespaces implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Path RUN = Path.of("/run/netns");
    private static final Path SELF = Path.of("/proc/thread-self/ns/net");

    /**
     * The sockets of one namespace and the namespace's inode they were made in. {@code netfilter} is null
     * where the kernel has no nfnetlink: its reads fail (callers fall back) and the others go on.
     */
    static final class Entry implements AutoCloseable {
        final long inode;
        final Channel route;
        final Channel diag;
        final Channel netfilter;
        volatile long used = System.nanoTime();

        Entry(long inode, Channel route, Channel diag, Channel netfilter) {
            this.inode = inode;
            this.route = route;
            this.diag = diag;
            this.netfilter = netfilter;
        }

        Channel netfilter() {
            if (netfilter == null) {
                throw new NetlinkException("no nfnetlink socket in this namespace (the kernel offers none)");
            }
            return netfilter;
        }

        @Override
        public void close() {
            route.close();
            diag.close();
            if (netfilter != null) {
                netfilter.close();
            }
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1,
            r -> Thread.ofPlatform().daemon().name("netpersona-netns").unstarted(r));
    // touched only on that thread
    private final Arena threadArena = Arena.ofShared();
    private final MemorySegment threadState = Libc.callState(threadArena);
    private int home = -1;
    private volatile boolean poisoned;
    private volatile boolean closed;

    Namespaces() {
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** "" is the caller's own namespace; any other name must be a plain file name under /run/netns. */
    static String validate(String name) {
        if (!name.isEmpty() && (!NAME.matcher(name).matches() || name.equals(".") || name.equals(".."))) {
            throw new IllegalArgumentException("network namespace name " + name
                    + " (expected: 1-255 of A-Z a-z 0-9 _ . -, not . or ..)");
        }
        return name;
    }

    /** The sockets of a namespace, made on first use and again when the namespace was made again. */
    Entry sockets(String name) {
        validate(name);
        if (closed) {
            throw new NetlinkException("the netlink reader is closed");
        }
        Entry e = entries.get(name);
        if (e != null && (name.isEmpty() || e.inode == inode(name))) {
            e.used = System.nanoTime();
            return e;
        }
        if (e != null) {
            discard(name, e);
        }
        Entry fresh = name.isEmpty() ? here(0) : enter(name);
        Entry prior = entries.putIfAbsent(name, fresh);
        if (prior != null) {
            fresh.close();
            return prior;
        }
        return fresh;
    }

    /** Forgets a namespace's sockets (after an error on one of them) and closes them. */
    void discard(String name, Entry e) {
        if (entries.remove(name, e)) {
            e.close();
        }
    }

    private Entry enter(String name) {
        if (poisoned) {
            throw new NetlinkException("the namespace thread could not return to its own namespace; netlink is off");
        }
        try {
            return thread.submit(() -> enterOnThread(name)).get();
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new NetlinkException("cannot enter " + name + ": " + ex.getCause());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("interrupted while entering " + name);
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            throw new NetlinkException("the netlink reader is closed");
        }
    }

    private Entry enterOnThread(String name) {
        if (poisoned) {
            throw new NetlinkException("the namespace thread could not return to its own namespace; netlink is off");
        }
        MemorySegment st = threadState;
        if (home < 0) {
            int h = Libc.open(st, SELF.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (h < 0) {
                throw new NetlinkException("cannot open " + SELF, -h);
            }
            home = h;
        }
        int fd = Libc.open(st, RUN.resolve(name).toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd == -Libc.ENOENT) {
            throw new NoSuchNamespaceException(name);
        }
        if (fd < 0) {
            throw new NetlinkException("cannot open " + RUN.resolve(name), -fd);
        }
        try {
            int r = Libc.setns(st, fd, Libc.CLONE_NEWNET);
            if (r < 0) {
                throw new NetlinkException("cannot enter network namespace " + name + " (setns)", -r);
            }
            Entry made = null;
            try {
                made = here(ownInode());
                return made;
            } finally {
                int back = Libc.setns(st, home, Libc.CLONE_NEWNET);
                if (back < 0) {
                    poisoned = true;
                    if (made != null) {
                        made.close();
                    }
                    throw new NetlinkException("cannot return from network namespace " + name + " (setns); netlink is off", -back);
                }
            }
        } finally {
            Libc.close(st, fd);
        }
    }

    /** Sockets in the calling thread's current namespace. */
    private static Entry here(long inode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.callState(a);
            Channel route = Channel.open(st, Channel.NETLINK_ROUTE, "rtnetlink");
            Channel diag = null;
            try {
                diag = Channel.open(st, Channel.NETLINK_SOCK_DIAG, "sock_diag");
                Channel netfilter;
                try {
                    netfilter = Channel.open(st, Channel.NETLINK_NETFILTER, "nfnetlink");
                } catch (NetlinkException e) {
                    netfilter = null;
                }
                return new Entry(inode, route, diag, netfilter);
            } catch (RuntimeException e) {
                route.close();
                if (diag != null) {
                    diag.close();
                }
                throw e;
            }
        }
    }

    /** The inode of the namespace the calling thread is in ({@code net:[4026531840]}). */
    private static long ownInode() {
        try {
            String link = Files.readSymbolicLink(SELF).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            throw new NetlinkException("cannot read " + SELF + ": " + e);
        }
    }

    /** The inode of a named namespace's file, which is the namespace's own inode. */
    static long inode(String name) {
        try {
            return (Long) Files.getAttribute(RUN.resolve(name), "unix:ino");
        } catch (NoSuchFileException e) {
            throw new NoSuchNamespaceException(name);
        } catch (IOException e) {
            throw new NetlinkException("cannot stat " + RUN.resolve(name) + ": " + e.getMessage());
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        entries.forEach((name, e) -> {
            boolean stale;
            try {
                stale = !name.isEmpty() && inode(name) != e.inode;
            } catch (RuntimeException gone) {
                stale = true;
            }
            if (stale || now - e.used > IDLE_NANOS) {
                discard(name, e);
            }
        });
    }

    /** The namespaces that have sockets open now ("" for the own one). */
    java.util.Set<String> open() {
        return java.util.Set.copyOf(entries.keySet());
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        entries.forEach(this::discard);
        try {
            thread.awaitTermination(Channel.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (home >= 0 && thread.isTerminated()) {
            try (Arena a = Arena.ofConfined()) {
                Libc.close(Libc.callState(a), home);
            }
            home = -1;
        }
        if (thread.isTerminated()) {
            threadArena.close();
        }
    }
}
