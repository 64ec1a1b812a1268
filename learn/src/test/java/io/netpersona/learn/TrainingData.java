package io.netpersona.learn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The labelled captures in shared/data/ndpi-train (system property ndpi.train, set by the build). */
public final class TrainingData {
    private TrainingData() {
    }

    private static final Path WORKPLACE = Path.of("/work/shared/data/ndpi-train");

    public static Path folder() {
        String p = System.getProperty("ndpi.train", "../../shared/data/ndpi-train");
        Path dir = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("pcap")) && Files.isDirectory(WORKPLACE.resolve("pcap"))) {
            dir = WORKPLACE; // a clone made away from the work tree, on a machine of this workplace
        }
        if (!Files.isDirectory(dir.resolve("pcap"))) {
            throw new IllegalStateException("the labelled captures are not at " + dir
                    + " (expected: shared/data/ndpi-train beside the work tree, or -Dndpi.train=DIR)");
        }
        return dir;
    }

    static Path capture(String name) {
        return folder().resolve("pcap").resolve(name);
    }

    static List<Path> captures() {
        try (Stream<Path> files = Files.list(folder().resolve("pcap"))) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A row of labels.csv: one flow as nDPI saw it. */
    record Label(String pcap, String l4, String srcIp, int srcPort, String dstIp, int dstPort, int vlan,
            long c2sPackets, long c2sBytes, long s2cPackets, long s2cBytes, String category, String confidence,
            String hostname) {
        long packets() {
            return c2sPackets + s2cPackets;
        }
    }

    private static Map<String, List<Label>> labels;

    static synchronized Map<String, List<Label>> labels() {
        if (labels == null) {
            Map<String, List<Label>> byFile = new HashMap<>();
            try {
                List<String> lines = Files.readAllLines(folder().resolve("labels.csv"));
                String[] header = lines.getFirst().split(",", -1);
                Map<String, Integer> col = new HashMap<>();
                for (int i = 0; i < header.length; i++) {
                    col.put(header[i], i);
                }
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",", -1);
                    Label l = new Label(f[col.get("pcap")], f[col.get("l4_proto")], f[col.get("src_ip")],
                            Integer.parseInt(f[col.get("src_port")]), f[col.get("dst_ip")],
                            Integer.parseInt(f[col.get("dst_port")]),
                            f[col.get("vlan")].isEmpty() ? -1 : Integer.parseInt(f[col.get("vlan")]),
                            Long.parseLong(f[col.get("c2s_packets")]), Long.parseLong(f[col.get("c2s_bytes")]),
                            Long.parseLong(f[col.get("s2c_packets")]), Long.parseLong(f[col.get("s2c_bytes")]),
                            f[col.get("ndpi_category")], f[col.get("confidence")], f[col.get("hostname")]);
                    byFile.computeIfAbsent(l.pcap(), k -> new ArrayList<>()).add(l);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            labels = byFile;
        }
        return labels;
    }
}
