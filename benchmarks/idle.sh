#!/usr/bin/env bash
# Idle cost of the hotpath agent and of hotpathd, from the kernel's CPU accounting.
#
#   benchmarks/idle.sh [--settle S] [--measure S] [--runs N] [--only agent|daemon] [--out FILE]
#                      [--queues N[,N...]] [--jar NAME=PATH]... [--load RATE] [--together]
#                      [--rss-every S] [--nmt DIR] [--opts NAME=FLAGS]... [--windows N]
#
# Agent: a JVM creates a JDK HttpClient, makes one GET to a loopback nginx (or python3 http.server
# when nginx is absent), then idles (IdleHttpClient in e2e-load.jar). Variants: no agent, the hotpath
# agent with the jdk-httpclient pack (spool in a temporary directory; no daemon), and, when
# benchmarks/target/agents/opentelemetry-javaagent.jar exists, the OpenTelemetry agent with its
# exporters off. After --settle seconds (default 10) the JVM's CPU time is read, again after
# --measure seconds (default 20): utime+stime ticks of /proc/PID/stat (what top shows) and the
# per-thread run time of /proc/PID/task/*/schedstat (nanoseconds), which also names the threads
# that used it. hotpathd: the launcher collector-daemon/bin/hotpathd with an empty spool, same
# settle and measure, plus its resident set (VmRSS, VmHWM) at the end. --queues 0,1,10 measures it
# with that many live idle agent queues in its spool (each an IdleHttpClient JVM with the agent, started
# before hotpathd and kept for all its variants of the run); --jar NAME=PATH (repeatable) compares
# hotpathd jars (e.g. main's and a branch's), interleaved in every run and their order alternated run by
# run. Variant names: hotpathd[:NAME][:qN].
# --load RATE: the queues are not idle: each is written by a JVM calling an instrumented method RATE times a
# second (io.hotpath.benchmarks.DrainCpu in benchmarks.jar, run for as long as hotpathd is measured), and each
# hotpathd line adds its CPU per sample (its CPU in the window over queues x RATE x window; idle included:
# compare with a run without --load). --together: the jars run at the same time, on the same spool, measured in
# the same window (side by side rather than one after the other: the same load and the same noise; for long
# windows). --rss-every S: each hotpathd's resident set every S seconds from its start (the creep).
# --nmt DIR: hotpathd with -XX:NativeMemoryTracking=summary; a baseline at the start of the window and what
# grew over it (jcmd VM.native_memory summary.diff), with GC.heap_info, in DIR/NAME-runR.txt.
# --opts NAME=FLAGS: JVM flags (JAVA_OPTS) for the jar named NAME (the same jar may be given twice under two
# names, to compare flags). --windows N: N measuring windows back to back after the settle (e.g. --settle 0
# --measure 60 --windows 3: the first, second and third minute after start), named ...:w1, ...:w2, ...
# Every run prints one line; the last lines are medians over --runs (default 3) per variant.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
java="${java:-java}"
settle=10 measure=20 runs=3 only="" out="" queues="0" jars=() load=0 together="" rss_every="" nmt="" opts=() windows=1
while [ $# -gt 0 ]; do
  case "$1" in
    --load) load="$2"; shift 2 ;;
    --opts) opts+=("$2"); shift 2 ;;
    --windows) windows="$2"; shift 2 ;;
    --together) together=1; shift ;;
    --rss-every) rss_every="$2"; shift 2 ;;
    --nmt) nmt="$2"; mkdir -p "$nmt"; shift 2 ;;
    --queues) queues="$2"; shift 2 ;;
    --jar) jars+=("$2"); shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    --measure) measure="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: benchmarks/idle.sh [--settle S] [--measure S] [--runs N] [--only agent|daemon] [--out FILE] [--queues N[,N...]]" \
         "[--jar NAME=PATH]... [--load RATE] [--together] [--rss-every S] [--nmt DIR] [--opts NAME=FLAGS]... [--windows N]" >&2; exit 2 ;;
  esac
