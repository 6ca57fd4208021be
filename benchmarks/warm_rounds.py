"""Throughput rounds over warm JVMs, for benchmarks/cpu_per_call.py --warm-jvms (http only).

Why: on this shared 2-core machine the load average moves from 2 to 30 within minutes, and one
run per variant per round (a fresh JVM, a warm-up, a window) puts tens of seconds between the
variants of a round: round-to-round noise was +-15-30 %, far above the 1 % to resolve. Here each
variant gets one JVM per set, warmed up alone (the others stopped) for --warmup-seconds and then
until its JIT compiler threads use < 3 % of its CPU over 5 s (at most 4 x --warmup-seconds); then
every round resumes each JVM in turn (SIGCONT) for --seconds and stops it again (SIGSTOP), the order
rotating: the variants of a round are seconds apart and see the same machine. A stopped JVM uses no
CPU; the driver (HttpLoad --control) counts its calls in a memory-mapped file that is read while
the JVM is stopped, so each slice has an exact call count, and its CPU is the kernel's run time of
all its threads (schedstat) over the slice. At the end the script asks each driver to stop between
two calls; its agent drains, and the calls it made must equal hotpathd's count for its service.

Limits: sets sample JVM-to-JVM differences (JIT decisions) only --sets times; a slice starts with
caches cold for every variant alike; hotpathd's CPU per sample is approximate (its ~1 s lag moves
part of a slice's work into the next slice).
"""
import mmap
import os
import re
import signal
import struct
import subprocess
import time


HZ = os.sysconf("SC_CLK_TCK")


def threads(pid):
    """{tid: (name, run time ns)} of PID's threads (schedstat; the Linux name has 15 characters, digits as N)."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                ns = int(f.read().split()[0])
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                name = re.sub(r"\d+", "N", f.read().strip())
        except (OSError, ValueError, IndexError):
            continue
        out[tid] = (name, ns)
    return out


def thread_groups(pid, group):
    """Run time (ns) of PID's threads by group name (group: a function of the thread name)."""
    out = {}
    for name, ns in threads(pid).values():
        out[group(name)] = out.get(group(name), 0) + ns
    return out


def slice_groups(before, after, group):
    """CPU ns per group between two threads() readings: per thread, new threads from 0. A thread that
    ended in between is missing (the HttpClient's pooled workers end after 60 s idle, which a stopped
    JVM's wall clock reaches), so the total comes from process_cpu_ns, not from these."""
    out = {}
    for tid, (name, ns) in after.items():
        d = ns - before.get(tid, (name, 0))[1]
        out[group(name)] = out.get(group(name), 0) + max(0, d)
    return out


def process_cpu_ns(pid):
    """utime + stime of the whole process, ended threads included (kernel ticks)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e9 / HZ


SETTLE_SECONDS = 5
SETTLED_JIT_SHARE = 0.03


def settle(pid, group, deadline):
    """Runs on until the JIT compiler threads used < 3 % of the JVM's CPU over SETTLE_SECONDS (or the deadline); that share."""
    while True:
        a = thread_groups(pid, group)
        time.sleep(SETTLE_SECONDS)
        b = thread_groups(pid, group)
        total = sum(b[k] - a.get(k, 0) for k in b)
        share = (b.get("JIT compiler", 0) - a.get("JIT compiler", 0)) / max(1, total)
        if share < SETTLED_JIT_SHARE or time.time() >= deadline:
            return share


def wait_stopped(proc, seconds=120.0):
    """Until every thread of the JVM is stopped (a thread in uninterruptible sleep, e.g. a page fault on a busy disk, stops late)."""
    pid = proc.pid
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("JVM %d ended (exit %s)" % (pid, proc.returncode))
        states = []
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    states.append(f.read().rsplit(")", 1)[1].split()[0])
            except OSError:
                pass
        if all(s in ("T", "t") for s in states):
            return
        time.sleep(0.002)
    raise RuntimeError("JVM %d did not stop within %.0f s" % (pid, seconds))


