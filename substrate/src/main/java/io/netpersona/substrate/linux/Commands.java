package io.netpersona.substrate.linux;

import io.netpersona.substrate.SubstrateException;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import io.netpersona.substrate.linux.netlink.TcRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs host tools as argument lists (never through a shell), feeding batches on standard input, each with
 * a time limit. The one place where the Linux driver starts processes, so tests can count or fail them.
 */
public class Commands {
    /** What a finished command printed and returned. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The tool's own complaint, on one line. */
        public String complaint() {
            String s = (stderr.isBlank() ? stdout : stderr).strip().replace('\n', ' ');
            return s.isEmpty() ? "exit code " + exitCode : s;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final java.util.concurrent.atomic.AtomicLong started = new java.util.concurrent.atomic.AtomicLong();

    /** Runs {@code argv} with {@code stdin} (may be null); returns whatever the exit code. */
    public Result run(List<String> argv, String stdin) {
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new SubstrateException("refusing an argument with a NUL byte: " + argv);
            }
        }
        started.incrementAndGet();
        try {
            Process p = new ProcessBuilder(argv).redirectInput(stdin == null ? ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null")) : ProcessBuilder.Redirect.PIPE).start();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the tool exited before reading everything; its exit code and stderr say why
                }
            }
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new SubstrateException("timed out after " + TIMEOUT.toSeconds() + " s: " + String.join(" ", argv));
            }
            return new Result(List.copyOf(argv), p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new SubstrateException("cannot run " + argv.getFirst() + ": " + e.getMessage()
                    + " (is it installed? see persona host capabilities)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while running " + String.join(" ", argv), e);
        }
    }

    /** Runs and fails with the tool's complaint unless it exits 0. */
    public String check(List<String> argv, String stdin) {
        Result r = run(argv, stdin);
        if (!r.ok()) {
            throw new SubstrateException(String.join(" ", argv) + ": " + r.complaint());
        }
        return r.stdout();
    }

    /**
     * The reader that answers {@link HostView}'s device, address and socket reads without a process, when
     * this JVM has one; a runner that fakes the kernel's answers overrides this to be empty.
     */
    Optional<NetlinkReader> netlink() {
        return NetlinkReader.shared();
    }

    /**
     * Sends tc requests to a namespace over rtnetlink ({@link NetlinkReader#tc}): besides {@link #run}, the
     * one way the driver changes the kernel, so a runner that injects failures can refuse one here too.
     */
    public Optional<NetlinkReader.Refused> tc(String scope, List<TcRequest> requests, boolean force) {
        return netlink().orElseThrow(() -> new SubstrateException("no netlink here: " + NetlinkReader.unavailabilityCause()))
                .tc(scope, requests, force);
    }

    /**
     * Sends nf_tables commands (elements, and a table's structure) to a namespace as one netlink transaction
     * ({@link NetlinkReader#nft}); like {@link #tc(String, List, boolean)}, a way the driver changes the kernel
     * that a runner may refuse.
     */
    public Optional<NetlinkReader.Refused> nftBatch(String scope, List<io.netpersona.substrate.linux.netlink.NftCommand> commands) {
        return netlink().orElseThrow(() -> new SubstrateException("no netlink here: " + NetlinkReader.unavailabilityCause()))
                .nft(scope, commands);
    }

    /** How many processes this runner has started (benchmarks and tests). */
    public long started() {
        return started.get();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }

    // the tools, scoped to a network namespace ("" is the host's own)

    static List<String> ip(String scope, String... args) {
        return scoped("ip", scope, args);
    }

    static List<String> tc(String scope, String... args) {
        return scoped("tc", scope, args);
    }

    static List<String> nft(String scope, String... args) {
        List<String> argv = new ArrayList<>();
        if (!scope.isEmpty()) {
            argv.addAll(List.of("ip", "netns", "exec", scope));
        }
        argv.add("nft");
        argv.addAll(List.of(args));
        return argv;
    }

    /** {@code ss} enters the namespace itself ({@code -N}), so it needs no {@code ip netns exec}. */
    static List<String> ss(String scope, String... args) {
        List<String> argv = new ArrayList<>(List.of("ss"));
        if (!scope.isEmpty()) {
            argv.addAll(List.of("-N", scope));
        }
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> scoped(String tool, String scope, String... args) {
        List<String> argv = new ArrayList<>(List.of(tool));
        if (!scope.isEmpty()) {
            argv.addAll(List.of("-n", scope));
        }
        argv.addAll(List.of(args));
        return argv;
    }
}
