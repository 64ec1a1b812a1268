package io.netpersona.cli;

import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.Flow;
import io.netpersona.learn.InstantText;
import io.netpersona.learn.IpText;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Flows written as they end, in one of the formats of {@code persona flows}; buffered, so millions stream well. */
abstract sealed class FlowWriter permits FlowWriter.Table, FlowWriter.Csv, FlowWriter.Json {
    private static final int FLUSH_AT = 1 << 16;
    private final PrintWriter out;
    final StringBuilder b = new StringBuilder(FLUSH_AT + 4096);

    FlowWriter(PrintWriter out) {
        this.out = out;
    }

    void begin() {
    }

    abstract void write(Flow f);

    abstract void finish(List<CaptureSummary> summaries);

    final void flow(Flow f) {
        write(f);
        if (b.length() >= FLUSH_AT) {
            drain();
        }
    }

    final void end(List<CaptureSummary> summaries) {
        finish(summaries);
        drain();
    }

    /** Writes out rows a writer keeps apart from {@link #b}, which come before what {@link #b} holds. */
    void drainRows() {
    }

    final void drain() {
        drainRows();
        out.print(b);
        b.setLength(0);
        out.flush();
    }

    static String endpoint(java.net.InetAddress a, int port) {
        String text = IpText.of(a);
        return a instanceof java.net.Inet6Address ? "[" + text + "]:" + port : text + ":" + port;
    }

    /** Milliseconds with three decimals, without a formatter (there is a number like this in every row). */
    static String millis(long nanos) {
        return nanos < 0 ? "" : thousandths((nanos + 500) / 1000);
    }

    /** {@code v} with three decimals; a formatter per number would cost more than the flows themselves. */
    static String decimal(double v) {
        if (!Double.isFinite(v)) {
            return "0";
        }
        long scaled = Math.round(Math.abs(v) * 1000);
        return (v < 0 && scaled != 0 ? "-" : "") + thousandths(scaled);
    }

