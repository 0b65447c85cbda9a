package io.fulcrum.config;

import io.fulcrum.model.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers shared by the lvs.cf tests. */
final class ConfigTexts {

    /** The smallest file that passes: one active virtual server. */
    static final String MINIMAL = """
            virtual v {
                 active = 1
                 address = 10.0.0.1
            }
            """;

    private ConfigTexts() {
    }

    static String resource(String name) {
        try (InputStream in = ConfigTexts.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses text that must be free of errors. */
    static Config parseOk(String text) {
        ConfigResult result = LvsConfig.parse("test.cf", text);
        assertThat(result.errors()).as("errors").isEmpty();
        return result.config().orElseThrow();
    }

    static ConfigResult parse(String text) {
        return LvsConfig.parse("test.cf", text);
    }

    static String lines(ConfigResult result) {
        return String.join("\n", result.errors().stream().map(Object::toString).toList());
    }
}
