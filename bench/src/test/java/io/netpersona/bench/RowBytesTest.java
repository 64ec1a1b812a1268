package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.IpText;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RowBytesTest {
    private static String written(Consumer<RowBytes> write) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RowBytes b = new RowBytes(out, 200);
        write.accept(b);
        b.flush();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Addresses with many zero groups (runs of every length and place), against persona's IpText. */
    @Test
    void ipv6AsPersonaWritesIt() throws Exception {
        Random random = new Random(11);
        for (int n = 0; n < 20_000; n++) {
            ByteBuffer a = ByteBuffer.allocate(16);
            for (int g = 0; g < 8; g++) {
                int kind = random.nextInt(4);
                a.putShort((short) (kind < 2 ? 0 : kind == 2 ? random.nextInt(16) << (4 * random.nextInt(4)) : random.nextInt()));
            }
            long hi = a.getLong(0), lo = a.getLong(8);
            assertThat(written(b -> b.ipv6(hi, lo))).isEqualTo(IpText.of(InetAddress.getByAddress(a.array())));
        }
    }

    @Test
    void ipv4AndNumbers() throws Exception {
        assertThat(written(b -> b.ipv4(0xc0a8_0001L).comma().ipv4(0).comma().ipv4(0xffff_ffffL)))
                .isEqualTo("192.168.0.1,0.0.0.0,255.255.255.255");
        Random random = new Random(5);
        for (int n = 0; n < 10_000; n++) {
            long v = random.nextLong() >>> random.nextInt(1, 64);
            assertThat(written(b -> b.number(v))).isEqualTo(Long.toString(v));
        }
    }

    /** Times across years, in every fraction's length, and past four-digit years, against Instant.toString. */
    @Test
    void instantsAndDurationsAsTheJdkWritesThem() throws Exception {
        Random random = new Random(3);
        for (int n = 0; n < 20_000; n++) {
            long seconds = random.nextInt(8) == 0 ? random.nextLong() % 400_000_000_000L : random.nextLong(4_102_444_800L);
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            if (Math.abs(seconds) > Long.MAX_VALUE / 1_000_000_000L - 1) {
                continue;
            }
            long nanos = seconds * 1_000_000_000L + nano;
            assertThat(written(b -> b.instant(nanos)))
                    .isEqualTo(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
                            .toString());
            long d = random.nextLong(1L << random.nextInt(1, 50));
            long micros = (d + 500) / 1000;
            assertThat(written(b -> b.millis(d))).isEqualTo(String.format(Locale.ROOT, "%d.%03d", micros / 1000, micros % 1000));
        }
    }
}