    private static String thousandths(long scaled) {
        long fraction = scaled % 1000;
        return (scaled / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /** {@code text} padded with spaces to {@code width}, on the right ({@code left} aligned) or the left. */
    /** {@code "name":"value"} with the value escaped as JSON requires, appended to {@code b}. */
    static StringBuilder jsonMember(StringBuilder b, String name, String v) {
        b.append('"').append(name).append("\":\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                b.append(c);
            }
        }
        return b.append('"');
    }

    static StringBuilder pad(StringBuilder b, String text, int width, boolean left) {
        if (!left) {
            b.repeat(' ', Math.max(0, width - text.length()));
        }
        b.append(text);
        if (left) {
            b.repeat(' ', Math.max(0, width - text.length()));
        }
        return b.append(' ');
    }

    /** For people: one line per flow under a header, then a line per capture with its counts. */
    static final class Table extends FlowWriter {
        private String capture;

        Table(PrintWriter out) {
            super(out);
        }

        @Override
        void write(Flow f) {
            if (!f.capture().equals(capture)) {
                if (capture != null) {
                    b.append('\n');
                }
                capture = f.capture();
                b.append(f.capture()).append('\n');
                row("L4", "SOURCE", "DESTINATION", "PACKETS", "BYTES", "DURATION", "RTT", "NAME");
            }
            long rtt = f.rttNanos();
            row(f.protocolName(), endpoint(f.srcAddress(), f.srcPort()), endpoint(f.dstAddress(), f.dstPort()),
                    f.forward().packets() + "/" + f.backward().packets(),
                    size(f.forward().bytes()) + "/" + size(f.backward().bytes()), seconds(f.durationNanos()),
                    rtt < 0 ? "-" : millis(rtt) + "ms", name(f.names()));
        }

        /** The server's name; for a DNS flow without one, what it asked about. */
        private static String name(Flow.Names n) {
            String server = n.serverName();
            return server.isEmpty() && !n.dnsQuery().isEmpty() ? "(dns: " + n.dnsQuery() + ")" : server;
        }

        private void row(String l4, String src, String dst, String packets, String bytes, String duration, String rtt,
                String name) {
            pad(b, l4, 6, true);
            pad(b, src, 30, true);
            pad(b, dst, 30, true);
            pad(b, packets, 15, false);
            pad(b, bytes, 17, false);
            pad(b, duration, 9, false);
            pad(b, rtt, 11, false);
            b.append(' ').append(name).append('\n');
        }

        private static String size(long bytes) {
            if (bytes < 10_000) {
                return Long.toString(bytes);
            }
            if (bytes < 10_000_000) {
                return tenths(bytes, 100) + "K";
            }
            return bytes < 10_000_000_000L ? tenths(bytes, 100_000) + "M" : tenths(bytes, 100_000_000) + "G";
        }

        private static String tenths(long value, long unit) {
            long t = (value + unit / 2) / unit;
            return (t / 10) + "." + (t % 10);
        }

        private static String seconds(long nanos) {
            return thousandths((Math.max(0, nanos) + 500_000) / 1_000_000) + "s";
        }

        @Override
        void finish(List<CaptureSummary> summaries) {
            if (capture != null) {
                b.append('\n');
            }
            summaries.forEach(s -> b.append(FlowsCommand.summary(s)).append('\n'));
        }
    }

    /** For machines: a header, then one row per flow. */
    static final class Csv extends FlowWriter {
        static final String HEADER = "capture,l4,src_ip,src_port,dst_ip,dst_port,vlan,packets,bytes,src_packets,src_bytes,"
                + "dst_packets,dst_bytes,first,duration_ms,handshake_rtt_ms,rtt_ms,src_retransmissions,dst_retransmissions,"
                + "server_name,tls_sni,http_host,dns_name,dns_query,end";

        /** The rows, in a buffer of their own; the header goes there too, so that it comes first. */
        private final CsvRows rows;

        Csv(PrintWriter out) {
            super(out);
            rows = new CsvRows(out);
        }

        @Override
        void begin() {
            rows.text(HEADER);
            rows.text("\n");
        }

        @Override
        void write(Flow f) {
            rows.row(io.netpersona.learn.EndedFlow.of(f));
        }

        /** A row for a flow as it ends: the same as {@link #write} of its {@link EndedFlow#flow()}. */
        void ended(io.netpersona.learn.EndedFlow f) {
            rows.row(f);
        }

        @Override
        void drainRows() {
            rows.flush();
        }

        static String field(String s) {
            // a name read from a packet may hold any byte; a line break in it would otherwise end the row
            if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
                return s;
            }
            return '"' + s.replace("\"", "\"\"") + '"';
        }

        @Override
        void finish(List<CaptureSummary> summaries) {
        }
    }

    /** For machines: {"flows": [...], "captures": [...]}, the flows written as they end. */
    static final class Json extends FlowWriter {
        private boolean first = true;

        Json(PrintWriter out) {
            super(out);
        }

        @Override
        void begin() {
            b.append("{\"flows\": [");
        }

