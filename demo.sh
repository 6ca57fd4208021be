#!/usr/bin/env bash
# ./demo.sh: hotpath in one command. Builds, starts hotpathd and an instrumented demo service on
# 127.0.0.1, prints where to look and shows live p50/p95/p99 per series until Ctrl-C.
#
# Needs a JDK 17+ and Maven 3.8+ (Maven only to build). Everything runs as you, from a temporary
# directory (spool, state, logs) that is removed at the end (--keep keeps it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root="$(pwd)"

usage() {
  cat <<'USAGE'
usage: ./demo.sh [--duration SECONDS] [--no-build] [--port PORT] [--prometheus] [--prometheus-port PORT] [--keep]

  --duration N   stop by itself after N seconds (default: run until Ctrl-C)
  --no-build     use the jars already built (javaagent/, demo-service/, collector-daemon/ target/)
  --port P       hotpathd's port on 127.0.0.1 (default 9464, or a free one if 9464 is taken; 0 = any free port)
  --prometheus   also start Prometheus (if installed) scraping hotpathd, with the rules
                 `hotpathd rules` generates from the demo's SLOs loaded
  --prometheus-port P  Prometheus's port on 127.0.0.1 (default 9090, or the next free one)
  --keep         keep the work directory (logs, spool, checkpoints) at the end

Ctrl-C stops everything it started and exits 0. Exit 1: something did not build or start
(the tail of its log is shown); 2: bad arguments.
USAGE
}

duration=0
build=1
port=""
with_prometheus=0
prometheus_port=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="${2:?--duration needs a number of seconds}"; duration="${duration%s}"; shift 2 ;;
    --duration=*) duration="${1#*=}"; duration="${duration%s}"; shift ;;
    --no-build) build=0; shift ;;
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --prometheus) with_prometheus=1; shift ;;
    --prometheus-port) prometheus_port="${2:?--prometheus-port needs a number}"; shift 2 ;;
    --prometheus-port=*) prometheus_port="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$duration" =~ ^[0-9]+$ ]] || { echo "demo.sh: --duration expects whole seconds, got '$duration'" >&2; exit 2; }
[ -z "$port" ] || [[ "$port" =~ ^[0-9]+$ ]] || { echo "demo.sh: --port expects a number, got '$port'" >&2; exit 2; }
[ -z "$prometheus_port" ] || [[ "$prometheus_port" =~ ^[1-9][0-9]*$ ]] || { echo "demo.sh: --prometheus-port expects a port number, got '$prometheus_port'" >&2; exit 2; }

say() { printf '%s\n' "$*"; }
fail() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------------------------
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
java="${java:-java}"
command -v "$java" >/dev/null 2>&1 || fail "no java found: install a JDK 17 or newer (or set JAVA_HOME)"
java_major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
[ -n "$java_major" ] && [ "$java_major" -ge 17 ] || fail "$java is Java ${java_major:-?}; hotpath needs 17 or newer"
export JAVA="$java"

agent_jar="$root/javaagent/target/hotpath-agent.jar"
demo_jar="$root/demo-service/target/hotpath-demo.jar"
hotpathd="$root/collector-daemon/bin/hotpathd"
rules="$root/demo-service/hotpath-demo-rules.yaml"
slos="$root/collector-daemon/src/main/resources/examples/slo-demo.yaml"

work="$(mktemp -d "${TMPDIR:-/tmp}/hotpath-demo.XXXXXX")"
pids=()
stopped=0

