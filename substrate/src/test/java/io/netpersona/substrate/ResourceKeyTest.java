package io.netpersona.substrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResourceKeyTest {
    /** Keys sort as their text does: plans, journals and records have always been in that order. */
    @Test
    void ordersAsItsText() {
        Random random = new Random(7);
        String[] parts = {"", "a", "b", "a b", "(host)", "(hosu", "tc-htb-class", "tc-htb", "up0 1:10", "up0 1:1",
                "npb-host", "npb-host ", " ", "z", "A", "é"};
        List<Resource.Key> keys = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            keys.add(new Resource.Key(parts[random.nextInt(parts.length)], parts[random.nextInt(parts.length)],
                    parts[random.nextInt(parts.length)]));
        }
        for (int i = 0; i < keys.size(); i++) {
            Resource.Key a = keys.get(i);
            Resource.Key b = keys.get(random.nextInt(keys.size()));
            assertEquals(Integer.signum(a.toString().compareTo(b.toString())), Integer.signum(a.compareTo(b)), a + " vs " + b);
            assertEquals(0, a.compareTo(new Resource.Key(a.kind(), a.scope(), a.id())));
        }
    }
}
