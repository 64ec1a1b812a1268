package io.netpersona.substrate.linux;

import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NetlinkException;
import io.netpersona.substrate.linux.netlink.TcRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs rendered batches, one process per batch, and names the step of the first line that failed. */
final class BatchRunner {
    /** Where a batch run stopped: the step and the tool's complaint. */
    record Failure(Step step, String reason) {}

    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");
    private final Commands commands;
    private boolean onePerCommand;
    /** {@code -Dnetpersona.netlink.tc=off} sends every tc batch to tc; so does {@code -Dnetpersona.netlink=off}. */
    static final String TC_SWITCH = "netpersona.netlink.tc";
    private boolean tcOverNetlink = !"off".equals(System.getProperty(TC_SWITCH));
    private TcRequest.Clock clock;

    BatchRunner(Commands commands) {
        this.commands = commands;
    }

    /** Whether tc batches of the shapes {@link TcRequest} knows go over rtnetlink (else to {@code tc -batch}). */
    void tcOverNetlink(boolean on) {
        tcOverNetlink = on;
    }

    /** Runs every command as its own process instead of in batches: slower; for comparisons only. */
    void onePerCommand(boolean on) {
        onePerCommand = on;
    }

    /**
     * Runs every batch in order; stops at the first failure. {@code force} keeps going (for rollback).
     *
     * <p>Consecutive tc and nft batches run at the same time, one lane per tool and namespace (each lane
     * in order): neither tool refers to what the other makes (nft steers to a class by its number, whether
     * or not the class is there yet), and the kernel takes them under different locks. Batches of ip and
     * file writes run alone, since the others may need what they make (a device, a namespace's file).
     */
    Optional<Failure> run(Batches batches, boolean force) {
        Failure first = null;
        List<Batches.Batch> all = batches.all();
        for (int i = 0; i < all.size(); ) {
            int end = i;
            while (end < all.size() && concurrent(all.get(end))) {
                end++;
            }
            List<Failure> failures = end - i > 1 ? runTogether(all.subList(i, end), force)
                    : run(all.get(i), force).map(List::of).orElse(List.of());
            i = Math.max(end, i + 1);
            if (!failures.isEmpty()) {
                if (!force) {
                    return Optional.of(failures.getFirst());
                }
                first = first == null ? failures.getFirst() : first;
            }
        }
        return Optional.ofNullable(first);
    }

    private boolean concurrent(Batches.Batch b) {
        return !onePerCommand && (b.tool() == Batches.Tool.TC || b.tool() == Batches.Tool.NFT);
    }

