package io.netpersona.learn.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.TrafficClass;
import org.junit.jupiter.api.Test;

/**
 * The behaviour rules on flows made packet by packet through the flow meter (so the features are the meter's:
 * gaps, payload, flags, handshake), every server on the same private port so that only behaviour can tell them
 * apart: segments fetched at a bitrate are streaming, a transfer that never pauses or whose client only
 * acknowledges is bulk, short HTTP-like request/response connections are interactive, and a long connection
 * of small exchanges stays transactional.
 */
class FallbackClassifierTest {
    static final long US = 1_000L, MS = 1_000_000L;
    static final int PSH = Traffic.PSH, ACK = Traffic.ACK, FIN = Traffic.FIN;
    static final String SERVER = "10.0.0.1";
    static final int PORT = 7000;

    static Traffic traffic() {
        return new Traffic(Selection.AUTO, FallbackClassifier.INSTANCE);
    }

    /** {@code packets} full frames from the server to {@code client}, {@code gap} apart, the client acknowledging every second one. */
    static void burst(Traffic t, String client, int cport, int packets, long gap) {
        for (int i = 0; i < packets; i++) {
            t.advance(gap).tcp(SERVER, PORT, client, cport, ACK, 1448);
            if (i % 2 == 1) {
                t.tcp(client, cport, SERVER, PORT, ACK, 0);
            }
        }
    }

    /**
     * Two viewers, each on one connection: three segments at once to fill the buffer, then one a second; each
     * segment (216 frames, about 312 kB: 2.5 Mbit/s) asked for with an 8-byte request.
     */
    static TrafficClass video(boolean requests, int pauseMs) {
        return video(FallbackClassifier.INSTANCE, requests, pauseMs);
    }

    static TrafficClass video(io.netpersona.learn.classify.FlowClassifier classifier, boolean requests, int pauseMs) {
        Traffic t = new Traffic(Selection.AUTO, classifier);
        for (int v = 1; v <= 2; v++) {
            t.connect("10.0.1." + v, 41000 + v, SERVER, PORT);
        }
        for (int segment = 0; segment < 8; segment++) {
            for (int v = 1; v <= 2; v++) {
                String client = "10.0.1." + v;
                if (requests) {
                    t.advance(US).tcp(client, 41000 + v, SERVER, PORT, ACK | PSH, 8);
                }
                burst(t, client, 41000 + v, 216, 150 * US);
            }
            if (segment >= 2) {
                t.advance(pauseMs * MS);
            }
        }
        return t.finish().trafficClass().trafficClass();
    }

    @Test
    void learningTakesTheStreamingShapeOverALessSureModel() {
        assertThat(video(FallbackClassifier.forLearning(), true, 900)).isEqualTo(TrafficClass.STREAMING);
    }

    @Test
    void segmentsFetchedAtABitrateAreStreaming() {
        assertThat(video(true, 900)).isEqualTo(TrafficClass.STREAMING);
    }

    @Test
    void theSameVolumeWithoutPausesIsBulk() {
        assertThat(video(true, 0)).isEqualTo(TrafficClass.BULK);
    }

    @Test
    void burstsAndPausesTheClientNeverAskedForAreBulk() {
        assertThat(video(false, 900)).isEqualTo(TrafficClass.BULK);
    }

    /** A backup's paced streams: 64 kB written every 87 ms (6 Mbit/s) on three connections, the clients only acknowledging. */
    @Test
    void pacedStreamsOfABackupAreBulk() {
        Traffic t = traffic();
        for (int c = 1; c <= 3; c++) {
            t.connect("10.0.2." + c, 42000 + c, SERVER, PORT);
        }
        for (int chunk = 0; chunk < 40; chunk++) {
            for (int c = 1; c <= 3; c++) {
                burst(t, "10.0.2." + c, 42000 + c, 45, 100 * US);
            }
            t.advance(73 * MS);
        }
        assertThat(t.finish().trafficClass().trafficClass()).isEqualTo(TrafficClass.BULK);
    }

    /** Browsers: a connection per request, an 80-byte GET, a 16 kB answer, the server's close. */
    @Test
    void shortRequestsEachOnAConnectionOfItsOwnAreInteractive() {
        Traffic t = traffic();
        for (int r = 0; r < 30; r++) {
            String client = "10.0.3." + (1 + r % 2);
            int cport = 43000 + r;
            t.advance(50 * MS).connect(client, cport, SERVER, PORT);
            t.advance(US).tcp(client, cport, SERVER, PORT, ACK | PSH, 80);
            t.advance(20 * MS).tcp(SERVER, PORT, client, cport, ACK | PSH, 120);
            burst(t, client, cport, 11, 100 * US);
            t.advance(US).tcp(SERVER, PORT, client, cport, ACK | FIN, 0);
            t.advance(20 * MS).tcp(client, cport, SERVER, PORT, ACK | FIN, 0);
        }
        assertThat(t.finish().trafficClass().trafficClass()).isEqualTo(TrafficClass.INTERACTIVE);
    }

    /** A request/response service on long connections: many small exchanges on each, as a database's clients make. */
    @Test
    void manySmallExchangesOnALongConnectionStayTransactional() {
        Traffic t = traffic();
        for (int c = 1; c <= 4; c++) {
            t.connect("10.0.4." + c, 44000 + c, SERVER, PORT);
        }
        for (int q = 0; q < 150; q++) {
            for (int c = 1; c <= 4; c++) {
                String client = "10.0.4." + c;
                t.advance(5 * MS).tcp(client, 44000 + c, SERVER, PORT, ACK | PSH, 60);
                t.advance(MS).tcp(SERVER, PORT, client, 44000 + c, ACK | PSH, 180);
            }
            t.advance(10 * MS);
        }
        assertThat(t.finish().trafficClass().trafficClass()).isEqualTo(TrafficClass.TRANSACTIONAL);
    }
}
