package io.fulcrum.config;

import io.fulcrum.config.Node.Assignment;

import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the typed value of one assignment, with lvs.cf's lexical rules for each kind of value. */
final class ValueReader {

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern NUMERIC_DOTS = Pattern.compile("[\\d.]+");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\\.?");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+");
    private static final Pattern HEX = Pattern.compile("[+-]?0[xX][0-9a-fA-F]+");
    private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?|\\.\\d+");
    private static final int MAX_FRACTION_DIGITS = 9;

    /** {@code address = IP [DEVICE]}. */
    record AddressDevice(InetAddress address, Optional<String> device) {
    }

    /** {@code sorry_server = IP[:PORT]}; the port defaults to the virtual port later. */
    record SorryAddress(InetAddress address, OptionalInt port) {
    }

    private final Assignment assignment;
    private final HostNames hostNames;

    ValueReader(Assignment assignment, HostNames hostNames) {
        this.assignment = assignment;
        this.hostNames = hostNames;
    }

    String word() throws BadValue {
        String word = single().text();
        if (word.isEmpty()) {
            throw new BadValue("missing value");
        }
        return word;
    }

    /** The rest of the line, as a command: Piranha split it on blanks, so quoting is optional. */
    String command() throws BadValue {
        if (assignment.rest().isBlank()) {
            throw new BadValue("missing value");
        }
        return assignment.rest().strip();
    }

    /** send/expect: one token with nanny's escapes translated. */
    String escaped() throws BadValue {
        return Escapes.translate(single().text());
    }

    /** One or more words separated by blanks or commas. */
    List<String> list() throws BadValue {
        List<String> words = new ArrayList<>();
        for (Token token : assignment.values()) {
            for (String part : token.text().split(",")) {
                if (!part.isBlank()) {
                    words.add(part.strip());
                }
            }
        }
        if (words.isEmpty()) {
            throw new BadValue("missing value");
        }
        return words;
    }

    long number(long min, long max) throws BadValue {
        return inRange(parseNumber(word()), min, max);
    }

    int integer(int min, int max) throws BadValue {
        return (int) number(min, max);
    }

    /** 0 or 1 as in Piranha; yes/no, true/false and on/off as an extension. */
    boolean bool() throws BadValue {
        String text = word();
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "1", "yes", "true", "on" -> true;
            case "0", "no", "false", "off" -> false;
            default -> throw new BadValue("expected 0 or 1, got `" + text + "`");
        };
    }

    int port() throws BadValue {
        return port(word());
    }

    /** Seconds, fractions allowed (an extension for keepalive, deadtime and Fulcrum's timers). */
    Duration seconds() throws BadValue {
        String text = word();
        if (text.startsWith("-") && SECONDS.matcher(text.substring(1)).matches()) {
            throw new BadValue(text + " must not be negative");
        }
        if (!SECONDS.matcher(text).matches()) {
            throw new BadValue("`" + text + "` is not a number of seconds");
        }
        BigDecimal seconds = new BigDecimal(text.startsWith(".") ? "0" + text : text);
        if (seconds.stripTrailingZeros().scale() > MAX_FRACTION_DIGITS) {
            throw new BadValue(text + " is more precise than a nanosecond");
        }
        if (seconds.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
            throw new BadValue(text + " is too large");
        }
        long nanos = seconds.remainder(BigDecimal.ONE).movePointRight(MAX_FRACTION_DIGITS).longValue();
        return Duration.ofSeconds(seconds.longValue(), nanos);
    }

    Duration wholeSeconds() throws BadValue {
        return Duration.ofSeconds(number(0, Integer.MAX_VALUE));
    }

    /** An IP literal, or a host name resolved now (piranha.md 1.1), within {@link HostNames#BUDGET}. */
    InetAddress host() throws BadValue {
        return host(word());
    }

    /** A dotted quad (contiguous) or, as an extension, a prefix length: {@code 64} or {@code /64}. */
    int netmask() throws BadValue {
        String text = word();
        String digits = text.startsWith("/") ? text.substring(1) : text;
        if (DECIMAL.matcher(digits).matches() && !digits.startsWith("+") && !digits.startsWith("-")) {
            int prefix = digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (prefix > 128) {
                throw new BadValue("bad netmask `" + text + "`: a prefix length is 0..128");
            }
            return prefix;
        }
        if (!DOTTED_QUAD.matcher(text).matches()) {
            throw new BadValue("bad netmask `" + text + "`");
        }
        byte[] bytes = dottedQuad(text).orElseThrow(() -> new BadValue("bad netmask `" + text + "`"));
        int mask = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        int hostBits = ~mask;
        if ((hostBits & (hostBits + 1)) != 0) {
            throw new BadValue("bad netmask `" + text + "`: the one bits must be contiguous");
        }
        return Integer.bitCount(mask);
    }

    /** {@code IP DEVICE}; the device may be left out unless required (nat_router). */
    AddressDevice addressDevice(boolean deviceRequired) throws BadValue {
        List<Token> values = assignment.values();
        if (values.isEmpty()) {
            throw new BadValue("missing value");
        }
        if (values.size() > 2) {
            throw new BadValue("extra arguments: " + joined(values.subList(2, values.size())));
        }
        if (deviceRequired && values.size() < 2) {
            throw new BadValue("expected `" + assignment.key() + " = IP DEVICE`");
        }
        InetAddress address = host(values.getFirst().text());
        if (values.size() == 1) {
            return new AddressDevice(address, Optional.empty());
        }
        String device = values.get(1).text();
        if (device.isEmpty() || device.chars().anyMatch(Character::isWhitespace)) {
            throw new BadValue("bad device `" + device + "`");
        }
        return new AddressDevice(address, Optional.of(device));
    }

    /** {@code IP}, {@code IP:PORT}, {@code IPv6} or {@code [IPv6]:PORT}; literals only, as in Piranha. */
    SorryAddress sorryAddress() throws BadValue {
        String text = word();
        String host = text;
        OptionalInt port = OptionalInt.empty();
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new BadValue("expected IP, IP:PORT or [IPv6]:PORT, got `" + text + "`");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                port = OptionalInt.of(port(text.substring(close + 2)));
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = OptionalInt.of(port(text.substring(text.indexOf(':') + 1)));
        }
        String finalHost = host;
        InetAddress address = literal(host)
                .orElseThrow(() -> new BadValue("must be an IP address, not `" + finalHost + "`"));
        return new SorryAddress(address, port);
    }

    /**
     * {@code ADDRESS:PORT} ({@code [IPv6]:PORT}), literals only, port 0 for any free one; or
     * {@code none}, read as an empty Optional.
     */
    Optional<InetSocketAddress> listenAddress() throws BadValue {
        String text = word();
        if (text.equals("none")) {
            return Optional.empty();
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = "";
        }
        if (host.isEmpty()) {
            throw new BadValue("expected ADDRESS:PORT, [IPv6]:PORT or none, got `" + text + "`");
        }
        String finalHost = host;
        InetAddress address = literal(host)
                .orElseThrow(() -> new BadValue("must be an IP address, not `" + finalHost + "`"));
        return Optional.of(new InetSocketAddress(address, port(text.substring(colon + 1))));
    }

    /** One of a fixed set of lower-case words, matched without regard to case. */
    <T> T choice(Function<String, Optional<T>> lookup, List<String> names) throws BadValue {
        String text = word();
        return lookup.apply(text.toLowerCase(Locale.ROOT)).orElseThrow(() -> new BadValue(
                "unknown value `" + text + "`; expected " + String.join(", ", names)));
    }

    static int port(String text) throws BadValue {
        Optional<Long> number = numberOf(text);
        if (number.isPresent()) {
            return (int) inRange(number.get(), 0, 65535);
        }
        return ServiceNames.tcpPort(text).orElseThrow(() -> new BadValue(
                "`" + text + "` is neither a port number nor a tcp service in /etc/services"));
    }

    static long parseNumber(String text) throws BadValue {
        return numberOf(text).orElseThrow(() -> new BadValue("`" + text + "` is not a number"));
    }

    /** Decimal even with leading zeros (Piranha read those as octal), or 0x hex. */
    private static Optional<Long> numberOf(String text) {
        try {
            if (DECIMAL.matcher(text).matches()) {
                return Optional.of(Long.parseLong(text));
            }
            if (HEX.matcher(text).matches()) {
                boolean negative = text.startsWith("-");
                String digits = text.substring(text.toLowerCase(Locale.ROOT).indexOf('x') + 1);
                long value = Long.parseLong(digits, 16);
                return Optional.of(negative ? -value : value);
            }
        } catch (NumberFormatException tooLong) {
            return Optional.of(Long.MAX_VALUE);
        }
        return Optional.empty();
    }

    private static long inRange(long value, long min, long max) throws BadValue {
        if (value >= min && value <= max) {
            return value;
        }
        if (max >= Integer.MAX_VALUE) {
            throw new BadValue(value + " must be at least " + min);
        }
        throw new BadValue(value + " is out of range " + min + ".." + max);
    }

    private InetAddress host(String text) throws BadValue {
        Optional<InetAddress> literal = literal(text);
        if (literal.isPresent()) {
            return literal.get();
        }
        if (NUMERIC_DOTS.matcher(text).matches() || text.contains(":")) {
            throw new BadValue("`" + text + "` is not a valid IP address");
        }
        if (!HOST_NAME.matcher(text).matches()) {
            throw new BadValue("`" + text + "` is neither an IP address nor a host name");
        }
        return hostNames.resolve(text);
    }

    /** An IPv4 dotted quad (decimal parts) or an IPv6 literal, optionally in brackets; never DNS. */
    static Optional<InetAddress> literal(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (DOTTED_QUAD.matcher(bare).matches()) {
            return dottedQuad(bare).map(ValueReader::byAddress);
        }
        if (bare.contains(":")) {
            try {
                return Optional.of(Inet6Address.ofLiteral(bare));
            } catch (IllegalArgumentException notAnAddress) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<byte[]> dottedQuad(String text) {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(parts[i]);
            if (part > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) part;
        }
        return Optional.of(bytes);
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private Token single() throws BadValue {
        List<Token> values = assignment.values();
        if (values.isEmpty()) {
            throw new BadValue("missing value");
        }
        if (values.size() > 1) {
            throw new BadValue("extra arguments: " + joined(values.subList(1, values.size())));
        }
        return values.getFirst();
    }

    private static String joined(List<Token> tokens) {
        return tokens.stream().map(Token::text).collect(Collectors.joining(" "));
    }
}
