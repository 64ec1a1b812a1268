package io.netpersona.bench;

import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.CertificateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A CA and one certificate per simulated node, kept under bench/target between runs: every agent is its own
 * TLS client with its own node certificate, as real agents are, and 10,000 of them are worth issuing once.
 */
final class FleetCerts {
    /** Issued for this many days, remade when older than {@link #RENEW_DAYS} so a run never meets an expired one. */
    private static final int DAYS = 30;
    private static final int RENEW_DAYS = 20;

    private FleetCerts() {}

    static CertificateDir prepare(Path dir, int nodes) throws IOException {
        CertificateDir certs = new CertificateDir(dir);
        Clock clock = Clock.systemUTC();
        if (Files.exists(certs.caCert())
                && Files.getLastModifiedTime(certs.caCert()).toInstant().isBefore(Instant.now().minus(Duration.ofDays(RENEW_DAYS)))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        if (!Files.exists(certs.caCert())) {
            CertificateAuthority.init(dir, List.of(), clock, DAYS);
        }
        long t = System.nanoTime();
        long issued = IntStream.range(0, nodes).parallel().map(i -> {
            String node = node(i);
            if (Files.exists(certs.nodeCert(node)) && Files.exists(certs.nodeKey(node))) {
                return 0;
            }
            try {
                // a run stopped between the two files leaves one of them, which issuing refuses to overwrite
                Files.deleteIfExists(certs.nodeCert(node));
                Files.deleteIfExists(certs.nodeKey(node));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            CertificateAuthority.issue(dir, node, clock, DAYS);
            return 1;
        }).sum();
        if (issued > 0) {
            System.out.printf("issued %d node certificates in %.1f s (kept in %s)%n", issued, (System.nanoTime() - t) / 1e9, dir);
        }
        return certs;
    }

    static String node(int i) {
        return "sim-" + i;
    }
}