# Stops what was started, newest first: the top view, the demo service (SIGTERM: its agent drains
# and marks its queue closed), Prometheus, hotpathd (SIGTERM: last checkpoint). Waits for each.
cleanup() {
  local status=$?
  [ "$stopped" -eq 0 ] || return 0
  stopped=1
  trap '' INT TERM # a second Ctrl-C must not cut the clean-up short and leave processes behind
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$keep" -eq 1 ]; then
    say "hotpath demo stopped; logs, spool and state kept in $work"
  elif [ "$status" -ne 0 ]; then # keep the logs the error points to
    say "hotpath demo stopped; its logs are kept in $work"
  else
    rm -rf "$work"
    say "hotpath demo stopped"
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C (or SIGTERM) is how the demo is meant to end: once everything is stopped, exit 0.
trap 'exit 0' INT TERM

# --- build ---------------------------------------------------------------------------------------
if [ "$build" -eq 1 ]; then
  command -v mvn >/dev/null 2>&1 || fail "Maven (mvn) is needed to build; or build elsewhere and use --no-build"
  log="$work/build.log"
  mvn -B -ntp -Dmaven.test.skip=true -pl javaagent,demo-service,collector-daemon -am package >"$log" 2>&1 &
  mvn_pid=$!
  pids+=("$mvn_pid")
  started=$SECONDS
  tty=0; [ -t 1 ] && tty=1
  last=""
  while kill -0 "$mvn_pid" 2>/dev/null; do
    step="$(grep -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]' "$log" 2>/dev/null | tail -1 | sed -E 's/^\[INFO\] Building (.*) [^ ]+ +\[([0-9]+\/[0-9]+)\]$/[\2] \1/')" || true
    grep -q 'Downloading from' "$log" 2>/dev/null && ! grep -q 'Building .*\[' "$log" && step="downloading dependencies"
    line="building ${step:-...} ($((SECONDS - started)) s)"
    if [ "$tty" -eq 1 ]; then
      printf '\r\033[K%s' "$line"
    elif [ "${step}" != "$last" ]; then
      say "$line"; last="$step"
    fi
    sleep 0.5
  done
  if wait "$mvn_pid"; then
    [ "$tty" -eq 1 ] && printf '\r\033[K'
    say "built in $((SECONDS - started)) s"
  else
    [ "$tty" -eq 1 ] && printf '\n'
    # Maven's errors without its closing advice; the plain tail when there are none.
    errors="$(grep -E '^\[ERROR\]' "$log" | grep -v -E -e 'Re-run Maven|-e switch|-X switch|Help 1|For more information|After correcting|mvn <args>' \
      -e '^\[ERROR\] *$' | tail -n 30 || true)"
    if [ -n "$errors" ]; then printf '%s\n' "$errors" >&2; else tail -n 40 "$log" >&2; fi
    fail "build failed (full log: $log)"
  fi
  pids=()
fi
for jar in "$agent_jar" "$demo_jar" "$root/collector-daemon/target/hotpathd.jar"; do
  [ -f "$jar" ] || fail "$jar is missing: run ./demo.sh without --no-build"
done

# --- helpers -----------------------------------------------------------------------------------
# Bash's own /dev/tcp: no curl needed.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_status() ( # port path: prints the HTTP status code
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  IFS=' ' read -r _ status _ <&3 || exit 1
  printf '%s' "$status"
) 2>/dev/null
await_http() { # port path what pid log
  for _ in $(seq 1 600); do
    [ "$(http_status "$1" "$2" || true)" = "200" ] && return 0
    kill -0 "$4" 2>/dev/null || { tail -n 20 "$5" >&2; fail "$3 exited (log: $5)"; }
    sleep 0.1
  done
  tail -n 20 "$5" >&2
  fail "$3 did not answer http://127.0.0.1:$1$2 within 60 s (log: $5)"
}

# --- hotpathd ------------------------------------------------------------------------------------
# The demo's SLOs are computed live when this hotpathd serves /api/slos (config key slo.file).
analysis=0
if "$hotpathd" --help 2>/dev/null | grep -q '/api/slos'; then
  analysis=1
  printf 'slo:\n  file: %s\n' "$slos" >"$work/hotpathd.yaml"
fi
start_hotpathd() { # port
  local extra=()
  [ "$analysis" -eq 0 ] || extra+=(--config "$work/hotpathd.yaml")
  HOTPATHD_HEAP="-Xmx256m" "$hotpathd" --spool "$work/spool" --state-dir "$work/state" \
    --listen "127.0.0.1:$1" ${extra[@]+"${extra[@]}"} >"$work/hotpathd.log" 2>&1 &
  hotpathd_pid=$!
  pids+=("$hotpathd_pid")
}
auto_port=0
if [ -z "$port" ]; then
  port=9464
  if port_in_use 9464; then port=0; fi
  auto_port=1
elif [ "$port" != 0 ] && port_in_use "$port"; then
  fail "port $port on 127.0.0.1 is taken (choose another with --port, or --port 0)"
fi
start_hotpathd "$port"
# Port 0: the kernel picks one; hotpathd names it in its first log lines.
for _ in $(seq 1 600); do
  grep -q 'listening on http://' "$work/hotpathd.log" 2>/dev/null && break
  if ! kill -0 "$hotpathd_pid" 2>/dev/null; then
    wait "$hotpathd_pid" && code=0 || code=$?
    if [ "$code" -eq 3 ] && [ "$auto_port" -eq 1 ] && [ "$port" != 0 ]; then
      port=0; pids=(); start_hotpathd 0; continue      # 9464 was taken meanwhile: any free port
    fi
    cat "$work/hotpathd.log" >&2
    fail "hotpathd did not start"
  fi
  sleep 0.1
done
port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/hotpathd.log" | head -1)"
[ -n "$port" ] || { cat "$work/hotpathd.log" >&2; fail "hotpathd did not say where it listens"; }
url="http://127.0.0.1:$port"
await_http "$port" /health hotpathd "$hotpathd_pid" "$work/hotpathd.log"

