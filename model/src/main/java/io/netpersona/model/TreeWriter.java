package io.netpersona.model;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Writes document values as a tree in declaration order, leaving absent fields out. */
final class TreeWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TreeWriter() {}

    static JsonNode write(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Double d -> NODES.numberNode(d);
            case Boolean b -> NODES.booleanNode(b);
            case String s -> NODES.stringNode(s);
            case List<?> list -> {
                ArrayNode a = NODES.arrayNode();
                list.forEach(v -> a.add(write(v)));
                yield a;
            }
            case Map<?, ?> map -> {
                ObjectNode o = NODES.objectNode();
                map.forEach((k, v) -> o.set(String.valueOf(k), write(v)));
                yield o;
            }
            case Record r when Records.isDocumentRecord(r) -> {
                ObjectNode o = NODES.objectNode();
                for (RecordComponent c : Records.components(r.getClass())) {
                    Object v = Records.get(c, r);
                    if (v != null) {
                        o.set(c.getName(), write(v));
                    }
                }
                yield o;
            }
            default -> NODES.stringNode(Scalars.write(value));
        };
    }
}
