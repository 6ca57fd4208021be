#!/usr/bin/env bash
# hotpath benchmarks: build, run every benchmark, regenerate benchmarks/RESULTS.md from that one run.
#
#   benchmarks/run.sh --quick   # ~8 min on 2 cores: short JMH iterations, one fork, one e2e repetition (noisy)
#   benchmarks/run.sh --full    # the run RESULTS.md quotes (~75 min on 2 cores): run it on a quiet machine
#   benchmarks/run.sh --smoke   # ~2 min: checks that everything runs (CI runs BenchmarksSmokeIT instead)
# (quick, full and smoke without dashes work too.)
#
# Steps: JMH (record path at 1/2/4 threads with -prof gc, instrumented call, drain, ring choice, daemon ingest,
# /metrics render), WindowMemoryFootprint (heap with every window full), EndToEndHarness (overhead + accuracy),
# and benchmarks/startup.sh (agent start-up) when that script exists.
#
# Environment: E2E_ARGS (extra EndToEndHarness options), JMH_ARGS (extra JMH options), JAVA (default: $JAVA_HOME/bin/java or java; every JVM of the run uses it), SKIP_BUILD=1 (use the
# jars already built), ONLY="record-path-t1 e2e ..." (run only these steps; RESULTS.md is then generated from
# whatever results the mode's directory holds), RESULTS_MD (default: benchmarks/RESULTS.md; smoke writes
# target/results/smoke/RESULTS.md).
# Raw results: benchmarks/target/results/<mode>/ (JMH JSON and logs, e2e/e2e.json and per-run logs, machine.json).
set -euo pipefail

mode="${1:-quick}"
mode="${mode#--}"
case "$mode" in quick|full|smoke) ;; *) echo "usage: benchmarks/run.sh [--quick|--full|--smoke]" >&2; exit 2 ;; esac
[ $# -le 1 ] || { echo "usage: benchmarks/run.sh [--quick|--full|--smoke] (one argument, got: $*)" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
java="${java:-java}"
results="$root/benchmarks/target/results/$mode"
jar="$root/benchmarks/target/benchmarks.jar"
if [ "$mode" = smoke ]; then
  results_md="${RESULTS_MD:-$results/RESULTS.md}"
else
  results_md="${RESULTS_MD:-$root/benchmarks/RESULTS.md}"
fi
only="${ONLY:-}"

step() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building: mvn -B -q package -pl benchmarks -am -DskipTests"
  mvn -B -q package -pl benchmarks -am -DskipTests
fi
mkdir -p "$results"
[ -z "$only" ] && rm -f "$results"/jmh-*.json "$results"/jmh-*.cmd "$results"/footprint-*.json "$results"/startup.md "$results"/startup.note

# JMH options per mode: full = the iterations, forks and times annotated on each benchmark class.
# quick and smoke ignore JMH's machine-wide lock (/tmp/jmh.lock): their numbers are flagged noisy anyway;
# full keeps it, so it fails rather than run beside another JMH.
case "$mode" in
  full)  jmh_opts=(); jmh_jvm=() ;;
  quick) jmh_opts=(-f 1 -wi 2 -w 300ms -i 5 -r 300ms); jmh_jvm=(-Djmh.ignoreLock=true) ;;
  smoke) jmh_opts=(-f 1 -wi 0 -i 1 -r 100ms); jmh_jvm=(-Djmh.ignoreLock=true) ;;
esac

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
load_before="$(loadavg)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# JMH_ARGS: extra JMH options for every benchmark, e.g. JMH_ARGS="-f 2" (fewer forks than annotated)
read -r -a jmh_extra <<< "${JMH_ARGS:-}"

# jmh NAME [JMH ARGS...]: one JMH invocation, JSON into jmh-NAME.json, its command line into jmh-NAME.cmd
jmh() {
  local name="$1"; shift
  step "$name" || return 0
  local cmd=("$java" "${jmh_jvm[@]}" -jar "$jar" "$@" "${jmh_opts[@]}" "${jmh_extra[@]}" -rf json -rff "$results/jmh-$name.json")
  log "jmh $name: ${cmd[*]#$root/}"
  printf '%s\n' "java -jar benchmarks/target/benchmarks.jar $* ${jmh_opts[*]} ${jmh_extra[*]} -rf json -rff jmh-$name.json" > "$results/jmh-$name.cmd"
  "${cmd[@]}" > "$results/jmh-$name.log" 2>&1 || { tail -40 "$results/jmh-$name.log" >&2; log "jmh $name FAILED"; exit 1; }
}

jmh record-path-t1 'io.hotpath.benchmarks.RecordPathBenchmark' -t 1 -prof gc
jmh record-path-t2 'io.hotpath.benchmarks.RecordPathBenchmark' -t 2 -prof gc
jmh record-path-t4 'io.hotpath.benchmarks.RecordPathBenchmark' -t 4 -prof gc
jmh label-cap-t1 'io.hotpath.benchmarks.LabelCapBenchmark' -t 1 -prof gc
jmh label-cap-t2 'io.hotpath.benchmarks.LabelCapBenchmark' -t 2
jmh instrumented-call 'io.hotpath.benchmarks.InstrumentedCallBenchmark' -prof gc
jmh spool-drain 'io.hotpath.benchmarks.SpoolDrainBenchmark'
jmh spool-document 'io.hotpath.benchmarks.SpoolDocumentBenchmark'
jmh ring-choice-t1 'io.hotpath.benchmarks.RingChoiceBenchmark' -t 1
jmh ring-choice-t2 'io.hotpath.benchmarks.RingChoiceBenchmark' -t 2
jmh daemon-ingest 'io.hotpath.benchmarks.daemon.DaemonIngestBenchmark'
jmh metrics-render 'io.hotpath.benchmarks.daemon.MetricsRenderBenchmark'
jmh metrics-scrape 'io.hotpath.benchmarks.daemon.MetricsScrapeBenchmark'

