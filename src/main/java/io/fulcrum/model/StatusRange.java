package io.fulcrum.model;

/** HTTP status codes accepted by an http(s) check: one code or an inclusive range. */
public record StatusRange(int from, int to) {

    public static final StatusRange OK = new StatusRange(200, 200);

    public StatusRange {
        Checks.inRange(from, 100, 599, "status");
        Checks.inRange(to, from, 599, "status range end");
    }

    public boolean contains(int status) {
        return status >= from && status <= to;
    }

    /** lvs.cf text: {@code 200} or {@code 200-299}. */
    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
