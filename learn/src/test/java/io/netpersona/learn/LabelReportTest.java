package io.netpersona.learn;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelReportTest {
    static String key(String l4, String a, int ap, String b, int bp, int vlan) {
        return l4 + " " + a + ":" + ap + " " + b + ":" + bp + " v" + vlan;
    }

    static String ip(InetAddress a) {
        String s = a.getHostAddress();
        return s;
    }

    @Test
    void report() throws Exception {
        int files = 0, exact = 0, packetsOnly = 0;
        StringBuilder out = new StringBuilder();
        for (Path p : TrainingData.captures()) {
            List<TrainingData.Label> labels = TrainingData.labels().getOrDefault(p.getFileName().toString(), List.of());
            List<Flow> flows = new ArrayList<>();
            CaptureSummary s;
            try {
                s = Flows.read(p, FlowMeter.Options.DEFAULTS.withWholePacketsOnly(true), flows::add, Flows.Progress.NONE);
            } catch (CaptureException e) {
                out.append(p.getFileName()).append(" REFUSED ").append(e.getMessage()).append('\n');
                continue;
            }
            if (p.getFileName().toString().equals(System.getProperty("dump", "-"))) {
                StringBuilder d = new StringBuilder();
                flows.forEach(f -> d.append(f).append('\n'));
                java.nio.file.Files.writeString(Path.of("/tmp/dump.txt"), d.toString());
            }
            Map<String, Flow> ours = new HashMap<>();
            for (Flow f : flows) {
                ours.put(key(f.protocolName(), norm(ip(f.srcAddress())), f.srcPort(), norm(ip(f.dstAddress())), f.dstPort(), f.vlan()), f);
            }
            int ok = 0, pk = 0, swapped = 0, missing = 0, bytesCap = 0, bytesOrig = 0;
            List<String> bad = new ArrayList<>();
            for (TrainingData.Label l : labels) {
                Flow f = ours.get(key(l.l4(), norm(l.srcIp()), l.srcPort(), norm(l.dstIp()), l.dstPort(), l.vlan()));
                Flow r = ours.get(key(l.l4(), norm(l.dstIp()), l.dstPort(), norm(l.srcIp()), l.srcPort(), l.vlan()));
                if (f == null && r != null) {
                    swapped++;
                    f = null;
                }
                if (f == null) {
                    missing++;
                    if (bad.size() < 3) bad.add("missing " + key(l.l4(), l.srcIp(), l.srcPort(), l.dstIp(), l.dstPort(), l.vlan()) + " " + l.packets() + (r != null ? " (reversed exists " + r.forward().packets() + "/" + r.backward().packets() + ")" : ""));
                    continue;
                }
                if (f.forward().packets() == l.c2sPackets() && f.backward().packets() == l.s2cPackets()) {
                    pk++;
                    if (f.forward().bytes() == l.c2sBytes() && f.backward().bytes() == l.s2cBytes()) ok++;
                    else if (bad.size() < 3) bad.add("bytes " + key(l.l4(), l.srcIp(), l.srcPort(), l.dstIp(), l.dstPort(), l.vlan()) + " ours " + f.forward().bytes() + "/" + f.backward().bytes() + " label " + l.c2sBytes() + "/" + l.s2cBytes());
                } else if (bad.size() < 3) {
                    bad.add("packets " + key(l.l4(), l.srcIp(), l.srcPort(), l.dstIp(), l.dstPort(), l.vlan()) + " ours " + f.forward().packets() + "/" + f.backward().packets() + " label " + l.c2sPackets() + "/" + l.s2cPackets());
                }
            }
            files++;
            boolean allOk = ok == labels.size();
            if (allOk) exact++;
            if (pk == labels.size()) packetsOnly++;
            if (!allOk) {
                out.append(p.getFileName()).append(" labels=").append(labels.size()).append(" ours=").append(flows.size())
                        .append(" ok=").append(ok).append(" pk=").append(pk).append(" swapped=").append(swapped).append(" missing=").append(missing)
                        .append(s.problem().map(x -> " PROBLEM " + x).orElse("")).append(" ").append(s.stats().results()).append('\n');
                bad.forEach(b -> out.append("    ").append(b).append('\n'));
            }
        }
        out.append("files ").append(files).append(" exact ").append(exact).append(" packets ").append(packetsOnly).append('\n');
        java.nio.file.Files.writeString(Path.of("/tmp/label-report.txt"), out.toString());
    }

    static String norm(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (Exception e) {
            return ip;
        }
    }
}