        @Override
        void write(Flow f) {
            b.append(first ? "\n  " : ",\n  ");
            first = false;
            b.append('{');
            str("capture", f.capture()).append(',');
            str("l4", f.protocolName()).append(',');
            num("protocol", f.protocol()).append(',');
            str("srcIp", IpText.of(f.srcAddress())).append(',');
            num("srcPort", f.srcPort()).append(',');
            str("dstIp", IpText.of(f.dstAddress())).append(',');
            num("dstPort", f.dstPort()).append(',');
            if (f.vlan() >= 0) {
                num("vlan", f.vlan()).append(',');
            }
            b.append("\"tunnelled\":").append(f.tunnelled()).append(',');
            // a time's text has nothing JSON escapes
            InstantText.append(b.append("\"first\":\""), f.firstNanos()).append("\",");
            num("durationNanos", f.durationNanos()).append(',');
            side("forward", f.forward()).append(',');
            side("backward", f.backward()).append(',');
            b.append("\"handshake\":{");
            num("synToSynAckNanos", f.handshake().synToSynAckNanos()).append(',');
            num("synAckToAckNanos", f.handshake().synAckToAckNanos()).append("},");
            num("rttNanos", f.rttNanos()).append(',');
            b.append("\"names\":{");
            str("serverName", f.names().serverName()).append(',');
            str("tlsServerName", f.names().tlsServerName()).append(',');
            str("httpHost", f.names().httpHost()).append(',');
            str("dnsName", f.names().dnsName()).append(',');
            str("dnsQuery", f.names().dnsQuery()).append("},");
            b.append("\"firstPackets\":[");
            String sep = "";
            for (Flow.FirstPacket p : f.firstPackets()) {
                b.append(sep).append('{');
                b.append("\"forward\":").append(p.forward()).append(',');
                num("bytes", p.bytes()).append(',');
                num("payloadBytes", p.payloadBytes()).append(',');
                num("offsetNanos", p.offsetNanos()).append('}');
                sep = ",";
            }
            b.append("],");
            str("end", f.end().name().toLowerCase(Locale.ROOT));
            b.append('}');
        }

        private StringBuilder side(String name, Flow.Side s) {
            b.append('"').append(name).append("\":{");
            num("packets", s.packets()).append(',');
            num("bytes", s.bytes()).append(',');
            num("payloadBytes", s.payloadBytes()).append(',');
            num("retransmissions", s.retransmissions()).append(',');
            num("tcpFlags", s.tcpFlags()).append(',');
            distribution("sizes", s.sizes()).append(',');
            distribution("gapsNanos", s.gaps()).append(',');
            b.append("\"echoRtt\":{");
            num("samples", s.echoRtt().samples()).append(',');
            num("minNanos", s.echoRtt().minNanos()).append(',');
            num("meanNanos", s.echoRtt().meanNanos()).append(',');
            num("maxNanos", s.echoRtt().maxNanos()).append("}}");
            return b;
        }

        private StringBuilder distribution(String name, io.netpersona.learn.Distribution d) {
            b.append('"').append(name).append("\":{");
            num("count", d.count()).append(',');
            dec("min", d.min()).append(',');
            dec("max", d.max()).append(',');
            dec("mean", d.mean()).append(',');
            dec("stddev", d.stddev()).append(',');
            b.append("\"histogram\":").append(d.histogram().toString().replace(" ", "")).append('}');
            return b;
        }

        private StringBuilder num(String name, long v) {
            return b.append('"').append(name).append("\":").append(v);
        }

        private StringBuilder dec(String name, double v) {
            return b.append('"').append(name).append("\":").append(decimal(v));
        }

        private StringBuilder str(String name, String v) {
            return jsonMember(b, name, v);
        }

        @Override
        void finish(List<CaptureSummary> summaries) {
            b.append(first ? "],\n\"captures\": [" : "\n],\n\"captures\": [");
            String sep = "\n  ";
            for (CaptureSummary s : summaries) {
                b.append(sep).append('{');
                str("file", s.file().toString()).append(',');
                str("format", s.format().name().toLowerCase(Locale.ROOT)).append(',');
                num("fileBytes", s.fileBytes()).append(',');
                num("frames", s.stats().frames()).append(',');
                num("flows", s.stats().flows()).append(',');
                num("cutShort", s.stats().cutShort()).append(',');
                b.append("\"frameResults\":{");
                String inner = "";
                for (Map.Entry<String, Long> e : FlowsCommand.results(s).entrySet()) {
                    b.append(inner);
                    num(e.getKey(), e.getValue());
                    inner = ",";
                }
                b.append("},");
                if (s.problem().isPresent()) {
                    str("problem", s.problem().get()).append(',');
                }
                b.append("\"complete\":").append(s.complete()).append('}');
                sep = ",\n  ";
            }
            b.append("\n]}\n");
        }
    }
}
