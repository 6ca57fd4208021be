#!/usr/bin/env python3
"""CPU per instrumented call and throughput loss, measured the way that holds on a noisy machine.

    benchmarks/cpu_per_call.py [--reps 3] [--pairs 10] [--warmup-seconds 30] [--quick] [--out DIR] [--jfr]
                               [--baseline-agent JAR]

Two workloads, each without an agent, with the hotpath agent (plus a running hotpathd tailing its
spool) and with the OpenTelemetry Java agent (benchmarks/target/agents/opentelemetry-javaagent.jar;
exporters off, so OpenTelemetry's floor: spans created and ended):

* http: the JDK HttpClient (one thread, synchronous GETs) against a loopback nginx; hotpath with the
  built-in jdk-httpclient pack, OpenTelemetry with its java-http-client instrumentation only.
* transport: the demo's TransportManager.sendMessage over loopback TCP (TransportLoad, 4 connections);
  hotpath with the demo rules, OpenTelemetry timing the same method (methods instrumentation).

CPU per call: every run's whole-process CPU time from the kernel (wait4 rusage: utime + stime of all
threads, start to exit) for 0, N1 and N2 calls at a fixed rate; the marginal cost is
(CPU(N2) - CPU(N1)) / (N2 - N1), medians over --reps; the 0-call run is the JVM's start, warm-up and
exit, shown for reference. hotpathd's CPU is read from /proc/PID/stat (utime + stime) before the run
and 1.5 s after it exits, minus its idle rate (from the 0-call runs) times the run's length. Added =
variant - none.

Throughput: --pairs interleaved rounds (the order of the variants rotates every round), each run flat
out for a fixed time after a warm-up; loss per round = 1 - rate(variant) / rate(none) of that round;
reported as mean with a 95 % confidence interval (Student t) and median. The warm-up is back to back
for --warmup-seconds (http: and at least 5,000 calls): on this 2-core machine the JIT compiles the
HttpClient pipeline for 20-40 s, and a window that starts after 5,000 calls (2 s) measured the
compiler threads as much as the calls (40 % of the window's CPU; an agent adds its own classes to
compile, so that loss was mostly warm-up). The warm-up's own rate and CPU per call are reported
separately, and the window's CPU per thread (the load drivers read /proc/self/task: main, HttpClient
workers, selector, C1/C2 compiler threads, GC, hotpath-drain) shows where a variant's CPU goes.

--warm-jvms (http): instead of a fresh JVM per run, one warm JVM per variant per set (--sets), resumed
in turn for --seconds per round (SIGCONT/SIGSTOP; benchmarks/warm_rounds.py says why and how): the
variants of a round run seconds apart, which the machine's load cannot move between.

--baseline-agent JAR adds the variant hotpath-base: the same as hotpath with another agent jar (e.g.
main's), in the same interleaved rounds. Given the same jar it is an A/A control: two JVMs that differ in
nothing but their JIT's luck, whose "loss" is the noise floor of the comparison.

With --warm-jvms and --sets >= 2 the loss is also reported per set, with the interval over sets: a set's
rounds share their JVMs (a fast or slow "none" JVM shifts every variant of its set alike), so the
round-level interval is too narrow whenever JIT outcomes differ between JVMs.

With --jfr one more hotpath run per workload records JFR (jdk.ExecutionSample) and the top frames and
threads are summarised: where the added CPU goes.
"""
import argparse
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import warm_rounds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.environ.get("JAVA") or (os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java")
AGENT = os.path.join(ROOT, "javaagent/target/hotpath-agent.jar")
OTEL = os.path.join(ROOT, "benchmarks/target/agents/opentelemetry-javaagent.jar")
LOAD = os.path.join(ROOT, "benchmarks/target/e2e-load.jar")
DEMO = os.path.join(ROOT, "demo-service/target/hotpath-demo.jar")
RULES = os.path.join(ROOT, "demo-service/hotpath-demo-rules.yaml")
HOTPATHD = os.path.join(ROOT, "collector-daemon/bin/hotpathd")
HZ = os.sysconf("SC_CLK_TCK")
HTTP_WARMUP = 5000
BASE_AGENT = None  # --baseline-agent
BASE_AGENT_ARGS = None  # --baseline-agent-args
JVM_FLAGS = []  # --jvm-flag, for every variant
SERVICES = {"hotpath": "http-load", "hotpath-base": "http-load-base"}
# Student t, two-sided 95 %, by degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 19: 2.093, 29: 2.045}


def log(*a):
    print("[cpu_per_call %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_run_ns(pid):
    """Run time of every thread of PID (schedstat, nanoseconds): finer than ticks for a daemon's few ms."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def scrape_sum(url, family):
    """Sum of a family's samples in hotpathd's /metrics (counts are exact: the checks below compare them)."""
    total = 0.0
    with urllib.request.urlopen(url, timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(family + "{") or line.startswith(family + " "):
                total += float(line.rsplit(" ", 1)[1])
    return total


def wait_http(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError("not ready: " + url)


class Stack:
    """nginx and hotpathd for the whole benchmark."""

    def __init__(self, work):
        self.work = work
        os.makedirs(os.path.join(work, "tmp"), exist_ok=True)
        self.nginx_port = free_port()
        conf = os.path.join(work, "nginx.conf")
        t = os.path.join(work, "tmp")
        with open(conf, "w") as f:
            f.write("""daemon off;
worker_processes 1;
pid %(w)s/nginx.pid;
error_log %(w)s/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  # --warm-jvms stops a client for minutes mid-connection (or mid-request): nginx must not close it meanwhile
  keepalive_timeout 3600s; client_header_timeout 3600s; client_body_timeout 3600s; send_timeout 3600s;
  client_body_temp_path %(t)s; proxy_temp_path %(t)s; fastcgi_temp_path %(t)s; uwsgi_temp_path %(t)s; scgi_temp_path %(t)s;
  server { listen 127.0.0.1:%(p)d; location / { return 200 "ok\\n"; } }
}
""" % {"w": work, "t": t, "p": self.nginx_port})
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = subprocess.Popen([nginx, "-p", work, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = "http://127.0.0.1:%d/" % self.nginx_port
        wait_http(self.url)
        self.spool = os.path.join(work, "spool")
        os.makedirs(self.spool, exist_ok=True)
        self.daemon_port = free_port()
        env = dict(os.environ, JAVA=JAVA)
        self.daemon_log = open(os.path.join(work, "hotpathd.log"), "w")
        self.daemon = subprocess.Popen([HOTPATHD, "--spool", self.spool, "--state-dir", os.path.join(work, "state"),
                                        "--listen", "127.0.0.1:%d" % self.daemon_port, "--log-level", "WARNING"],
                                       env=env, stdout=self.daemon_log, stderr=subprocess.STDOUT)
        wait_http("http://127.0.0.1:%d/health" % self.daemon_port)
        self.daemon_pid = self.daemon.pid

    def daemon_ticks(self):
        return proc_ticks(self.daemon_pid)

    def daemon_cpu_s(self):
        return proc_run_ns(self.daemon_pid) / 1e9

    def counts(self):
        """(calls counted by hotpathd, samples the agents dropped), from /metrics."""
        url = "http://127.0.0.1:%d/metrics" % self.daemon_port
        return scrape_sum(url, "hotpath_calls_total"), scrape_sum(url, "hotpath_agent_samples_dropped_total")

    def service_count(self, service):
        """hotpath_calls_total of one service (hotpath and hotpath-base run side by side under --warm-jvms)."""
        url = "http://127.0.0.1:%d/metrics" % self.daemon_port
        total = 0.0
        with urllib.request.urlopen(url, timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("hotpath_calls_total{") and ('service="%s"' % service) in line:
                    total += float(line.rsplit(" ", 1)[1])
        return total

    def close(self):
        for p in (self.daemon, self.nginx):
            p.terminate()
        for p in (self.daemon, self.nginx):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def agent_flags(workload, variant, spool):
    if variant == "none":
        return []
    if variant in ("hotpath", "hotpath-base"):
        jar = AGENT if variant == "hotpath" else BASE_AGENT
        if variant == "hotpath-base" and BASE_AGENT_ARGS:
            return ["-javaagent:%s=%s,spool.dir=%s,service.name=%s" % (jar, BASE_AGENT_ARGS, spool, SERVICES[variant])]
        if workload == "http":
            return ["-javaagent:%s=packs=jdk-httpclient,spool.dir=%s,service.name=%s" % (jar, spool, SERVICES[variant])]
        return ["-javaagent:%s=config=%s,spool.dir=%s,service.name=transport-load" % (jar, RULES, spool)]
    common = ["-javaagent:" + OTEL, "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
              "-Dotel.instrumentation.common.default-enabled=false"]
    if workload == "http":
        return common + ["-Dotel.instrumentation.java-http-client.enabled=true"]
    return common + ["-Dotel.instrumentation.methods.enabled=true",
                     "-Dotel.instrumentation.methods.include=io.hotpath.demo.transport.TransportManager[sendMessage]"]


def command(workload, variant, stack, run_dir, calls=None, rate=None, seconds=None, extra_jvm=(), warmup_seconds=0.0):
    """The load driver's command line; for http without calls or seconds, the part before --control (--warm-jvms)."""
    jvm = [JAVA, "-Xms512m", "-Xmx512m"] + JVM_FLAGS + list(extra_jvm) + agent_flags(workload, variant, stack.spool)
    if workload == "http" and calls is None and not seconds:
        return jvm + ["-cp", LOAD, "io.hotpath.benchmarks.e2e.load.HttpLoad", stack.url]
    if workload == "http":
        args = ["-cp", LOAD, "io.hotpath.benchmarks.e2e.load.HttpLoad", stack.url, "--warmup-calls", str(HTTP_WARMUP),
                "--warmup-seconds", "%g" % warmup_seconds]
        args += ["--seconds", str(seconds)] if seconds else ["--calls", str(calls), "--rate", str(rate)]
        return jvm + args
    duration = seconds if seconds else max(0.001, calls / rate)
    return jvm + ["-cp", LOAD + ":" + DEMO, "io.hotpath.benchmarks.e2e.load.TransportLoad", "--rate", "0" if seconds else str(rate),
                  "--connections", "4", "--warmup", "%.3fs" % max(2.0, warmup_seconds), "--duration", "%.3fs" % duration,
                  "--report", os.path.join(run_dir, "report.json")]


def run(cmd, run_dir):
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, "out.log"), "w") as out:
        started = time.time()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.time() - started
    text = open(os.path.join(run_dir, "out.log")).read()
    if p.returncode != 0:
        raise RuntimeError("run failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), text[-3000:]))
    return usage.ru_utime + usage.ru_stime, wall, text


def achieved(workload, text, run_dir):
    """(calls in the measured part, calls/s)."""
    if workload == "http":
        m = re.search(r"result calls=(\d+) seconds=([\d.]+) rate=([\d.]+)", text)
        return int(m.group(1)), float(m.group(3))
    report = json.load(open(os.path.join(run_dir, "report.json")))
    return report["messagesCompletedInWindow"], report["achievedPerSecond"]


def cpu_experiment(stack, workload, variants, lengths, rate, reps, work):
    rows = []
    for rep in range(reps):
        for variant in variants:
            for n in lengths:
                run_dir = os.path.join(work, "cpu", workload, variant, "n%d-r%d" % (n, rep))
                d0 = stack.daemon_cpu_s()
                load = loadavg()
                cpu, wall, text = run(command(workload, variant, stack, run_dir, calls=n, rate=rate), run_dir)
                time.sleep(1.5)
                d1 = stack.daemon_cpu_s()
                done = achieved(workload, text, run_dir)[0] if n > 0 else 0
                rows.append({"workload": workload, "variant": variant, "calls": n, "measured_calls": done, "rep": rep,
                             "app_cpu_s": cpu, "wall_s": wall + 1.5, "daemon_cpu_s": d1 - d0, "load": load})
                log("%s %s n=%d rep %d: app %.3f s CPU, daemon %.3f s, wall %.1f s, load %.1f" % (workload, variant, n, rep, cpu, d1 - d0, wall, load))
    return rows


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def summarize_cpu(rows, workload, variants, lengths):
    n0, n1, n2 = lengths
    out = {}
    # hotpathd's idle rate from the runs without an agent (no queue to tail): a run with the agent
    # also makes it open a new queue, a constant per run that the two run lengths cancel
    idle_rates = [r["daemon_cpu_s"] / r["wall_s"] for r in rows if r["workload"] == workload and r["variant"] == "none"]
    idle = median(idle_rates)
    for v in variants:
        sel = [r for r in rows if r["workload"] == workload and r["variant"] == v]
        by = {n: [r for r in sel if r["calls"] == n] for n in lengths}
        app = {n: median([r["app_cpu_s"] for r in by[n]]) for n in lengths}
        wall = {n: median([r["wall_s"] for r in by[n]]) for n in lengths}
        dae = {n: median([r["daemon_cpu_s"] for r in by[n]]) for n in lengths}
        calls = {n: median([r["measured_calls"] for r in by[n]]) for n in lengths}
        marginal_app = (app[n2] - app[n1]) / (calls[n2] - calls[n1])
        marginal_daemon = ((dae[n2] - dae[n1]) - idle * (wall[n2] - wall[n1])) / (calls[n2] - calls[n1]) if v == "hotpath" else 0.0
        # spread: marginal per repetition (rep i of n2 minus rep i of n1)
        per_rep = []
        for a, b in zip(sorted(by[n1], key=lambda r: r["rep"]), sorted(by[n2], key=lambda r: r["rep"])):
            per_rep.append((b["app_cpu_s"] - a["app_cpu_s"]) / max(1, b["measured_calls"] - a["measured_calls"]) * 1e6)
        out[v] = {"zero_call_app_cpu_s": app[n0], "zero_call_wall_s": wall[n0], "app_us_per_call": marginal_app * 1e6,
                  "daemon_us_per_call": marginal_daemon * 1e6, "wall_s_n2": wall[n2], "app_cpu_s_n2": app[n2],
                  "app_us_per_call_per_rep": per_rep, "daemon_idle_cores": idle}
    for v in variants:
        out[v]["added_app_us_per_call"] = out[v]["app_us_per_call"] - out["none"]["app_us_per_call"]
        out[v]["added_total_us_per_call"] = out[v]["added_app_us_per_call"] + out[v]["daemon_us_per_call"]
    return out


def warmup_stats(workload, text, run_dir):
    """(calls, calls/s, CPU µs per call) of the warm-up (http; transport: only its length is known)."""
    if workload == "http":
        m = re.search(r"warmup calls=(\d+) seconds=([\d.]+) rate=([\d.]+) cpuNanos=(\d+)", text)
        return int(m.group(1)), float(m.group(3)), int(m.group(4)) / max(1, int(m.group(1))) / 1e3
    return 0, float("nan"), float("nan")


def thread_cpu(workload, text, run_dir):
    """The window's CPU (µs) per thread name, from the load driver's /proc/self/task reading."""
    if workload == "http":
        m = re.search(r"^threads (.*)$", text, re.M)
        line = m.group(1) if m else ""
    else:
        line = json.load(open(os.path.join(run_dir, "report.json"))).get("threadCpuMicros", "")
    out = {}
    for part in filter(None, line.split("|")):
        name, us = part.rsplit(":", 1)
        out[thread_group(name)] = out.get(thread_group(name), 0) + int(us)
    return out


def thread_group(name):
    """Linux thread names (15 characters) grouped the way the report reads them."""
    if "CompilerThre" in name:
        return "JIT compiler"
    if name.startswith("G") and ("Thread" in name or "Conc" in name or "Refine" in name or "Main Marker" in name or "Service" in name):
        return "GC"
    if name in ("java", "main"):
        return "main"
    if name.startswith("HttpClient-N-Wo"):
        return "HttpClient worker"
    if name.startswith("HttpClient-N-Se"):
        return "HttpClient selector"
    if name.startswith("hotpath-"):
        return name
    if name.startswith("load-") or name.startswith("transport"):
        return name
    return "other JVM threads" if name[:1].isupper() else name


def throughput_experiment(stack, workload, variants, pairs, seconds, work, warmup_seconds=0.0):
    rounds = []
    for i in range(pairs):
        order = variants[i % len(variants):] + variants[:i % len(variants)]
        rates = {}
        for v in order:
            run_dir = os.path.join(work, "tput", workload, v, "p%d" % i)
            c0, dropped0 = stack.counts()
            d0 = stack.daemon_cpu_s()
            load = loadavg()
            cpu, wall, text = run(command(workload, v, stack, run_dir, seconds=seconds, warmup_seconds=warmup_seconds), run_dir)
            time.sleep(1.5)
            d1 = stack.daemon_cpu_s()
            c1, dropped1 = stack.counts()
            rates[v] = achieved(workload, text, run_dir)[1]
            rates[v + ":cpu_us"] = window_cpu_us_per_call(workload, text, run_dir)
            rates[v + ":load"] = load
            warm_calls, rates[v + ":warmup_rate"], rates[v + ":warmup_cpu_us"] = warmup_stats(workload, text, run_dir)
            window_calls = achieved(workload, text, run_dir)[0]
            rates[v + ":threads_us"] = {k: us / max(1, window_calls) for k, us in thread_cpu(workload, text, run_dir).items()}
            if v == "hotpath":
                rates[v + ":daemon_cpu_s"] = d1 - d0
                rates[v + ":daemon_wall_s"] = wall + 1.5
                rates[v + ":samples"] = c1 - c0
                rates[v + ":dropped"] = dropped1 - dropped0
                rates[v + ":app_cpu_s"] = cpu
                if workload == "http":  # every call of the run, warm-up included, must be counted once
                    made = warm_calls + window_calls
                    deadline = time.time() + 10
                    while c1 - c0 < made and time.time() < deadline:  # hotpathd reads the last document within ~1 s
                        time.sleep(0.5)
                        c1, dropped1 = stack.counts()
                    rates[v + ":samples"] = c1 - c0
                    rates[v + ":made"] = made
                    if c1 - c0 != made:
                        log("COUNT MISMATCH %s round %d: %d calls made, %d counted by hotpathd" % (workload, i, made, c1 - c0))
            else:
                rates[v + ":idle_daemon_cores"] = (d1 - d0) / (wall + 1.5)
        rounds.append(rates)
        log("%s round %d: %s" % (workload, i, ", ".join("%s %.0f/s %.1f µs CPU/call" % (v, rates[v], rates[v + ":cpu_us"]) for v in variants)))
    return rounds


def window_cpu_us_per_call(workload, text, run_dir):
    """The application JVM's CPU per call inside the measured window (the load driver reads its own process CPU)."""
    if workload == "http":
        m = re.search(r"result calls=(\d+) seconds=[\d.]+ rate=[\d.]+ cpuNanos=(\d+)", text)
        return int(m.group(2)) / max(1, int(m.group(1))) / 1e3
    return json.load(open(os.path.join(run_dir, "report.json")))["processCpuNanosPerMessage"] / 1e3


def mean_ci(xs):
    n = len(xs)
    mean = statistics.mean(xs)
    sd = statistics.stdev(xs) if n > 1 else float("nan")
    return mean, (T95.get(n - 1, 2.0) * sd / math.sqrt(n) if n > 1 else float("nan"))


def summarize_throughput(rounds, variants):
    out = {}
    idle = median([r[v + ":idle_daemon_cores"] for r in rounds for v in variants if v + ":idle_daemon_cores" in r])
    for v in variants:
        rates = [r[v] for r in rounds]
        out[v] = {"median_rate": median(rates), "median_cpu_us": median([r[v + ":cpu_us"] for r in rounds]),
                  "loads": [r[v + ":load"] for r in rounds],
                  "warmup_rate_median": median([r[v + ":warmup_rate"] for r in rounds]),
                  "warmup_cpu_us_median": median([r[v + ":warmup_cpu_us"] for r in rounds]),
                  "threads_us_median": {k: median([r[v + ":threads_us"].get(k, 0.0) for r in rounds])
                                        for k in sorted({k for r in rounds for k in r[v + ":threads_us"]})}}
        if v == "none":
            continue
        losses = [100.0 * (1 - r[v] / r["none"]) for r in rounds]
        mean, ci = mean_ci(losses)
        added = [r[v + ":cpu_us"] - r["none:cpu_us"] for r in rounds]
        added_mean, added_ci = mean_ci(added)
        groups = sorted({k for r in rounds for k in r.get(v + ":threads_us", {})} | {k for r in rounds for k in r.get("none:threads_us", {})})
        out[v]["threads_added_us"] = {k: mean_ci([r[v + ":threads_us"].get(k, 0.0) - r["none:threads_us"].get(k, 0.0) for r in rounds])
                                      for k in groups if v + ":threads_us" in rounds[0]}
        # Rounds of one set share their JVMs, so what a JVM's JIT happened to compile weighs on all of them alike: the
        # round-level interval leaves that out. With >= 2 sets, the loss per set (mean of its rounds) is the sample.
        sets = sorted({r["set"] for r in rounds if "set" in r})
        if len(sets) >= 2:
            per_set = [statistics.mean([loss for r, loss in zip(rounds, losses) if r.get("set") == k]) for k in sets]
            set_mean, set_ci = mean_ci(per_set)
            out[v].update({"loss_pct_by_set": per_set, "loss_pct_set_mean": set_mean, "loss_pct_set_ci95": set_ci})
        out[v].update({"loss_pct_mean": mean, "loss_pct_ci95": ci, "loss_pct_median": median(losses), "losses": losses,
                       "added_cpu_us_mean": added_mean, "added_cpu_us_ci95": added_ci, "added_cpu_us_median": median(added)})
        if v == "hotpath":
            daemon_us = [(r["hotpath:daemon_cpu_s"] - idle * r["hotpath:daemon_wall_s"]) / max(1, r["hotpath:samples"]) * 1e6
                         for r in rounds]
            out[v].update({"daemon_us_per_sample_median": median(daemon_us), "daemon_us_per_sample": daemon_us,
                           "daemon_idle_cores": idle, "samples": [r["hotpath:samples"] for r in rounds],
                           "dropped": sum(r["hotpath:dropped"] for r in rounds),
                           "made": [r["hotpath:made"] for r in rounds if "hotpath:made" in r]})
    return out


def jfr_summary(workload, stack, rate, calls, work):
    run_dir = os.path.join(work, "jfr", workload)
    os.makedirs(run_dir, exist_ok=True)
    jfr = os.path.join(run_dir, "hotpath.jfr")
    run(command(workload, "hotpath", stack, run_dir, calls=calls, rate=rate,
                extra_jvm=["-XX:StartFlightRecording=filename=%s,settings=profile" % jfr]), run_dir)
    jfr_bin = os.path.join(os.path.dirname(os.path.realpath(shutil.which(JAVA) or JAVA)), "jfr")
    text = subprocess.run([jfr_bin, "print", "--events", "jdk.ExecutionSample", jfr], capture_output=True, text=True).stdout
    threads, tops, agent_frames = {}, {}, {}
    total = 0
    for event in text.split("jdk.ExecutionSample")[1:]:
        total += 1
        m = re.search(r'sampledThread = "([^"]*)"', event)
        thread = re.sub(r"\d+", "N", m.group(1)) if m else "?"
        threads[thread] = threads.get(thread, 0) + 1
        frames = re.findall(r"^\s+([\w.$<>]+\([^)]*\))\s+line:", event, re.M)
        if frames:
            tops[frames[0]] = tops.get(frames[0], 0) + 1
            hp = next((f for f in frames if "hotpath" in f and "benchmarks" not in f and "demo" not in f), None)
            if hp:
                agent_frames[hp] = agent_frames.get(hp, 0) + 1
    def top(d, k=12):
        return [(name, count, 100.0 * count / max(1, total)) for name, count in sorted(d.items(), key=lambda e: -e[1])[:k]]
    return {"samples": total, "threads": top(threads, 8), "top_frames": top(tops), "first_agent_frames": top(agent_frames, 10)}


def markdown(result):
    lines = []
    p = result["params"]
    lines.append("Command: `%s`; load average before %s, after %s; %s" % (p["command"], p["load_before"], p["load_after"], p["date"]))
    lines.append("")
    for w in result["workloads"]:
        c = result["cpu"].get(w)
        if c:
            lines.append("#### %s: CPU per call (marginal, %d vs %d calls at %d calls/s; medians of %d repetitions)" %
                         (w, p["lengths"][w][1], p["lengths"][w][2], p["rates"][w], p["reps"]))
            lines.append("")
            lines.append("| variant | 0-call run: app CPU s (wall s) | %d-call run: app CPU s (wall s) | app µs/call | per repetition | added app µs/call | hotpathd µs/call | added total µs/call |" % p["lengths"][w][2])
            lines.append("|---|---|---|---|---|---|---|---|")
            for v, s in c.items():
                lines.append("| %s | %.2f (%.1f) | %.2f (%.1f) | %.2f | %s | %s | %s | %s |" % (
                    v, s["zero_call_app_cpu_s"], s.get("zero_call_wall_s", float("nan")), s.get("app_cpu_s_n2", float("nan")),
                    s.get("wall_s_n2", float("nan")), s["app_us_per_call"], ", ".join("%.1f" % x for x in s["app_us_per_call_per_rep"]),
                    "–" if v == "none" else "%+.2f" % s["added_app_us_per_call"],
                    "%.2f" % s["daemon_us_per_call"] if v == "hotpath" else "–",
                    "–" if v == "none" else "%+.2f" % s["added_total_us_per_call"]))
            lines.append("")
            lines.append("hotpathd idle between runs: %.3f %% of a core (subtracted)." % (100 * c["none"]["daemon_idle_cores"]))
            lines.append("")
        t = result["throughput"][w]
        warm = p.get("warm_jvms") and w == "http"
        if warm:
            lines.append("#### %s: throughput flat out, warm JVMs: %d sets × %d interleaved rounds of %g s slices (each JVM warmed "
                         "up %g s alone)" % (w, p["sets"], p["pairs"], p["seconds"], p["warmup_seconds"]))
        else:
            lines.append("#### %s: throughput flat out, %d interleaved rounds of %g s runs after a %g s warm-up" % (
                w, p["pairs"], p["seconds"], p.get("warmup_seconds", 0)))
        lines.append("")
        lines.append("| variant | median calls/s | loss: mean ± 95 % CI | median loss | per round | app CPU µs/call (median) | added app CPU µs/call: mean ± 95 % CI |")
        lines.append("|---|---|---|---|---|---|---|")
        for v, s in t.items():
            if v == "none":
                lines.append("| none | %.0f | – | – | – | %.2f | – |" % (s["median_rate"], s["median_cpu_us"]))
            else:
                lines.append("| %s | %.0f | %+.2f %% ± %.2f | %+.2f %% | %s | %.2f | %+.2f ± %.2f |" % (
                    v, s["median_rate"], s["loss_pct_mean"], s["loss_pct_ci95"], s["loss_pct_median"],
                    ", ".join("%+.1f" % x for x in s["losses"]), s["median_cpu_us"], s["added_cpu_us_mean"], s["added_cpu_us_ci95"]))
        lines.append("")
        by_set = [v for v, s in t.items() if "loss_pct_by_set" in s]
        if by_set:
            lines.append("Loss with the JVMs as the unit (a set's rounds share their JVMs, so the round-level interval above is "
                         "too narrow when JIT outcomes differ between JVMs): mean of the per-set means ± 95 % CI over sets: " +
                         "; ".join("%s %+.2f %% ± %.2f (sets: %s)" % (v, t[v]["loss_pct_set_mean"], t[v]["loss_pct_set_ci95"],
                                                                     ", ".join("%+.1f" % x for x in t[v]["loss_pct_by_set"]))
                                   for v in by_set) + ".")
            lines.append("")
        for c in result.get("count_checks", {}).get(w, []):
            lines.append("Set %d, %s: %d calls made, %d counted by hotpathd%s." % (
                c["set"], c["variant"], c["made"], c["counted"], "" if c["made"] == c["counted"] else " — MISMATCH"))
        if warm:
            lines.append("")
        if w == "http" and not warm:
            lines.append("Warm-up (reported apart, not in the loss): median calls/s %s; application CPU µs per call %s." % (
                ", ".join("%s %.0f" % (v, s["warmup_rate_median"]) for v, s in t.items()),
                ", ".join("%s %.1f" % (v, s["warmup_cpu_us_median"]) for v, s in t.items())))
            lines.append("")
        names = sorted({k for s in t.values() for k in s.get("threads_us_median", {})},
                       key=lambda k: -max(s.get("threads_us_median", {}).get(k, 0.0) for s in t.values()))
        if names:
            lines.append("Window CPU per call by thread (µs, medians over rounds; kernel schedstat):")
            lines.append("")
            lines.append("| thread | " + " | ".join(t.keys()) + " |")
            lines.append("|---|" + "---|" * len(t))
            for k in names:
                lines.append("| %s | %s |" % (k, " | ".join("%.2f" % s.get("threads_us_median", {}).get(k, 0.0) for s in t.values())))
            lines.append("")
            agents = [v for v in t if v != "none" and t[v].get("threads_added_us")]
            if agents:
                lines.append("Added CPU per call by thread, paired per round (variant − none of the same round; µs, mean ± 95 % CI):")
                lines.append("")
                lines.append("| thread | " + " | ".join(agents) + " |")
                lines.append("|---|" + "---|" * len(agents))
                for k in names:
                    lines.append("| %s | %s |" % (k, " | ".join("%+.2f ± %.2f" % tuple(t[v]["threads_added_us"].get(k, (0.0, 0.0)))
                                                              for v in agents)))
                lines.append("")
        if "hotpath" in t:
            h = t["hotpath"]
            lines.append("hotpathd in these rounds: %.3f µs CPU per sample (median; per round %s), its idle rate %.3f %% of a core "
                         "subtracted; samples counted per round %s; agent drops %d. Load average (1 min) at the start of the runs: %s." % (
                             h["daemon_us_per_sample_median"], ", ".join("%.2f" % x for x in h["daemon_us_per_sample"]),
                             100 * h["daemon_idle_cores"], ", ".join("%d" % x for x in h["samples"]) +
                             (" (calls made: %s)" % ", ".join("%d" % x for x in h["made"]) if h["made"] else ""), h["dropped"],
                             "%.1f–%.1f" % (min(min(s["loads"]) for s in t.values()), max(max(s["loads"]) for s in t.values()))))
            lines.append("")
    for w, j in result.get("jfr", {}).items():
        lines.append("#### %s: where the CPU goes (JFR jdk.ExecutionSample, hotpath agent, %d samples)" % (w, j["samples"]))
        lines.append("")
        lines.append("Threads: " + "; ".join("%s %.1f %%" % (n, pct) for n, _, pct in j["threads"]))
        lines.append("")
        lines.append("| top frame | % of samples |")
        lines.append("|---|---|")
        for n, _, pct in j["top_frames"]:
            lines.append("| `%s` | %.1f |" % (n, pct))
        lines.append("")
        lines.append("Innermost agent frame on the stack: " + "; ".join("`%s` %.1f %%" % (n, pct) for n, _, pct in j["first_agent_frames"]))
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=4.0, help="length of each throughput run")
    ap.add_argument("--warmup-seconds", type=float, default=30.0,
                    help="back-to-back warm-up before each throughput window (http: and at least 5,000 calls)")
    ap.add_argument("--baseline-agent", help="another hotpath agent jar, run as the variant hotpath-base")
    ap.add_argument("--baseline-agent-args", help="hotpath-base's agent arguments instead of the workload's rules "
                    "(e.g. config=FILE with a rule that matches nothing: the agent's presence without instrumentation)")
    ap.add_argument("--jvm-flag", action="append", default=[],
                    help="a JVM option for every variant's JVM (repeat it), e.g. --jvm-flag=-Xbatch")
    ap.add_argument("--warm-jvms", action="store_true", help="http throughput over warm JVMs resumed in turn (see above)")
    ap.add_argument("--sets", type=int, default=2, help="--warm-jvms: fresh JVMs per variant this many times")
    ap.add_argument("--workloads", default="http,transport")
    ap.add_argument("--variants", default="none,hotpath,otel")
    ap.add_argument("--quick", action="store_true", help="1 repetition, 3 rounds, short runs: checks that it works")
    ap.add_argument("--jfr", action="store_true")
    ap.add_argument("--no-cpu", action="store_true", help="only the throughput rounds (skip the fixed-rate CPU runs)")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks/target/results/cpu-per-call"))
    a = ap.parse_args()
    variants = [v for v in a.variants.split(",") if v != "otel" or os.path.exists(OTEL)]
    if a.baseline_agent:
        global BASE_AGENT
        BASE_AGENT = os.path.abspath(a.baseline_agent)
        global BASE_AGENT_ARGS
        BASE_AGENT_ARGS = a.baseline_agent_args
        if not os.path.exists(BASE_AGENT):
            sys.exit("missing %s" % BASE_AGENT)
        if "hotpath-base" not in variants:
            variants.insert(variants.index("hotpath") + 1 if "hotpath" in variants else len(variants), "hotpath-base")
    JVM_FLAGS.extend(a.jvm_flag)
    workloads = a.workloads.split(",")
    rates = {"http": 1000, "transport": 10000}
    if a.quick:
        a.reps, a.pairs, a.seconds, a.warmup_seconds = 1, 3, 2.0, 2.0
    lengths = {w: (0, rates[w] * (1 if a.quick else 2), rates[w] * (3 if a.quick else 10)) for w in workloads}
    for f in (AGENT, LOAD, DEMO, HOTPATHD):
        if not os.path.exists(f):
            sys.exit("missing %s (mvn -B -q package -pl benchmarks -am -DskipTests)" % f)
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="hotpath-cpu-")
    load_before = open("/proc/loadavg").read().split()[:3]
    stack = Stack(work)
    result = {"cpu": {}, "throughput": {}, "workloads": workloads}
    try:
        for w in workloads:
            if not a.no_cpu:
                rows = cpu_experiment(stack, w, variants, lengths[w], rates[w], a.reps, work)
                result["cpu"][w] = summarize_cpu(rows, w, variants, lengths[w])
                result.setdefault("rows", []).extend(rows)
            if a.warm_jvms and w == "http":
                rounds, checks = warm_rounds.warm_rounds(
                    stack, variants, a.sets, a.pairs, a.seconds, a.warmup_seconds, work,
                    lambda v: command(w, v, stack, work), thread_group, log,
                    # a hotpath-base with other arguments (a rule that matches nothing) has no count to check
                    {v: n for v, n in SERVICES.items() if not (v == "hotpath-base" and BASE_AGENT_ARGS)}, loadavg)
                result.setdefault("count_checks", {})[w] = checks
            else:
                rounds = throughput_experiment(stack, w, variants, a.pairs, a.seconds, work, a.warmup_seconds)
            result["throughput"][w] = summarize_throughput(rounds, variants)
            result.setdefault("rounds", {})[w] = rounds
            if a.jfr:
                result.setdefault("jfr", {})[w] = jfr_summary(w, stack, rates[w], lengths[w][2], work)
    finally:
        stack.close()
    result["params"] = {"command": "benchmarks/cpu_per_call.py " + " ".join(sys.argv[1:]), "reps": a.reps, "pairs": a.pairs,
                        "seconds": a.seconds, "warmup_seconds": a.warmup_seconds, "rates": rates, "lengths": lengths,
                        "baseline_agent": BASE_AGENT, "warm_jvms": a.warm_jvms, "sets": a.sets,
                        "load_before": " ".join(load_before), "load_after": " ".join(open("/proc/loadavg").read().split()[:3]),
                        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "variants": variants}
    with open(os.path.join(a.out, "cpu-per-call.json"), "w") as f:
        json.dump(result, f, indent=1)
    md = markdown(result)
    with open(os.path.join(a.out, "cpu-per-call.md"), "w") as f:
        f.write(md + "\n")
    print(md)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