    /** Runs the batches in lanes by tool and namespace, the lanes at once; failures in the batches' order. */
    private List<Failure> runTogether(List<Batches.Batch> batches, boolean force) {
        Map<String, List<Integer>> lanes = new LinkedHashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            lanes.computeIfAbsent(batches.get(i).tool() + " " + batches.get(i).scope(), k -> new ArrayList<>()).add(i);
        }
        Failure[] failed = new Failure[batches.size()];
        List<Runnable> work = new ArrayList<>();
        for (List<Integer> lane : lanes.values()) {
            work.add(() -> {
                for (int i : lane) {
                    Optional<Failure> f = run(batches.get(i), force);
                    if (f.isPresent()) {
                        failed[i] = f.get();
                        if (!force) {
                            return;
                        }
                    }
                }
            });
        }
        Concurrently.runAll(work); // what a lane could not report as a failed step (a tool that cannot start) is thrown
        List<Failure> out = new ArrayList<>();
        for (Failure f : failed) {
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private Optional<Failure> run(Batches.Batch b, boolean force) {
        if (onePerCommand && b.tool() != Batches.Tool.FILE) {
            return runEach(b);
        }
        if (b.tool() == Batches.Tool.NFT) {
            return runNft(b);
        }
        if (b.tool() == Batches.Tool.TC && tcOverNetlink) {
            Optional<Optional<Failure>> sent = overNetlink(b, force);
            if (sent.isPresent()) {
                return sent.get();
            }
        }
        String input = String.join("\n", b.lines()) + "\n";
        Commands.Result r = switch (b.tool()) {
            case IP -> commands.run(force ? Commands.ip(b.scope(), "-force", "-batch", "-") : Commands.ip(b.scope(), "-batch", "-"), input);
            case IP6 -> commands.run(force ? Commands.ip(b.scope(), "-6", "-force", "-batch", "-")
                    : Commands.ip(b.scope(), "-6", "-batch", "-"), input);
            case TC -> commands.run(force ? Commands.tc(b.scope(), "-force", "-batch", "-") : Commands.tc(b.scope(), "-batch", "-"), input);
            case NFT -> throw new IllegalStateException("nft batches run through runNft");
            case FILE -> writeFile(b);
        };
        if (r.ok()) {
            return Optional.empty();
        }
        return Optional.of(new Failure(failingStep(b, r), r.complaint()));
    }

    /**
     * One nft transaction for the batch, with the elements of every step for one set in one command (nft
     * parses a command with a thousand elements far faster than a thousand commands). When it fails, the
     * line nft names leads to the step; on a line that holds several steps' elements, the same script
     * ungrouped is checked ({@code nft -c}, which changes nothing) to find which.
     */
    private Optional<Failure> runNft(Batches.Batch b) {
        NftScript grouped = NftScript.grouped(b);
        Commands.Result r = commands.run(Commands.nft(b.scope(), "-f", "-"), grouped.text());
        if (r.ok()) {
            return Optional.empty();
        }
        List<Step> culprits = grouped.origins(r.stderr());
        if (culprits.size() > 1) {
            NftScript plain = NftScript.plain(b);
            Commands.Result check = commands.run(Commands.nft(b.scope(), "-c", "-f", "-"), plain.text());
            List<Step> found = check.ok() ? List.of() : plain.origins(check.stderr());
            culprits = found.size() == 1 ? found : culprits;
        }
        return Optional.of(new Failure(culprits.isEmpty() ? b.origins().getFirst() : culprits.getFirst(), r.complaint()));
    }

    /**
     * A tc batch sent as rtnetlink requests, without a process, when every line is one {@link TcRequest} knows
     * and this host reads netlink; empty when tc must run it. A failure names the refused line's step and the
     * kernel's reason. Should the socket itself fail part-way, tc runs the batch: what it finds made already
     * it either takes as it is ({@code replace}) or refuses, and the caller puts the host back.
     */
    private Optional<Optional<Failure>> overNetlink(Batches.Batch b, boolean force) {
        if (commands.netlink().isEmpty()) {
            return Optional.empty();
        }
        List<TcRequest> requests = new ArrayList<>(b.lines().size());
        try {
            if (clock == null) {
                clock = TcRequest.Clock.read();
            }
            for (String line : b.lines()) {
                Optional<TcRequest> r = TcRequest.parse(line, clock);
                if (r.isEmpty()) {
                    return Optional.empty();
                }
                requests.add(r.get());
            }
            return Optional.of(commands.tc(b.scope(), requests, force)
                    .map(refused -> new Failure(b.origins().get(refused.index()), "tc " + b.lines().get(refused.index())
                            + ": " + refused.reason())));
        } catch (NetlinkException e) {
            return Optional.empty();
        }
    }

    private Optional<Failure> runEach(Batches.Batch b) {
        for (int i = 0; i < b.lines().size(); i++) {
            List<List<String>> argvs = new java.util.ArrayList<>();
            if (b.tool() == Batches.Tool.NFT) {
                NftCommands.split(b.lines().get(i)).forEach(c -> argvs.add(Commands.nft(b.scope(), c)));
            } else {
                String[] words = b.lines().get(i).strip().split("\\s+");
                argvs.add(switch (b.tool()) {
                    case IP -> Commands.ip(b.scope(), words);
                    case IP6 -> Commands.ip(b.scope(), prepend("-6", words));
                    default -> Commands.tc(b.scope(), words);
                });
            }
            for (List<String> argv : argvs) {
                Commands.Result r = commands.run(argv, null);
                if (!r.ok()) {
                    return Optional.of(new Failure(b.origins().get(i), r.complaint()));
                }
            }
        }
        return Optional.empty();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static Step failingStep(Batches.Batch b, Commands.Result r) {
        Matcher m = FAILED_LINE.matcher(r.stderr());
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            if (line >= 1 && line <= b.origins().size()) {
                return b.origins().get(line - 1);
            }
        }
        return b.origins().getFirst();
    }

    private static Commands.Result writeFile(Batches.Batch b) {
        Path path = Path.of(b.lines().getFirst());
        List<String> argv = List.of("write", path.toString());
        try {
            if (b.content() == null) {
                Files.deleteIfExists(path);
                removeIfEmpty(path.getParent());
            } else {
                Files.createDirectories(path.getParent());
                Path tmp = Files.createTempFile(path.getParent(), ".netpersona", ".tmp");
                Files.writeString(tmp, b.content());
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return new Commands.Result(argv, 0, "", "");
        } catch (IOException e) {
            return new Commands.Result(argv, 1, "", path + ": " + e);
        }
    }

    /** /etc/netns/NAME is made for the file; when its last file goes, so does it. */
    private static void removeIfEmpty(Path dir) throws IOException {
        if (dir != null && dir.getParent() != null && dir.getParent().toString().equals("/etc/netns")
                && Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
        }
    }
}
