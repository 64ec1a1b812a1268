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
    /** {@code -Dnetpersona.netlink.nft=off} sends all of an nft batch to nft (its structure and its elements). */
    static final String NFT_SWITCH = "netpersona.netlink.nft";
    private boolean nftOverNetlink = !"off".equals(System.getProperty(NFT_SWITCH));
    private TcRequest.Clock clock;

    BatchRunner(Commands commands) {
        this.commands = commands;
    }

    /** Whether tc batches of the shapes {@link TcRequest} knows go over rtnetlink (else to {@code tc -batch}). */
    void tcOverNetlink(boolean on) {
        tcOverNetlink = on;
    }

    /** Whether a host's shared table (its structure and elements) goes over nf_tables netlink (else to {@code nft -f}). */
    void nftOverNetlink(boolean on) {
        nftOverNetlink = on;
    }

    /** Runs every command as its own process instead of in batches: slower; for comparisons only. */
    void onePerCommand(boolean on) {
        onePerCommand = on;
    }

    /**
     * Batches with what each needs before it runs made ahead (a tc batch's rtnetlink requests, an nft batch's
     * script with its elements grouped), so that an apply makes them while it still reads and journals,
     * not while the kernel waits. Made for this runner's switches as they are when it is made.
     */
    static final class Prepared {
        final List<Batches.Batch> all;
        /** Per batch: its requests when it goes over rtnetlink, else null. */
        final List<List<TcRequest>> requests = new ArrayList<>();
        /** Per batch: its grouped script when it is an nft batch run as one transaction, else null. */
        final List<NftScript> scripts = new ArrayList<>();
        /** Per nft batch whose elements go over netlink: its parts, else null. */
        final List<NftSegments> segments = new ArrayList<>();

        private Prepared(List<Batches.Batch> all) {
            this.all = all;
        }
    }

    Prepared prepare(Batches batches) {
        Prepared p = new Prepared(batches.all());
        record Made(List<TcRequest> requests, NftScript script, NftSegments segments) {}
        // a host's tc batch and nft batch are made at once: each is thousands of lines
        List<Made> made = java.util.stream.IntStream.range(0, p.all.size()).parallel().mapToObj(i -> {
            Batches.Batch b = p.all.get(i);
            boolean batched = !onePerCommand || b.tool() == Batches.Tool.FILE;
            NftScript script = batched && b.tool() == Batches.Tool.NFT ? NftScript.grouped(b) : null;
            return new Made(batched && b.tool() == Batches.Tool.TC && tcOverNetlink ? requests(b) : null, script,
                    script != null ? segments(script) : null);
        }).toList();
        for (Made m : made) {
            p.requests.add(m.requests());
            p.scripts.add(m.script());
            p.segments.add(m.segments());
        }
        return p;
    }

    /** Runs every batch in order; stops at the first failure. {@code force} keeps going (for rollback). */
    Optional<Failure> run(Batches batches, boolean force) {
        return run(prepare(batches), force, (tool, scope) -> {});
    }

    /**
     * Runs every batch in order; stops at the first failure. {@code force} keeps going (for rollback).
     * {@code finished} hears of a tc lane of a namespace once it ran its last batch and nothing after it
     * changes that namespace's queues (later batches are nft or file batches, or of other namespaces): the
     * caller may read those queues while the rest runs.
     *
     * <p>Consecutive tc and nft batches run at the same time, one lane per tool and namespace (each lane
     * in order): neither tool refers to what the other makes (nft steers to a class by its number, whether
     * or not the class is there yet), and the kernel takes them under different locks. Batches of ip and
     * file writes run alone, since the others may need what they make (a device, a namespace's file).
     */
    Optional<Failure> run(Prepared p, boolean force, java.util.function.BiConsumer<Batches.Tool, String> finished) {
        Failure first = null;
        List<Batches.Batch> all = p.all;
        for (int i = 0; i < all.size(); ) {
            int end = i;
            while (end < all.size() && concurrent(all.get(end))) {
                end++;
            }
            List<Failure> failures = end - i > 1 ? runTogether(p, i, end, force, finished)
                    : runOne(p, i, force, finished).map(List::of).orElse(List.of());
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

    /** Runs the batches from..end in lanes by tool and namespace, the lanes at once; failures in the batches' order. */
    private List<Failure> runTogether(Prepared p, int from, int end, boolean force,
            java.util.function.BiConsumer<Batches.Tool, String> finished) {
        Map<String, List<Integer>> lanes = new LinkedHashMap<>();
        for (int i = from; i < end; i++) {
            lanes.computeIfAbsent(p.all.get(i).tool() + " " + p.all.get(i).scope(), k -> new ArrayList<>()).add(i);
        }
        Failure[] failed = new Failure[end - from];
        List<Runnable> work = new ArrayList<>();
        for (List<Integer> lane : lanes.values()) {
            work.add(() -> {
                for (int i : lane) {
                    Optional<Failure> f = runOne(p, i, force, finished);
                    if (f.isPresent()) {
                        failed[i - from] = f.get();
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

    /** Runs batch {@code i}; when it ends a tc lane for good, says so to {@code finished}. */
    private Optional<Failure> runOne(Prepared p, int i, boolean force, java.util.function.BiConsumer<Batches.Tool, String> finished) {
        Batches.Batch b = p.all.get(i);
        Optional<Failure> f = p.segments.get(i) != null ? runSegments(b, p.segments.get(i))
                : run(b, p.requests.get(i), p.scripts.get(i), force);
        if (f.isEmpty() && b.tool() == Batches.Tool.TC && lastForQueues(p.all, i)) {
            finished.accept(b.tool(), b.scope());
        }
        return f;
    }

    /** Whether no batch after {@code i} may change the queues of its namespace (tc, or ip: a device going). */
    private static boolean lastForQueues(List<Batches.Batch> all, int i) {
        for (int j = i + 1; j < all.size(); j++) {
            Batches.Batch later = all.get(j);
            if (later.tool() != Batches.Tool.NFT && later.tool() != Batches.Tool.FILE && later.scope().equals(all.get(i).scope())) {
                return false;
            }
        }
        return true;
    }

    private Optional<Failure> run(Batches.Batch b, List<TcRequest> requests, NftScript script, boolean force) {
        if (onePerCommand && b.tool() != Batches.Tool.FILE) {
            return runEach(b);
        }
        if (b.tool() == Batches.Tool.NFT) {
            return runNft(b, script != null ? script : NftScript.grouped(b));
        }
        if (requests != null) {
            Optional<Optional<Failure>> sent = overNetlink(b, requests, force);
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
    private Optional<Failure> runNft(Batches.Batch b, NftScript grouped) {
        Commands.Result r = commands.run(Commands.nft(b.scope(), "-f", "-"), grouped.text());
        if (r.ok()) {
            return Optional.empty();
        }
        return Optional.of(new Failure(culprit(b, grouped.origins(r.stderr())), r.complaint()));
    }

    /** The step to blame among a refused line's: when it holds several steps' elements, {@code nft -c} of the batch ungrouped says. */
    private Step culprit(Batches.Batch b, List<Step> culprits) {
        if (culprits.size() > 1) {
            NftScript plain = NftScript.plain(b);
            Commands.Result check = commands.run(Commands.nft(b.scope(), "-c", "-f", "-"), plain.text());
            List<Step> found = check.ok() ? List.of() : plain.origins(check.stderr());
            culprits = found.size() == 1 ? found : culprits;
        }
        return culprits.isEmpty() ? b.origins().getFirst() : culprits.getFirst();
    }

    /**
     * The parts of an nft batch when some of it goes over netlink (all of it, in one transaction, when every
     * line has a netlink form); null when nft runs all of it.
     */
    private NftSegments segments(NftScript grouped) {
        if (!nftOverNetlink || commands.netlink().isEmpty()) {
            return null;
        }
        Optional<NftSegments> whole = NftSegments.whole(grouped);
        if (whole.isPresent()) {
            return whole.get();
        }
        NftSegments s = NftSegments.of(grouped);
        return s.textOnly() ? null : s;
    }

    /**
     * An nft batch in its parts, in order: scripts to nft, commands over netlink. Should the socket fail
     * before the kernel had the batch, nft runs those lines instead; once it had it, the batch may have been
     * carried out, so it is not sent again but reported as failed, and the caller puts the host back.
     */
    private Optional<Failure> runSegments(Batches.Batch b, NftSegments parts) {
        for (NftSegments.Segment s : parts.segments()) {
            Optional<Failure> f;
            if (s.script() != null) {
                f = runNft(b, s.script());
            } else {
                try {
                    f = commands.nftBatch(b.scope(), s.commands()).map(refused -> new Failure(
                            culprit(b, s.origins().get(refused.index())), "nft " + s.commands().get(refused.index()).describe()
                            + ": " + refused.reason()));
                } catch (NetlinkException e) {
                    f = e.sent() ? Optional.of(new Failure(s.origins().getFirst().getFirst(), "nf_tables batch sent, its outcome unknown: "
                            + e.getMessage())) : runNft(b, s.asText(NftScript.grouped(b)));
                }
            }
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    /**
     * A tc batch's rtnetlink requests, when every command is one {@link TcRequest} knows and this host reads
     * netlink; null when tc must run it.
     */
    private List<TcRequest> requests(Batches.Batch b) {
        if (commands.netlink().isEmpty()) {
            return null;
        }
        List<TcRequest> requests = new ArrayList<>(b.lines().size());
        try {
            if (clock == null) {
                clock = TcRequest.Clock.read();
            }
            for (int i = 0; i < b.lines().size(); i++) {
                // the kinds' commands give their requests as they are; only a batch of plain lines is parsed
                Optional<TcRequest> r = b.ops() != null ? b.ops().get(i).request(clock) : TcRequest.parse(b.lines().get(i), clock);
                if (r.isEmpty()) {
                    return null;
                }
                requests.add(r.get());
            }
            return requests;
        } catch (NetlinkException e) {
            return null;
        }
    }

    /**
     * A tc batch sent as rtnetlink requests, without a process; empty when tc must run it. A failure names
     * the refused line's step and the kernel's reason. Should the socket itself fail part-way, tc runs the
     * batch: what it finds made already it either takes as it is ({@code replace}) or refuses, and the
     * caller puts the host back.
     */
    private Optional<Optional<Failure>> overNetlink(Batches.Batch b, List<TcRequest> requests, boolean force) {
        try {
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
