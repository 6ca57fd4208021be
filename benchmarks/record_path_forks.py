#!/usr/bin/env python3
"""RecordPathCompare in several forks: two builds' record paths beside HdrHistogram's Recorder, each fork one JVM.

    benchmarks/record_path_forks.py MAIN_JAR BRANCH_JAR [--forks 10] [--rounds 15] [--ops 1000000] [--ring-mib 256]

Each fork runs io.hotpath.benchmarks.RecordPathCompare (both builds loaded side by side, their slices interleaved,
timed by the thread's CPU time from the kernel) with the two jars in turn as A and B: forks alternate
main-first and branch-first, so neither build always gets the first class loader or the first slice. Per fork
the tool reads each build's median ratio to its own Recorder slice per variant and the median branch / main
ratio; across forks it reports the median, the mean with a 95 % Student-t interval, and the range. Also the load
average before and after each fork and the fork's CPU time (children's rusage) beside its wall time.
Build the jars first: mvn -B -q package -pl benchmarks -am -DskipTests (once per tree).
"""
import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time

from drain_cpu import T95  # Student t, two-sided 95 %, by degrees of freedom

JAVA = os.environ.get("JAVA") or (os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
VARIANTS = ["nanoTimePair", "hdrHistogramRecorderRecordValue", "hotpathStaticSeries", "hotpathLabelFromArgument",
            "hotpathLabelOverCap"]


def log(*a):
    print("[record_path_forks %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def fork(first, second, args):
    """One JVM; returns {variant: (first ÷ Recorder, second ÷ Recorder, second ÷ first, first cpu, second cpu)}."""
    cmd = [JAVA, "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", second,
           "io.hotpath.benchmarks.RecordPathCompare", first, second, str(args.rounds), str(args.ops), str(args.ring_mib)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        cols = line.split()
        if cols and cols[0] in VARIANTS:
            rows[cols[0]] = (float(cols[5]), float(cols[6]), float(cols[7]), float(cols[1]), float(cols[2]))
        if "ring dropped" in line:
            rows["dropped"] = line.strip()
    if len(rows) < len(VARIANTS):
        raise RuntimeError("unexpected output:\n" + out)
    return rows


def mean_ci(xs):
    n = len(xs)
    mean = statistics.mean(xs)
    return mean, (T95.get(n - 1, 2.0) * statistics.stdev(xs) / math.sqrt(n) if n > 1 else float("nan"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("main_jar")
    p.add_argument("branch_jar")
    p.add_argument("--forks", type=int, default=10)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--ops", type=int, default=1_000_000)
    p.add_argument("--ring-mib", type=int, default=256)
    args = p.parse_args()
    results = []  # per fork: {variant: (main ÷ Rec, branch ÷ Rec, branch ÷ main, main cpu, branch cpu)}
    loads = []
    for i in range(args.forks):
        main_first = i % 2 == 0
        before = load()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.monotonic()
        if main_first:
            rows = fork(args.main_jar, args.branch_jar, args)
            per = {v: rows[v] for v in VARIANTS}
        else:
            rows = fork(args.branch_jar, args.main_jar, args)
            per = {v: (r[1], r[0], 1 / r[2], r[4], r[3]) for v, r in ((v, rows[v]) for v in VARIANTS)}
        wall = time.monotonic() - wall
        after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after_usage.ru_utime + after_usage.ru_stime - usage.ru_utime - usage.ru_stime
        after = load()
        loads += [before, after]
        results.append(per)
        log("fork %d (%s first): load %.1f -> %.1f, wall %.1f s, cpu %.1f s; over cap main %.3f branch %.3f; %s" % (
            i + 1, "main" if main_first else "branch", before, after, wall, cpu, per["hotpathLabelOverCap"][0],
            per["hotpathLabelOverCap"][1], rows.get("dropped", "")))
    print("%d forks x %d rounds x %d calls per slice; load average %.1f-%.1f (median %.1f)" % (
        args.forks, args.rounds, args.ops, min(loads), max(loads), statistics.median(loads)))
    print("| variant (1 thread) | main CPU ns/op | branch CPU ns/op | main ÷ Recorder | branch ÷ Recorder | branch ÷ main |")
    print("|---|---|---|---|---|---|")
    for v in VARIANTS:
        cols = []
        for k in (3, 4):
            xs = [r[v][k] for r in results]
            cols.append("%.1f" % statistics.median(xs))
        for k in (0, 1, 2):
            xs = [r[v][k] for r in results]
            mean, half = mean_ci(xs)
            cols.append("**%.3f** (mean %.3f ± %.3f; %.3f–%.3f)" % (statistics.median(xs), mean, half, min(xs), max(xs)))
        print("| %s | %s |" % (v, " | ".join(cols)))
    print("(per fork: medians over its rounds; here: median over forks, mean with its 95 % t interval, range)")


if __name__ == "__main__":
    main()
