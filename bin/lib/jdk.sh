# Sourced by bin/fulcrum and bin/test: sets and exports JAVA_HOME to a JDK 25 or newer,
# or explains what to install and exits.

_fulcrum_java_major() {
    # The feature version of the java binary $1 (e.g. 25), or nothing.
    "$1" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

_fulcrum_find_jdk() {
    local candidate major path_java
    path_java="$(command -v java 2>/dev/null || true)"
    [ -n "$path_java" ] && path_java="$(dirname "$(dirname "$(readlink -f "$path_java")")")"
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* "$path_java"; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        major="$(_fulcrum_java_major "$candidate/bin/java")"
        if [ -n "$major" ] && [ "$major" -ge 25 ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! JAVA_HOME="$(_fulcrum_find_jdk)"; then
    cat >&2 <<'MSG'
fulcrum: no JDK 25 found (looked at $JAVA_HOME, /usr/lib/jvm/*, /opt/java/* and the java on PATH).
Install one, for example Eclipse Temurin 25 (package temurin-25-jdk from the Adoptium
repository) or your distribution's openjdk-25-jdk, then run this command again,
or point JAVA_HOME at an existing JDK 25.
MSG
    exit 1
fi
export JAVA_HOME
