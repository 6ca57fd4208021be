#!/usr/bin/env bash
# Agent start-up cost on a hello-world: wall time and max RSS, plain JVM vs JVM with the agent,
# median of N runs each (runs alternate plain/agent so both see the same machine load).
#
#   javaagent/startup-bench.sh [--runs 9] [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java]
#                              [--agent javaagent/target/hotpath-agent.jar]
#                              [--rules demo-service/hotpath-demo-rules.yaml] [--agent-args k=v,...]
#                              [--extra-jvm-arg ARG]... [--verbose]
#
# Prints one machine-readable line on stdout, e.g.
#   startup java=17.0.15 runs=9 plain_ms=31 agent_ms=262 added_ms=231 plain_rss_mib=37.1 agent_rss_mib=80.4 added_rss_mib=43.3 agent_classes=812
# (agent_classes: classes loaded in the agent run, from -Xlog:class+load, CPU-independent).
# Exit code 0 even if targets are missed: the caller decides. Needs /usr/bin/time (GNU time).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
runs=9
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/java}"
java_bin="${java_bin:-java}"
agent="$here/target/hotpath-agent.jar"
rules="$repo/demo-service/hotpath-demo-rules.yaml"
agent_args=""
extra=()
verbose=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --java) java_bin="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --rules) rules="$2"; shift 2 ;;
    --agent-args) agent_args="$2"; shift 2 ;;
    --extra-jvm-arg) extra+=("$2"); shift 2 ;;
    --verbose) verbose=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$agent" ] || { echo "agent jar $agent not found (mvn -pl javaagent -am package -DskipTests)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is required" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
javac_bin="$(dirname "$java_bin")/javac"
[ -x "$javac_bin" ] || javac_bin=javac
mkdir -p "$work/classes" "$work/spool"
cat > "$work/Hello.java" <<'EOF'
public class Hello { public static void main(String[] args) { System.out.println("hello"); } }
EOF
"$javac_bin" --release 17 -d "$work/classes" "$work/Hello.java"

args="spool.dir=$work/spool"
[ -n "$rules" ] && args="$args,config=$rules"
[ -n "$agent_args" ] && args="$args,$agent_args"
agent_flag="-javaagent:$agent=$args"

# One run: prints "<wall ms> <max rss KiB>".
run() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$java_bin" "${extra[@]}" "$@" -cp "$work/classes" Hello > "$work/out" 2> "$work/err"
  end=$(date +%s%N)
  if ! grep -q '^hello$' "$work/out" || [ -s "$work/err" ]; then
    echo "unexpected output from: $java_bin $*" >&2; cat "$work/out" "$work/err" >&2; exit 1
  fi
  echo "$(( (end - start) / 1000000 )) $(tail -1 "$work/rss")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run >/dev/null; run "$agent_flag" >/dev/null   # warm the page cache
: > "$work/plain"; : > "$work/agent"
for _ in $(seq "$runs"); do
  run >> "$work/plain"
  run "$agent_flag" >> "$work/agent"
done
classes=$("$java_bin" "${extra[@]}" -Xlog:class+load:file="$work/classes.log" "$agent_flag" -cp "$work/classes" Hello >/dev/null 2>&1; grep -c 'source:' "$work/classes.log" || true)
if [ "$verbose" = 1 ]; then
  paste "$work/plain" "$work/agent" | sed 's/^/plain ms rss, agent ms rss: /' >&2
fi

plain_ms=$(cut -d' ' -f1 "$work/plain" | median)
agent_ms=$(cut -d' ' -f1 "$work/agent" | median)
plain_rss=$(cut -d' ' -f2 "$work/plain" | median)
agent_rss=$(cut -d' ' -f2 "$work/agent" | median)
version=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/ { print $2 }')
awk -v v="$version" -v n="$runs" -v pm="$plain_ms" -v am="$agent_ms" -v pr="$plain_rss" -v ar="$agent_rss" -v c="$classes" 'BEGIN {
  printf "startup java=%s runs=%d plain_ms=%d agent_ms=%d added_ms=%d plain_rss_mib=%.1f agent_rss_mib=%.1f added_rss_mib=%.1f agent_classes=%d\n",
    v, n, pm, am, am - pm, pr / 1024, ar / 1024, (ar - pr) / 1024, c }'
