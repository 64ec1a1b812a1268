package io.netpersona.model;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Document values in YAML flow style on one line: {@code {direction: ingress, proto: udp, port: 27015}}. */
final class FlowText {
    private FlowText() {}

    static String of(Object value) {
        return value == null ? "(absent)" : of(TreeWriter.write(value));
    }

    private static String of(JsonNode n) {
        if (n.isObject()) {
            StringBuilder s = new StringBuilder("{");
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (s.length() > 1) {
                    s.append(", ");
                }
                s.append(e.getKey()).append(": ").append(of(e.getValue()));
            }
            return s.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder s = new StringBuilder("[");
            for (JsonNode item : n) {
                if (s.length() > 1) {
                    s.append(", ");
                }
                s.append(of(item));
            }
            return s.append(']').toString();
        }
        String text = n.asString();
        boolean plain = text.matches("[A-Za-z0-9_./:+@-]+") || n.isNumber() || n.isBoolean();
        return plain ? text : '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
