# Sourced by bench/soak and bench/reload-under-load: the conventions of bench/compare-haproxy
# (tools installed with apt-get, every process in its own process group and stopped on exit,
# everything on 127.0.0.1, one temporary directory). The sourcing script sets `prog` first.

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() {
    echo "$prog: $*" >&2
    exit 1
}

need_value() {
    if [ $# -lt 2 ] || [ -z "$2" ]; then
        die "$1 needs a value (see --help)"
    fi
}

need_number() {
    if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "${3:-1}" ]; then
        die "$1 must be a whole number >= ${3:-1}, not '$2'"
    fi
}

# usage: the comment block at the top of the sourcing script.
usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

# install_missing INSTALL COMMAND=PACKAGE...: apt-get installs the packages of missing commands.
install_missing() {
    local install=$1 missing=() sudo=() pair
    shift
    for pair in "$@"; do
        command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    $install || die "missing ${missing[*]} (and --no-install was given)"
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing ${missing[*]}; install them as root: apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    echo "Installing ${missing[*]} from Debian ..." >&2
    # A package that is not found yet usually means the package lists were never fetched.
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
        "${sudo[@]}" apt-get update -q >&2
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
    fi
}

# raise_nofile N: open files limit of this shell (and so of everything it starts) to at least N.
raise_nofile() {
    local want=$1 hard soft
    soft=$(ulimit -Sn)
    [ "$soft" = unlimited ] || [ "$soft" -lt "$want" ] || return 0
    hard=$(ulimit -Hn)
    if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
        ulimit -Hn "$want" 2>/dev/null ||
            die "needs $want open files but the hard limit is $hard; run as root or raise it (ulimit -Hn $want)"
    fi
    ulimit -Sn "$want"
}

# --- processes and cleanup ----------------------------------------------------------------------

tmp="$(mktemp -d "${TMPDIR:-/tmp}/fulcrum-$prog.XXXXXX")"
groups=()     # process groups started with setsid: pid = pgid
keep=${keep:-false}

leader_gone() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
    stat="${stat##*) }"
    [ "${stat%% *}" = Z ]
}

stop_group() {
    local pid=$1 i
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        leader_gone "$pid" && break
        sleep 0.1
    done
    # Also ends whatever the leader left behind (a build, a worker).
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local g=() p
    for p in "${groups[@]}"; do
        [ "$p" = "$pid" ] || g+=("$p")
    done
    groups=("${g[@]}")
}

cleanup() {
    local status=$? pid
    trap '' INT TERM
    for pid in "${groups[@]}"; do
        stop_group "$pid"
    done
    if $keep; then
        echo "Temporary files kept in $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "$prog: interrupted" >&2; exit 130' INT
trap 'echo "$prog: terminated" >&2; exit 143' TERM

# start NAME COMMAND...: runs COMMAND from the repository root in a new session (its own process
# group, away from the terminal's Ctrl-C) with its output in $tmp/NAME.log; sets started_pid,
# which is also the pid of COMMAND (setsid and bin/fulcrum exec).
start() {
    local name=$1
    shift
    (cd "$repo" && exec setsid "$@") </dev/null >"$tmp/$name.log" 2>&1 &
    started_pid=$!
    groups+=("$started_pid")
}

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

show_log() {
    echo "--- last lines of $tmp/$1.log:" >&2
    tail -n 20 "$tmp/$1.log" >&2 || true
}

# wait_for_port NAME PID PORT: until 127.0.0.1:PORT accepts; an error if PID exits first or
# after start_timeout seconds.
wait_for_port() {
    local name=$1 pid=$2 port=$3 deadline=$((SECONDS + start_timeout))
    until port_open "$port"; do
        if leader_gone "$pid"; then
            show_log "$name"
            die "$name exited before it accepted connections on 127.0.0.1:$port"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_log "$name"
            die "$name does not accept connections on 127.0.0.1:$port after ${start_timeout}s (--start-timeout)"
        fi
        sleep 0.2
    done
}

# wait_for_line NAME PID REGEX SECONDS: until a line of $tmp/NAME.log matches; prints the last
# such line. An error if PID exits first or after SECONDS.
wait_for_line() {
    local name=$1 pid=$2 regex=$3 deadline=$((SECONDS + $4)) line
    while :; do
        line="$(grep -E "$regex" "$tmp/$name.log" | tail -n 1 || true)"
        if [ -n "$line" ]; then
            printf '%s\n' "$line"
            return 0
        fi
        if leader_gone "$pid"; then
            show_log "$name"
            die "$name exited before printing /$regex/"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_log "$name"
            die "$name did not print /$regex/ within $4 s"
        fi
        sleep 0.2
    done
}

# probe PORT PATH: the status line of one GET with Connection: close, CR removed.
probe() {
    local fd line
    exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&"$fd"
    IFS= read -r -t 5 -u "$fd" line || true
    exec {fd}>&-
    printf '%s\n' "${line%$'\r'}"
}

# --- real servers -------------------------------------------------------------------------------

# nginx_conf KEEPALIVE_S PORT...: one nginx (a worker per core) with a server block per port,
# serving /small (100 bytes) and /64k from $tmp/www; X-Real-Server names the port.
nginx_conf() {
    local keepalive=$1 port user=""
    shift
    mkdir -p "$tmp/www" "$tmp/nginx"
    printf '%099d\n' 0 | tr 0 s >"$tmp/www/small"
    head -c 65536 /dev/zero | tr '\0' k >"$tmp/www/64k"
    # nginx only switches users when started as root; its workers must stay the current user,
    # who owns the 0700 temporary directory.
    [ "$(id -u)" -ne 0 ] || user="user $(id -un) $(id -gn);"
    cat <<EOF
$user
worker_processes $(nproc);
worker_rlimit_nofile $(ulimit -Sn);
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events {
    worker_connections $(ulimit -Sn);
}
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout ${keepalive}s;
    keepalive_requests 100000000;
    default_type application/octet-stream;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
EOF
    for port in "$@"; do
        cat <<EOF
    server {
        listen 127.0.0.1:$port backlog=4096;
        root $tmp/www;
        add_header X-Real-Server $port;
    }
EOF
    done
    echo "}"
}

java_version() {
    # shellcheck source=SCRIPTDIR/../../bin/lib/jdk.sh
    (. "$repo/bin/lib/jdk.sh" && "$JAVA_HOME/bin/java" -version 2>&1 | head -n 1) 2>/dev/null || echo "no JDK 25 found"
}

machine_line() {
    echo "machine:  $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

commit_line() {
    echo "fulcrum:  $(git -C "$repo" log -1 --format='%h %s' 2>/dev/null || echo "not a git checkout")"
}
