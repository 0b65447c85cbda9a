package io.fulcrum.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {

    @TempDir
    Path dir;

    @Test
    void passwordsAreBcryptHashedAndRolesKept() throws IOException {
        Path file = dir.resolve("etc/fulcrum.users");
        Users.set(file, "alice", Role.ADMIN, "s3cret".toCharArray());
        Users.set(file, "bob", Role.VIEWER, "hunter2".toCharArray());

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).doesNotContain("s3cret").doesNotContain("hunter2")
                .contains("alice:admin:$2y$10$").contains("bob:viewer:$2y$10$");
        Users users = Users.read(file);
        assertThat(users.check("alice", "s3cret")).contains(Role.ADMIN);
        assertThat(users.check("bob", "hunter2")).contains(Role.VIEWER);
        assertThat(users.check("alice", "hunter2")).isEmpty();
        assertThat(users.check("carol", "s3cret")).isEmpty();

        // a new password and role replace the old line, the others stay
        Users.set(file, "alice", Role.VIEWER, "n3w".toCharArray());
        users = Users.read(file);
        assertThat(users.check("alice", "s3cret")).isEmpty();
        assertThat(users.check("alice", "n3w")).contains(Role.VIEWER);
        assertThat(users.check("bob", "hunter2")).contains(Role.VIEWER);
        assertThat(Files.readAllLines(file)).filteredOn(l -> l.startsWith("alice:")).hasSize(1);
    }

    @Test
    void aMissingFileHasNoUsersAndABadLineIsNamed() throws IOException {
        assertThat(Users.read(dir.resolve("none")).isEmpty()).isTrue();
        Path file = dir.resolve("users");
        Files.writeString(file, "# users\n\nalice:root:$2y$10$abc\n");
        assertThatThrownBy(() -> Users.read(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ":3: expected USER:ROLE:BCRYPT-HASH (ROLE admin or viewer)");
        assertThat(Users.badName("a b")).isPresent();
        assertThat(Users.badName("ops@example")).isEmpty();
    }

    @Test
    void wrongPasswordsWaitLongerEachTimeUpToEightSeconds() {
        assertThat(LoginThrottle.delayAfter(0)).isZero();
        assertThat(LoginThrottle.delayAfter(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(LoginThrottle.delayAfter(2)).isEqualTo(Duration.ofMillis(500));
        assertThat(LoginThrottle.delayAfter(5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(LoginThrottle.delayAfter(6)).isEqualTo(Duration.ofSeconds(8));
        assertThat(LoginThrottle.delayAfter(1000)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void parallelGuessesFromOneAddressTakeTurnsAndOtherAddressesDoNotWait() throws Exception {
        LoginThrottle throttle = new LoginThrottle();
        InetAddress guesser = InetAddress.getByName("192.0.2.7");
        InetAddress other = InetAddress.getByName("192.0.2.8");
        assertThat(throttle.turn(guesser)).isZero();
        throttle.failed(guesser);
        throttle.failed(guesser);
        // three guesses sent at once: each waits one more 500 ms turn than the one before (less the time between calls)
        Duration first = throttle.turn(guesser);
        Duration second = throttle.turn(guesser);
        Duration third = throttle.turn(guesser);
        assertThat(first).isPositive().isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(second.minus(first)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(third.minus(second)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(throttle.turn(other)).isZero();
        throttle.succeeded(guesser);
        assertThat(throttle.turn(guesser)).isZero();
    }
}