class Driver:
    """One variant's JVM running HttpLoad --control."""

    def __init__(self, variant, cmd, run_dir):
        os.makedirs(run_dir, exist_ok=True)
        self.variant = variant
        self.run_dir = run_dir
        path = os.path.join(run_dir, "control")
        with open(path, "wb") as f:
            f.write(b"\0" * 16)
        self.fd = os.open(path, os.O_RDWR)
        self.map = mmap.mmap(self.fd, 16)
        self.out = open(os.path.join(run_dir, "out.log"), "w")
        self.proc = subprocess.Popen(cmd + ["--control", path], stdout=self.out, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def calls(self):
        return struct.unpack_from("=q", self.map, 0)[0]

    def stop(self):
        os.kill(self.pid, signal.SIGSTOP)
        try:
            wait_stopped(self.proc)
        except RuntimeError as e:
            self.out.flush()
            raise RuntimeError("%s: %s\n%s" % (self.variant, e, open(os.path.join(self.run_dir, "out.log")).read()[-3000:]))

    def resume(self):
        os.kill(self.pid, signal.SIGCONT)

    def finish(self):
        """Asks the driver to end between two calls; returns the calls it made (its own count)."""
        struct.pack_into("=q", self.map, 8, 1)
        self.map.flush()
        self.resume()
        code = self.proc.wait(120)
        self.out.close()
        text = open(os.path.join(self.run_dir, "out.log")).read()
        m = re.search(r"controlled calls=(\d+) errors=(\d+)", text)
        if code != 0 or not m:
            raise RuntimeError("driver %s failed (%s):\n%s" % (self.variant, code, text[-3000:]))
        self.map.close()
        os.close(self.fd)
        return int(m.group(1)), int(m.group(2))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def warm_rounds(stack, variants, sets, rounds, seconds, warmup_seconds, work, command, group, log, services, loadavg):
    """Rounds in cpu_per_call.throughput_experiment's shape, plus the per-set count checks."""
    out, checks = [], []
    for s in range(sets):
        drivers = {}
        try:
            before = {v: stack.service_count(services[v]) for v in variants if services.get(v)}
            for v in variants:  # warmed up alone, one after the other
                drivers[v] = Driver(v, command(v), os.path.join(work, "warm", "set%d" % s, v))
                t0 = time.time()
                time.sleep(warmup_seconds)
                jit = settle(drivers[v].pid, group, t0 + 4 * warmup_seconds)
                drivers[v].stop()
                log("set %d: %s warmed up, %d calls in %.1f s (JIT compiler threads %.1f %% of its CPU in the last %d s)" % (
                    s, v, drivers[v].calls(), time.time() - t0, 100 * jit, SETTLE_SECONDS))
            for i in range(rounds):
                order = variants[i % len(variants):] + variants[:i % len(variants)]
                r = {"set": s}  # the set's JVMs are shared by its rounds: cpu_per_call's per-set CI accounts for that
                for v in order:
                    d = drivers[v]
                    c0, t0, p0 = d.calls(), threads(d.pid), process_cpu_ns(d.pid)
                    d0 = stack.daemon_cpu_s()
                    r[v + ":load"] = loadavg()
                    started = time.monotonic()
                    d.resume()
                    time.sleep(seconds)
                    d.stop()
                    wall = time.monotonic() - started
                    c1, t1, p1 = d.calls(), threads(d.pid), process_cpu_ns(d.pid)
                    d1 = stack.daemon_cpu_s()
                    n = max(1, c1 - c0)
                    r[v] = (c1 - c0) / wall
                    r[v + ":threads_us"] = {k: ns / 1e3 / n for k, ns in slice_groups(t0, t1, group).items()}
                    r[v + ":cpu_us"] = (p1 - p0) / 1e3 / n
                    r[v + ":warmup_rate"] = float("nan")
                    r[v + ":warmup_cpu_us"] = float("nan")
                    if v == "hotpath":
                        r.update({"hotpath:daemon_cpu_s": d1 - d0, "hotpath:daemon_wall_s": wall, "hotpath:samples": c1 - c0,
                                  "hotpath:dropped": 0, "hotpath:app_cpu_s": r[v + ":cpu_us"] * n / 1e6})
                    else:
                        r[v + ":idle_daemon_cores"] = (d1 - d0) / wall
                out.append(r)
                log("set %d round %d: %s" % (s, i, ", ".join("%s %.0f/s %.1f µs CPU/call" % (v, r[v], r[v + ":cpu_us"])
                                                               for v in variants)))
            for v in variants:
                made, errors = drivers[v].finish()
                if services.get(v):
                    expected = before[v] + made
                    deadline = time.time() + 15
                    counted = stack.service_count(services[v])
                    while counted < expected and time.time() < deadline:
                        time.sleep(0.5)
                        counted = stack.service_count(services[v])
                    checks.append({"set": s, "variant": v, "made": made, "counted": counted - before[v], "errors": errors})
                    if counted != expected:
                        log("COUNT MISMATCH set %d %s: %d calls made, %d counted by hotpathd" % (s, v, made, counted - before[v]))
        finally:
            for d in drivers.values():
                d.kill()
    return out, checks
