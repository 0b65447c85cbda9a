package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ReplayGuardProperties {

    static Heartbeat heartbeat(long bootId, long sequence) {
        return new Heartbeat(RouterRole.PRIMARY, HaState.ACTIVE, bootId, sequence, 0, 0, 0, true, true);
    }

    /** Small ranges, so that equal and older pairs come up often. */
    static Gen<List<Heartbeat>> arrivals() {
        return lists().of(longs().between(0, 3).zip(longs().between(0, 5), ReplayGuardProperties::heartbeat))
                .ofSizeBetween(0, 30);
    }

    @Test
    void acceptsExactlyTheHeartbeatsNewerThanEveryAcceptedOne() {
        qt().forAll(arrivals()).checkAssert(arrivals -> {
            ReplayGuard guard = new ReplayGuard();
            Heartbeat newest = null;
            for (Heartbeat h : arrivals) {
                boolean newer = newest == null || h.bootId() > newest.bootId()
                        || h.bootId() == newest.bootId() && h.sequence() > newest.sequence();
                boolean accepted;
                try {
                    guard.check(h);
                    accepted = true;
                } catch (BadHeartbeat e) {
                    accepted = false;
                }
                assertThat(accepted).as("%s after %s", h, newest).isEqualTo(newer);
                if (accepted) {
                    newest = h;
                }
            }
        });
    }

    @Test
    void aNewerBootWithSequenceZeroIsAlwaysAccepted() {
        qt().forAll(arrivals()).checkAssert(arrivals -> {
            ReplayGuard guard = new ReplayGuard();
            long maxBoot = 0;
            for (Heartbeat h : arrivals) {
                try {
                    guard.check(h);
                } catch (BadHeartbeat e) {
                    // replays are what the generator makes; the restart below is what is checked
                }
                maxBoot = Math.max(maxBoot, h.bootId());
            }
            long restarted = maxBoot + 1;
            assertThatCode(() -> guard.check(heartbeat(restarted, 0))).doesNotThrowAnyException();
        });
    }
}