# Heap of the aggregation state with every window full (not a timing: a plain main).
footprint() {
  local series="$1" rate="$2" sigma="$3"
  local out="$results/footprint-$series-$rate-$sigma.json"
  log "footprint: $series series, $rate samples/s each, sigma $sigma"
  "$java" -Xmx2g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp "$jar" \
    io.hotpath.benchmarks.daemon.WindowMemoryFootprint "$series" "$rate" "$sigma" "$out" > "$results/footprint-$series-$rate-$sigma.log" 2>&1
}
if step footprint; then
  case "$mode" in
    full)  footprint 1000 50 0.5; footprint 1000 100 0.7 ;;
    quick) footprint 100 50 0.5 ;;
    smoke) footprint 10 5 0.5 ;;
  esac
fi

if step e2e; then
  # E2E_ARGS: extra harness options, e.g. E2E_ARGS="--repetitions 1" for a shorter full run (recorded in RESULTS.md)
  read -r -a e2e_args <<< "${E2E_ARGS:-}"
  log "e2e: java -cp benchmarks/target/benchmarks.jar io.hotpath.benchmarks.e2e.EndToEndHarness --mode $mode ${E2E_ARGS:-}"
  rm -rf "$results/e2e"
  # exit 3: every run completed but an accuracy check failed (e2e.json has the verdicts; RESULTS.md shows them)
  set +e
  "$java" -cp "$jar" io.hotpath.benchmarks.e2e.EndToEndHarness --mode "$mode" "${e2e_args[@]}" --out "$results/e2e" 2>&1 | tee "$results/e2e.log"
  e2e_status=${PIPESTATUS[0]}
  set -e
  if [ "$e2e_status" = 3 ]; then
    log "e2e: ACCURACY CHECK FAILED (see $results/e2e.log); going on to write RESULTS.md"
    accuracy_failed=1
  elif [ "$e2e_status" != 0 ]; then
    log "e2e: the harness failed (exit $e2e_status)"
    exit "$e2e_status"
  fi
fi

# Agent start-up (benchmarks/startup.sh [--quick|--full] [--out FILE.md], from the agentperf work; it picks its own JDKs);
# its Markdown goes into RESULTS.md verbatim.
if step startup; then
  if [ -f "$root/benchmarks/startup.sh" ]; then
    startup_args=(--out "$results/startup.md")
    if [ "$mode" = full ]; then startup_args=(--full "${startup_args[@]}"); else startup_args=(--quick "${startup_args[@]}"); fi
    echo "benchmarks/startup.sh ${startup_args[0]} --out startup.md" > "$results/startup.cmd"
    log "startup: $(cat "$results/startup.cmd")"
    if ! JAVA="$java" bash "$root/benchmarks/startup.sh" "${startup_args[@]}" > "$results/startup.log" 2>&1; then
      tail -20 "$results/startup.log" >&2
      log "startup FAILED (continuing; RESULTS.md says so)"
      echo "benchmarks/startup.sh failed (exit status non-zero); see its log, target/results/$mode/startup.log." > "$results/startup.note"
      rm -f "$results/startup.md"
    fi
  else
    log "startup: benchmarks/startup.sh not present, skipped"
    echo "benchmarks/startup.sh is not in this checkout; the agent start-up table was skipped." > "$results/startup.note"
  fi
fi

load_after="$(loadavg)"
cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
mem_kib="$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/meminfo 2>/dev/null)"
python3 - "$results/machine.json" <<EOF
import json, os, sys
earlier = []
if "$only" and os.path.exists(sys.argv[1]):
    # ONLY=...: the other steps' results come from earlier invocations; keep what they were run with
    previous = json.load(open(sys.argv[1]))
    earlier = previous.pop("earlierInvocations", []) + [previous]
json.dump({
  "mode": "$mode",
  "started": "$started",
  "finished": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "cores": $(nproc),
  "cpuModel": """${cpu_model:-unknown}""",
  "memoryGiB": round(${mem_kib:-0} / 1048576, 1),
  "kernel": "$(uname -sr)",
  "java": """$("$java" -version 2>&1 | tr '\n' ' ' | sed 's/"/\\"/g')""",
  "javaHome": """$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')""",
  "loadAverageBefore": "$load_before",
  "loadAverageAfter": "$load_after",
  "gitCommit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '-dirty')",
  "command": "${SKIP_BUILD:+SKIP_BUILD=$SKIP_BUILD }${ONLY:+ONLY='$ONLY' }${JMH_ARGS:+JMH_ARGS='$JMH_ARGS' }${E2E_ARGS:+E2E_ARGS='$E2E_ARGS' }benchmarks/run.sh --$mode",
  "earlierInvocations": earlier,
}, open(sys.argv[1], "w"), indent=2)
EOF

python3 "$root/benchmarks/report/generate_results.py" --results "$results" --out "$results_md"
log "wrote ${results_md#$root/} (raw results: ${results#$root/})"
if [ "${accuracy_failed:-0}" = 1 ]; then
  log "e2e accuracy check FAILED: see the accuracy tables in ${results_md#$root/}"
  exit 3
fi
