package io.fulcrum.config;

import io.fulcrum.model.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.fulcrum.config.ConfigTexts.MINIMAL;
import static io.fulcrum.config.ConfigTexts.parseOk;
import static org.assertj.core.api.Assertions.assertThat;

/** Writing a config and reading it back gives the same config. */
class RoundTripTest {

    private static Config roundTrip(Config config) {
        String written = LvsConfig.write(config);
        ConfigResult again = LvsConfig.parse("written.cf", written);
        assertThat(again.errors()).as("errors in\n%s", written).isEmpty();
        return again.config().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"examples/lvs.cf", "src/test/resources/piranha-example.lvs.cf"})
    void exampleFiles(String file) throws IOException {
        ConfigResult result = LvsConfig.parse(Path.of(file));
        assertThat(result.errors()).isEmpty();
        Config config = result.config().orElseThrow();
        assertThat(roundTrip(config)).isEqualTo(config);
    }

    @Test
    void theUserExampleHasNoWarnings() {
        assertThat(LvsConfig.parse(Path.of("examples/lvs.cf")).warnings()).isEmpty();
    }

    @Test
    void writesPiranhasLayout() throws IOException {
        Config config = LvsConfig.parse(Path.of("src/test/resources/piranha-example.lvs.cf")).config().orElseThrow();
        String written = LvsConfig.write(config);
        assertThat(written).startsWith("serial_no = 42\nprimary = 203.0.113.10\n");
        assertThat(written).contains("""

                virtual smtp {
                     active = 1
                     address = 203.0.113.100 eth0:1
                     vip_nmask = 255.255.255.0
                     port = 25
                     protocol = tcp
                     scheduler = wrr
                     send = "QUIT\\r\\n"
                     expect = "220"
                     timeout = 10
                     reentry = 60

                     server mx1 {
                          address = 192.168.50.21
                          active = 1
                          weight = 2
                          port = 2525
                     }
                """);
        assertThat(Files.readString(Path.of("src/test/resources/piranha-example.lvs.cf")))
                .as("the resource is the reference's example").contains("virtual www {");
    }

    @Test
    void escapesAndQuotesSurviveTheRoundTrip() {
        Config config = parseOk("""
                heartbeat_key = "two words and a long secret"
                active_cmd = /usr/bin/logger "now # active"
                inactive_cmd = "quoted # whole"
                virtual v {
                     active = 1
                     address = 10.0.0.1
                     send = "a\\\\b \\"q\\" it's\\t\\r\\n"
                     expect = "^HTTP/1\\.[01] \\d"
                     use_regex = 1
                     check_host = 'has "double" quotes'
                }
                """);
        assertThat(config.routerPair().activeCmd()).contains("/usr/bin/logger \"now # active\"");
        assertThat(config.routerPair().inactiveCmd()).contains("quoted # whole");
        assertThat(config.virtualServers().getFirst().health().send()).contains("a\\b \"q\" it's\t\r\n");
        assertThat(roundTrip(config)).isEqualTo(config);
    }

    @Test
    void writingTwiceGivesTheSameText() {
        Config config = parseOk(MINIMAL);
        assertThat(LvsConfig.write(roundTrip(config))).isEqualTo(LvsConfig.write(config));
    }
}
