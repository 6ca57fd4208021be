#!/usr/bin/env python3
"""The instrumentation's cost inside one warm JVM: the jdk-httpclient rules switched on and off.

    benchmarks/rules_toggle.py [--jvms 2] [--cycles 12] [--settle 10] [--seconds 10] [--warmup 40] [--out DIR]

Why: across JVMs (cpu_per_call.py --warm-jvms) two identical JVMs differ by ~2-3 points of HttpClient
throughput (their JIT's luck), so a 1-point effect needs 50+ JVM sets. Here the comparison stays inside
one JVM: the agent runs with a rules file (config=), which it re-reads every second; the script
rewrites it between the jdk-httpclient pack's two rules ("on") and one rule for a class that never
loads ("off"). The agent retransforms HttpClientFacade each time (the original bytes when off), and
the JIT recompiles around it during --settle seconds before each --seconds window is measured.
Both states have the same JVM, the same agent (classes, drain thread, rules watcher) and the same
hotpathd: on - off is what the advice, the ring, the drain's per-sample work and hotpathd's per-sample
work cost. What the agent's presence costs (loaded, nothing instrumented) is not in it; cpu_per_call.py
measures that across JVMs.

Each cycle is off, on, on, off or on, off, off, on (alternating, so a linear drift cancels);
a cycle's loss = 1 - mean(on rates) / mean(off rates), and its added CPU per call = mean(on) - mean(off)
per thread group, from the kernel: the JVM's utime + stime (/proc/PID/stat, all threads, dead ones
too), main / selector / hotpath-drain from /proc/PID/task/TID/schedstat, hotpathd from the schedstat
of its tasks. Reported: mean with a 95 % interval (Student t) over all cycles, and over JVMs (each
JVM's mean of its cycles) when --jvms >= 2. The calls come from HttpLoad's control file (exact per
window); the agent's drop counter, read from hotpathd, must stay 0.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import cpu_per_call as base
import warm_rounds

PACK = os.path.join(base.ROOT, "javaagent/src/main/resources/io/hotpath/agent/packs/jdk-httpclient.yaml")
OFF_RULES = """rules:
  - type: { name: io.hotpath.never.Loaded }
    method: { name: run }
    metric: never_loaded
    kind: transport
