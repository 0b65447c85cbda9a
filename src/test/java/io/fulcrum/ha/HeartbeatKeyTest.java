package io.fulcrum.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeartbeatKeyTest {

    @TempDir
    Path dir;

    @Test
    void noKeyWhenNeitherIsSet() throws IOException {
        assertThat(HeartbeatCodec.key(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void theTextIsTheKeyInUtf8() throws IOException {
        assertThat(HeartbeatCodec.key(Optional.of("grüße-0123456789"), Optional.empty()))
                .hasValueSatisfying(key -> assertThat(key).isEqualTo("grüße-0123456789".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void blankTextIsRefused() {
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.of("  "), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat_key is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789abcde", "grüße-1234567"})
    void textShorterThan16BytesIsRefused(String key) {
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.of(key), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat_key has 15 bytes, fewer than 16");
    }

    @Test
    void sixteenBytesAreEnough() throws IOException {
        assertThat(HeartbeatCodec.key(Optional.of("0123456789abcdef"), Optional.empty())).isPresent();
        assertThat(HeartbeatCodec.key(Optional.empty(), Optional.of(keyFile("0123456789abcdef\n", "rw-------"))))
                .isPresent();
    }

    @Test
    void aFileWithAShortKeyIsRefused() throws IOException {
        Path file = keyFile("s3cret\n", "rw-------");
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("heartbeat_key_file " + file + ": the key has 6 bytes, fewer than 16");
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file away");
        Path file = keyFile("s3cret-0123456789\n", "rw-------");
        Files.setAttribute(file, "unix:uid", 65534);
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("heartbeat_key_file " + file + " belongs to user id 65534")
                .hasMessageContaining("chown 0 " + file);
    }

    @Test
    void bothAreRefused() {
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.of("secret"), Optional.of(dir.resolve("key"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", textBlock = """
            one line and its newline    | s3cret-0123456789\\n                  | s3cret-0123456789
            no newline                  | s3cret-0123456789                     | s3cret-0123456789
            blanks around it            | '  s3cret-0123456789 \\t\\n'          | s3cret-0123456789
            a CRLF file                 | s3cret-0123456789\\r\\n               | s3cret-0123456789
            only the first line counts  | s3cret-0123456789\\nsomething else\\n | s3cret-0123456789
            """)
    void theFileHoldsTheKeyOnItsFirstLine(String what, String content, String key) throws IOException {
        Path file = keyFile(content.translateEscapes(), "rw-------");
        assertThat(HeartbeatCodec.key(Optional.empty(), Optional.of(file)))
                .hasValueSatisfying(k -> assertThat(new String(k, StandardCharsets.UTF_8)).isEqualTo(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"r--------", "rw-------", "rwx------"})
    void aFileOnlyItsOwnerMayAccessIsRead(String mode) throws IOException {
        assertThat(HeartbeatCodec.key(Optional.empty(), Optional.of(keyFile("s3cret-0123456789\n", mode)))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-r--r--", "rw--w----", "rw-----w-", "rw---x---", "rw------x"})
    void aFileGroupOrOthersMayAccessIsRefusedAsSshDoes(String mode) throws IOException {
        Path file = keyFile("s3cret-0123456789\n", mode);
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("accessible to group or others (" + mode + ")")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void aSymlinkIsJudgedByItsTarget() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), keyFile("s3cret-0123456789\n", "rw-r--r--"));
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(link)))
                .hasMessageContaining("accessible to group or others");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "   \nsecond line\n"})
    void aFileWithoutAKeyOnItsFirstLineIsRefused(String content) throws IOException {
        Path file = keyFile(content, "rw-------");
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has no key on its first line");
    }

    @Test
    void aBinaryFileIsRefused() throws IOException {
        Path file = keyFile("", "rw-------");
        Files.write(file, new byte[] {(byte) 0xC3, 0x28, 0x0A});
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void aMissingFileIsReported() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> HeartbeatCodec.key(Optional.empty(), Optional.of(missing)))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
    }

    private Path keyFile(String content, String mode) throws IOException {
        Path file = Files.createTempFile(dir, "key", "");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
