package io.netpersona.identity;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.netpersona.model.Names;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The node a peer is, read from its verified client certificate: the one subject alternative name URI
 * {@code spiffe://netpersona/node/NODE}. Only that URI counts (not the CN), and a certificate with none, or
 * with two, names no node.
 */
public final class NodeIdentity {
    public static final String URI_PREFIX = "spiffe://netpersona/node/";
    private static final int SAN_URI = 6;
    private static final Context.Key<String> NODE = Context.key("netpersona-node");

    private NodeIdentity() {}

    /** The node named by {@code cert}, or why there is none. */
    public static Result nodeOf(X509Certificate cert) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return new Result.None("the subject alternative names cannot be read");
        }
        List<String> nodes = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.get(0) instanceof Integer type && type == SAN_URI && san.get(1) instanceof String uri
                        && uri.startsWith(URI_PREFIX)) {
                    nodes.add(uri.substring(URI_PREFIX.length()));
                }
            }
        }
        if (nodes.size() != 1) {
            return new Result.None(nodes.isEmpty() ? "the certificate names no node (no SAN URI " + URI_PREFIX + "NODE)"
                    : "the certificate names " + nodes.size() + " nodes");
        }
        String node = nodes.getFirst();
        return Names.isName(node) ? new Result.Node(node) : new Result.None("the certificate's node name is not a name");
    }

    /** A node, or the reason a certificate names none. */
    public sealed interface Result {
        record Node(String name) implements Result {}

        record None(String reason) implements Result {}
    }

    /**
     * An interceptor for servers that require client certificates: every call learns the caller's node
     * ({@link #current()}); a call whose peer names no node is closed with UNAUTHENTICATED before any
     * service code sees it.
     */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                Result r = peerNode(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                if (r instanceof Result.None(String reason)) {
                    call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return Contexts.interceptCall(Context.current().withValue(NODE, ((Result.Node) r).name()), call, headers, next);
            }
        };
    }

    static Result peerNode(SSLSession session) {
        if (session == null) {
            return new Result.None("the connection is not TLS");
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate x509)) {
                return new Result.None("the peer presented no X.509 certificate");
            }
            return nodeOf(x509);
        } catch (SSLPeerUnverifiedException e) {
            return new Result.None("the peer presented no verified certificate");
        }
    }

    /** The node of the calling peer, inside a call that went through {@link #interceptor()}. */
    public static Optional<String> current() {
        return Optional.ofNullable(NODE.get());
    }
}
