package io.fulcrum.schedule;

import io.fulcrum.model.SchedulerFlag;
import io.fulcrum.model.SchedulerKind;
import java.util.Set;
import java.util.function.LongSupplier;

/** Creates the scheduler a virtual server names in lvs.cf. */
public final class Schedulers {

    private Schedulers() {
    }

    /**
     * @param flags the virtual server's scheduler flags (only sh and mh read them)
     * @param nanoClock monotonic time in nanoseconds, for the schedulers that age state (lblc, lblcr)
     */
    public static Scheduler create(SchedulerKind kind, Set<SchedulerFlag> flags, LongSupplier nanoClock) {
        // Each helper adds its cases here; the default goes once all thirteen exist.
        return switch (kind) {
            case DH -> new DestinationHashing();
            case SH -> new SourceHashing(flags);
            case MH -> new Maglev(flags);
            default -> throw new UnsupportedOperationException(kind.lvsName() + " is not implemented yet");
        };
    }

    public static Scheduler create(SchedulerKind kind) {
        return create(kind, Set.of(), System::nanoTime);
    }
}
