package io.fulcrum.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** TCP port numbers by service name and alias, from /etc/services, read once. */
final class ServiceNames {

    private static final Path SERVICES = Path.of("/etc/services");

    private ServiceNames() {
    }

    static Optional<Integer> tcpPort(String name) {
        return Optional.ofNullable(Holder.TCP.get(name));
    }

    static Map<String, Integer> parse(String text) {
        Map<String, Integer> ports = new HashMap<>();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (words.length < 2 || !words[1].endsWith("/tcp")) {
                continue;
            }
            try {
                int port = Integer.parseInt(words[1].substring(0, words[1].length() - "/tcp".length()));
                for (int i = 0; i < words.length; i++) {
                    if (i != 1) {
                        ports.putIfAbsent(words[i], port);
                    }
                }
            } catch (NumberFormatException malformed) {
                // a line /etc/services' own readers would skip as well
            }
        }
        return Map.copyOf(ports);
    }

    private static final class Holder {
        static final Map<String, Integer> TCP = load();

        private static Map<String, Integer> load() {
            try {
                return parse(Files.readString(SERVICES));
            } catch (IOException | RuntimeException unreadable) {
                return Map.of();
            }
        }
    }
}
