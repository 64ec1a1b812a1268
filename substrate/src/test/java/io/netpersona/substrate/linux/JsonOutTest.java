package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The records' JSON writer writes strings as Jackson's generator does, byte for byte. */
class JsonOutTest {
    private static String jackson(Object value) {
        return new String(RecordsJson.JSON.writeValueAsBytes(value), StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfCharacterIsWrittenAsJacksonWritesIt() {
        List<String> texts = new ArrayList<>(List.of("", "plain ascii / <>&'", "\"\\", "\u0000\u0001\b\t\n\u000b\f\r\u001b\u001f\u007f",
                "é€\u2028𝄞", "lone \uD834 high", "lone \uDD1E low", "end \uD834", "\uD834\uD834\uDD1E", "what? \uD834?", "?", "12345678\"12345678\n"));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                s.append(switch (random.nextInt(4)) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) random.nextInt(0x100);
                    case 2 -> (char) random.nextInt(0x10000);
                    default -> (char) (0xd800 + random.nextInt(0x800));
                });
            }
            texts.add(s.toString());
        }
        for (String t : texts) {
            JsonOut out = new JsonOut(0);
            out.value(t);
            assertThat(out.text(0)).as("%s", t.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(jackson(t));
        }
    }

    @Test
    void objectsAndArraysGetTheirCommas() {
        JsonOut out = new JsonOut(0);
        out.beginObject().property("a", "1").name("b").beginArray().value(2).nullValue().beginObject().endObject()
                .beginArray().endArray().endArray().name("c").rawValue("{\"d\":[]}").endObject();
        assertThat(out.text(0)).isEqualTo("{\"a\":\"1\",\"b\":[2,null,{},[]],\"c\":{\"d\":[]}}");
        assertThat(RecordsJson.JSON.readTree(out.bytes()).get("b").size()).isEqualTo(4);
    }
}
