package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulcrum.ha.Election.Link;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The election with a manual clock: every rule of docs/ha.md, one scenario each. */
class ElectionTest {

    private static final long MS = 1_000_000L;
    private static final Duration KEEPALIVE = Duration.ofMillis(100);
    private static final Duration DEADTIME = Duration.ofMillis(400);

    /** Records what the election asked for, as short words. */
    private static final class Recorder implements Election.Actions {
        final List<String> done = new ArrayList<>();

        @Override
        public void activate(String reason) {
            done.add("activate");
        }

        @Override
        public void deactivate(String reason) {
            done.add("deactivate");
        }

        @Override
        public void reannounce(String reason) {
            done.add("reannounce");
        }

        @Override
        public void heartbeatNow() {
            done.add("beat");
        }

        @Override
        public void handOver(String reason) {
            done.add("handOver");
        }

        @Override
        public void silence() {
            done.add("silence");
        }

        @Override
        public void forwardUnknownFlows(boolean on) {
            done.add(on ? "forward" : "stopForwarding");
        }

        List<String> drain() {
            List<String> copy = List.copyOf(done);
            done.clear();
            return copy;
        }
    }

    private final Recorder actions = new Recorder();
    private long now = 1_000 * MS;

    private Election election(RouterRole role, boolean failback, Duration failbackDelay) {
        Election election = new Election(new Election.Settings(role, false, KEEPALIVE, DEADTIME, failback, failbackDelay),
                actions);
        election.start(now);
        return election;
    }

    private Election election(RouterRole role) {
        return election(role, false, Duration.ZERO);
    }

    private static Heartbeat from(RouterRole role, HaState state) {
        return new Heartbeat(role, state, 1, 1, 42, 3, 3, true, true);
    }

    private void advance(long millis) {
        now += millis * MS;
    }

    @Test
    void aStandaloneRouterIsActiveAtOnceAndStopsWithoutWaiting() {
        Election election = new Election(new Election.Settings(RouterRole.PRIMARY, true, KEEPALIVE, DEADTIME, false,
                Duration.ZERO), actions);
        election.start(now);
        assertThat(election.state()).isEqualTo(HaState.ACTIVE);
        assertThat(actions.drain()).containsExactly("activate");
        election.stop(now);
        assertThat(election.handedOver()).isTrue();
        assertThat(actions.drain()).containsExactly("beat", "deactivate");
    }

    @Test
    void deadtimeMustExceedKeepalive() {
        assertThatThrownBy(() -> new Election.Settings(RouterRole.PRIMARY, false, DEADTIME, KEEPALIVE, false, Duration.ZERO))
                .hasMessageContaining("deadtime");
    }

    @Nested
    class ColdStart {
        @Test
        void aRouterThatHearsNobodyTakesOverAfterTheStartupWait() {
            Election election = election(RouterRole.BACKUP);
            assertThat(election.nextCheck(now)).isEqualTo(now + DEADTIME.toNanos());
            advance(999);
            election.tick(now);
            assertThat(election.nextCheck(now)).isEqualTo(now + MS);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            advance(1);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("since start");
            assertThat(actions.drain()).containsExactly("activate", "beat");
        }

        @Test
        void thePrimaryTakesTheRoleAtOnceWhenBothAreStandby() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("both standby");
        }

