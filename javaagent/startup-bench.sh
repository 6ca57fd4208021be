#!/usr/bin/env bash
# Agent start-up cost on a hello-world: wall time, CPU time and max RSS, plain JVM vs JVM with the
# agent, median of N runs each (runs interleave plain / no-op agent / agent, so all see the same load).
#
#   javaagent/startup-bench.sh [--runs 9] [--java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java]
#                              [--agent javaagent/target/hotpath-agent.jar]
#                              [--rules demo-service/hotpath-demo-rules.yaml] [--agent-args k=v,...]
#                              [--app-classpath DIR_OR_JAR] [--extra-jvm-arg ARG]... [--verbose]
#
# Prints one machine-readable line on stdout, e.g.
#   startup java=17.0.15 runs=9 plain_ms=31 noop_agent_ms=80 agent_ms=262 added_ms=231 plain_cpu_ms=40
#           agent_cpu_ms=390 plain_rss_mib=37.1 agent_rss_mib=80.4 added_rss_mib=43.3 agent_classes=812
# plain: the hello-world alone; noop_agent: with an empty -javaagent (what the JVM itself charges
# for any Java agent); agent: with hotpath. *_cpu_ms: user+sys CPU time (less sensitive to other
# load than wall time); agent_classes: classes loaded in one agent run (-Xlog:class+load,
# CPU-independent). --app-classpath adds the service's classes (e.g. demo-service/target/classes)
# to the hello-world's class path, so that rule types are present (Byte Buddy is then warmed up).
# Exit code 0 even if targets are missed: the caller decides. Needs GNU time (/usr/bin/time).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
runs=9
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/java}"
java_bin="${java_bin:-java}"
agent="$here/target/hotpath-agent.jar"
rules="$repo/demo-service/hotpath-demo-rules.yaml"
agent_args=""
app_cp=""
extra=()
verbose=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --java) java_bin="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --rules) rules="$2"; shift 2 ;;
    --agent-args) agent_args="$2"; shift 2 ;;
    --app-classpath) app_cp="$2"; shift 2 ;;
    --extra-jvm-arg) extra+=("$2"); shift 2 ;;
    --verbose) verbose=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$agent" ] || { echo "agent jar $agent not found (mvn -pl javaagent -am package -DskipTests)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is required" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jdk_bin="$(dirname "$(readlink -f "$(command -v "$java_bin")")")"
mkdir -p "$work/classes" "$work/noop" "$work/spool"
echo 'public class Hello { public static void main(String[] args) { System.out.println("hello"); } }' > "$work/Hello.java"
echo 'public class NoopAgent { public static void premain(String a, java.lang.instrument.Instrumentation i) { } }' > "$work/NoopAgent.java"
"$jdk_bin/javac" --release 17 -d "$work/classes" "$work/Hello.java"
"$jdk_bin/javac" --release 17 -d "$work/noop" "$work/NoopAgent.java"
printf 'Premain-Class: NoopAgent\nCan-Retransform-Classes: true\n' > "$work/noop.mf"
"$jdk_bin/jar" cfm "$work/noop.jar" "$work/noop.mf" -C "$work/noop" NoopAgent.class
classpath="$work/classes${app_cp:+:$app_cp}"

args="spool.dir=$work/spool"
[ -n "$rules" ] && args="$args,config=$rules"
[ -n "$agent_args" ] && args="$args,$agent_args"
agent_flag="-javaagent:$agent=$args"

# One run: prints "<wall ms> <max rss KiB> <user+sys CPU ms>".
run() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$work/time" "$java_bin" ${extra[@]+"${extra[@]}"} "$@" -cp "$classpath" Hello \
    > "$work/out" 2> "$work/err"
  end=$(date +%s%N)
  if ! grep -q '^hello$' "$work/out" || [ -s "$work/err" ]; then
    echo "unexpected output from: $java_bin $*" >&2; cat "$work/out" "$work/err" >&2; exit 1
  fi
  echo "$(( (end - start) / 1000000 )) $(tail -1 "$work/time" | awk '{ printf "%d %d", $1, ($2 + $3) * 1000 }')"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { cut -d' ' -f"$2" "$work/$1" | median; }

run >/dev/null; run "$agent_flag" >/dev/null   # warm the page cache
: > "$work/plain"; : > "$work/noop.txt"; : > "$work/agent"
for _ in $(seq "$runs"); do
  run >> "$work/plain"
  run "-javaagent:$work/noop.jar" >> "$work/noop.txt"
  run "$agent_flag" >> "$work/agent"
done
"$java_bin" ${extra[@]+"${extra[@]}"} -Xlog:class+load:file="$work/classes.log" "$agent_flag" -cp "$classpath" Hello >/dev/null 2>&1
classes=$(grep -c 'source:' "$work/classes.log" || true)
if [ "$verbose" = 1 ]; then
  paste -d'|' "$work/plain" "$work/noop.txt" "$work/agent" | sed 's/^/ms rss cpu: plain | noop agent | agent: /' >&2
fi

version=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/ { print $2 }')
awk -v v="$version" -v n="$runs" -v pm="$(col plain 1)" -v nm="$(col noop.txt 1)" -v am="$(col agent 1)" \
    -v pc="$(col plain 3)" -v ac="$(col agent 3)" -v pr="$(col plain 2)" -v ar="$(col agent 2)" -v c="$classes" 'BEGIN {
  printf "startup java=%s runs=%d plain_ms=%d noop_agent_ms=%d agent_ms=%d added_ms=%d plain_cpu_ms=%d agent_cpu_ms=%d " \
         "plain_rss_mib=%.1f agent_rss_mib=%.1f added_rss_mib=%.1f agent_classes=%d\n",
    v, n, pm, nm, am, am - pm, pc, ac, pr / 1024, ar / 1024, (ar - pr) / 1024, c }'