done
load_jar="$root/benchmarks/target/e2e-load.jar"
agent_jar="$root/javaagent/target/hotpath-agent.jar"
otel_jar="$root/benchmarks/target/agents/opentelemetry-javaagent.jar"
hotpathd="$root/collector-daemon/bin/hotpathd"
bench_jar="$root/benchmarks/target/benchmarks.jar"
needed=("$load_jar" "$agent_jar" "$root/collector-daemon/target/hotpathd.jar")
[ "$load" != 0 ] && needed+=("$bench_jar")
for f in "${needed[@]}"; do
  [ -f "$f" ] || { echo "idle.sh: $f missing (mvn -B -q package -pl benchmarks -am -DskipTests)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/hotpath-idle.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
clk_tck="$(getconf CLK_TCK)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# ticks PID: utime+stime of the whole process (fields 14 and 15 after the command name)
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# threads PID: "tid run-ns name" per thread
threads() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)" "$(tr ' ' '_' < "$t/comm" 2>/dev/null || echo '?')"
  done
}
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# sleep_watching SECONDS: sleeps; with --rss-every, prints each watched process's resident set every S seconds
sleep_watching() {
  local left="$1" step line w
  if [ -z "$rss_every" ]; then sleep "$left"; return; fi
  while [ "$left" -gt 0 ]; do
    step=$((left < rss_every ? left : rss_every))
    sleep "$step"; left=$((left - step)); elapsed=$((elapsed + step))
    line="rss at ${elapsed} s:"
    for w in "${watch[@]}"; do line+=" ${w%%=*} $(awk '$1 == "VmRSS:" {printf "%.1f", $2 / 1024}' "/proc/${w#*=}/status") MiB;"; done
    printf '%s\n' "$line" | tee -a "$work/timeline" >&2 # (a subshell: not an array)
  done
}

# measure_all NAME=PID...: settle, then the CPU of each over the same measuring window; one result line each
measure_all() {
  watch=("$@") elapsed=0
  local i n=$# name pid w
  local -a before t0
  sleep_watching "$settle"
  for ((w = 1; w <= windows; w++)); do
    for ((i = 0; i < n; i++)); do
      pid="${watch[i]#*=}"
      before[i]="$(threads "$pid")"; t0[i]="$(ticks "$pid")"
      [ -n "$nmt" ] && jcmd "$pid" VM.native_memory baseline >/dev/null 2>&1
    done
    sleep_watching "$measure"
    for ((i = 0; i < n; i++)); do
      name="${watch[i]%%=*}" pid="${watch[i]#*=}"
      [ "$windows" -gt 1 ] && name="$name:w$w"
      report "$name" "$pid" "${before[i]}" "${t0[i]}"
      if [ -n "$nmt" ]; then
        { jcmd "$pid" VM.native_memory summary.diff; jcmd "$pid" GC.heap_info; } > "$nmt/${name//:/-}-run$r.txt" 2>&1 || true
      fi
    done
  done
}
measure() { measure_all "$1=$2"; }

# report NAME PID THREADS-BEFORE TICKS-BEFORE: one result line
report() {
  local name="$1" pid="$2" before="$3" t0="$4"
  local after t1
  after="$(threads "$pid")"; t1="$(ticks "$pid")"
  local rss hwm
  rss="$(status_kb "$pid" VmRSS)"; hwm="$(status_kb "$pid" VmHWM)"
  # per-thread run-time deltas; the top three threads name where the idle CPU goes
  local summary
  summary="$(join -a2 -e 0 -o '2.1,1.2,2.2,2.3' <(sort -k1,1 <<<"$before") <(sort -k1,1 <<<"$after") |
    awk -v m="$measure" '{d=$3-$2; tot+=d; if (d>0) print d, $4} END {printf "TOTAL %.0f\n", tot}' | sort -k1,1nr)"
  local total_ns top per_sample=""
  total_ns="$(awk '$1=="TOTAL"{print $2}' <<<"$summary")"
  top="$(grep -v '^TOTAL' <<<"$summary" | head -"${TOP_THREADS:-3}" | awk -v m="$measure" '{printf "%s %.3f%%; ", $2, $1/m/1e7}')"
  if [ "$load" != 0 ] && [ "${q:-0}" -gt 0 ]; then
    per_sample="$(awk -v ns="$total_ns" -v n="$((q * load * measure))" 'BEGIN {printf "| %.3f us/sample ", ns / n / 1000}')"
  fi
  local ticks_d=$((t1 - t0))
  awk -v n="$name" -v td="$ticks_d" -v hz="$clk_tck" -v m="$measure" -v ns="$total_ns" -v rss="$rss" -v hwm="$hwm" -v top="$top" \
    -v ps="$per_sample" \
    'BEGIN {printf "%-22s ticks %4d = %6.3f %% of a core | schedstat %6.3f %% | RSS %6.1f MiB (peak %6.1f) %s| top threads: %s\n",
      n, td, td / hz / m * 100, ns / m / 1e7, rss / 1024, hwm / 1024, ps, top}'
}

