#!/usr/bin/env bash
# Agent start-up cost on a hello-world: wall time and peak RSS without an agent, with the hotpath
# agent (the demo rules plus the built-in packs, as a user would switch it on) and with the
# OpenTelemetry javaagent (if it is in ~/.m2), on each JDK found (17 and Temurin 25).
#
#   benchmarks/startup.sh [--quick|--full] [--runs N] [--no-otel] [--out FILE.md]
#
# Builds nothing: uses javaagent/target/hotpath-agent.jar (mvn package builds it) and compiles a
# one-class hello-world into a temp dir. Runs are interleaved (no agent, hotpath, OTel, no agent, ...)
# so that load from elsewhere on the machine spreads over all variants; the table shows medians.
# Wall time is measured around the whole `java` process (start to exit); CPU ms is its user + system
# time (less sensitive to other load on the machine than wall time, but it counts every JVM thread);
# peak RSS is the kernel's maxrss; the last two from /usr/bin/time. Targets (BRIEF.md): hotpath adds < 300 ms and < 64 MiB.
#
# Environment: HOTPATH_STARTUP_JDKS="label=/path/to/jdk ..." overrides the JDKs looked for;
# OTEL_AGENT_JAR overrides the OTel agent jar.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
runs=10
out=""
with_otel=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) runs=3 ;;
    --full) runs=10 ;;
    --runs) runs="$2"; shift ;;
    --out) out="$2"; shift ;;
    --no-otel) with_otel=false ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "startup.sh: unknown argument '$1' (expected --quick, --full, --runs N, --no-otel, --out FILE.md)" >&2; exit 2 ;;
  esac
  shift
done

agent_jar="$repo/javaagent/target/hotpath-agent.jar"
rules="$repo/demo-service/hotpath-demo-rules.yaml"
packs="jdk-httpclient,nio,netty"
otel_jar="${OTEL_AGENT_JAR:-$HOME/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/2.31.1/opentelemetry-javaagent-2.31.1.jar}"
[[ -f "$agent_jar" ]] || { echo "startup.sh: $agent_jar missing: run 'mvn -pl javaagent -am package -DskipTests' first" >&2; exit 1; }
[[ -f "$rules" ]] || { echo "startup.sh: $rules missing" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "startup.sh: /usr/bin/time (GNU time) is needed for peak RSS" >&2; exit 1; }

jdks=()
if [[ -n "${HOTPATH_STARTUP_JDKS:-}" ]]; then
  read -r -a jdks <<< "$HOTPATH_STARTUP_JDKS"
else
  for candidate in "17=/usr/lib/jvm/java-17-openjdk-amd64" "25=/usr/lib/jvm/temurin-25-jdk-amd64"; do
    [[ -x "${candidate#*=}/bin/java" ]] && jdks+=("$candidate")
  done
fi
[[ ${#jdks[@]} -gt 0 ]] || { echo "startup.sh: no JDK found" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/hotpath-startup.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes"
cat > "$work/Hello.java" <<'EOF'
public final class Hello
{
    public static void main(final String[] args)
    {
        System.out.println("hello, world");
    }
}
EOF
javac="${jdks[0]#*=}/bin/javac"
"$javac" --release 17 -d "$work/classes" "$work/Hello.java"

variants=(none hotpath)
$with_otel && [[ -f "$otel_jar" ]] && variants+=(otel)

# java_args VARIANT: the JVM arguments of one variant (one per line).
java_args() {
  case "$1" in
    none) ;;
    hotpath) printf '%s\n' "-javaagent:$agent_jar=config=$rules,packs=$packs,spool.dir=$work/spool" ;;
    otel) printf '%s\n' "-javaagent:$otel_jar" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none \
            -Dotel.logs.exporter=none -Dotel.javaagent.logging=none ;;
  esac
}

