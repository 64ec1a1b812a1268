package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.substrate.SubstrateException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several users of one state folder: objects of one process and other processes take turns, and each
 * sees what the others wrote instead of overwriting it with what it read before.
 */
class RecordsLockTest {
    @TempDir
    Path dir;

    @Test
    void aWriterSeesWhatAnotherObjectOnTheFolderWroteSinceItLastRead() {
        Records a = new Records(dir);
        Records b = new Records(dir);
        a.exclusive(() -> a.saveAll(List.of(RecordsTest.record("one", "1"))));
        assertThat(b.exclusive(() -> b.all())).extracting(Records.Record::persona).containsExactly("one");
        b.exclusive(() -> b.saveAll(List.of(RecordsTest.record("two", "1"))));
        // a read the log before b wrote: without looking again it would drop "two" from its view
        assertThat(a.exclusive(() -> a.all())).extracting(Records.Record::persona).containsExactlyInAnyOrder("one", "two");
        assertThat(new Records(dir).all()).extracting(Records.Record::persona).containsExactlyInAnyOrder("one", "two");
    }

    @Test
    void threadsOfOneProcessTakeTurnsAndAnOperationMayCallAnother() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstIn = new CountDownLatch(1);
        Records a = new Records(dir);
        Records b = new Records(dir);
        Thread t = Thread.ofPlatform().start(() -> a.exclusive(() -> {
            events.add("a in");
            firstIn.countDown();
            a.exclusive(() -> events.add("a nested")); // reentrant: no deadlock with itself
            sleep(300);
            events.add("a out");
        }));
        assertThat(firstIn.await(10, TimeUnit.SECONDS)).isTrue();
        b.exclusive(() -> events.add("b in"));
        t.join(10_000);
        assertThat(events).containsExactly("a in", "a nested", "a out", "b in");
    }

    @Test
    void anotherProcessHoldingTheFolderMakesAWriterWaitAndThenFailNamingIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("held");
            Records mine = new Records(dir, Duration.ofMillis(400));
            assertThatThrownBy(() -> mine.exclusive(() -> mine.all()))
                    .isInstanceOf(SubstrateException.class)
                    .hasMessageContaining("pid " + holder.pid())
                    .hasMessageContaining(dir.toString());
            holder.getOutputStream().close(); // lets the holder finish
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(mine.exclusive(() -> mine.all())).extracting(Records.Record::persona).containsExactly("held");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aPlanWhoseNumberAnotherProcessRecordedSinceIsRefusedAsStale() {
        Records planner = new Records(dir);
        int minor = planner.exclusive(() -> planner.allocate("late"));
        Records other = new Records(dir);
        other.exclusive(() -> other.saveAll(List.of(new Records.Record("early", minor, Map.of(), "{}")
                .with(RecordsTest.record("early", "1").entries(), "{}"))));
        assertThatThrownBy(() -> planner.exclusive(planner::checkReservations))
                .isInstanceOf(SubstrateException.class)
                .hasMessageContaining("late").hasMessageContaining("early").hasMessageContaining("plan again");
        // planned again, it gets a free number
        assertThat(planner.exclusive(() -> planner.allocate("late"))).isNotEqualTo(minor);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Another process on the folder: takes it, writes a record, says so, and holds it until its input closes. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            Records r = new Records(Path.of(args[0]));
            r.exclusive(() -> {
                r.saveAll(List.of(RecordsTest.record("held", "1")));
                System.out.println("held");
                System.out.flush();
                try {
                    while (System.in.read() >= 0) {
                        // wait for the test to close our input
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
