package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text of glibc's inet_ntop (what ip and ss print), checked against strings it gives. */
class InetTextTest {
    @ParameterizedTest
    @CsvSource({
        "00000000000000000000000000000000, ::",
        "00000000000000000000000000000001, ::1",
        "fe800000000000000000000000000001, fe80::1",
        "fd000099000000000000000000000002, fd00:99::2",
        "fd000000000000000000000000000000, fd00::",
        "20010db8000000010001000100010001, 2001:db8:0:1:1:1:1:1",
        "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
        "00000000000000000000ffff0a630001, ::ffff:10.99.0.1",
        "0000000000000000000000000a000001, ::10.0.0.1",
        "20010db8000000000000000000abcdef, 2001:db8::ab:cdef",
        "0a630001, 10.99.0.1",
        "ffffffff, 255.255.255.255",
    })
    void asInetNtopPrintsIt(String hex, String text) {
        assertThat(InetText.of(HexFormat.of().parseHex(hex))).isEqualTo(text);
    }
}
