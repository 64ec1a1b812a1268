package io.netpersona.cli;

import io.netpersona.learn.CaptureException;
import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.DecodeResult;
import io.netpersona.learn.Flow;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "flows",
        description = {"The bidirectional flows of pcap or pcapng captures (any link type the decoder knows; the format "
                + "is found from the file's content): per direction packets and bytes, duration, RTT, retransmissions, "
                + "and the server's name (TLS SNI, HTTP Host, or an earlier DNS answer). Flows are printed as they end, "
                + "so a capture of any size streams through in constant memory.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona flows capture.pcapng                 a table",
            "  persona flows -o csv a.pcap b.pcap > f.csv   one row per flow, with a header",
            "  persona flows -o json capture.pcap            flows and per-file counts as JSON",
            "",
            "ARP messages for IPv4 are flows too: protocol ARP, from the sender's protocol address to the",
            "target's, ports 0 (a request and its reply are one flow).",
            "",
            "Exit 0 when every file was read (a file broken in the middle gives its flows up to the break and a",
            "warning on stderr), 1 when a file is missing or not a capture."
        },
        mixinStandardHelpOptions = true)
final class FlowsCommand implements Callable<Integer> {
    enum Format { table, csv, json }

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "pcap or pcapng captures.")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), csv or json.")
    Format output;

    @Option(names = "--progress", description = "Show progress and throughput on stderr (shown anyway when stderr is a "
            + "terminal and a file takes more than a second).")
    boolean progress;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FlowWriter writer = switch (output) {
            case table -> new FlowWriter.Table(out);
            case csv -> new FlowWriter.Csv(out);
            case json -> new FlowWriter.Json(out);
        };
        ProgressLine line = new ProgressLine(err, progress || ProgressLine.stderrIsTerminal());
        List<CaptureSummary> summaries = new ArrayList<>();
        writer.begin();
        FlowMeter.Options options = output == Format.json ? LISTED : LISTED_BRIEFLY;
        int failed = writer instanceof FlowWriter.Csv csv
                ? readEach(files, line, err, summaries, file -> Flows.readEndedHandingOff(file, options, csv::ended, line))
                : readEach(files, options, line, err, writer::flow, summaries);
        writer.end(summaries);
        out.flush();
        err.flush();
        return failed == 0 ? Main.OK : Main.FAILED;
    }

    /** How the listings meter: every flow that has addresses, ARP's included (see {@link FlowMeter.Options#arp()}). */
    static final FlowMeter.Options LISTED = FlowMeter.Options.DEFAULTS.withArp(true);
    /**
     * The same for the table and CSV, which show neither a flow's first packets nor its distributions: the
     * meter keeps none (per packet, the distributions cost the meter as much as its TCP state).
     */
    static final FlowMeter.Options LISTED_BRIEFLY = LISTED.withDetail(0, false);

    /**
     * Reads each file into {@code sink} (on a thread of its own for a large file, one flow at a time; every flow
     * of a file has been handed over when its reading returns), with progress on {@code line}, adding the summary of each file read
     * to {@code summaries}: a file broken in the middle gives its flows and a warning, a file that is missing
     * or no capture is named on {@code err}. Returns how many files could not be read.
     */
    static int readEach(List<Path> files, FlowMeter.Options options, ProgressLine line, PrintWriter err,
            java.util.function.Consumer<Flow> sink, List<CaptureSummary> summaries) {
        return readEach(files, line, err, summaries, file -> Flows.readHandingOff(file, options, sink, line));
    }

    /** {@link #readEach} with {@code reading} reading each file. */
    private static int readEach(List<Path> files, ProgressLine line, PrintWriter err, List<CaptureSummary> summaries,
            java.util.function.Function<Path, CaptureSummary> reading) {
        int failed = 0;
        for (Path file : files) {
            try {
                line.start();
                CaptureSummary s = reading.apply(file);
                line.end(s);
                summaries.add(s);
                s.problem().ifPresent(p -> err.println("persona: warning: " + p + " (flows up to there are shown)"));
            } catch (CaptureException e) {
                line.clear();
                err.println("persona: " + e.getMessage());
                failed++;
            }
        }
        return failed;
    }

    /** A one-line summary of a capture: frames, flows, and what was not decoded by reason. */
    static String summary(CaptureSummary s) {
        FlowMeter.Stats st = s.stats();
        StringBuilder b = new StringBuilder();
        b.append(s.file()).append(": ").append(s.format().name().toLowerCase()).append(", ").append(st.frames())
                .append(" frames, ").append(st.flows()).append(st.flows() == 1 ? " flow" : " flows");
        long notDecoded = st.notDecoded();
        if (notDecoded > 0) {
            b.append(", ").append(notDecoded).append(" not in flows (");
            String sep = "";
            for (DecodeResult r : DecodeResult.values()) {
                Long n = st.results().get(r);
                if (n != null && !r.inFlow()) {
                    b.append(sep).append(r.label()).append(' ').append(n);
                    sep = ", ";
                }
            }
            b.append(')');
        }
        if (st.cutShort() > 0) {
            b.append(", ").append(st.cutShort()).append(" cut short by the snapshot length");
        }
        return b.toString();
    }

    static Map<String, Long> results(CaptureSummary s) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (DecodeResult r : DecodeResult.values()) {
            Long n = s.stats().results().get(r);
            if (n != null) {
                m.put(r.label(), n);
            }
        }
        return m;
    }

    /** Whether stderr is a terminal; Linux only (elsewhere progress needs --progress). */
    static boolean isTerminal(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
