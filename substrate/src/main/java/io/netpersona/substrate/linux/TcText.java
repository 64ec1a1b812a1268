package io.netpersona.substrate.linux;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads what tc prints as text where its JSON is missing: iproute2 6.1 prints {@code tc -j class show} as
 * plain text. Classes become JSON objects of the shape newer tc versions use (handle, parent, leaf, prio,
 * rate, ceil, burst, cburst and the counters), plus {@code config}: the first line as printed, which is what
 * fingerprints compare. Rates are parsed to bits per second and sizes to bytes, as tc rounds them in print.
 */
final class TcText {
    private static final Pattern SENT = Pattern.compile(
            "Sent (\\d+) bytes (\\d+) pkt \\(dropped (\\d+), overlimits (\\d+) requeues (\\d+)\\)");
    private static final Pattern BACKLOG = Pattern.compile("backlog (\\S+) (\\d+)p");
    private static final Pattern RATE = Pattern.compile("([0-9.]+)([KMGT]?)(i?)bit", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("([0-9.]+)([KMG]?)b(?:/\\d+)?", Pattern.CASE_INSENSITIVE);

    private TcText() {}

    /** The classes of {@code tc -s class show dev D} (text) as a JSON array. */
    static ArrayNode classes(String text) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        ObjectNode current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (raw.startsWith("class ")) {
                current = classLine(line);
                out.add(current);
            } else if (current != null) {
                stats(line, current);
            }
        }
        return out;
    }

    private static ObjectNode classLine(String line) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        String[] t = line.split("\\s+");
        o.put("class", t[1]);
        o.put("handle", t[2]);
        o.put("config", line);
        for (int i = 3; i < t.length; i++) {
            String word = t[i];
            String value = i + 1 < t.length ? t[i + 1] : "";
            try {
                switch (word) {
                    case "root" -> o.put("root", true);
                    case "parent", "leaf", "linklayer" -> o.put(word, value);
                    case "prio", "quantum", "level", "overhead" -> o.put(word, Long.parseLong(value));
                    case "rate", "ceil" -> o.put(word, rate(value));
                    case "burst", "cburst", "mpu" -> o.put(word, size(value));
                    default -> {
                        continue; // words a later tc (or another class kind) adds; the config line keeps them
                    }
                }
                i += word.equals("root") ? 0 : 1;
            } catch (IllegalArgumentException e) {
                // a value in a form this reader does not know: left out, the config line still has it
            }
        }
        return o;
    }

    private static void stats(String line, ObjectNode o) {
        Matcher s = SENT.matcher(line);
        if (s.find()) {
            o.put("bytes", Long.parseLong(s.group(1)));
            o.put("packets", Long.parseLong(s.group(2)));
            o.put("drops", Long.parseLong(s.group(3)));
            o.put("overlimits", Long.parseLong(s.group(4)));
            o.put("requeues", Long.parseLong(s.group(5)));
        }
        Matcher b = BACKLOG.matcher(line);
        if (b.find()) {
            o.put("backlog", size(b.group(1)));
            o.put("qlen", Long.parseLong(b.group(2)));
        }
    }

    /** A rate as tc prints it ({@code 19Mbit}, {@code 1900Kbit}, {@code 2Gbit}) in bits per second. */
    static long rate(String text) {
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a tc rate: " + text);
        }
        long unit = m.group(3).isEmpty() ? 1000 : 1024;
        long scale = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> unit;
            case "M" -> unit * unit;
            case "G" -> unit * unit * unit;
            case "T" -> unit * unit * unit * unit;
            default -> 1;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }

    /** A size as tc prints it ({@code 1596b}, {@code 32Kb}, {@code 1Mb}, {@code 1233b/1}) in bytes (binary units). */
    static long size(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a tc size: " + text);
        }
        long scale = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 1024;
            case "M" -> 1024 * 1024;
            case "G" -> 1024L * 1024 * 1024;
            default -> 1;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }
}