results=()
record() { results+=("$1"); printf '%s\n' "$1"; }

url=""
# start_server: a loopback nginx (or python3 http.server) answering GET /index.html; sets url
start_server() {
  [ -n "$url" ] && return 0
  mkdir -p "$work/www"
  echo ok > "$work/www/index.html"
  port="$(free_port)"
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
    cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$port; location / { return 200 "ok\\n"; } }
}
CONF
    mkdir -p "$work/tmp"
    "$nginx_bin" -p "$work" -c "$work/nginx.conf" 2>"$work/nginx.out" &
    pids+=($!)
  else
    (cd "$work/www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
    pids+=($!)
  fi
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  url="http://127.0.0.1:$port/index.html"
}

# idle_client OUT [AGENT-FLAG]: starts IdleHttpClient in the background (pid in $cpid), waits for its call
idle_client() {
  local out="$1"; shift
  "$java" "$@" -cp "$load_jar" io.hotpath.demo.idle.IdleHttpClient "$url" > "$out" 2>&1 &
  cpid=$!
  pids+=("$cpid")
  for _ in $(seq 1 600); do grep -q '^ready' "$out" && break; kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
  grep -q '^ready 200' "$out" || { echo "idle.sh: the client did not get its answer:" >&2; cat "$out" >&2; exit 1; }
}

# load_client OUT N: a JVM with the agent calling an instrumented method $load times a second into the daemon's
# spool (pid in $cpid); waits until its queue directory is there
load_client() {
  local out="$1" n="$2"
  [ -f "$work/rules.yaml" ] || "$java" -cp "$bench_jar" io.hotpath.benchmarks.DrainCpu rules > "$work/rules.yaml"
  "$java" -Xmx256m "-javaagent:$agent_jar=config=$work/rules.yaml,spool.dir=$work/dspool,service.name=load$n,log.level=error" \
    -cp "$bench_jar" io.hotpath.benchmarks.DrainCpu run "$load" 0 86400 > "$out" 2>&1 &
  cpid=$!
  pids+=("$cpid")
  for _ in $(seq 1 600); do
    [ "$(find "$work/dspool" -mindepth 1 -maxdepth 1 -type d | wc -l)" -ge "$n" ] && break
    kill -0 "$cpid" 2>/dev/null || { echo "idle.sh: the load JVM exited:" >&2; cat "$out" >&2; exit 1; }
    sleep 0.1
  done
}

if [ -z "$only" ] || [ "$only" = agent ]; then
  start_server
  read -r -a variants <<< "${VARIANTS:-none hotpath}"
  [ -z "${VARIANTS:-}" ] && [ -f "$otel_jar" ] && variants+=(otel)
  for r in $(seq 1 "$runs"); do
    for v in "${variants[@]}"; do
      flags=()
      case "$v" in
        hotpath) rm -rf "$work/spool"; mkdir -p "$work/spool"
                 flags=("-javaagent:$agent_jar=packs=jdk-httpclient,spool.dir=$work/spool,service.name=idle${AGENT_ARGS:+,$AGENT_ARGS}") ;;
        otel) flags=("-javaagent:$otel_jar" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none) ;;
      esac
      idle_client "$work/client.out" ${flags[@]+"${flags[@]}"}
      record "$(measure "agent:$v" "$cpid") run $r"
      kill "$cpid"; wait "$cpid" 2>/dev/null || true
    done
  done
