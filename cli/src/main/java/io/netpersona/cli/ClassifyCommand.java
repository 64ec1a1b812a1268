package io.netpersona.cli;

import io.netpersona.learn.Flow;
import io.netpersona.learn.IpText;
import io.netpersona.learn.Packet;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.classify.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "classify",
        description = {"The traffic class of every bidirectional flow of pcap or pcapng captures: realtime, streaming, "
                + "interactive, transactional, bulk, control, messaging or tunnel (unknown when the model cannot tell), "
                + "with the model's confidence 0..1. The class comes from the flow's behaviour (sizes, timing, rates, "
                + "direction balance, duration), its ports and its server's name, never from addresses.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona classify -o csv capture.pcapng > classes.csv",
            "  persona classify a.pcap b.pcap                a table",
            "",
            "CSV columns:",
            "  capture,l4,src_ip,src_port,dst_ip,dst_port,packets,bytes,traffic_class,",
            "  confidence,server_name",
            "capture is the file's name; l4 TCP, UDP, ICMP (v4 or v6) or the IP protocol",
            "number, and ARP for ARP messages (src_ip the sender's protocol address, dst_ip",
            "the target's, ports 0; class control); src the side that sent the flow's",
            "first packet; packets and bytes count both directions, whole frames.",
            "",
            "Exit 0 when every file was read (a file broken in the middle gives its flows",
            "up to the break and a warning on stderr), 1 when a file is missing or not a",
            "capture."
        },
        mixinStandardHelpOptions = true)
final class ClassifyCommand implements Callable<Integer> {
    static final String HEADER = "capture,l4,src_ip,src_port,dst_ip,dst_port,packets,bytes,traffic_class,confidence,"
            + "server_name";
    private static final int FLUSH_AT = 1 << 16;

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

    private final StringBuilder b = new StringBuilder(FLUSH_AT + 4096);
    private PrintWriter out;
    private FlowClassifier classifier;
    private boolean first = true;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        classifier = FlowClassifier.standard();
        ProgressLine line = new ProgressLine(err, progress || ProgressLine.stderrIsTerminal());
        switch (output) {
            case csv -> b.append(HEADER).append('\n');
            case table -> row("CAPTURE", "L4", "SOURCE", "DESTINATION", "PACKETS", "BYTES", "CLASS", "CONFIDENCE", "NAME");
            case json -> b.append('[');
        }
        int failed = FlowsCommand.readEach(files, FlowsCommand.LISTED, line, err, this::flow, new ArrayList<>());
        if (output == Format.json) {
            b.append(first ? "]\n" : "\n]\n");
        }
        drain();
        err.flush();
        return failed == 0 ? Main.OK : Main.FAILED;
    }

    private void flow(Flow f) {
        Verdict v = classifier.classify(f);
        String confidence = FlowWriter.decimal(v.confidence());
        String name = f.names().serverName();
        switch (output) {
            case csv -> b.append(FlowWriter.Csv.field(f.capture())).append(',').append(l4(f.protocol())).append(',')
                    .append(IpText.of(f.srcAddress())).append(',').append(f.srcPort()).append(',')
                    .append(IpText.of(f.dstAddress())).append(',').append(f.dstPort()).append(',').append(f.packets())
                    .append(',').append(f.bytes()).append(',').append(v.label()).append(',').append(confidence)
                    .append(',').append(FlowWriter.Csv.field(name)).append('\n');
            case table -> row(f.capture(), l4(f.protocol()), FlowWriter.endpoint(f.srcAddress(), f.srcPort()),
                    FlowWriter.endpoint(f.dstAddress(), f.dstPort()), Long.toString(f.packets()), Long.toString(f.bytes()),
                    v.label(), confidence, name);
            case json -> {
                b.append(first ? "\n  {" : ",\n  {");
                str("capture", f.capture()).append(',');
                str("l4", l4(f.protocol())).append(',');
                str("src_ip", IpText.of(f.srcAddress())).append(",\"src_port\":").append(f.srcPort()).append(',');
                str("dst_ip", IpText.of(f.dstAddress())).append(",\"dst_port\":").append(f.dstPort());
                b.append(",\"packets\":").append(f.packets()).append(",\"bytes\":").append(f.bytes()).append(',');
                str("traffic_class", v.label()).append(",\"confidence\":").append(confidence).append(',');
                str("server_name", name).append('}');
            }
        }
        first = false;
        if (b.length() >= FLUSH_AT) {
            drain();
        }
    }

    /** TCP, UDP, ICMP for both IP versions' ICMP, ARP, else the protocol number (as the column is specified). */
    static String l4(int protocol) {
        return switch (protocol) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1, 58 -> "ICMP";
            // not an IP protocol: its frames carry IPv4 addresses but no IP header
            case Packet.ARP -> "ARP";
            default -> Integer.toString(protocol);
        };
    }

    private void row(String capture, String l4, String src, String dst, String packets, String bytes, String cls,
            String confidence, String name) {
        FlowWriter.pad(b, capture, 24, true);
        FlowWriter.pad(b, l4, 5, true);
        FlowWriter.pad(b, src, 30, true);
        FlowWriter.pad(b, dst, 30, true);
        FlowWriter.pad(b, packets, 8, false);
        FlowWriter.pad(b, bytes, 11, false);
        FlowWriter.pad(b, cls, 14, true);
        FlowWriter.pad(b, confidence, 10, false);
        b.append(' ').append(name).append('\n');
    }

    private StringBuilder str(String key, String v) {
        return FlowWriter.jsonMember(b, key, v);
    }

    private void drain() {
        out.print(b);
        b.setLength(0);
        out.flush();
    }
}
