package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReplayGuardProperties {

    static Heartbeat heartbeat(long bootId, long sequence) {
        return new Heartbeat(RouterRole.PRIMARY, HaState.ACTIVE, bootId, sequence, 0, 0, 0, true, true);
    }

    /** Small ranges, so that equal and older pairs come up often. */
    @Provide
    Arbitrary<List<Heartbeat>> arrivals() {
        return Combinators.combine(Arbitraries.longs().between(0, 3), Arbitraries.longs().between(0, 5))
                .as(ReplayGuardProperties::heartbeat)
                .list().ofMaxSize(30);
    }

    @Property
    void acceptsExactlyTheHeartbeatsNewerThanEveryAcceptedOne(@ForAll("arrivals") List<Heartbeat> arrivals) {
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
    }

    @Property
    void aNewerBootWithSequenceZeroIsAlwaysAccepted(@ForAll("arrivals") List<Heartbeat> arrivals) throws BadHeartbeat {
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
        guard.check(heartbeat(maxBoot + 1, 0));
    }
}
