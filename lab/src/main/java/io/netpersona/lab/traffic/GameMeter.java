package io.netpersona.lab.traffic;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one game player sees: each input carries a sequence number, the server's update for it echoes that
 * number, and the player measures
 * <ul>
 *   <li>RTT: from sending an input to its update arriving;
 *   <li>jitter: how much the RTT changes from one update to the next, in arrival order (RFC 3550's idea,
 *       on round trips, as a player feels it);
 *   <li>loss: inputs whose update never came. Inputs sent in the last {@code drain} before the end are not
 *       judged (their updates may still be on the way), so stopping a run early does not count as loss;
 *       loss is also given per second of sending, so a bad second shows as a high percentile.
 * </ul>
 * Duplicates and updates for unknown numbers are ignored. Used by one thread; {@link #merge} combines players.
 */
final class GameMeter {
    static final long SECOND = 1_000_000_000L;
    private long[] sentAt = new long[1024];
    private int sent;
    private final BitSet answered = new BitSet();
    private final Samples rtt = new Samples(), jitter = new Samples();
    private long lastRtt = -1;
    /** Each answered input's send time and RTT, in answer order, for the RTT second by second. */
    private long[] timed = new long[2048];
    private int timedCount;

    /** Records input {@code seq} (0, 1, 2, ...: the caller numbers them in order) as sent at {@code nanos}. */
    int send(long nanos) {
        if (sent == sentAt.length) {
            sentAt = Arrays.copyOf(sentAt, sent * 2);
        }
        sentAt[sent] = nanos;
        return sent++;
    }

    void answer(int seq, long nanos) {
        if (seq < 0 || seq >= sent || answered.get(seq)) {
            return;
        }
        answered.set(seq);
        long r = nanos - sentAt[seq];
        rtt.add(r);
        if (timedCount + 2 > timed.length) {
            timed = Arrays.copyOf(timed, timed.length * 2);
        }
        timed[timedCount++] = sentAt[seq];
        timed[timedCount++] = r;
        if (lastRtt >= 0) {
            jitter.add(Math.abs(r - lastRtt));
        }
        lastRtt = r;
    }

    int sent() {
        return sent;
    }

    /** Players' results together: RTT and jitter percentiles in ms, loss in percent (overall and per second). */
    static Map<String, Double> merge(List<GameMeter> players, long endNanos, long drainNanos) {
        Samples rtts = new Samples(), jitters = new Samples(), secondLoss = new Samples();
        long judged = 0, lost = 0, sent = 0;
        for (GameMeter m : players) {
            rtts.addAll(m.rtt);
            jitters.addAll(m.jitter);
            sent += m.sent;
            long cutoff = endNanos - drainNanos;
            long windowStart = m.sent == 0 ? 0 : m.sentAt[0];
            int inWindow = 0, lostInWindow = 0;
            for (int i = 0; i < m.sent && m.sentAt[i] <= cutoff; i++) {
                if (m.sentAt[i] - windowStart >= SECOND) {
                    secondLoss.add(Math.round(lostInWindow * 10_000.0 / inWindow));
                    windowStart += (m.sentAt[i] - windowStart) / SECOND * SECOND;
                    inWindow = 0;
                    lostInWindow = 0;
                }
                judged++;
                inWindow++;
                if (!m.answered.get(i)) {
                    lost++;
                    lostInWindow++;
                }
            }
            if (inWindow > 0) {
                secondLoss.add(Math.round(lostInWindow * 10_000.0 / inWindow));
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("inputs", (double) sent);
        out.put("updates", (double) rtts.offered());
        out.put("rttP50Ms", ms(rtts.percentile(50)));
        out.put("rttP95Ms", ms(rtts.percentile(95)));
        out.put("rttP99Ms", ms(rtts.percentile(99)));
        rtts.quantilesMs("rttQ", out);
        out.put("jitterMeanMs", ms(jitters.mean()));
        out.put("jitterP99Ms", ms(jitters.percentile(99)));
        out.put("lossPct", judged == 0 ? Double.NaN : lost * 100.0 / judged);
        out.put("lossP50Pct", secondLoss.percentile(50) / 100);
        out.put("lossP99Pct", secondLoss.percentile(99) / 100);
        return out;
    }

    /**
     * The players' p99 RTT second by second from {@code originNanos}, by when each input was sent: {@code rttS<i>P99Ms}
     * for each whole second {@code i} before {@code endNanos} in which some input was answered. Inputs never answered
     * are in the loss, not here.
     */
    static Map<String, Double> perSecond(List<GameMeter> players, long originNanos, long endNanos) {
        int seconds = (int) Math.max(0, (endNanos - originNanos) / SECOND);
        Samples[] bySecond = new Samples[seconds];
        for (GameMeter m : players) {
            for (int i = 0; i < m.timedCount; i += 2) {
                long at = m.timed[i] - originNanos;
                int second = at < 0 ? -1 : (int) (at / SECOND);
                if (second >= 0 && second < seconds) {
                    if (bySecond[second] == null) {
                        bySecond[second] = new Samples();
                    }
                    bySecond[second].add(m.timed[i + 1]);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < seconds; i++) {
            if (bySecond[i] != null) {
                out.put("rttS" + i + "P99Ms", ms(bySecond[i].percentile(99)));
            }
        }
        return out;
    }

    static double ms(double nanos) {
        return nanos / 1e6;
    }
}