# --- the instrumented demo service -------------------------------------------------------------
if [ "$duration" -gt 0 ]; then
  service_seconds=$((duration + 30))
  spike_start=$((duration / 2)); spike_length=$(( duration / 4 > 15 ? 15 : (duration / 4 > 1 ? duration / 4 : 1) ))
else
  service_seconds=86400
  spike_start=45; spike_length=15
fi
"$java" -javaagent:"$agent_jar"=config="$rules",spool.dir="$work/spool" \
  -jar "$demo_jar" --duration "${service_seconds}s" --rate 200 --threads 2 --error-ratio 0.02 \
  --spike-start "${spike_start}s" --spike-length "${spike_length}s" --spike-delay 50ms \
  >"$work/demo-service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")

# --- Prometheus (optional) -----------------------------------------------------------------------
prometheus_url=""
if [ "$with_prometheus" -eq 1 ]; then
  if command -v prometheus >/dev/null 2>&1; then
    mkdir -p "$work/prometheus"
    "$hotpathd" rules --slo "$slos" --out "$work/prometheus/hotpath-rules.yml" >/dev/null 2>"$work/prometheus/rules.log" \
      || { cat "$work/prometheus/rules.log" >&2; fail "hotpathd rules failed"; }
    if [ -z "$prometheus_port" ]; then
      prometheus_port=9090
      while port_in_use "$prometheus_port"; do prometheus_port=$((prometheus_port + 1)); done
    elif port_in_use "$prometheus_port"; then
      fail "port $prometheus_port on 127.0.0.1 is taken (choose another with --prometheus-port)"
    fi
    cat >"$work/prometheus/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $work/prometheus/hotpath-rules.yml
scrape_configs:
  - job_name: hotpathd
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
    prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" \
      --web.listen-address="127.0.0.1:$prometheus_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
    prometheus_pid=$!
    pids+=("$prometheus_pid")
    await_http "$prometheus_port" /-/ready Prometheus "$prometheus_pid" "$work/prometheus.log"
    prometheus_url="http://127.0.0.1:$prometheus_port"
  else
    say "(--prometheus: prometheus is not installed, e.g. apt-get install prometheus; going on without it)"
  fi
fi

# --- where to look -----------------------------------------------------------------------------
say ""
say "hotpath demo is running (work dir: $work)"
say "  hotpathd       $url   (pid $hotpathd_pid, log $work/hotpathd.log)"
say "  demo service   pid $service_pid: transport, P2P and migration calls, 200/s, 2 % errors,"
say "                 a 50 ms latency spike on transport sends from +${spike_start} s for ${spike_length} s"
[ -z "$prometheus_url" ] || say "  Prometheus     $prometheus_url   (rules: $work/prometheus/hotpath-rules.yml; try hotpath:slo_error_ratio:rate5m)"
say "  look at:"
say "    $url/metrics           Prometheus text: hotpath_duration_quantile_seconds{quantile,window}, hotpath_duration_seconds (histogram), hotpath_calls_total, ..."
say "    $url/metrics/summary   JSON per series: last second and 1m/5m/15m/1h windows"
if [ "$analysis" -eq 1 ]; then
  say "    $url/api/anomalies     anomaly events (the latency spike shows up here)"
  say "    $url/api/slos          SLO status and error budgets of $slos"
fi
if [ "$duration" -gt 0 ]; then say "  stops after $duration s (Ctrl-C stops it sooner)"; else say "  Ctrl-C stops everything"; fi
say ""

# --- the live view -------------------------------------------------------------------------------
screen=plain
[ -t 1 ] && screen=ansi
top_args=(top --url "$url" --interval 2s --screen "$screen")
if [ "$screen" = ansi ]; then # the screen is repainted: keep the pointers on it; plain frames have them above
  more="more: $url/metrics  $url/metrics/summary"
  [ "$analysis" -eq 0 ] || more+="  $url/api/anomalies  $url/api/slos"
  top_args+=(--note "$more${prometheus_url:+  Prometheus $prometheus_url}"
    --note "$([ "$duration" -gt 0 ] && echo "stops after $duration s; Ctrl-C stops it sooner" || echo "Ctrl-C stops hotpathd and the demo service")")
fi
[ "$duration" -eq 0 ] || top_args+=(--duration "${duration}s")
HOTPATHD_HEAP="-Xmx64m" HOTPATHD_GC="-XX:+UseSerialGC" "$hotpathd" "${top_args[@]}" &
top_pid=$!
pids+=("$top_pid")
if wait "$top_pid"; then top_status=0; else top_status=$?; fi
[ "$top_status" -eq 0 ] || fail "hotpathd top exited with status $top_status (is $root/collector-daemon/target/hotpathd.jar up to date? run without --no-build)"
