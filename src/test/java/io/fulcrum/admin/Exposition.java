package io.fulcrum.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus' text format read back: every sample with its labels, and the families' types. */
public final class Exposition {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    public Exposition(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] words = line.split(" ");
                types.put(words[2], words[3]);
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                Matcher sample = SAMPLE.matcher(line);
                if (!sample.matches()) {
                    throw new IllegalArgumentException("not a sample line: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (sample.group(3) != null) {
                    Matcher label = LABEL.matcher(sample.group(3));
                    int end = 0;
                    while (label.find() && label.start() == end) {
                        labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                        end = label.end();
                    }
                    if (end != sample.group(3).length()) {
                        throw new IllegalArgumentException("bad labels: " + line);
                    }
                }
                samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
            }
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The type of a family: {@code counter}, {@code gauge}, ... or null. */
    public String type(String family) {
        return types.get(family);
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels} (name, value, ...). */
    public OptionalDouble value(String name, String... labels) {
        List<Sample> matching = samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
        if (matching.size() > 1) {
            throw new IllegalArgumentException(matching.size() + " samples match " + name + " " + List.of(labels));
        }
        return matching.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(matching.getFirst().value());
    }
}