"""
GROUPS = ("rate", "jvm", "main", "selector", "drain", "hotpathd")


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


# thread groups as cpu_per_call names them (Linux thread names, digits as N)
GROUP_OF = {"main": "main", "HttpClient selector": "selector", "hotpath-drain": "drain"}


class RulesDriver:
    """One HttpLoad JVM under --control (warm_rounds.Driver), with the agent following a rules file."""

    def __init__(self, stack, work, index):
        self.rules = os.path.join(work, "rules-%d.yaml" % index)
        write_atomically(self.rules, OFF_RULES)
        agent = "-javaagent:%s=config=%s,spool.dir=%s,service.name=toggle-%d,report.delayMs=0" % (
            base.AGENT, self.rules, stack.spool, index)
        cmd = [base.JAVA, "-Xms512m", "-Xmx512m", agent, "-cp", base.LOAD, "io.hotpath.benchmarks.e2e.load.HttpLoad", stack.url]
        self.driver = warm_rounds.Driver("toggle-%d" % index, cmd, os.path.join(work, "driver-%d" % index))

    def rules_on(self, on):
        write_atomically(self.rules, open(PACK).read() if on else OFF_RULES)

    def snapshot(self, daemon_pid):
        pid = self.driver.pid
        groups = warm_rounds.thread_groups(pid, base.thread_group)
        return {"calls": self.driver.calls(), "wall": time.monotonic(), "ticks": base.proc_ticks(pid),
                "threads": {GROUP_OF[g]: ns for g, ns in groups.items() if g in GROUP_OF},
                "hotpathd": base.proc_run_ns(daemon_pid)}

    def stop(self):
        self.driver.finish()


def window(before, after):
    """Rate and CPU per call (µs) of one measured window."""
    n = after["calls"] - before["calls"]
    row = {"calls": n, "rate": n / (after["wall"] - before["wall"]),
           "jvm": (after["ticks"] - before["ticks"]) * 1e6 / base.HZ / n,
           "hotpathd": (after["hotpathd"] - before["hotpathd"]) / 1e3 / n}
    for group in ("main", "selector", "drain"):
        row[group] = (after["threads"].get(group, 0) - before["threads"].get(group, 0)) / 1e3 / n
    return row


def cycle_effect(rows, group):
    on = [r[group] for r in rows if r["state"] == "on"]
    off = [r[group] for r in rows if r["state"] == "off"]
    if group == "rate":
        return 100.0 * (1.0 - statistics.mean(on) / statistics.mean(off))
    return statistics.mean(on) - statistics.mean(off)


def summarize(rows):
    keys = sorted({(r["jvm_index"], r["cycle"]) for r in rows})
    per_cycle = {g: [cycle_effect([r for r in rows if (r["jvm_index"], r["cycle"]) == k], g) for k in keys] for g in GROUPS}
    jvms = sorted({r["jvm_index"] for r in rows})
    out = {"cycles": len(keys), "jvms": len(jvms), "groups": {}}
    for g in GROUPS:
        mean, ci = base.mean_ci(per_cycle[g])
        entry = {"mean": mean, "ci95": ci, "median": statistics.median(per_cycle[g]), "per_cycle": per_cycle[g]}
        if len(jvms) >= 2:
            by_jvm = [statistics.mean(per_cycle[g][i] for i, k in enumerate(keys) if k[0] == j) for j in jvms]
            entry["per_jvm"] = by_jvm
            entry["jvm_mean"], entry["jvm_ci95"] = base.mean_ci(by_jvm)
        out["groups"][g] = entry
    for state in ("on", "off"):
        out["median_rate_" + state] = statistics.median(r["rate"] for r in rows if r["state"] == state)
        out["median_jvm_us_" + state] = statistics.median(r["jvm"] for r in rows if r["state"] == state)
    out["loads"] = [min(r["load"] for r in rows), max(r["load"] for r in rows)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jvms", type=int, default=2, help="fresh JVMs, one after the other")
    ap.add_argument("--cycles", type=int, default=12, help="on/off cycles per JVM (4 windows each)")
    ap.add_argument("--settle", type=float, default=10.0, help="seconds after each switch before the window (reload + JIT)")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of a measured window")
    ap.add_argument("--warmup", type=float, default=40.0, help="seconds of load before a JVM's first switch")
    ap.add_argument("--out", help="directory for the JVMs' logs and results.json (default: a temporary one, kept)")
    a = ap.parse_args()
    work = a.out or tempfile.mkdtemp(prefix="rules-toggle-")
    os.makedirs(work, exist_ok=True)
    minutes = a.jvms * (a.warmup + a.cycles * 4 * (a.settle + a.seconds)) / 60
    base.log("rules_toggle: %d JVMs x %d cycles, ~%.0f min; work %s" % (a.jvms, a.cycles, minutes, work))
    stack = base.Stack(work)
    rows = []
    try:
        for j in range(a.jvms):
            driver = RulesDriver(stack, work, j)
            time.sleep(a.warmup)
            for c in range(a.cycles):
                for state in (("off", "on", "on", "off") if c % 2 == 0 else ("on", "off", "off", "on")):
                    driver.rules_on(state == "on")
                    time.sleep(a.settle)
                    load = os.getloadavg()[0]
                    before = driver.snapshot(stack.daemon_pid)
                    time.sleep(a.seconds)
                    row = window(before, driver.snapshot(stack.daemon_pid))
                    row.update({"jvm_index": j, "cycle": c, "state": state, "load": load})
                    rows.append(row)
                done = [r for r in rows if r["jvm_index"] == j and r["cycle"] == c]
                base.log("jvm %d cycle %d: loss %+.2f %%, main %+.2f µs, load %.1f" % (
                    j, c, cycle_effect(done, "rate"), cycle_effect(done, "main"), done[-1]["load"]))
            driver.stop()
        time.sleep(2)
        counted, dropped = stack.counts()
    finally:
        stack.close()
    result = summarize(rows)
    result.update({"counted_by_hotpathd": counted, "agent_dropped": dropped, "args": vars(a)})
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump({"summary": result, "windows": rows}, f, indent=1)
    print("rules on - off, %d cycles in %d JVMs (load %.1f-%.1f); calls/s median off %.0f, on %.0f" % (
        result["cycles"], result["jvms"], result["loads"][0], result["loads"][1], result["median_rate_off"], result["median_rate_on"]))
    for g in GROUPS:
        e = result["groups"][g]
        label = "loss %" if g == "rate" else g + " µs/call"
        line = "  %-18s %+.3f ± %.3f (median %+.3f)" % (label, e["mean"], e["ci95"], e["median"])
        if "jvm_mean" in e:
            line += "; JVMs as the unit %+.3f ± %.3f (%s)" % (e["jvm_mean"], e["jvm_ci95"], ", ".join("%+.2f" % x for x in e["per_jvm"]))
        print(line)
    print("  JVM CPU per call (median of windows): off %.2f µs, on %.2f µs" % (result["median_jvm_us_off"], result["median_jvm_us_on"]))
    print("  calls counted by hotpathd (on windows and switches) %d, agent drops %d; results in %s" % (counted, dropped, work))
    if dropped:
        sys.exit("the agent dropped samples")


if __name__ == "__main__":
    main()
