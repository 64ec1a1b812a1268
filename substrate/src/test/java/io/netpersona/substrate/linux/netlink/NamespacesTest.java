package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A namespace's name becomes a path under /run/netns only when it is a plain file name. */
class NamespacesTest {
    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "../../proc/1/ns/net", "a/b", "/run/netns/x", "a b", "x\0y", "ns;rm"})
    void namesThatAreNotPlainFileNamesAreRefused(String name) {
        assertThatThrownBy(() -> Namespaces.validate(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(expected: 1-255 of A-Z a-z 0-9 _ . -, not . or ..)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "t1a2b-app_1.x", "npb-host", "...", "a..b"})
    void plainNamesAndTheOwnNamespacePass(String name) {
        assertThat(Namespaces.validate(name)).isEqualTo(name);
    }
}