# run_once JAVA VARIANT: prints "<wall ms> <peak RSS KiB> <CPU ms>"; fails if hello-world did not say hello.
run_once() {
  local java="$1" variant="$2" start end args=()
  mapfile -t args < <(java_args "$variant")
  start=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$work/time.txt" "$java" "${args[@]}" -cp "$work/classes" Hello > "$work/stdout.txt" 2> "$work/stderr-$variant.txt"
  end=$(date +%s%N)
  grep -q '^hello, world$' "$work/stdout.txt" || { echo "startup.sh: $variant on $java did not run hello-world:" >&2; cat "$work/stderr-$variant.txt" >&2; exit 1; }
  tail -n 1 "$work/time.txt" | awk -v wall=$(( (end - start) / 1000000 )) '{ printf "%d %d %d\n", wall, $1, ($2 + $3) * 1000 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

table="$work/table.md"
{
  echo "### Agent start-up: hello-world, median of $runs runs per cell"
  echo
  echo "| JDK | agent | wall ms | added ms | CPU ms | added CPU ms | peak RSS MiB | added MiB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
} > "$table"
notes=()

for jdk in "${jdks[@]}"; do
  label="${jdk%%=*}"; java="${jdk#*=}/bin/java"
  for variant in "${variants[@]}"; do : > "$work/$label-$variant.txt"; done
  "$java" -cp "$work/classes" Hello > /dev/null  # warm the page cache once
  for ((i = 0; i < runs; i++)); do
    for variant in "${variants[@]}"; do
      run_once "$java" "$variant" >> "$work/$label-$variant.txt"
    done
  done
  base_ms=$(cut -d' ' -f1 "$work/$label-none.txt" | median)
  base_kib=$(cut -d' ' -f2 "$work/$label-none.txt" | median)
  base_cpu=$(cut -d' ' -f3 "$work/$label-none.txt" | median)
  for variant in "${variants[@]}"; do
    ms=$(cut -d' ' -f1 "$work/$label-$variant.txt" | median)
    kib=$(cut -d' ' -f2 "$work/$label-$variant.txt" | median)
    cpu=$(cut -d' ' -f3 "$work/$label-$variant.txt" | median)
    case "$variant" in
      none) name="none" ;;
      hotpath) name="hotpath (demo rules + packs $packs)" ;;
      otel) name="OpenTelemetry javaagent $(basename "$otel_jar" .jar | sed 's/opentelemetry-javaagent-//'), exporters none" ;;
    esac
    if [[ "$variant" == none ]]; then
      added_ms="–"; added_mib="–"; added_cpu="–"
    else
      added_ms=$(( ms - base_ms )); added_mib=$(awk -v a="$kib" -v b="$base_kib" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
      [[ "$added_ms" -ge 0 ]] && added_ms="+$added_ms"
      added_cpu=$(( cpu - base_cpu )); [[ "$added_cpu" -ge 0 ]] && added_cpu="+$added_cpu"
      [[ "$added_mib" == -* ]] || added_mib="+$added_mib"
    fi
    printf '| %s | %s | %d | %s | %d | %s | %.1f | %s |\n' "$label" "$name" "$ms" "$added_ms" "$cpu" "$added_cpu" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$added_mib" >> "$table"
    if [[ "$variant" == hotpath && -s "$work/stderr-hotpath.txt" ]]; then
      notes+=("JDK $label: the hotpath agent wrote to stderr: $(head -c 300 "$work/stderr-hotpath.txt" | tr '\n' ' ')")
    fi
  done
done
{
  echo
  echo "Target: hotpath adds < 300 ms and < 64 MiB. $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  $with_otel && [[ ! -f "$otel_jar" ]] && echo "OpenTelemetry javaagent not found at $otel_jar: not measured."
  for note in "${notes[@]+"${notes[@]}"}"; do echo "$note"; done
} >> "$table"

cat "$table"
if [[ -n "$out" ]]; then
  cp "$table" "$out"
fi
