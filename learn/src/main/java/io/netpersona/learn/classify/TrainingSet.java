package io.netpersona.learn.classify;

import io.netpersona.learn.CaptureException;
import io.netpersona.learn.Flow;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import io.netpersona.model.TrafficClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Labelled flows: captures read once and their flows matched to the rows of a labels file in the format of
 * shared/data/ndpi-train/labels.csv (one row per flow, as nDPI saw it), with each row's nDPI category mapped
 * to a class through a category file like shared/data/traffic-classes.csv.
 *
 * <p>Only rows whose confidence is {@code DPI} become examples: nDPI recognised the protocol from the payload.
 * "Match by port" and "Match by IP" rows are nDPI's own guesses, and a model taught them would learn nDPI's
 * port table rather than traffic; "Unknown" rows and categories without a class say nothing about a class.
 * Captures named {@code custom_*} are left out, because their labels come from rules of nDPI's test
 * configuration, not from the traffic.
 */
public final class TrainingSet {
    /** Flows are metered as nDPI meters them, so they match the labels flow for flow. */
    static final FlowMeter.Options AS_LABELLED = FlowMeter.Options.DEFAULTS.withWholePacketsOnly(true)
            .withTimeouts(Duration.ofDays(36500), Duration.ofDays(36500));

    /** One labelled flow, with its features. */
    public record Example(String capture, Flow flow, TrafficClass label, float[] features) {
    }

    private final List<Example> examples;
    private final int captures;

    private TrainingSet(List<Example> examples, int captures) {
        this.examples = List.copyOf(examples);
        this.captures = captures;
    }

    /** The examples, by capture name and then in the order the labels file lists them. */
    public List<Example> examples() {
        return examples;
    }

    /** How many captures gave examples. */
    public int captures() {
        return captures;
    }

    /**
     * Reads every capture the labels file names that is in {@code folder} (except {@code custom_*}).
     *
     * @throws UncheckedIOException when a CSV file cannot be read
     * @throws IllegalArgumentException when a CSV file lacks a column or has a bad value, naming file and line
     */
    public static TrainingSet read(Path folder, Path labels, Path categories) {
        Map<String, TrafficClass> classes = categories(categories);
        Map<String, List<Row>> rows = labels(labels);
        Map<String, List<Example>> byCapture = new TreeMap<>();
        List<String> names = rows.keySet().stream().sorted()
                .filter(n -> !n.startsWith("custom_") && Files.isRegularFile(folder.resolve(n))).toList();
        List<List<Example>> read = names.parallelStream().map(n -> examples(folder.resolve(n), rows.get(n), classes)).toList();
        int captures = 0;
        for (int i = 0; i < names.size(); i++) {
            if (!read.get(i).isEmpty()) {
                byCapture.put(names.get(i), read.get(i));
                captures++;
            }
        }
        return new TrainingSet(byCapture.values().stream().flatMap(List::stream).toList(), captures);
    }

    private record Key(String l4, InetAddress src, int srcPort, InetAddress dst, int dstPort, int vlan) {
    }

    private record Row(int line, Key key, String category, String confidence) {
    }

    private static List<Example> examples(Path file, List<Row> rows, Map<String, TrafficClass> classes) {
        Map<Key, Deque<Flow>> flows = new HashMap<>();
        try {
            Flows.read(file, AS_LABELLED, f -> flows.computeIfAbsent(new Key(f.protocolName(), f.srcAddress(),
                    f.srcPort(), f.dstAddress(), f.dstPort(), f.vlan()), k -> new ArrayDeque<>()).add(f), Flows.Progress.NONE);
        } catch (CaptureException e) {
            return List.of(); // a capture that cannot be opened has no flows to learn from
        }
        List<Example> out = new ArrayList<>();
        String name = file.getFileName().toString();
        for (Row r : rows) {
            // every row takes its flow, so that a later row of the same addresses gets the later flow
            Deque<Flow> d = r.key() == null ? null : flows.get(r.key());
            Flow f = d == null ? null : d.poll();
            TrafficClass c = classes.get(r.category());
            if (f != null && c != null && r.confidence().equals("DPI")) {
                out.add(new Example(name, f, c, Features.of(f)));
            }
        }
        return out;
    }

    static Map<String, TrafficClass> categories(Path file) {
        Map<String, TrafficClass> m = new HashMap<>();
        List<String[]> rows = Csv.read(file);
        int category = Csv.column(file, rows, "ndpi_category"), cls = Csv.column(file, rows, "traffic_class");
        for (int i = 1; i < rows.size(); i++) {
            String[] r = rows.get(i);
            try {
                m.put(r[category], TrafficClass.valueOf(r[cls].trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": traffic_class "
                        + (r.length > cls ? r[cls] : "missing") + " (expected: one of realtime, streaming, interactive, "
                        + "transactional, bulk, control, messaging, tunnel)", e);
            }
        }
        return m;
    }

    private static Map<String, List<Row>> labels(Path file) {
        List<String[]> rows = Csv.read(file);
        int pcap = Csv.column(file, rows, "pcap"), l4 = Csv.column(file, rows, "l4_proto"),
                srcIp = Csv.column(file, rows, "src_ip"), srcPort = Csv.column(file, rows, "src_port"),
                dstIp = Csv.column(file, rows, "dst_ip"), dstPort = Csv.column(file, rows, "dst_port"),
                vlan = Csv.column(file, rows, "vlan"), category = Csv.column(file, rows, "ndpi_category"),
                confidence = Csv.column(file, rows, "confidence");
        int width = rows.getFirst().length;
        Map<String, List<Row>> byFile = new HashMap<>();
        for (int i = 1; i < rows.size(); i++) {
            String[] r = rows.get(i);
            if (r.length < width) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + r.length + " fields (expected: "
                        + width + ")");
            }
            Key key;
            try {
                key = new Key(r[l4], address(r[srcIp]), Integer.parseInt(r[srcPort]), address(r[dstIp]),
                        Integer.parseInt(r[dstPort]), r[vlan].isEmpty() ? -1 : Integer.parseInt(r[vlan]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + e.getMessage()
                        + " (expected: port and vlan numbers)", e);
            }
            byFile.computeIfAbsent(r[pcap], k -> new ArrayList<>()).add(new Row(i + 1, key.src() == null
                    || key.dst() == null ? null : key, r[category], r[confidence]));
        }
        return byFile;
    }

    /** The address of a numeric IPv4 or IPv6 text, null for anything else (no name is ever resolved). */
    private static InetAddress address(String text) {
        if (text.isEmpty() || !(text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')))) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null; // a label may print an address that is not one (stun.pcap has "2600:...::19::")
        }
    }

    /** Reads a comma-separated file with optional double quotes. */
    static final class Csv {
        private Csv() {
        }

        static List<String[]> read(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
            if (lines.isEmpty()) {
                throw new IllegalArgumentException(file + ": empty (expected: a header line and rows)");
            }
            List<String[]> rows = new ArrayList<>(lines.size());
            for (String line : lines) {
                if (!line.isBlank()) {
                    rows.add(split(line));
                }
            }
            return rows;
        }

        static int column(Path file, List<String[]> rows, String name) {
            String[] header = rows.getFirst();
            for (int i = 0; i < header.length; i++) {
                if (header[i].trim().equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(file + ": no column " + name + " (header: " + String.join(",", header) + ")");
        }

        static String[] split(String line) {
            List<String> fields = new ArrayList<>();
            StringBuilder b = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        b.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        b.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(b.toString());
                    b.setLength(0);
                } else {
                    b.append(c);
                }
            }
            fields.add(b.toString());
            return fields.toArray(String[]::new);
        }
    }
}
