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
        // No default: a new SchedulerKind without a scheduler is a compile error here.
        return switch (kind) {
            case RR -> new RoundRobin();
            case WRR -> new WeightedRoundRobin();
            case LC -> new LeastConnection();
            case WLC -> new WeightedLeastConnection();
            case SED -> new ShortestExpectedDelay();
            case NQ -> new NeverQueue();
            case FO -> new WeightedFailover();
            case OVF -> new WeightedOverflow();
            case LBLC -> new LocalityBasedLeastConnection(nanoClock, LocalityBasedLeastConnection.DEFAULT_EXPIRATION);
            case LBLCR -> new LocalityBasedLeastConnectionWithReplication(
                    nanoClock, LocalityBasedLeastConnectionWithReplication.DEFAULT_EXPIRATION);
            case DH -> new DestinationHashing();
            case SH -> new SourceHashing(flags);
            case MH -> new Maglev(flags);
        };
    }

    public static Scheduler create(SchedulerKind kind) {
        return create(kind, Set.of(), System::nanoTime);
    }
}
