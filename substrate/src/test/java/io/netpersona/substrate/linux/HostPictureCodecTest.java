package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Rate;
import io.netpersona.substrate.SubstrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPictureCodecTest {
    static final HostPicture PICTURE = new HostPicture(List.of(
            new HostPicture.Host("host-a", "npl-host-a", "npl-a-up", Rate.mbit(20), "npl-a-ifb", List.of("npl-a-arena", "npl-a-db")),
            new HostPicture.Host("host-b", "npl-host-b", "npl-b-up", Rate.mbit(2.5), null, List.of()),
            new HostPicture.Host("self", "", "eth0", Rate.parse("1Gbit"), "ifb0", List.of())));

    @Test
    void writtenPicturesReadBackEqual(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("host-picture.json");
        Files.writeString(f, HostPictureCodec.write(PICTURE));
        assertThat(HostPictureCodec.read(f)).isEqualTo(PICTURE);
        assertThat(Files.readString(f)).contains("\"capacity\" : \"20Mbit\"", "\"capacity\" : \"2.5Mbit\"");
    }

    @Test
    void anAbsentIfbAndAbsentAppsAreAllowed() {
        HostPicture p = HostPictureCodec.parse("""
                {"hosts": [{"name": "h", "netns": "h1", "uplink": "eth0", "capacity": "100Mbit"}]}""");
        assertThat(p.hosts().getFirst().ifb()).isNull();
        assertThat(p.hosts().getFirst().apps()).isEmpty();
    }

    @Test
    void badValuesAreRefusedWithTheirPath() {
        assertThatThrownBy(() -> HostPictureCodec.parse("""
                {"hosts": [{"name": "h", "netns": "h1", "uplink": "eth0", "capacity": "20MB"}]}"""))
                .isInstanceOf(SubstrateException.class)
                .hasMessageStartingWith("hosts[0].capacity: 20MB (expected: a rate in bits");
        assertThatThrownBy(() -> HostPictureCodec.parse("""
                {"hosts": [{"name": "h", "netns": "h1", "uplink": "eth0", "capacity": "20Mbit", "ifbb": "x"}]}"""))
                .hasMessageStartingWith("hosts[0].ifbb: unknown field");
        assertThatThrownBy(() -> HostPictureCodec.parse("""
                {"hosts": [{"name": "h", "netns": "h1", "uplink": "-rf", "capacity": "20Mbit"}]}"""))
                .hasMessageContaining("hosts[0]: host h: device -rf (expected: an interface name");
        assertThatThrownBy(() -> HostPictureCodec.parse("""
                {"hosts": [{"name": "h", "uplink": "eth0", "capacity": "20Mbit"}]}"""))
                .hasMessage("hosts[0].netns: missing (expected: a string)");
        assertThatThrownBy(() -> HostPictureCodec.parse("[]")).hasMessageContaining("expected an object");
        assertThatThrownBy(() -> HostPictureCodec.parse("{\"hosts\": [")).hasMessageStartingWith("not JSON");
    }

    @Test
    void aMissingFileNamesTheFile(@TempDir Path dir) {
        assertThatThrownBy(() -> HostPictureCodec.read(dir.resolve("nope.json")))
                .hasMessageContaining("cannot read the host picture " + dir.resolve("nope.json"));
    }
}
