#!/usr/bin/env python3
"""The agent's CPU per sample in a real JVM, from the kernel's per-thread accounting, for several agent jars
side by side (e.g. main's and a branch's), interleaved.

    benchmarks/drain_cpu.py [--agents NAME=JAR,...] [--rates 1000,10000,100000] [--reps 5]
                            [--warmup 5] [--seconds 10] [--out DIR]

Each run is one JVM (io.hotpath.benchmarks.DrainCpu in benchmarks.jar) with -javaagent:JAR, calling an
instrumented method at a fixed rate on one thread (label from an enum argument, payload size from a byte[]);
after --warmup seconds it measures --seconds: the hotpath-drain thread's CPU from
/proc/self/task/TID/schedstat (and its run count: wake-ups), the calling thread's CPU (ThreadMXBean), the
whole process's CPU, wall time, and the agent's recorded and dropped samples. Variant "none" is the same loop
without an agent (the calling thread's floor). Per-thread CPU counts only the time that thread ran, so other
processes on a shared machine disturb it far less than whole-process figures.

Rounds: for each repetition, for each rate, every variant once (the order rotates every round). Reported per
rate and variant: medians over the repetitions; for each agent after the first, the paired difference
(that agent - first agent) of the drain's CPU per sample per round with a 95 % Student-t interval; the load
average before and after. Build first: mvn -B -q package -pl benchmarks -am -DskipTests.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.environ.get("JAVA") or (os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
BENCH = os.path.join(ROOT, "benchmarks/target/benchmarks.jar")
AGENT = os.path.join(ROOT, "javaagent/target/hotpath-agent.jar")
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 19: 2.093, 29: 2.045}


def log(*a):
    print("[drain_cpu %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def t95(df):
    return T95.get(df) or T95[max(k for k in T95 if k <= df)]


def interval(values):
    """mean, 95 % half-width (Student t), median"""
    if len(values) < 2:
        return (values[0] if values else float("nan")), float("nan"), (values[0] if values else float("nan"))
    mean = statistics.mean(values)
    half = t95(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return mean, half, statistics.median(values)


def run_one(work, name, jar, rate, warmup, seconds):
    spool = os.path.join(work, "spool-%s-%d-%d" % (name, rate, time.time_ns()))
    os.makedirs(spool)
    cmd = [JAVA, "-Xmx256m"]
    if jar:
        jar, *options = jar.split("@")
        cmd.append("-javaagent:%s=config=%s,spool.dir=%s,service.name=draincpu,log.level=error%s" % (
            jar, os.path.join(work, "rules.yaml"), spool, "".join("," + o for o in options)))
    cmd += ["-cp", BENCH, "io.hotpath.benchmarks.DrainCpu", "run", str(rate), str(warmup), str(seconds)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=warmup + seconds + 120)
    shutil.rmtree(spool, ignore_errors=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError("%s at %d/s failed (%d): %s %s" % (name, rate, out.returncode, out.stdout, out.stderr))
    row = json.loads(lines[-1])
    row.update(variant=name, loadavg=loadavg())
    return row


def per_call(row, key):
    return row[key] / row["calls"] / 1000.0 if row["calls"] else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--agents", default="hotpath=" + AGENT, help="NAME=JAR[@key=value...],... (agent options after @, e.g. "
                   "hold1s=hotpath-agent.jar@drain.maxHoldMs=1000; the first is the reference of the paired differences)")
    p.add_argument("--no-none", action="store_true", help="skip the variant without an agent")
    p.add_argument("--rates", default="1000,10000,100000")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--out", default=os.path.join(ROOT, "benchmarks/target/results/drain-cpu"))
    a = p.parse_args()
    agents = [tuple(s.split("=", 1)) for s in a.agents.split(",")]
    variants = ([] if a.no_none else [("none", None)]) + agents
    rates = [int(r) for r in a.rates.split(",")]
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="drain-cpu-")
    with open(os.path.join(work, "rules.yaml"), "w") as f:
        f.write(subprocess.run([JAVA, "-cp", BENCH, "io.hotpath.benchmarks.DrainCpu", "rules"], check=True,
                               capture_output=True, text=True).stdout)
    load_before = loadavg()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows = []
    rnd = 0
    for rep in range(a.reps):
        for rate in rates:
            order = variants[rnd % len(variants):] + variants[:rnd % len(variants)]
            rnd += 1
            for name, jar in order:
                row = run_one(work, name, jar, rate, a.warmup, a.seconds)
                row.update(rep=rep)
                rows.append(row)
                log("rep %d %s %d/s: drain %.3f us/sample, %d wake-ups, caller %.3f us/call, process %.3f us/call, "
                    "dropped %d, load %s" % (rep, name, rate, per_call(row, "drain_cpu_ns"), row["drain_runs"],
                                             per_call(row, "caller_cpu_ns"), per_call(row, "process_cpu_ns"),
                                             row["dropped"], row["loadavg"]))
    shutil.rmtree(work, ignore_errors=True)
    load_after = loadavg()
    with open(os.path.join(a.out, "drain-cpu.json"), "w") as f:
        json.dump({"started": started, "loadavg_before": load_before, "loadavg_after": load_after,
                   "args": vars(a), "rows": rows}, f, indent=1)
    print(report(rows, variants, agents, rates, a, started, load_before, load_after))


def report(rows, variants, agents, rates, a, started, load_before, load_after):
    out = ["Command: `benchmarks/drain_cpu.py --agents %s --rates %s --reps %d --warmup %d --seconds %d`; started %s, "
           "load average before %s, after %s (per run: %s)" % (
               ",".join(n for n, _ in agents), a.rates, a.reps, a.warmup, a.seconds, started, load_before, load_after,
               ", ".join(sorted({r["loadavg"].split()[0] for r in rows}, key=float)[::max(1, len(rows) // 6)])), ""]
    out.append("| rate /s | variant | drain µs/sample (median; per rep) | drain wake-ups/s | caller µs/call | "
               "process µs/call | wall s | dropped |")
    out.append("|---|---|---|---|---|---|---|---|")
    for rate in rates:
        for name, _ in variants:
            rs = [r for r in rows if r["variant"] == name and r["rate"] == rate]
            drain = [per_call(r, "drain_cpu_ns") for r in rs]
            out.append("| %d | %s | %s (%s) | %.0f | %.3f | %.3f | %.2f | %d |" % (
                rate, name, "%.3f" % statistics.median(drain) if name != "none" else "–",
                ", ".join("%.2f" % d for d in drain) if name != "none" else "",
                statistics.median(r["drain_runs"] * 1e9 / r["wall_ns"] for r in rs),
                statistics.median(per_call(r, "caller_cpu_ns") for r in rs),
                statistics.median(per_call(r, "process_cpu_ns") for r in rs),
                statistics.median(r["wall_ns"] / 1e9 for r in rs), sum(r["dropped"] for r in rs)))
    if len(agents) > 1:
        ref = agents[0][0]
        out += ["", "Paired per round (same rate, same repetition): drain µs/sample, %s minus %s" % ("/".join(n for n, _ in agents[1:]), ref), "",
                "| rate /s | agent | difference: mean ± 95 % CI | median | ratio of medians |", "|---|---|---|---|---|"]
        for rate in rates:
            for name, _ in agents[1:]:
                diffs, mine, refs = [], [], []
                for rep in range(a.reps):
                    x = [per_call(r, "drain_cpu_ns") for r in rows if r["variant"] == name and r["rate"] == rate and r["rep"] == rep]
                    y = [per_call(r, "drain_cpu_ns") for r in rows if r["variant"] == ref and r["rate"] == rate and r["rep"] == rep]
                    if x and y:
                        diffs.append(x[0] - y[0])
                        mine.append(x[0])
                        refs.append(y[0])
                mean, half, med = interval(diffs)
                out.append("| %d | %s | %+.3f ± %.3f | %+.3f | %.2f× |" % (
                    rate, name, mean, half, med, statistics.median(mine) / statistics.median(refs)))
    return "\n".join(out)


if __name__ == "__main__":
    main()