        @Test
        void theBackupWaitsForAStandbyPrimary() {
            Election election = election(RouterRole.BACKUP);
            for (int i = 0; i < 20; i++) {
                advance(100);
                election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.STANDBY), now);
            }
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(actions.drain()).isEmpty();
        }

        @Test
        void aReturningPrimaryStaysStandbyBehindAnActiveBackup() {
            Election election = election(RouterRole.PRIMARY);
            for (int i = 0; i < 100; i++) {
                advance(100);
                election.heartbeat(Link.PRIVATE, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            }
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(actions.drain()).isEmpty();
        }
    }

    @Nested
    class Takeover {
        private Election activeBackupCandidate() {
            Election election = election(RouterRole.BACKUP);
            election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
            return election;
        }

        @Test
        void thePartnerIsDeadAfterDeadtimeWithoutAnyLink() {
            Election election = activeBackupCandidate();
            advance(100);
            election.heartbeat(Link.PRIVATE, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
            assertThat(election.nextCheck(now)).isEqualTo(now + DEADTIME.toNanos());
            advance(399);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            advance(1);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("partner dead");
            assertThat(election.partner(now).alive()).isFalse();
        }

        @Test
        void oneLiveLinkKeepsThePartnerAlive() {
            Election election = activeBackupCandidate();
            for (int i = 0; i < 50; i++) {
                advance(100);
                election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
                election.tick(now);
            }
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(election.partner(now).lastHeardPrivate()).isEqualTo(Long.MIN_VALUE);
        }

        @Test
        void aLeavingPartnerIsReplacedAtOnce() {
            Election election = activeBackupCandidate();
            advance(10);
            election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.LEAVING), now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("stopping");
        }

        @Test
        void aPartnerWithALinkFaultIsReplacedAtOnce() {
            Election election = activeBackupCandidate();
            advance(10);
            election.heartbeat(Link.PRIVATE, from(RouterRole.PRIMARY, HaState.FAULT), now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("link failure");
        }
    }

    @Nested
    class SplitBrain {
        @Test
        void theBackupStepsDownWhenBothAreActive() {
            Election election = election(RouterRole.BACKUP);
            advance(1_000);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            actions.drain();
            election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(actions.drain()).containsExactly("deactivate", "beat");
        }

        @Test
        void thePrimaryReannouncesOnceWhenItFindsAnActiveBackup() {
            Election election = election(RouterRole.PRIMARY);
            advance(1_000);
            election.tick(now);
            actions.drain();
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            advance(100);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(actions.drain()).containsExactly("reannounce");
        }

        @Test
        void aPartnerActiveBeforeACutIsAnnouncedAgainWhenTheCutHeals() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            advance(1_000);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            actions.drain();
            advance(5_000);
            election.tick(now);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(actions.drain()).containsExactly("reannounce");
        }

        /** The primary active, then a cut of {@code cut} ms in which it hears nothing; the beats of the backup after it. */
        private Election primaryAfterACut(boolean heardBefore, long cut) {
            Election election = election(RouterRole.PRIMARY);
            if (heardBefore) {
                election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            } else {
                advance(1_000);
                election.tick(now);
            }
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            advance(cut);
            election.tick(now);
            actions.drain();
            return election;
        }

        /**
         * Whatever the order of beats when a split ends, the primary (which stays active) announces
         * at once: the client may still send to the backup's MAC. Each row: the backup's beats the
         * primary hears after the cut, and whether the primary had heard the backup before it.
         */
        @Test
        void theRouterThatStaysActiveAnnouncesWhenTheSplitEndsWhateverTheOrderOfBeats() {
            record Row(String order, boolean heardBefore, List<HaState> backupBeats, List<String> expected) {}
            List<Row> rows = List.of(
                    new Row("the primary hears the active backup first", true,
                            List.of(HaState.ACTIVE, HaState.ACTIVE, HaState.STANDBY, HaState.STANDBY),
                            List.of("reannounce", "reannounce")),
                    new Row("the backup hears the primary first and steps down", true,
                            List.of(HaState.STANDBY, HaState.STANDBY, HaState.STANDBY),
                            List.of("reannounce")),
                    new Row("the primary started during the cut, the backup heard it first", false,
                            List.of(HaState.STANDBY, HaState.STANDBY),
                            List.of("reannounce")),
                    new Row("the primary started during the cut and hears the active backup first", false,
                            List.of(HaState.ACTIVE, HaState.STANDBY, HaState.STANDBY),
                            List.of("reannounce", "reannounce")));
            for (Row row : rows) {
                Election election = primaryAfterACut(row.heardBefore(), 3_000);
                for (HaState beat : row.backupBeats()) {
                    advance(100);
                    election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, beat), now);
                    election.heartbeat(Link.PRIVATE, from(RouterRole.BACKUP, beat), now);
                    election.tick(now);
                }
                assertThat(election.state()).as(row.order()).isEqualTo(HaState.ACTIVE);
                assertThat(actions.drain()).as(row.order()).isEqualTo(row.expected());
            }
        }

        @Test
        void theReasonIsTheLatestDecisionAndTheSinceStaysWhenTheRoleDoes() {
            Election election = primaryAfterACut(true, 3_000);
            long since = election.stateSince();
            assertThat(election.reason()).contains("both standby");
            advance(100);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.reason()).contains("both active: the primary keeps the role");
            advance(100);
            // the backup stepping down ends what the reason says: it stays
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            assertThat(election.reason()).contains("both active: the primary keeps the role");
            assertThat(election.stateSince()).isEqualTo(since);
        }

        @Test
        void aOneWaySplitEndsWithAnAnnouncementWhenTheBackupStepsDown() {
            Election election = primaryAfterACut(true, 100);
            for (int i = 0; i < 30; i++) {
                advance(100);
                election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            }
            assertThat(actions.drain()).containsExactly("reannounce");
            advance(100);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            assertThat(actions.drain()).containsExactly("reannounce");
        }

        @Test
        void aPartnerHeardWithoutACutIsNotAnnouncedAgain() {
            Election election = primaryAfterACut(true, 100);
            for (int i = 0; i < 30; i++) {
                advance(100);
                election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
                election.tick(now);
            }
            assertThat(actions.drain()).isEmpty();
        }
    }

    /** Docs/ha.md, "Heartbeat keys": a partner alive with another key is not taken over by the backup. */
    @Nested
    class KeyMismatch {
        @Test
        void theBackupDoesNotTakeOverWhileThePartnersAddressSendsBeatsItCannotAuthenticate() {
            Election election = election(RouterRole.BACKUP);
            for (int i = 0; i < 50; i++) {
                advance(100);
                election.unauthenticated(now);
                election.tick(now);
            }
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(election.reason()).contains("cannot authenticate");
            assertThat(actions.drain()).isEmpty();
            // the primary dies: its beats stop, and deadtime later the backup takes over
            assertThat(election.nextCheck(now)).isEqualTo(now + DEADTIME.toNanos());
            advance(399);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            advance(1);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("no heartbeat from the partner");
        }

        @Test
        void thePrimaryIgnoresThemSoThatThePairHasOneActiveRouter() {
            Election election = election(RouterRole.PRIMARY);
            for (int i = 0; i < 20; i++) {
                advance(100);
                election.unauthenticated(now);
                election.tick(now);
            }
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("since start");
        }

        @Test
        void anActiveBackupStaysActive() {
            Election election = election(RouterRole.BACKUP);
            advance(1_000);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            actions.drain();
            for (int i = 0; i < 20; i++) {
                advance(100);
                election.unauthenticated(now);
                election.tick(now);
            }
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(actions.drain()).isEmpty();
        }

        @Test
        void theUsualReasonComesBackWhenThePartnerIsHeardProperly() {
            Election election = election(RouterRole.BACKUP);
            advance(1_000);
            election.unauthenticated(now);
            election.tick(now);
            assertThat(election.reason()).contains("cannot authenticate");
            election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
            assertThat(election.reason()).isEqualTo("starting");
        }
    }

    @Nested
    class Links {
        @Test
        void anActiveRouterThatLosesALinkHandsOverAndComesBackStandby() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            actions.drain();
            election.links(false, now);
            assertThat(election.state()).isEqualTo(HaState.FAULT);
            assertThat(actions.drain()).containsExactly("deactivate", "beat");
            advance(10);
            election.heartbeat(Link.PRIVATE, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            advance(1_000);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.FAULT);
            election.heartbeat(Link.PRIVATE, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            election.links(true, now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(actions.drain()).containsExactly("beat");
        }

        @Test
        void aFaultyRouterDoesNotTakeOverEvenWhenThePartnerDies() {
            Election election = election(RouterRole.BACKUP);
            election.links(false, now);
            advance(10_000);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.FAULT);
        }
    }

    @Nested
    class FailedTakeover {
        @Test
        void aRouterThatCouldNotTakeOverLeavesTheRoleForAWhile() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            actions.drain();
            election.takeoverFailed(now);
            assertThat(election.state()).isEqualTo(HaState.FAULT);
            assertThat(actions.drain()).containsExactly("deactivate", "beat");
            assertThat(election.nextCheck(now)).isEqualTo(now + DEADTIME.toNanos());
            for (int i = 0; i < 99; i++) {
                advance(100);
                election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            }
            assertThat(election.state()).isEqualTo(HaState.FAULT);
            advance(100);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
        }
    }

    @Nested
    class Failback {
        @Test
        void thePrimaryTakesTheRoleBackAfterTheDelay() {
            Election election = election(RouterRole.PRIMARY, true, Duration.ofSeconds(1));
            for (int i = 0; i < 9; i++) {
                advance(100);
                election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            }
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(election.nextCheck(now)).isEqualTo(now + 100 * MS);
            advance(100);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            assertThat(election.reason()).contains("failback");
        }

        @Test
        void theDelayCountsFromTheEndOfALinkFault() {
            Election election = election(RouterRole.PRIMARY, true, Duration.ofSeconds(1));
            election.links(false, now);
            advance(900);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            election.links(true, now);
            advance(200);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            advance(800);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.state()).isEqualTo(HaState.ACTIVE);
        }
    }

    @Nested
    class Stop {
        @Test
        void anActiveRouterKeepsServingUntilThePartnerConfirmsAndAMarginMore() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            actions.drain();
            election.stop(now);
            assertThat(election.state()).isEqualTo(HaState.LEAVING);
            assertThat(election.handedOver()).isFalse();
            assertThat(actions.drain()).containsExactly("silence", "beat");
            advance(5);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            assertThat(election.handedOver()).isFalse();
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            long confirmed = now;
            assertThat(election.nextCheck(now)).isLessThanOrEqualTo(confirmed + Election.HANDOVER_MARGIN.toNanos());
            for (long ms = 0; ms < Election.HANDOVER_MARGIN.toMillis(); ms += 100) {
                election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
                assertThat(election.handedOver()).as("%d ms after the partner's confirmation", ms).isFalse();
                advance(100);
            }
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.handedOver()).isTrue();
            assertThat(election.partnerTookOver()).isTrue();
            assertThat(actions.drain()).containsExactly("handOver");
            election.finish(now);
            assertThat(election.state()).isEqualTo(HaState.STANDBY);
            assertThat(actions.drain()).containsExactly("beat");
            advance(10_000);
            election.tick(now);
            assertThat(election.state()).as("a stopped router takes nothing back").isEqualTo(HaState.STANDBY);
            assertThat(actions.drain()).isEmpty();
        }

        @Test
        void aPartnerThatFallsBackToStandbyRestartsTheMargin() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            election.stop(now);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            advance(900);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            advance(200);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            assertThat(election.handedOver()).isFalse();
            advance(Election.HANDOVER_MARGIN.toMillis());
            election.tick(now);
            assertThat(election.handedOver()).isTrue();
        }

        @Test
        void aPartnerThatDiesDuringTheMarginLeavesNobodyToHandOverTo() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            election.stop(now);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.ACTIVE), now);
            actions.drain();
            advance(DEADTIME.toMillis());
            election.tick(now);
            assertThat(election.handedOver()).isTrue();
            assertThat(election.partnerTookOver()).isFalse();
            assertThat(actions.drain()).containsExactly("deactivate");
        }

        @Test
        void theRouterTakingOverFromALeavingPartnerForwardsUntilThePartnerIsGone() {
            record Row(String end, HaState last, long silenceMs) {}
            for (Row row : List.of(new Row("says it stopped", HaState.STANDBY, 0),
                    new Row("dies", HaState.LEAVING, DEADTIME.toMillis()))) {
                Election election = election(RouterRole.BACKUP);
                election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
                actions.drain();
                election.heartbeat(Link.PRIVATE, from(RouterRole.PRIMARY, HaState.LEAVING), now);
                assertThat(actions.drain()).as(row.end()).containsExactly("forward", "activate", "beat");
                for (int beat = 0; beat < 300; beat++) {
                    advance(100);
                    election.heartbeat(Link.PRIVATE, from(RouterRole.PRIMARY, HaState.LEAVING), now);
                }
                assertThat(actions.drain()).as("%s: the partner drains", row.end()).isEmpty();
                advance(100);
                if (row.last() != HaState.LEAVING) {
                    election.heartbeat(Link.PRIVATE, from(RouterRole.PRIMARY, row.last()), now);
                }
                advance(row.silenceMs());
                election.tick(now);
                assertThat(actions.drain()).as(row.end()).containsExactly("stopForwarding");
                assertThat(election.state()).isEqualTo(HaState.ACTIVE);
            }
        }

        @Test
        void aRouterThatStopsWhileForwardingStopsForwarding() {
            Election election = election(RouterRole.BACKUP);
            election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
            election.heartbeat(Link.PRIVATE, from(RouterRole.PRIMARY, HaState.LEAVING), now);
            actions.drain();
            election.stop(now);
            assertThat(actions.drain()).startsWith("stopForwarding", "silence", "beat");
        }

        @Test
        void takingOverFromADeadPartnerForwardsNothing() {
            Election election = election(RouterRole.BACKUP);
            election.heartbeat(Link.PUBLIC, from(RouterRole.PRIMARY, HaState.ACTIVE), now);
            actions.drain();
            advance(DEADTIME.toMillis());
            election.tick(now);
            assertThat(actions.drain()).containsExactly("activate", "beat");
        }

        @Test
        void aStandbyRouterLeavesAtOnceAndNeverActivates() {
            Election election = election(RouterRole.BACKUP);
            election.stop(now);
            assertThat(election.handedOver()).isTrue();
            advance(10_000);
            election.tick(now);
            assertThat(election.state()).isEqualTo(HaState.LEAVING);
            assertThat(actions.drain()).containsExactly("beat");
        }

        @Test
        void withoutAPartnerTheActiveRouterDeactivatesAtOnce() {
            Election election = election(RouterRole.PRIMARY);
            advance(1_000);
            election.tick(now);
            actions.drain();
            election.stop(now);
            assertThat(election.handedOver()).isTrue();
            assertThat(election.partnerTookOver()).isFalse();
            assertThat(actions.drain()).containsExactly("silence", "beat", "deactivate");
        }

        @Test
        void givingUpDeactivatesOnce() {
            Election election = election(RouterRole.PRIMARY);
            election.heartbeat(Link.PUBLIC, from(RouterRole.BACKUP, HaState.STANDBY), now);
            election.stop(now);
            actions.drain();
            election.giveUp(now);
            election.giveUp(now);
            assertThat(actions.drain()).containsExactly("deactivate");
        }
    }
}
