#!/usr/bin/env python3
"""Are a steady service's 1-second intervals exact in hotpathd? Per-second call counts, end to end.

    benchmarks/interval_exactness.py [--daemons NAME=HOTPATHD_JAR,...] [--holds 500,1000] [--rate 1000]
                                     [--seconds 60] [--warmup 15]

For every (daemon jar, agent drain hold) pair at once, on a fresh spool each: one hotpathd and one JVM with
the agent (io.hotpath.benchmarks.DrainCpu in benchmarks.jar, calling an instrumented method at --rate calls
per second). Every wall-clock second, 700 ms after it starts, each hotpathd's /metrics/summary is read: the
count of the last closed 1-second interval (`last1s`), by its start. A steady service makes --rate calls every
second, so an interval short by more than 5 % misses samples that were read after it closed (counts stay exact
either way: the cumulative counters and the windows hold every sample once; the interval, which the 1 s quantiles
and the detectors read, does not). All pairs run at the same time, so they share the machine's load: the
comparison is side by side. Reported per pair: median, min-max, seconds off by > 5 %, late samples.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.environ.get("JAVA", "java")
BENCH = os.path.join(ROOT, "benchmarks/target/benchmarks.jar")
AGENT = os.path.join(ROOT, "javaagent/target/hotpath-agent.jar")
DAEMON = os.path.join(ROOT, "collector-daemon/target/hotpathd.jar")
HOTPATHD = os.path.join(ROOT, "collector-daemon/bin/hotpathd")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port):
    """(start of the last closed second, its calls over every series), or None."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics/summary" % port, timeout=2) as r:
            series = json.loads(r.read().decode())["series"]
    except (OSError, ValueError, KeyError):
        return None
    if not series:
        return None
    return series[0]["last1s"]["startEpochMillis"], sum(s["last1s"]["count"] for s in series)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--daemons", default="hotpathd=" + DAEMON)
    p.add_argument("--holds", default="500,1000", help="agent hotpath.drain.maxHoldMs values")
    p.add_argument("--rate", type=int, default=1000)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--warmup", type=int, default=15)
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="interval-exactness-")
    rules = os.path.join(work, "rules.yaml")
    with open(rules, "w") as f:
        f.write(subprocess.run([JAVA, "-cp", BENCH, "io.hotpath.benchmarks.DrainCpu", "rules"], check=True,
                               capture_output=True, text=True).stdout)
    pairs = []
    procs = []
    try:
        for daemon in a.daemons.split(","):
            dname, jar = daemon.split("=", 1)
            for hold in [int(h) for h in a.holds.split(",")]:
                k = len(pairs)
                spool, state = os.path.join(work, "spool%d" % k), os.path.join(work, "state%d" % k)
                os.makedirs(spool)
                os.makedirs(state)
                port = free_port()
                env = dict(os.environ, HOTPATHD_JAR=jar, JAVA=JAVA)
                log = open(os.path.join(work, "hotpathd%d.log" % k), "w")
                procs.append(subprocess.Popen([HOTPATHD, "--spool", spool, "--state-dir", state, "--listen",
                                               "127.0.0.1:%d" % port, "--log-level", "WARNING"], env=env,
                                              stdout=log, stderr=subprocess.STDOUT))
                agent = "-javaagent:%s=config=%s,spool.dir=%s,service.name=exact,log.level=error,drain.maxHoldMs=%d" % (
                    AGENT, rules, spool, hold)
                procs.append(subprocess.Popen([JAVA, "-Xmx256m", agent, "-cp", BENCH, "io.hotpath.benchmarks.DrainCpu",
                                               "run", str(a.rate), str(a.warmup), str(a.seconds)],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                pairs.append(dict(name="%s, hold %d ms" % (dname, hold), port=port, intervals={}))
        load_before = os.getloadavg()
        start = time.time()
        first = int(start) + a.warmup + 1
        for second in range(first, first + a.seconds - 2):
            time.sleep(max(0.0, second + 0.7 - time.time()))
            results = [None] * len(pairs)

            def take(i):
                results[i] = scrape(pairs[i]["port"])
            threads = [threading.Thread(target=take, args=(i,)) for i in range(len(pairs))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for pair, result in zip(pairs, results):
                if result is not None:
                    pair["intervals"][result[0]] = result[1]
        load_after = os.getloadavg()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    print("Command: `benchmarks/interval_exactness.py --daemons %s --holds %s --rate %d --seconds %d --warmup %d`; "
          "load average before %.1f %.1f %.1f, after %.1f %.1f %.1f; %s" % (
              a.daemons, a.holds, a.rate, a.seconds, a.warmup, *load_before, *load_after,
              time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
    print()
    print("| daemon, agent drain hold | 1-second intervals seen | calls per interval: median (min-max) | intervals off by > 5 % | samples not in their own interval (sum of the deficits) |")
    print("|---|---|---|---|---|")
    for pair in pairs:
        counts = [pair["intervals"][k] for k in sorted(pair["intervals"])]
        off = sum(1 for c in counts if abs(c - a.rate) > 0.05 * a.rate)
        moved = sum(max(0, a.rate - c) for c in counts if abs(c - a.rate) > 0.05 * a.rate)
        print("| %s | %d | %s | %d | %d |" % (
            pair["name"], len(counts),
            "%.0f (%.0f-%.0f)" % (statistics.median(counts), min(counts), max(counts)) if counts else "-", off, moved))


if __name__ == "__main__":
    main()
