package io.netpersona.substrate.linux;

import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Commands of a change set grouped into one batch per tool and namespace, in the order the steps come:
 * {@code ip -batch -} (and {@code ip -6 -batch -}), {@code tc -batch -}, {@code nft -f -}, and file writes.
 * Consecutive lines for the same tool and scope share one process.
 */
final class Batches {
    enum Tool { IP, IP6, TC, NFT, FILE }

    /**
     * One process worth of lines, with the step each line came from (to name a failing step). A FILE batch
     * has one line, the path, and the content to write (null to remove the file).
     */
    record Batch(Tool tool, String scope, List<String> lines, List<Step> origins, String content, List<TcOp> ops,
            List<NftOp> nftOps) {
        Batch(Tool tool, String scope, List<String> lines, List<Step> origins, String content) {
            this(tool, scope, lines, origins, content, null, null);
        }

        Batch(Tool tool, String scope, List<String> lines, List<Step> origins, String content, List<TcOp> ops) {
            this(tool, scope, lines, origins, content, ops, null);
        }
    }

    /**
     * A batch's lines, each written from its command when asked: a batch that goes over netlink sends the
     * commands' messages (tc's requests, nft's sets and elements: {@link NftOp}), and its lines are written only
     * to run the tool or to name a failure.
     */
    private static final class Lines<T> extends java.util.AbstractList<String> {
        private final List<T> ops;
        private final Function<T, String> text;

        Lines(List<T> ops, Function<T, String> text) {
            this.ops = ops;
            this.text = text;
        }

        @Override
        public String get(int index) {
            return text.apply(ops.get(index));
        }

        @Override
        public int size() {
            return ops.size();
        }
    }

    private final List<Batch> batches = new ArrayList<>();
    private Step current;

    void from(Step step) {
        current = step;
    }

    void ip(String scope, String line) {
        add(Tool.IP, scope, line);
    }

    /** An {@code ip -6} line: ip rule lines take their family from the command line only, never from the line. */
    void ip6(String scope, String line) {
        add(Tool.IP6, scope, line);
    }

    void tc(String scope, String line) {
        tc(scope, new TcOp.Line(line));
    }

    void tc(String scope, TcOp op) {
        Batch last = batches.isEmpty() ? null : batches.getLast();
        if (last != null && last.tool() == Tool.TC && last.scope().equals(scope)) {
            last.ops().add(op);
            last.origins().add(current);
        } else {
            List<TcOp> ops = new ArrayList<>(List.of(op));
            batches.add(new Batch(Tool.TC, scope, new Lines<>(ops, TcOp::text), new ArrayList<>(List.of(current)), null, ops));
        }
    }

    void nft(String scope, String script) {
        nft(scope, NftOp.of(script));
    }

    void nft(String scope, NftOp op) {
        Batch last = batches.isEmpty() ? null : batches.getLast();
        if (last != null && last.tool() == Tool.NFT && last.scope().equals(scope) && last.nftOps() != null) {
            last.nftOps().add(op);
            last.origins().add(current);
        } else {
            List<NftOp> ops = new ArrayList<>(List.of(op));
            batches.add(new Batch(Tool.NFT, scope, new Lines<>(ops, NftOp::text), new ArrayList<>(List.of(current)), null, null, ops));
        }
    }

    /** Writes {@code content} to {@code path}, or removes the file when content is null. */
    void file(String path, String content) {
        batches.add(new Batch(Tool.FILE, "", List.of(path), List.of(current), content));
    }

    private void add(Tool tool, String scope, String line) {
        if (tool == Tool.TC || tool == Tool.NFT) {
            throw new IllegalArgumentException(tool + " lines are added as commands (tc, nft)");
        }
        Batch last = batches.isEmpty() ? null : batches.getLast();
        if (last != null && last.tool() == tool && last.scope().equals(scope)) {
            last.lines().add(line);
            last.origins().add(current);
        } else {
            batches.add(new Batch(tool, scope, new ArrayList<>(List.of(line)), new ArrayList<>(List.of(current)), null));
        }
    }

    /** Adds the lines of {@code other} after these, each with its own step; consecutive lines of one tool and scope still share a batch. */
    void append(Batches other) {
        for (Batch b : other.batches) {
            if (b.tool() == Tool.FILE) {
                batches.add(b);
                continue;
            }
            for (int i = 0; i < b.lines().size(); i++) {
                current = b.origins().get(i);
                if (b.tool() == Tool.TC) {
                    tc(b.scope(), b.ops().get(i));
                } else if (b.tool() == Tool.NFT) {
                    nft(b.scope(), b.nftOps() != null ? b.nftOps().get(i) : NftOp.of(b.lines().get(i)));
                } else {
                    add(b.tool(), b.scope(), b.lines().get(i));
                }
            }
        }
    }

    List<Batch> all() {
        return batches;
    }
}
