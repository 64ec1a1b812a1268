package io.netpersona.control;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.netpersona.model.Change;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Problem;
import io.netpersona.proto.agent.v1.PersonaMetrics;
import io.netpersona.store.AgentState;
import io.netpersona.store.Assignment;
import io.netpersona.store.JournalRecord;
import io.netpersona.store.PersonaVersion;
import io.netpersona.store.PutResult;
import io.netpersona.store.Store;
import io.netpersona.store.StoreException;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operators' REST/JSON API under {@code /api/v1/}, with a bearer token; {@code /health} and
 * {@code /metrics} are open, for load balancers and Prometheus. Errors are JSON objects
 * {@code {"status": 404, "error": "...", "problems": [...]}}.
 */
final class RestApi {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Store store;
    private final AgentService agents;
    private final AdminToken token;
    private final Metrics metrics;
    private final Runnable changed;

    RestApi(Store store, AgentService agents, AdminToken token, Metrics metrics, Runnable changed) {
        this.store = store;
        this.agents = agents;
        this.token = token;
        this.metrics = metrics;
        this.changed = changed;
    }

    Javalin start(String host, int port) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.routes.before("/api/*", this::authenticate);
            config.routes.get("/health", this::health);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/api/v1/personas", ctx -> json(ctx, 200, array(store.personas().stream().map(RestApi::summary).toList())));
            config.routes.post("/api/v1/personas", this::apply);
            config.routes.get("/api/v1/personas/{name}", ctx -> json(ctx, 200, document(store.latest(ctx.pathParam("name"))
                    .orElseThrow(() -> notFound(ctx.pathParam("name"))))));
            config.routes.get("/api/v1/personas/{name}/versions/{version}", ctx -> json(ctx, 200, document(store
                    .version(ctx.pathParam("name"), intParam(ctx.pathParam("version"), "version"))
                    .orElseThrow(() -> new ApiError(404, "persona " + ctx.pathParam("name") + " version " + ctx.pathParam("version")
                            + ": not found")))));
            config.routes.get("/api/v1/personas/{name}/history", this::history);
            config.routes.get("/api/v1/personas/{name}/diff", this::diff);
            config.routes.post("/api/v1/personas/{name}/rollback", this::rollback);
            config.routes.get("/api/v1/assignments", ctx -> json(ctx, 200, array(store.assignments().stream().map(RestApi::assignment).toList())));
            config.routes.put("/api/v1/assignments/{persona}/{node}", this::assign);
            config.routes.delete("/api/v1/assignments/{persona}/{node}", this::unassign);
            config.routes.get("/api/v1/agents", ctx -> json(ctx, 200, array(store.agents().stream().map(RestApi::agent).toList())));
            config.routes.get("/api/v1/agents/{node}", ctx -> json(ctx, 200, agent(store.agent(ctx.pathParam("node"))
                    .orElseThrow(() -> new ApiError(404, "agent " + ctx.pathParam("node") + ": not found")))));
            config.routes.get("/api/v1/agents/{node}/observations", this::observations);
            config.routes.get("/api/v1/journal", this::journal);
            config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.problems));
            config.routes.exception(StoreException.class, (e, ctx) -> error(ctx, switch (e.reason()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case INVALID -> 422;
                case UNAVAILABLE -> 503;
            }, e.getMessage(), List.of()));
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 404, ctx.method() + " " + ctx.path() + ": no such resource", List.of());
                }
            });
        });
        try {
            return app.start(host, port);
        } catch (RuntimeException e) {
            throw new ControlException("http: cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
    }

    private void authenticate(Context ctx) {
        if (!token.accepts(ctx.header("Authorization"))) {
            metrics.unauthorized();
            ctx.header("WWW-Authenticate", "Bearer realm=\"netpersona\"");
            throw new ApiError(401, ctx.header("Authorization") == null
                    ? "authorization: missing (expected: Authorization: Bearer TOKEN, the token in the control plane's admin.token)"
                    : "authorization: the token is not accepted");
        }
    }

    private void health(Context ctx) {
        try {
            json(ctx, 200, F.objectNode().put("status", "ok").put("revision", store.revision()));
        } catch (StoreException e) {
            json(ctx, 503, F.objectNode().put("status", "unavailable").put("error", e.getMessage()));
        }
    }

    private void apply(Context ctx) {
        String body = ctx.body();
        PersonaCodec.Format format = PersonaCodec.Format.detect("", body);
        PersonaCodec.Parsed parsed = PersonaCodec.parse(body, format);
        if (parsed instanceof PersonaCodec.Parsed.Invalid(List<Problem> problems)) {
            throw new ApiError(422, "persona: invalid (" + problems.size() + (problems.size() == 1 ? " problem)" : " problems)"), problems);
        }
        PutResult r = store.put(((PersonaCodec.Parsed.Valid) parsed).persona());
        boolean created = r instanceof PutResult.Created;
        if (created) {
            changed.run();
        }
        json(ctx, created ? 201 : 200, summary(r.version()).put("created", created));
    }

    private void history(Context ctx) {
        String name = ctx.pathParam("name");
        List<PersonaVersion> versions = store.history(name);
        if (versions.isEmpty()) {
            throw notFound(name);
        }
        json(ctx, 200, array(versions.stream().map(RestApi::summary).toList()));
    }

    private void diff(Context ctx) {
        String name = ctx.pathParam("name");
        int from = intParam(ctx.queryParam("from"), "from");
        int to = intParam(ctx.queryParam("to"), "to");
        ArrayNode changes = F.arrayNode();
        for (Change c : store.diff(name, from, to)) {
            changes.addObject().put("path", c.path()).put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("from", PersonaCodec.toText(c.oldValue())).put("to", PersonaCodec.toText(c.newValue()));
        }
        json(ctx, 200, changes);
    }

    private void rollback(Context ctx) {
        JsonNode body = readBody(ctx);
        JsonNode to = body.get("to");
        if (to == null || !to.canConvertToInt()) {
            throw new ApiError(400, "to: " + (to == null ? "missing" : to.toString()) + " (expected: the version to go back to, a number)");
        }
        PersonaVersion v = store.rollback(ctx.pathParam("name"), to.intValue());
        changed.run();
        json(ctx, 201, summary(v));
    }

    private void assign(Context ctx) {
        Assignment a = store.assign(ctx.pathParam("persona"), ctx.pathParam("node"));
        changed.run();
        json(ctx, 200, assignment(a));
    }

    private void unassign(Context ctx) {
        if (!store.unassign(ctx.pathParam("persona"), ctx.pathParam("node"))) {
            throw new ApiError(404, "assignment of " + ctx.pathParam("persona") + " to node " + ctx.pathParam("node") + ": not found");
        }
        changed.run();
        ctx.status(204);
    }

    private void observations(Context ctx) {
        String node = ctx.pathParam("node");
        AgentService.Observed o = agents.observations(node).orElseThrow(() -> new ApiError(404, "agent " + node
                + ": no observations reached this replica (they go to the replica the agent streams to)"));
        ObjectNode out = F.objectNode().put("node", node).put("receivedAtMs", o.receivedAtMs()).put("timeMs", o.observations().getTimeMs());
        ArrayNode list = out.putArray("metrics");
        for (PersonaMetrics m : o.observations().getMetricsList()) {
            list.addObject().put("persona", m.getPersona()).put("version", m.getVersion()).put("rttP50Ms", m.getRttP50Ms())
                    .put("rttP99Ms", m.getRttP99Ms()).put("throughputBps", m.getThroughputBps()).put("lossPct", m.getLossPct())
                    .put("queueDrops", m.getQueueDrops()).put("backlogBytes", m.getBacklogBytes());
        }
        json(ctx, 200, out);
    }

    private void journal(Context ctx) {
        String limit = ctx.queryParam("limit");
        ArrayNode out = F.arrayNode();
        for (JournalRecord e : store.journal(ctx.queryParam("node"), ctx.queryParam("persona"), limit == null ? 100 : intParam(limit, "limit"))) {
            ObjectNode o = out.addObject().put("node", e.node()).put("id", e.id()).put("persona", e.persona()).put("version", e.version())
                    .put("timeMs", e.timeMs()).put("outcome", e.outcome()).put("reason", e.reason()).put("receivedAtMs", e.receivedAtMs());
            o.set("details", readJson(e.detailsJson()));
        }
        json(ctx, 200, out);
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (RuntimeException e) {
            // the engine's details are kept as they came; shown as text when they are not JSON
            return F.stringNode(text);
        }
    }

    private static JsonNode readBody(Context ctx) {
        try {
            return JSON.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
        } catch (RuntimeException e) {
            throw new ApiError(400, "body: not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static int intParam(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + ": " + (value == null ? "missing" : "'" + value + "'") + " (expected: a number)");
        }
    }

    private static ApiError notFound(String name) {
        return new ApiError(404, "persona " + name + ": not found");
    }

    static ObjectNode summary(PersonaVersion v) {
        ObjectNode o = F.objectNode().put("name", v.name()).put("version", v.version()).put("createdAtMs", v.createdAtMs())
                .put("revision", v.revision());
        v.rolledBackFrom().ifPresent(f -> o.put("rolledBackFrom", f));
        return o;
    }

    private static ObjectNode document(PersonaVersion v) {
        ObjectNode o = summary(v);
        o.set("document", PersonaCodec.toTree(v.persona()));
        return o;
    }

    private static ObjectNode assignment(Assignment a) {
        return F.objectNode().put("persona", a.persona()).put("node", a.node()).put("createdAtMs", a.createdAtMs())
                .put("revision", a.revision());
    }

    private static ObjectNode agent(AgentState a) {
        ObjectNode o = F.objectNode().put("node", a.node()).put("hostname", a.hostname()).put("agentVersion", a.agentVersion())
                .put("registeredAtMs", a.registeredAtMs()).put("lastSeenMs", a.lastSeenMs());
        ObjectNode running = o.putObject("running");
        new java.util.TreeMap<>(a.running()).forEach(running::put);
        a.lastNack().ifPresent(n -> o.putObject("lastNack").put("persona", n.persona()).put("version", n.version())
                .put("reason", n.reason()).put("atMs", n.atMs()));
        a.capabilities().ifPresent(c -> {
            ObjectNode caps = o.putObject("capabilities").put("substrate", c.substrate());
            ArrayNode list = caps.putArray("capabilities");
            c.capabilities().forEach(x -> {
                ObjectNode one = list.addObject().put("name", x.name()).put("available", x.available());
                if (!x.reason().isEmpty()) {
                    one.put("reason", x.reason());
                }
            });
        });
        return o;
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode a = F.arrayNode();
        items.forEach(a::add);
        return a;
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
    }

    private static void error(Context ctx, int status, String message, List<Problem> problems) {
        ObjectNode o = F.objectNode().put("status", status).put("error", message);
        if (!problems.isEmpty()) {
            ArrayNode ps = o.putArray("problems");
            problems.forEach(p -> ps.addObject().put("path", p.path()).put("message", p.message()));
        }
        json(ctx, status, o);
    }
}
