package io.netpersona.engine;

import io.netpersona.model.Change;
import io.netpersona.model.PersonaDiff;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON the journal keeps: signals (with the values the engine judged by, up front) and persona changes. */
final class JournalJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JournalJson() {}

    static String signals(Signals s) {
        if (s == null) {
            return null;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("at", s.atMillis());
        ObjectNode judged = o.putObject("judged");
        putNumber(judged, "latencyP99Ms", s.latencyP99Ms());
        judged.put("latencySource", s.latencySource());
        putNumber(judged, "lossPct", s.lossPct());
        putNumber(judged, "throughputMbps", s.throughputMbps());
        putNumber(judged, "demandMbps", s.demandMbps());
        judged.put("peerDegraded", s.peerDegraded());
        judged.put("bottleneck", Bottleneck.find(s).describe());
        ObjectNode all = JSON.valueToTree(s);
        all.remove("atMillis");
        o.setAll(all);
        return JSON.writeValueAsString(o);
    }

    static String changes(List<Change> changes) {
        return changes.isEmpty() ? null : JSON.writeValueAsString(PersonaDiff.toTree(changes));
    }

    private static void putNumber(ObjectNode o, String name, Double v) {
        if (v == null) {
            o.putNull(name);
        } else {
            o.put(name, Math.round(v * 1000) / 1000.0);
        }
    }
}