fi

if [ -z "$only" ] || [ "$only" = daemon ]; then
  [ ${#jars[@]} -eq 0 ] && jars=("=")
  IFS=',' read -r -a queue_counts <<< "$queues"
  for r in $(seq 1 "$runs"); do
    for q in "${queue_counts[@]}"; do
      rm -rf "$work/dspool"; mkdir -p "$work/dspool"
      agents=()
      if [ "$q" -gt 0 ] && [ "$load" != 0 ]; then
        for i in $(seq 1 "$q"); do
          load_client "$work/queue$i.out" "$i"
          agents+=("$cpid")
        done
      elif [ "$q" -gt 0 ]; then
        start_server
        for i in $(seq 1 "$q"); do
          idle_client "$work/queue$i.out" "-javaagent:$agent_jar=packs=jdk-httpclient,spool.dir=$work/dspool,service.name=idle$i"
          agents+=("$cpid")
        done
      fi
      # main's and the branch's jar in alternating order, run by run
      order=("${jars[@]}")
      if [ $((r % 2)) -eq 0 ]; then
        order=(); for ((j = ${#jars[@]} - 1; j >= 0; j--)); do order+=("${jars[j]}"); done
      fi
      started=() k=0
      for spec in "${order[@]}"; do
        jname="${spec%%=*}" jpath="${spec#*=}" k=$((k + 1))
        name="hotpathd${jname:+:$jname}"; [ "$queues" != "0" ] && name="$name:q$q"
        rm -rf "$work/dstate$k"; mkdir -p "$work/dstate$k"
        jopts="${nmt:+-XX:NativeMemoryTracking=summary}"
        for o in ${opts[@]+"${opts[@]}"}; do [ "${o%%=*}" = "$jname" ] && jopts="$jopts ${o#*=}"; done
        env JAVA="$java" ${jpath:+HOTPATHD_JAR="$jpath"} ${jopts:+JAVA_OPTS="$jopts"} "$hotpathd" \
          --spool "$work/dspool" --state-dir "$work/dstate$k" --listen "127.0.0.1:0" --log-level WARNING > "$work/hotpathd$k.log" 2>&1 &
        dpid=$!
        if [ -n "$together" ]; then
          started+=("$name=$dpid"); pids+=("$dpid")
          continue
        fi
        while IFS= read -r line; do record "$line run $r"; done < <(measure "$name" "$dpid")
        kill "$dpid"; wait "$dpid" 2>/dev/null || true
      done
      if [ -n "$together" ]; then
        while IFS= read -r line; do record "$line run $r"; done < <(measure_all "${started[@]}")
        for w in "${started[@]}"; do kill "${w#*=}"; wait "${w#*=}" 2>/dev/null || true; done
      fi
      for p in "${agents[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    done
  done
fi

summary="$(printf '%s\n' "${results[@]}" | awk '
  { name=$1; pct[name]=pct[name] " " $5; ss[name]=ss[name] " " $12; rss[name]=rss[name] " " $16 }
  function median(list,   a, n, i, j, t) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { for (n in pct) printf "median %-22s ticks %6.3f %% of a core | schedstat %6.3f %% | RSS %6.1f MiB\n", n, median(pct[n]), median(ss[n]), median(rss[n]) }' | sort)"
printf '%s\n' "$summary"
printf 'settle %s s, measure %s s, %s runs; load average at the end: %s\n' "$settle" "$measure" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$out" ]; then
  { printf '%s\n' "${results[@]}"; cat "$work/timeline" 2>/dev/null || true; printf '%s\n' "$summary"; printf 'settle %s s, measure %s s, %s runs; load average at the end: %s\n' \
      "$settle" "$measure" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"; } > "$out"
fi
