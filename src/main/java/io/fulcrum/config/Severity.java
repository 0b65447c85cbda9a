package io.fulcrum.config;

/** An error rejects the file; a warning reports something a user may not expect. */
public enum Severity {
    ERROR,
    WARNING
}
