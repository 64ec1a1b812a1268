package io.netpersona.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {
    @ParameterizedTest
    @CsvSource({"20Mbit,20000000,20Mbit", "1.5Gbit,1500000000,1.5Gbit", "500kbit,500000,500kbit",
            "800kbit/s,800000,800kbit", "100Mbps,100000000,100Mbit", "7bit,7,7bit", "1234567bit,1234567,1234.567kbit",
            "2mbit,2000000,2Mbit", "10Tbit,10000000000000,10Tbit", "0bit,0,0bit"})
    void ratesReadAsPeopleWriteThem(String text, long bps, String canonical) {
        Rate r = Rate.parse(text);
        assertThat(r.bitsPerSecond()).isEqualTo(bps);
        assertThat(r.toString()).isEqualTo(canonical);
        assertThat(Rate.parse(r.toString())).isEqualTo(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fast", "20", "20 Mbytes", "Mbit", "1.2.3Mbit", "20MB", "11Tbit"})
    void badRatesNameTheExpectation(String text) {
        assertThatThrownBy(() -> Rate.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("expected: a rate");
    }

    @Test
    void negativeRateIsRefusedAsNegative() {
        assertThatThrownBy(() -> Rate.parse("-5Mbit")).hasMessage("expected: a positive rate such as 20Mbit");
    }

    @ParameterizedTest
    @CsvSource({"32KiB,32768,32KiB", "1.5MiB,1572864,1.5MiB", "64kB,64000,64kB", "64KB,64000,64kB",
            "1500B,1500,1500B", "1500,1500,1500B", "1GiB,1073741824,1GiB", "1536B,1536,1536B", "1.5KiB,1536,1536B", "1000KiB,1024000,1024kB"})
    void sizes(String text, long bytes, String canonical) {
        ByteSize s = ByteSize.parse(text);
        assertThat(s.bytes()).isEqualTo(bytes);
        assertThat(s.toString()).isEqualTo(canonical);
        assertThat(ByteSize.parse(s.toString())).isEqualTo(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"32Ki", "big", "-1KiB", "1.5XB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @CsvSource({"10s,10000,10s", "250ms,250,250ms", "1.5s,1500,1.5s", "2m,120000,2m", "1h,3600000,1h",
            "90s,90000,90s", "60s,60000,1m", "0.5ms,0,500us"})
    void durations(String text, long millis, String canonical) {
        Duration d = Durations.parse(text);
        assertThat(d.toMillis()).isEqualTo(millis);
        assertThat(Durations.format(d)).isEqualTo(canonical);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10 parsecs", "-1s", "1d", "s"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void everyRateAndSizeWritesBackToItself() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Rate rate = new Rate((long) (r.nextDouble() * Rate.MAX_BITS_PER_SECOND));
            assertThat(Rate.parse(rate.toString())).isEqualTo(rate);
            ByteSize size = new ByteSize(r.nextLong(ByteSize.MAX_BYTES));
            assertThat(ByteSize.parse(size.toString())).isEqualTo(size);
            Duration d = Duration.ofNanos(r.nextLong(Duration.ofDays(365).toNanos()) / 1000 * 1000);
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }

    @ParameterizedTest
    @CsvSource({"10.201.2.2,10.201.2.2", "fd00::2,fd00::2", "FD00:0:0:0:0:0:0:2,fd00::2", "::1,::1", "::,::",
            "2001:db8:0:0:1:0:0:1,2001:db8::1:0:0:1", "2001:0db8::0001,2001:db8::1"})
    void addressesAreCanonical(String text, String canonical) {
        assertThat(IpAddress.parse(text).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.300", "10.1", "localhost", "example.org", "1.2.3.4.5", "fd00:::1", "01.2.3.4"})
    void addressesAreLiteralsOnly(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void cidrs() {
        assertThat(Cidr.parse("10.201.2.0/24").toString()).isEqualTo("10.201.2.0/24");
        assertThat(Cidr.parse("10.201.2.2").toString()).isEqualTo("10.201.2.2/32");
        assertThat(Cidr.parse("fd00::/64").toString()).isEqualTo("fd00::/64");
        assertThat(Cidr.parse("10.201.2.0/24").contains(IpAddress.parse("10.201.2.77"))).isTrue();
        assertThat(Cidr.parse("10.201.2.0/24").contains(IpAddress.parse("10.201.3.1"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/24")).hasMessageContaining("such as 10.0.0.0/24");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("with a prefix length of 0..32");
    }

    @Test
    void dscpByNameOrNumber() {
        assertThat(Dscp.parse("EF").value()).isEqualTo(46);
        assertThat(Dscp.parse("af41").value()).isEqualTo(34);
        assertThat(Dscp.parse("cs1").toString()).isEqualTo("CS1");
        assertThat(Dscp.parse("46").toString()).isEqualTo("EF");
        assertThat(Dscp.parse("3").toString()).isEqualTo("3");
        assertThatThrownBy(() -> Dscp.parse("64")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> Dscp.parse("GOLD")).isInstanceOf(InvalidValueException.class);
    }
}
