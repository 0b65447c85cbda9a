package io.fulcrum.ha;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether this router is active: pulse's state machine, made free of split brain. It is
 * pure: time comes in as {@code now} (nanoseconds of one monotonic clock), heartbeats come in
 * decoded and authenticated, and what must happen goes out through {@link Actions}. Not
 * thread-safe: one thread (the heartbeat loop) drives it.
 *
 * <p>The rules, in order of precedence (docs/ha.md explains them to operators):
 * <ol>
 * <li>A router in {@link HaState#FAULT} (a monitored link is down) or {@link HaState#LEAVING}
 *     (stopping) never takes the active role.</li>
 * <li>No valid heartbeat on any link for {@code deadtime} (after a start, for at least a second):
 *     the partner is dead, take over; except that a backup whose partner's address keeps sending
 *     heartbeats it cannot authenticate (a different key: the primary is alive but misconfigured)
 *     does not take over until they have stopped for {@code deadtime}. The primary ignores such
 *     heartbeats, so that a pair with different keys has one active router, the primary.</li>
 * <li>The partner says it is leaving or has a link fault: take over at once.</li>
 * <li>Both standby (a cold start of both): the primary takes the active role.</li>
 * <li>Both active (heartbeats were cut, then came back): the primary wins; the backup steps down
 *     at once. The router that stays active announces its addresses again as soon as the split
 *     ends, whichever router hears the other first: when it finds the partner active, when the
 *     partner steps down from active, and when it hears a partner it had not heard for deadtime
 *     (or ever), since the partner may have held the addresses meanwhile.</li>
 * <li>A primary that finds an active backup stays standby (pulse's way), unless {@code failback}
 *     is on: then it takes over once it has been up and healthy for {@code failback_delay}, and
 *     rule 5 makes the backup step down.</li>
 * </ol>
 *
 * <p>A planned switch (the active router stops) loses nothing: the leaving router stops announcing
 * at once, keeps serving until its partner says it is active and then for {@link #HANDOVER_MARGIN}
 * more, and only then hands the addresses over, keeping them local and unannounced while it drains.
 * The partner, taking over from a leaving router, forwards the packets of connections it does not
 * know to it ("second chance", docs/ha.md) for as long as the leaving router says it is leaving.
 */
public final class Election {

    /** The heartbeat links: each router sends on both and hears the partner on both. */
    public enum Link { PUBLIC, PRIVATE }

    /** The settings of lvs.cf that steer the election. */
    public record Settings(RouterRole self, boolean standalone, Duration keepalive, Duration deadtime,
            boolean failback, Duration failbackDelay) {
        public Settings {
            Objects.requireNonNull(self, "self");
            if (!standalone && deadtime.compareTo(keepalive) <= 0) {
                throw new IllegalArgumentException("deadtime must be greater than keepalive");
            }
        }
    }

    /** What the election asks of the router; called on the election's thread, so they must not block. */
    public interface Actions {
        /** Bring up the floating addresses, announce them, run {@code active_cmd}. */
        void activate(String reason);

        /** Run {@code inactive_cmd}, take the floating addresses down. */
        void deactivate(String reason);

        /**
         * A planned switch is complete (the partner serves): run {@code inactive_cmd}, take the
         * floating addresses off the network but keep them local and unannounced, so that the
         * connections open here go on while the partner forwards their packets back.
         */
        void handOver(String reason);

        /** Stop announcing the addresses, at once: this router is leaving and its partner will announce them. */
        void silence();

        /**
         * Forward (or stop forwarding) to the partner the packets for the floating addresses of
         * connections this router does not know: the partner is leaving and still relays them.
         */
        void forwardUnknownFlows(boolean on);

        /** Announce the addresses again at once (another router may have claimed them). */
        void reannounce(String reason);

        /** Send a heartbeat now: the state changed and the partner should know before the next beat. */
        void heartbeatNow();
    }

    /** What this router knows of its partner, for status. */
    public record PartnerView(Optional<Heartbeat> last, long lastHeardPublic, long lastHeardPrivate, boolean alive) {}

    private static final long NEVER = Long.MIN_VALUE;
    /**
     * The least a router waits for its partner's first heartbeat after it starts: a JVM that has
     * just started (class loading, the first HMAC) on a busy host can take longer than a fast
     * deadtime to read it, and a backup that took over at every restart would steal the VIPs.
     */
    static final long STARTUP_WAIT = 1_000_000_000L;
    /** How long a router whose takeover failed leaves the role to its partner before it may try again. */
    static final long TAKEOVER_RETRY = 10_000_000_000L;
    /**
     * How long a leaving router keeps serving after its partner said it is active: the partner's
     * announcements are out, and its first repeat (at 100 ms) too, for a client that missed one.
     */
    public static final Duration HANDOVER_MARGIN = Duration.ofSeconds(1);

    private final Settings settings;
    private final Actions actions;
    private final long deadtime;
    private final long startupWait;
    private final long failbackDelay;

    private HaState state = HaState.STANDBY;
    private long stateSince;
    private long startedAt;
    /** Since when this router could serve (start, or the end of its last link fault). */
    private long eligibleSince;
    private final long[] lastHeard = {NEVER, NEVER};
    private Heartbeat partner;
    /** The partner's state as known before the heartbeat being handled; null while it was dead or never heard. */
    private HaState partnerBefore;
    private boolean stopping;
    private boolean handedOver;
    private boolean linksUsable = true;
    private long faultUntil = Long.MIN_VALUE;
    private boolean partnerTookOver;
    /** When a leaving router first heard its partner say it is active. */
    private long partnerActiveSince = NEVER;
    /** Whether this router forwards unknown connections' packets to its leaving partner. */
    private boolean forwarding;
    private String lastReason = "starting";
    /** When the partner's address last sent a heartbeat this router could not authenticate. */
    private long lastUnauthenticated = NEVER;
    /** The reason to show again once a backup that held back for a misconfigured partner hears it properly. */
    private String reasonBeforeHoldingBack;

    public Election(Settings settings, Actions actions) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.deadtime = settings.deadtime().toNanos();
        this.startupWait = Math.max(deadtime, STARTUP_WAIT);
        this.failbackDelay = settings.failbackDelay().toNanos();
    }

    /** Starts standby (or active at once for a standalone router) and waits for the partner. */
    public void start(long now) {
        startedAt = now;
        eligibleSince = now;
        stateSince = now;
        if (settings.standalone()) {
            become(HaState.ACTIVE, now, "standalone router (backup_active = 0)");
            actions.activate(lastReason);
        }
    }

    /** A valid heartbeat from the partner arrived on {@code link}. */
    public void heartbeat(Link link, Heartbeat heartbeat, long now) {
        partnerBefore = partnerAlive(now) ? partner.state() : null;
        lastHeard[link.ordinal()] = now;
        partner = heartbeat;
        evaluate(now);
    }

    /**
     * A heartbeat from the partner's address that this router cannot authenticate (a different key,
     * or a key on one side only): the partner is probably alive. See rule 2; the next {@link #tick}
     * acts on it (this is called for every such datagram, a flood included, so it only notes the time).
     */
    public void unauthenticated(long now) {
        lastUnauthenticated = now;
    }

    /** Time passed: checks the deadline and the failback delay. */
    public void tick(long now) {
        partnerBefore = partnerAlive(now) ? partner.state() : null;
        evaluate(now);
    }

    /** The monitored links ({@code monitor_links}): all usable, or at least one down. */
    public void links(boolean usable, long now) {
        linksUsable = usable;
        if (!usable && (state == HaState.ACTIVE || state == HaState.STANDBY)) {
            fault(now, "local link down: not serving until it is back");
        } else {
            leaveFault(now);
        }
    }

    /**
     * The floating addresses could not all be brought up: this router holds a fault for
     * {@link #TAKEOVER_RETRY} (the partner takes over meanwhile), then may try again.
     */
    public void takeoverFailed(long now) {
        if (state == HaState.ACTIVE) {
            faultUntil = now + TAKEOVER_RETRY;
            fault(now, "the floating addresses could not all be brought up; trying again in "
                    + TAKEOVER_RETRY / 1_000_000_000L + " s at the earliest");
        }
    }

    private void fault(long now, String reason) {
        boolean wasActive = state == HaState.ACTIVE;
        become(HaState.FAULT, now, reason);
        if (wasActive) {
            actions.deactivate(lastReason);
        }
        actions.heartbeatNow();
    }

    private void leaveFault(long now) {
        if (state == HaState.FAULT && linksUsable && now >= faultUntil) {
            eligibleSince = now;
            become(HaState.STANDBY, now, "fault cleared");
            actions.heartbeatNow();
            evaluate(now);
        }
    }

    /**
     * Stopping: tells the partner (LEAVING) and keeps serving until the partner says it is active
     * or is not there, so that a planned switch loses no new connection; {@link #handedOver()}
     * turns true then.
     */
    public void stop(long now) {
        if (stopping) {
            return;
        }
        stopping = true;
        boolean wasActive = state == HaState.ACTIVE;
        become(HaState.LEAVING, now, "stopping");
        if (wasActive && !settings.standalone()) {
            // the partner is about to announce the addresses: one announcement from here would pull a client back
            actions.silence();
        }
        actions.heartbeatNow();
        if (!wasActive) {
            handedOver = true;
        } else if (settings.standalone()) {
            handedOver = true;
            actions.deactivate("stopping");
        } else {
            evaluate(now);
        }
    }

    /**
     * The end of a stop, once the connections drained: tells the partner this router is gone
     * (standby), so that it stops forwarding to it at once rather than after deadtime.
     */
    public void finish(long now) {
        if (stopping && state == HaState.LEAVING) {
            become(HaState.STANDBY, now, "stopped");
            actions.heartbeatNow();
        }
    }

    /** True once a stopping router may exit: it was not active, or its partner took over (or is gone). */
    public boolean handedOver() {
        return handedOver;
    }

    /** True once a stopping active router saw its partner confirm that it serves now. */
    public boolean partnerTookOver() {
        return partnerTookOver;
    }

    /** Stops waiting for the partner: deactivates whatever happens (the stop timeout ran out). */
    public void giveUp(long now) {
        if (stopping && !handedOver) {
            handedOver = true;
            actions.deactivate("stopping: the partner did not confirm a takeover in time");
        }
    }

    public HaState state() {
        return state;
    }

    public long stateSince() {
        return stateSince;
    }

    /** Why the state is what it is, in a phrase for the log and status: the latest decision, not the first. */
    public String reason() {
        return lastReason;
    }

    public RouterRole role() {
        return settings.self();
    }

    public PartnerView partner(long now) {
        return new PartnerView(Optional.ofNullable(partner), lastHeard[0], lastHeard[1], partnerAlive(now));
    }

    /** When {@link #tick} must run next at the latest for the deadline and failback to be on time. */
    public long nextCheck(long now) {
        long next = now + deadtime;
        long heard = lastHeardAny();
        long deadline = heard == NEVER ? startedAt + startupWait : heard + deadtime;
        if (deadline > now) {
            next = Math.min(next, deadline);
        }
        if (lastUnauthenticated != NEVER && lastUnauthenticated + deadtime > now) {
            next = Math.min(next, lastUnauthenticated + deadtime);
        }
        if (state == HaState.FAULT && faultUntil > now) {
            next = Math.min(next, faultUntil);
        }
        if (state == HaState.LEAVING && !handedOver && partnerActiveSince != NEVER) {
            next = Math.min(next, partnerActiveSince + HANDOVER_MARGIN.toNanos());
        }
        if (failbackDue() && eligibleSince + failbackDelay > now) {
            next = Math.min(next, eligibleSince + failbackDelay);
        }
        return next;
    }

    private boolean failbackDue() {
        return settings.failback() && settings.self() == RouterRole.PRIMARY && state == HaState.STANDBY;
    }

    private long lastHeardAny() {
        return Math.max(lastHeard[0], lastHeard[1]);
    }

    private boolean partnerAlive(long now) {
        long heard = lastHeardAny();
        return heard != NEVER && now - heard < deadtime;
    }

    private void evaluate(long now) {
        if (settings.standalone() || (stopping && state != HaState.LEAVING)) {
            // a stopped router takes nothing back, whatever it hears in its last moments
            return;
        }
        boolean alive = partnerAlive(now);
        HaState theirs = alive ? partner.state() : null;
        if (alive && reasonBeforeHoldingBack != null) {
            lastReason = reasonBeforeHoldingBack;
            reasonBeforeHoldingBack = null;
        }
        switch (state) {
            case STANDBY -> {
                if (!alive) {
                    if (lastHeardAny() == NEVER && now - startedAt < startupWait) {
                        return;
                    }
                    if (settings.self() == RouterRole.BACKUP && partnerMisconfigured(now)) {
                        holdBack();
                        return;
                    }
                    take(now, lastHeardAny() == NEVER
                            ? "no heartbeat from the partner since start (deadtime)"
                            : "partner dead: no heartbeat for deadtime");
                } else if (theirs == HaState.LEAVING) {
                    // before the addresses come up: the first packet of an open connection must find the way back
                    forwarding = true;
                    actions.forwardUnknownFlows(true);
                    take(now, "partner is stopping");
                } else if (theirs == HaState.FAULT) {
                    take(now, "partner has a link failure");
                } else if (theirs == HaState.STANDBY && settings.self() == RouterRole.PRIMARY) {
                    take(now, "both standby: the primary takes the active role");
                } else if (theirs == HaState.ACTIVE && failbackDue() && now - eligibleSince >= failbackDelay) {
                    take(now, "failback: the primary takes the active role back");
                }
            }
            case ACTIVE -> {
                if (forwarding && theirs != HaState.LEAVING) {
                    // the partner drained and said so, died, or came back: nothing left to forward to it
                    stopForwarding();
                }
                if (theirs == HaState.ACTIVE) {
                    if (settings.self() == RouterRole.BACKUP) {
                        become(HaState.STANDBY, now, "both active: the primary keeps the active role");
                        actions.deactivate(lastReason);
                        actions.heartbeatNow();
                    } else if (partnerBefore != HaState.ACTIVE) {
                        reannounce("both active: the primary keeps the role and announces its addresses again");
                    }
                } else if (alive && partnerBefore == null) {
                    // the client may still send to the partner's MAC: a split ended where the partner heard us first
                    reannounce("the partner is heard again: announcing the addresses again in case it held them");
                } else if (alive && partnerBefore == HaState.ACTIVE) {
                    // the end of what the reason already says (both active, a failback): no new reason
                    actions.reannounce("the partner stepped down: announcing the addresses again");
                }
            }
            case LEAVING -> {
                if (handedOver) {
                    return;
                }
                if (!alive) {
                    handedOver = true;
                    actions.deactivate("stopping: no partner to hand over to");
                } else if (theirs == HaState.ACTIVE) {
                    if (partnerActiveSince == NEVER) {
                        partnerActiveSince = now;
                    }
                    if (now - partnerActiveSince >= HANDOVER_MARGIN.toNanos()) {
                        handedOver = true;
                        partnerTookOver = true;
                        actions.handOver("stopping: the partner took over");
                    }
                } else {
                    // the partner went back to standby (a takeover failed there): serve on meanwhile
                    partnerActiveSince = NEVER;
                }
            }
            case FAULT -> leaveFault(now);
        }
    }

    /** Keeps the role for a new reason: status shows the latest one, next to the time the role began. */
    private void reannounce(String reason) {
        lastReason = reason;
        actions.reannounce(reason);
    }

    private boolean partnerMisconfigured(long now) {
        return lastUnauthenticated != NEVER && now - lastUnauthenticated < deadtime;
    }

    /** Taking the addresses from a partner that serves them would make a split brain: stay standby, say why. */
    private void holdBack() {
        if (reasonBeforeHoldingBack == null) {
            reasonBeforeHoldingBack = lastReason;
            lastReason = "the partner's address sends heartbeats this router cannot authenticate (a different"
                    + " heartbeat key?): not taking over from a partner that is alive";
        }
    }

    private void take(long now, String reason) {
        become(HaState.ACTIVE, now, reason);
        actions.activate(reason);
        actions.heartbeatNow();
    }

    private void stopForwarding() {
        forwarding = false;
        actions.forwardUnknownFlows(false);
    }

    private void become(HaState next, long now, String reason) {
        if (forwarding && next != HaState.ACTIVE) {
            stopForwarding();
        }
        state = next;
        stateSince = now;
        lastReason = reason;
        reasonBeforeHoldingBack = null;
    }
}
