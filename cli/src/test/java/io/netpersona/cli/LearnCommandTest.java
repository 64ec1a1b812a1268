package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaValidator;
import io.netpersona.model.TrafficClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnCommandTest {
    @TempDir
    Path dir;

    /** A raw-IPv4 pcap of a game server (10.0.0.1, udp/27015) with three clients and a database it holds open. */
    static Path gameCapture(Path dir) {
        Pcap p = new Pcap();
        p.tcp("10.0.0.1", 50000, "10.0.0.2", 5432, 0x02, 0).tcp("10.0.0.2", 5432, "10.0.0.1", 50000, 0x12, 0)
                .tcp("10.0.0.1", 50000, "10.0.0.2", 5432, 0x10, 0);
        for (int tick = 0; tick < 300; tick++) {
            p.time += 20_000;
            for (int c = 1; c <= 3; c++) {
                p.udp("10.0.1." + c, 40000 + c, "10.0.0.1", 27015, 60).udp("10.0.0.1", 27015, "10.0.1." + c, 40000 + c, 120);
            }
            if (tick % 25 == 0) {
                p.tcp("10.0.0.1", 50000, "10.0.0.2", 5432, 0x18, 80).tcp("10.0.0.2", 5432, "10.0.0.1", 50000, 0x18, 200);
            }
        }
        return p.write(dir.resolve("game.pcap"));
    }

    @Test
    void learnsTheDominantServersPersonaAsYaml() {
        Path game = gameCapture(dir);
        MainTest.Result r = MainTest.run("learn", game.toString(), "--name", "arena");
        assertThat(r.code()).as(r.err()).isZero();
        Persona p = PersonaCodec.readYaml(r.out());
        assertThat(PersonaValidator.validate(p)).isEmpty();
        assertThat(p.name()).isEqualTo("arena");
        assertThat(p.spec().trafficClass()).isEqualTo(TrafficClass.REALTIME);
        assertThat(p.spec().security().allow()).extracting(Object::toString).containsExactly(
                "AllowRule[direction=INGRESS, proto=UDP, from=null, to=null, port=27015, dependency=null]",
                "AllowRule[direction=EGRESS, proto=TCP, from=null, to=10.0.0.2/32, port=5432, dependency=postgres-10-0-0-2]");
        assertThat(r.out()).contains("to: 10.0.0.2/32", "capture: game.pcap", "spec.trafficClass:");
        // the confidence is the standard classifier's, whatever its model says; the class and counts are fixed
        assertThat(r.err()).matches("(?s)persona: learned arena: realtime \\(confidence (0\\.\\d+|1)\\), 4 flows, 1 served "
                + "endpoint, 1 dependency.*");
    }

    @Test
    void outputGoesToAFileWholeOrNotAtAll() throws IOException {
        Path game = gameCapture(dir);
        Path out = dir.resolve("arena.yaml");
        Files.writeString(out, "old");
        MainTest.Result r = MainTest.run("learn", game.toString(), "--app-port", "udp/27015", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).endsWith("written to " + out + "\n");
        assertThat(PersonaCodec.readYaml(Files.readString(out)).name()).isEqualTo("app-udp-27015");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("game.pcap", "arena.yaml");
        }
    }

    @Test
    void errorsNameTheFileOrTheOption() {
        Path game = gameCapture(dir);
        MainTest.Result r = MainTest.run("learn", game.toString(), "--app-port", "sctp/9");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: --app-port sctp/9: expected a port such as 27015, udp/27015 or tcp/5432");
        r = MainTest.run("learn", game.toString(), "--app-ip", "db.lab");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: --app-ip db.lab: expected an IPv4 or IPv6 address");
        r = MainTest.run("learn", dir.resolve("missing.pcap").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("persona: " + dir.resolve("missing.pcap") + ": no such file");
        r = MainTest.run("learn", game.toString(), "--app-port", "tcp/80");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("persona: no server on tcp/80 in the capture; servers seen: udp/27015 on 10.0.0.1");
        r = MainTest.run("learn");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: a capture FILE, or --netns NAME / --interface IF for a live capture, is needed");
        r = MainTest.run("learn", game.toString(), "--netns", "x");
        assertThat(r.code()).isEqualTo(2);
        r = MainTest.run("learn", "--netns", "-x", "--duration", "1s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: --netns -x: not a namespace name");
        r = MainTest.run("learn", "--netns", "x", "--duration", "soon");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: --duration soon: expected a duration such as 10s");
        r = MainTest.run("learn", game.toString(), "--name", "Arena!");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("persona: --name Arena!: 1-63 characters of a-z");
    }

    @Test
    void helpHasExamples() {
        MainTest.Result r = MainTest.run("learn", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("persona learn --netns npl-a-arena --duration 60s", "--app-port", "Examples:");
    }

    /** A little-endian pcap of raw IPv4 packets (link type 101), microsecond timestamps. */
    static final class Pcap {
        final ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long time = 1_700_000_000_000_000L;

        Pcap() {
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        }

        Pcap udp(String src, int sport, String dst, int dport, int payload) {
            ByteBuffer t = ByteBuffer.allocate(8 + payload);
            t.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload));
            return ip(src, dst, 17, t.array());
        }

        Pcap tcp(String src, int sport, String dst, int dport, int flags, int payload) {
            ByteBuffer t = ByteBuffer.allocate(20 + payload);
            t.putShort((short) sport).putShort((short) dport).putInt(1).putInt(1).put((byte) 0x50).put((byte) flags)
                    .putShort((short) 65535);
            return ip(src, dst, 6, t.array());
        }

        Pcap ip(String src, String dst, int proto, byte[] transport) {
            time += 100;
            ByteBuffer ip = ByteBuffer.allocate(20 + transport.length);
            ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + transport.length)).putShort((short) 1)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0)
                    .put(InetAddress.ofLiteral(src).getAddress()).put(InetAddress.ofLiteral(dst).getAddress()).put(transport);
            b.putInt((int) (time / 1_000_000)).putInt((int) (time % 1_000_000)).putInt(ip.capacity()).putInt(ip.capacity())
                    .put(ip.array());
            return this;
        }

        Path write(Path file) {
            try {
                return Files.write(file, java.util.Arrays.copyOf(b.array(), b.position()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
