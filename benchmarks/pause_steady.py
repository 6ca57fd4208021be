#!/usr/bin/env python3
"""Steady demo traffic read by two hotpathds side by side, with the agent's pause readings (issue 13).

    benchmarks/pause_steady.py --base-jar A.jar --branch-jar B.jar --agent-jar AGENT.jar [--duration 600] [--seed 1]
                               [--out FILE.tsv]

Starts both hotpathds (collector-daemon/bin/hotpathd, HOTPATHD_JAR=...; built-in anomaly settings, the demo SLO
file, as demo.sh) on one spool, and the demo without its spike (200 it/s, 2 threads, 2 % errors) under the agent.
Every second: the branch daemon's hotpath_agent_pause_seconds_total of the demo JVM (drain_late, gc, safepoint), the
run-queue wait summed over the demo JVM's threads (/proc/PID/task/*/schedstat, field 2), the load. At the end each
daemon's /api/anomalies: events and incidents opened, stalls counted, runs held, host stalls; and how the per-second
readings compare with the run-queue wait. The base daemon reads the new agent's AGENT_STATS too (compatibility).
"""
import argparse
import glob
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAUSE = re.compile(r'^hotpath_agent_pause_seconds_total\{service="demo",pid="\d+",reading="(\w+)"\} (\S+)$', re.M)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def run_queue_wait_ns(pid):
    total = 0
    for f in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            total += int(open(f).read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-jar", required=True)
    ap.add_argument("--branch-jar", required=True)
    ap.add_argument("--agent-jar", required=True)
    ap.add_argument("--duration", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="pause-steady-")
    spool = os.path.join(work, "spool")
    os.makedirs(spool)
    config = os.path.join(work, "hotpathd.yaml")
    with open(config, "w") as f:
        f.write("slo:\n  file: %s\n" % os.path.join(ROOT, "collector-daemon/src/main/resources/examples/slo-demo.yaml"))
    procs, ports = [], {}
    try:
        for name, jar in (("base", a.base_jar), ("branch", a.branch_jar)):
            ports[name] = free_port()
            state = os.path.join(work, "state-" + name)
            os.makedirs(state)
            env = dict(os.environ, HOTPATHD_JAR=jar)
            procs.append(subprocess.Popen([os.path.join(ROOT, "collector-daemon/bin/hotpathd"), "--spool", spool,
                                           "--state-dir", state, "--listen", "127.0.0.1:%d" % ports[name], "--config", config],
                                          env=env, stdout=open(os.path.join(work, name + ".log"), "w"), stderr=subprocess.STDOUT))
        for name in ports:
            for _ in range(300):
                try:
                    get("http://127.0.0.1:%d/health" % ports[name])
                    break
                except OSError:
                    time.sleep(0.2)
        demo = subprocess.Popen(["java", "-Xmx256m",
                                 "-javaagent:%s=config=%s,spool.dir=%s,service.name=demo" % (
                                     a.agent_jar, os.path.join(ROOT, "demo-service/hotpath-demo-rules.yaml"), spool),
                                 "-jar", os.path.join(ROOT, "demo-service/target/hotpath-demo.jar"), "--duration",
                                 "%ds" % a.duration, "--rate", "200", "--threads", "2", "--error-ratio", "0.02",
                                 "--seed", str(a.seed)],
                                stdout=open(os.path.join(work, "demo.out"), "w"), stderr=subprocess.STDOUT)
        procs.append(demo)
        rows, last, last_wait = [], None, None
        next_tick = time.time() + 1
        while demo.poll() is None:
            time.sleep(max(0, next_tick - time.time()))
            next_tick += 1
            try:
                readings = {k: float(v) for k, v in PAUSE.findall(get("http://127.0.0.1:%d/metrics" % ports["branch"]))}
            except OSError:
                continue
            wait = run_queue_wait_ns(demo.pid)
            load = float(open("/proc/loadavg").read().split()[0])
            if last is not None and readings and last_wait is not None:
                d = {k: readings.get(k, 0) - last.get(k, 0) for k in ("drain_late", "gc", "safepoint", "run_queue_wait")}
                rows.append((time.time(), d["drain_late"], d["gc"], d["safepoint"], d["run_queue_wait"], (wait - last_wait) / 1e9,
                             load))
            last, last_wait = readings, wait
        summary = {}
        for name in ports:
            doc = json.loads(get("http://127.0.0.1:%d/api/anomalies" % ports[name]))
            events = [(e.get("series"), e.get("signal"), e.get("start")) for e in doc.get("active", []) + doc.get("recent", [])]
            summary[name] = dict(events=doc["events_opened"], incidents=doc["incidents_opened"],
                                 stalls=sum(s["stalls"] for s in doc["stalls"]["services"]),
                                 runs_held=doc["stalls"]["runs_held"], host_stalls=doc["stalls"]["host_stalls"], what=events)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
    if a.out:
        with open(a.out, "w") as f:
            f.write("epoch\tdrain_late_s\tgc_s\tsafepoint_s\tagent_run_queue_wait_s\tall_threads_run_queue_wait_s\tload1\n")
            for r in rows:
                f.write("%.1f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.2f\n" % r)
    waits = [r[5] for r in rows]
    print("seconds %d, load median %.1f (%.1f-%.1f)" % (len(rows), statistics.median(r[6] for r in rows),
                                                        min(r[6] for r in rows), max(r[6] for r in rows)))
    for name, column in (("drain_late", 1), ("safepoint", 3), ("run_queue_wait (most starved thread)", 4)):
        v = [r[column] for r in rows]
        print("%s per second: median %.3f s, p90 %.3f, max %.3f; >= 0.2 s in %d s" % (
            name, statistics.median(v), sorted(v)[int(0.9 * len(v))], max(v), sum(x >= 0.2 for x in v)))
    paused = [max(r[1], r[3], r[4]) for r in rows]
    print("held back (the largest of them, as hotpathd takes it): median %.3f s, >= 0.2 s in %d s" % (
        statistics.median(paused), sum(p >= 0.2 for p in paused)))
    print("gc per second: total %.3f s, max %.3f" % (sum(r[2] for r in rows), max(r[2] for r in rows)))
    print("run-queue wait of the demo's threads per second: median %.3f s, >= 0.5 s in %d s" % (
        statistics.median(waits), sum(w >= 0.5 for w in waits)))
    both = sum(1 for p, w in zip(paused, waits) if p >= 0.2 and w >= 0.5)
    print("seconds with run-queue wait >= 0.5 s that the agent saw held back >= 0.2 s: %d of %d" % (
        both, sum(w >= 0.5 for w in waits)))
    for name in ("base", "branch"):
        print(name, json.dumps(summary[name]))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
