package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fulcrum.ha.BadHeartbeat.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplayGuardTest {

    /** Rows: (bootId, sequence) arriving in order; "+" accepted, "-" rejected as replayed. */
    static Stream<Arguments> arrivals() {
        return Stream.of(
                Arguments.of("the first heartbeat is accepted whatever it holds", "1000/57+"),
                Arguments.of("increasing sequences", "1000/0+ 1000/1+ 1000/2+"),
                Arguments.of("gaps are lost heartbeats, not attacks", "1000/0+ 1000/5+ 1000/6+"),
                Arguments.of("the same heartbeat twice", "1000/3+ 1000/3-"),
                Arguments.of("an older sequence", "1000/3+ 1000/2- 1000/4+"),
                Arguments.of("a restarted partner starts again at 0", "1000/9+ 2000/0+ 2000/1+"),
                Arguments.of("its previous run is replayed after the restart", "1000/9+ 2000/0+ 1000/10- 2000/1+"),
                Arguments.of("an older boot with a higher sequence", "2000/0+ 1999/999999-"),
                Arguments.of("a rejected heartbeat changes nothing", "1000/5+ 1000/4- 1000/5- 1000/6+"),
                Arguments.of("with a key, nobody can forge a far-future boot", "1000/5+ 9000000/0+ 1000/6-"));
    }

    /** Without a key anyone may send any boot id: a forged one must not lock the real partner out. */
    static Stream<Arguments> unkeyedArrivals() {
        return Stream.of(
                Arguments.of("increasing sequences", "1000/0+ 1000/1+ 1000/2+"),
                Arguments.of("the same heartbeat twice", "1000/3+ 1000/3-"),
                Arguments.of("an older sequence in the same run", "1000/3+ 1000/2- 1000/4+"),
                Arguments.of("a restarted partner starts again at 0", "1000/9+ 2000/0+ 2000/1+"),
                Arguments.of("a forged far-future boot does not lock the partner out",
                        "1000/5+ 9000000/0+ 1000/6+ 1000/7+ 1000/7-"),
                Arguments.of("a partner whose clock went back across a restart is heard", "2000/9+ 1500/1+ 1500/2+"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arrivals")
    void acceptsOnlyNewerHeartbeats(String what, String row) {
        assertThat(verdicts(new ReplayGuard(), row)).isEqualTo(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unkeyedArrivals")
    void withoutAKeyAcceptsAnyChangeOfBootAndNewerSequencesWithinOne(String what, String row) {
        assertThat(verdicts(new ReplayGuard(false), row)).isEqualTo(row);
    }

    private static String verdicts(ReplayGuard guard, String row) {
        List<String> verdicts = new ArrayList<>();
        for (String arrival : row.split(" ")) {
            String[] parts = arrival.substring(0, arrival.length() - 1).split("/");
            Heartbeat h = ReplayGuardProperties.heartbeat(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            BadHeartbeat bad = catchThrowableOfType(BadHeartbeat.class, () -> guard.check(h));
            if (bad != null) {
                assertThat(bad.reason()).isEqualTo(Reason.REPLAYED);
            }
            verdicts.add(arrival.substring(0, arrival.length() - 1) + (bad == null ? "+" : "-"));
        }
        return String.join(" ", verdicts);
    }
}
