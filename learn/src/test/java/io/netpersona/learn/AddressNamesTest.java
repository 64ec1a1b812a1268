package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The address table keeps what a linked hash map in answer order, bounded the same way, keeps. */
class AddressNamesTest {
    private record Address(long hi, long lo) {
    }

    @Test
    void keepsTheNewestAnswersAsALinkedHashMapDoes() {
        int capacity = 50;
        Map<Address, String> model = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Address, String> eldest) {
                return size() > capacity;
            }
        };
        AddressNames names = new AddressNames(capacity);
        SplittableRandom random = new SplittableRandom(9);
        // few distinct addresses, so that answers repeat, evictions happen and probe runs collide
        List<Address> addresses = random.ints(120, 0, 1 << 20)
                .mapToObj(i -> new Address(i % 3 == 0 ? 0 : i * 31L, 0xffff_0000_0000L | i)).toList();
        for (int step = 0; step < 200_000; step++) {
            Address a = addresses.get(random.nextInt(addresses.size()));
            if (random.nextBoolean()) {
                String name = "n" + step;
                model.remove(a);
                model.put(a, name);
                names.put(a.hi(), a.lo(), name);
            }
            assertThat(names.get(a.hi(), a.lo())).as("step %d", step).isEqualTo(model.get(a));
            assertThat(names.size()).isEqualTo(model.size());
        }
        for (Address a : addresses) {
            assertThat(names.get(a.hi(), a.lo())).isEqualTo(model.get(a));
        }
        assertThat(model).hasSize(capacity);
    }
}
