package io.netpersona.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's REST API as the operator commands use it. A refusal becomes a {@link Failure} carrying
 * the server's own message (and every problem it listed), never a stack trace.
 */
final class ApiClient {
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where the control plane is, and the token: flags first, then PERSONA_SERVER and PERSONA_TOKEN. */
    static final class Options {
        @Option(names = "--server", paramLabel = "URL",
                description = "The control plane's REST API (default: $PERSONA_SERVER, else http://127.0.0.1:7080).")
        String server;

        @Option(names = "--token", paramLabel = "TOKEN", description = "The admin token (default: $PERSONA_TOKEN).")
        String token;

        @Option(names = "--token-file", paramLabel = "FILE", description = "Read the admin token from FILE (the control "
                + "plane's DATA/admin.token), keeping it out of the process list.")
        Path tokenFile;

        ApiClient client() {
            return client(System.getenv());
        }

        ApiClient client(Map<String, String> env) {
            String url = server != null ? server : env.getOrDefault("PERSONA_SERVER", "http://127.0.0.1:7080");
            String t = token;
            if (t == null && tokenFile != null) {
                try {
                    t = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
                } catch (IOException e) {
                    throw new Failure("--token-file: " + tokenFile + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                }
            }
            if (t == null) {
                t = env.get("PERSONA_TOKEN");
            }
            if (t == null || t.isBlank()) {
                throw new Failure("token: none (expected: --token, --token-file or PERSONA_TOKEN; 'persona serve' wrote it to "
                        + "DATA/admin.token)");
            }
            URI base;
            try {
                base = URI.create(url.endsWith("/") ? url : url + "/");
            } catch (IllegalArgumentException e) {
                throw new Failure("server: '" + url + "' (expected: a URL such as http://127.0.0.1:7080)");
            }
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
                throw new Failure("server: '" + url + "' (expected: a URL such as http://127.0.0.1:7080)");
            }
            return new ApiClient(base, t);
        }
    }

    /** A request the server refused, or a server that could not be reached; the message is for the operator. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    // HTTP/1.1 from the start: with the default (an h2c upgrade offered first) each request took about half a
    // second longer against the control plane's Jetty, as measured in the control plane's tests
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String token;

    private ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, String body) {
        return send("POST", path, body);
    }

    JsonNode put(String path) {
        return send("PUT", path, null);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, String body) {
        URI uri = base.resolve("api/v1/" + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure("cannot reach the control plane at " + base + " (connection refused)");
        } catch (IOException e) {
            throw new Failure("cannot reach the control plane at " + base + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        JsonNode json = parse(r.body());
        if (r.statusCode() >= 400) {
            throw new Failure(refusal(r.statusCode(), json, r.body()));
        }
        return json;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String refusal(int status, JsonNode json, String body) {
        if (json == null || !json.has("error")) {
            String text = body == null ? "" : body.strip();
            return "the control plane answered " + status + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse(""));
        }
        StringBuilder b = new StringBuilder(json.get("error").asString());
        JsonNode problems = json.get("problems");
        if (problems != null) {
            for (JsonNode p : problems) {
                b.append("\n  ").append(p.get("path").asString()).append(": ").append(p.get("message").asString());
            }
        }
        return b.toString();
    }
}
