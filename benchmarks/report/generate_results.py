#!/usr/bin/env python3
"""Turns the raw results of benchmarks/run.sh into benchmarks/RESULTS.md.

Input (one directory, benchmarks/target/results/<mode>/): machine.json, jmh-<group>.json (JMH -rf json)
with jmh-<group>.cmd (the command), footprint-*.json, e2e/e2e.json. Missing inputs become a
"not run" line, so a partial run (ONLY=...) still renders.

Numbers: "median" is the median of all measured iteration scores (all forks) — JMH's 50th percentile;
"mean ± err" is JMH's score and its 99.9 % confidence half-width. Ratios are of medians.
"""
import argparse
import glob
import json
import math
import os
import statistics

summary_machine = {}

RECORD_PATH_ROWS = [
    ("hotpathStaticSeries", "hotpath, static series: 2× nanoTime + `HotpathBridge.record`"),
    ("hotpathLabelFromArgument", "hotpath, label from an enum argument: `HotpathBridge.series` + 2× nanoTime + `record`"),
    ("simpleclientHistogramObserve", "simpleclient `Histogram.observe` (unlabelled)"),
    ("simpleclientHistogramLabelsObserve", "simpleclient `Histogram.labels(x).observe`"),
    ("simpleclientSummaryObserve", "simpleclient `Summary.observe` (3 quantiles)"),
    ("hdrHistogramRecorderRecordValue", "HdrHistogram `Recorder.recordValue` (1 ns–1 h, 3 digits)"),
    ("nanoTimePair", "floor: the `nanoTime` pair alone"),
]


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def jmh(results, group):
    return load_json(os.path.join(results, "jmh-%s.json" % group))


def jmh_cmd(results, group):
    path = os.path.join(results, "jmh-%s.cmd" % group)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read().strip()


def short(benchmark):
    return benchmark.rsplit(".", 1)[-1]


def median(entry):
    return entry["primaryMetric"]["scorePercentiles"]["50.0"]


def score(entry):
    return entry["primaryMetric"]["score"], entry["primaryMetric"]["scoreError"]


def secondary(entry, name):
    return entry.get("secondaryMetrics", {}).get(name)


def aux_sum(entry, name):
    metric = secondary(entry, name)
    if metric is None:
        return None
    return sum(sum(fork) for fork in metric.get("rawData", []))


def aux_per_iteration(entry, name):
    metric = secondary(entry, name)
    if metric is None or not metric.get("rawData"):
        return None
    values = [v for fork in metric["rawData"] for v in fork]
    return statistics.median(values)


def bytes_per_op(entry):
    metric = secondary(entry, "gc.alloc.rate.norm")
    if metric is None:
        return None
    return metric["score"]


def num(value, digits=1):
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return value
    if value is None:
        return "–"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "–"
    if abs(value) >= 1e6:
        return "{:,.0f}".format(value)
    if abs(value) >= 100:
        return "{:,.0f}".format(value)
    return ("{:,.%df}" % digits).format(value)


def err(value):
    if isinstance(value, str):
        value = float(value) if value.replace(".", "", 1).isdigit() else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return num(value)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return "{:.2f}×".format(a / b)


def mean_err(entry):
    s, e = score(entry)
    return "%s ± %s" % (num(s), err(e))


def bop(value):
    if value is None:
        return "–"
    return "{:.2f}".format(value) if value < 10 else "{:,.0f}".format(value)


def params(entry):
    return entry.get("params") or {}


class Doc:
    def __init__(self):
        self.lines = []

    def add(self, *lines):
        self.lines.extend(lines)

    def table(self, header, rows):
        self.add("| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.add("| " + " | ".join(str(c) for c in row) + " |")
        self.add("")

    def command(self, results, *groups):
        cmds = [jmh_cmd(results, g) for g in groups]
        cmds = [c for c in cmds if c]
        if cmds:
            self.add("```", *cmds, "```", "")

    def text(self):
        return "\n".join(self.lines).rstrip() + "\n"


def record_path(doc, results, summary):
    doc.add("## 1. Record path (JMH `RecordPathBenchmark`, `-prof gc`)", "")
    doc.add("What an instrumented call pays to be measured, every alternative timed the same way (two `nanoTime` "
            "reads, then the record). hotpath records into its real `RingRecorder` (Agrona many-to-one ring) with a "
            "1 GiB pre-touched ring that a discarding consumer empties and that is empty at every iteration start, so "
            "every measured call takes the production claim/write/commit path; the ring counters below show the "
            "samples written and dropped during the measured iterations. Ratios: hotpath's median ÷ the row's median "
            "(< 1 = hotpath cheaper). *Above floor* = median − the `nanoTime` pair's median.", "")
    doc.command(results, "record-path-t1", "record-path-t2", "record-path-t4")
    any_run = False
    for threads in (1, 2, 4):
        data = jmh(results, "record-path-t%d" % threads)
        if not data:
            continue
        any_run = True
        by_name = {short(e["benchmark"]): e for e in data}
        floor = median(by_name["nanoTimePair"]) if "nanoTimePair" in by_name else None
        hp_static = median(by_name["hotpathStaticSeries"]) if "hotpathStaticSeries" in by_name else None
        hp_label = median(by_name["hotpathLabelFromArgument"]) if "hotpathLabelFromArgument" in by_name else None
        rows = []
        for name, label in RECORD_PATH_ROWS:
            e = by_name.get(name)
            if e is None:
                continue
            m = median(e)
            rows.append([label, num(m), mean_err(e), bop(bytes_per_op(e)),
                         num(m - floor) if floor is not None and name != "nanoTimePair" else "–",
                         ratio(hp_static, m) if name != "hotpathStaticSeries" else "1.00×",
                         ratio(hp_label, m) if name != "hotpathLabelFromArgument" else "1.00×"])
        doc.add("### %d thread%s" % (threads, "" if threads == 1 else "s"), "")
        cores = (summary_machine.get("cores") or 0)
        if cores and threads > cores:
            doc.add("_%d threads on %d cores: oversubscribed, threads are descheduled mid-call; shows contention "
                    "behaviour, not per-call cost._" % (threads, cores), "")
        doc.table(["benchmark", "median ns/op", "mean ± err", "B/op", "above floor (ns)",
                   "hotpath static ÷ this", "hotpath label ÷ this"], rows)
        ring_notes = []
        for name in ("hotpathStaticSeries", "hotpathLabelFromArgument"):
            e = by_name.get(name)
            if e is None:
                continue
            recorded, dropped = aux_sum(e, "ringRecorded"), aux_sum(e, "ringDropped")
            if recorded is not None:
                total = (recorded or 0) + (dropped or 0)
                ring_notes.append("`%s`: %s samples written, %s dropped (%.4f %%)" % (
                    name, "{:,.0f}".format(recorded), "{:,.0f}".format(dropped or 0), 100.0 * (dropped or 0) / total if total else 0))
        if ring_notes:
            doc.add("Ring during the measured iterations — " + "; ".join(ring_notes) + ".", "")
        sc = by_name.get("simpleclientHistogramObserve")
        if threads in (1, 2) and sc is not None and hp_static is not None:
            summary.append(("Record path ≤ 0.6× simpleclient `Histogram.observe`, %d thread%s" % (threads, "" if threads == 1 else "s"),
                            "%.2f× (%s vs %s ns)" % (hp_static / median(sc), num(hp_static), num(median(sc))),
                            "yes" if hp_static / median(sc) <= 0.6 else "no"))
        if threads in (1, 2):
            bops = [bytes_per_op(by_name[n]) for n in ("hotpathStaticSeries", "hotpathLabelFromArgument") if n in by_name]
            bops = [b for b in bops if b is not None]
            if bops:
                summary.append(("Record path 0 B/op, %d thread%s" % (threads, "" if threads == 1 else "s"),
                                "%s B/op (largest of both hotpath shapes)" % bop(max(bops)), "yes" if max(bops) < 0.1 else "no"))
    if not any_run:
        doc.add("_Not run._", "")


def instrumented_call(doc, results):
    doc.add("## 2. Instrumented call (JMH `InstrumentedCallBenchmark`)", "")
    doc.add("A small method called through a class instrumented by the real `hotpath-agent.jar` (attached to the "
            "benchmark JVM: relocated Byte Buddy, inlined `TimingAdvice`, bootstrap bridge, 1 GiB ring, Chronicle "
            "drain thread) against the same method in a JVM without the agent. Every iteration starts once the drain "
            "has emptied the ring.", "")
    doc.command(results, "instrumented-call")
    data = jmh(results, "instrumented-call")
    if not data:
        doc.add("_Not run._", "")
        return
    methods = {}
    for e in data:
        methods.setdefault(short(e["benchmark"]), {})[params(e).get("agent")] = e
    rows = []
    for name, by_agent in sorted(methods.items()):
        none, hp = by_agent.get("none"), by_agent.get("hotpath")
        recorded = aux_sum(hp, "ringRecorded") if hp else None
        dropped = aux_sum(hp, "ringDropped") if hp else None
        rows.append([name,
                     "%s (%s)" % (num(median(none)), mean_err(none)) if none else "–",
                     "%s (%s)" % (num(median(hp)), mean_err(hp)) if hp else "–",
                     num(median(hp) - median(none)) if none and hp else "–",
                     ratio(median(hp), median(none)) if none and hp else "–",
                     bop(bytes_per_op(hp)) if hp else "–",
                     "%s / %s" % ("{:,.0f}".format(recorded), "{:,.0f}".format(dropped or 0)) if recorded is not None else "–"])
    doc.table(["method", "no agent: median ns/op (mean ± err)", "hotpath agent: median ns/op (mean ± err)",
               "added ns", "ratio", "B/op with agent", "ring written / dropped"], rows)


def drain(doc, results):
    doc.add("## 3. Ring → queue drain (JMH `SpoolDrainBenchmark`, `SpoolDocumentBenchmark`)", "")
    doc.add("`SpoolDrainBenchmark`: samples per second the agent's real drain thread (`SpoolDrainer`) moves from the "
            "ring into a Chronicle Queue on disk, at most *batch* samples per SAMPLE_BATCH document (1 = a document "
            "per sample; 4096 = the agent's default). `SpoolDocumentBenchmark`: the Chronicle append alone, per sample.", "")
    doc.command(results, "spool-drain", "spool-document")
    data = jmh(results, "spool-drain")
    if data:
        base = next((median(e) for e in data if params(e).get("batch") == "1"), None)
        doc.table(["batch (samples/document)", "median samples/s", "mean ± err", "× batch 1"],
                  [[params(e).get("batch"), num(median(e)), mean_err(e), ratio(median(e), base)] for e in data])
    else:
        doc.add("_SpoolDrainBenchmark not run._", "")
    data = jmh(results, "spool-document")
    if data:
        base = next((median(e) for e in data if params(e).get("batch") == "1"), None)
        doc.table(["batch", "median ns/sample", "mean ± err", "samples/s", "÷ batch 1"],
                  [[params(e).get("batch"), num(median(e)), mean_err(e), num(1e9 / median(e)), ratio(median(e), base)] for e in data])
    doc.add("Ring choice (`RingChoiceBenchmark`, the decision record for one shared many-to-one ring):", "")
    rows = []
    for threads in (1, 2):
        data = jmh(results, "ring-choice-t%d" % threads)
        if not data:
            continue
        by_name = {short(e["benchmark"]): e for e in data}
        m2o, o2o = by_name.get("manyToOneShared"), by_name.get("oneToOnePerThread")
        rows.append([threads, "%s (%s)" % (num(median(m2o)), mean_err(m2o)) if m2o else "–",
                     "%s (%s)" % (num(median(o2o)), mean_err(o2o)) if o2o else "–",
                     ratio(median(m2o), median(o2o)) if m2o and o2o else "–"])
    if rows:
        doc.table(["threads", "ManyToOneRingBuffer shared: ns/op", "OneToOneRingBuffer per thread: ns/op", "shared ÷ per-thread"], rows)
    else:
        doc.add("_Not run._", "")


def daemon(doc, results, summary):
    doc.add("## 4. Daemon: decode + aggregate, exposition, heap", "")
    doc.add("`DaemonIngestBenchmark`: SAMPLE_BATCH documents of 256 samples decoded and recorded into per-series "
            "histograms on one thread, exactly as `QueueTailer`/`Aggregator` do after the Chronicle read (which is not "
            "included). *open second*: all samples in one open second; *with rotation*: whole simulated seconds of "
            "1 M samples, each followed by the rotation of every series (windows, quantiles, snapshot). Series are "
            "spread over metrics of ≤ 1 000 label sets (the daemon's per-metric cardinality cap), so 10 000 series "
            "really are 10 000.", "")
    doc.command(results, "daemon-ingest", "metrics-render", "metrics-scrape")
    data = jmh(results, "daemon-ingest")
    if data:
        by = {}
        for e in data:
            by.setdefault(params(e).get("series"), {})[short(e["benchmark"])] = e
        rows = []
        for series in sorted(by, key=int):
            open_s, rot = by[series].get("decodeAndAggregate"), by[series].get("decodeAndAggregateWithRotation")
            rows.append([series, "%s (%s)" % (num(median(open_s)), mean_err(open_s)) if open_s else "–",
                         "%s (%s)" % (num(median(rot)), mean_err(rot)) if rot else "–",
                         ("yes" if min(median(x) for x in (open_s, rot) if x) >= 5e6 else "no")])
            worst = min(median(x) for x in (open_s, rot) if x)
            summary.append(("Daemon ≥ 5 M samples/s decoded + aggregated on one core, %s series" % series,
                            "%s samples/s (slower of open second / with rotation)" % num(worst), "yes" if worst >= 5e6 else "no"))
        doc.table(["series", "open second: median samples/s (mean ± err)", "with rotation: median samples/s (mean ± err)",
                   "≥ 5 M/s"], rows)
    else:
        doc.add("_DaemonIngestBenchmark not run._", "")
    doc.add("`MetricsRenderBenchmark`: what the aggregation thread does for `/metrics` once per rotation: "
            "*renderPrometheusText* every rotation, *renderBothFormats* while a scraper asks for OpenMetrics, "
            "*gzipPrometheusText* once per rotation in the background while scrapers ask for gzip (never per scrape). "
            "*default*: the default exposition (quantile windows 1s, 1m); *all-windows*: every window, as before.", "")
    data = jmh(results, "metrics-render")
    if data:
        rows = []
        for e in sorted(data, key=lambda x: (int(params(x).get("series", 0)), params(x).get("exposition", ""), short(x["benchmark"]))):
            series = int(params(e).get("series"))
            text = aux_per_iteration(e, "prometheusTextBytes")
            om = aux_per_iteration(e, "openMetricsBytes")
            gz = aux_per_iteration(e, "gzipBytes")
            rows.append([series, params(e).get("exposition", "–"), short(e["benchmark"]), num(median(e), 2), mean_err(e),
                         "{:,.0f}".format(text) if text else "–", "{:,.0f}".format(om) if om else "–",
                         "{:,.0f}".format(gz) if gz else "–", "{:,.0f}".format(text / series) if text else "–"])
        doc.table(["series", "exposition", "benchmark", "median ms", "mean ± err", "Prometheus text bytes",
                   "OpenMetrics bytes", "gzip bytes", "text bytes/series"], rows)
    else:
        doc.add("_MetricsRenderBenchmark not run._", "")
    doc.add("`MetricsScrapeBenchmark`: a real `GET /metrics` over loopback HTTP/1.1 against the daemon's Netty server "
            "and routes, 10 000 series with the default exposition, body received by the JDK HTTP client (not "
            "decompressed); *gzip* = `Accept-Encoding: gzip` as Prometheus sends it.", "")
    data = jmh(results, "metrics-scrape")
    if data:
        rows = []
        for e in sorted(data, key=lambda x: (int(params(x).get("series", 0)), params(x).get("gzip", ""))):
            series = int(params(e).get("series"))
            body = aux_per_iteration(e, "bodyBytes")
            rows.append([series, params(e).get("gzip", "–"), num(median(e), 2), mean_err(e), "{:,.0f}".format(body) if body else "–"])
            if series == 10000 and params(e).get("gzip") == "true":
                summary.append(("`/metrics` for 10 000 series < 50 ms", "%s ms per scrape (gzip, default exposition), %s bytes" % (
                    num(median(e), 1), "{:,.0f}".format(body) if body else "?"), "yes" if median(e) < 50 else "no"))
        doc.table(["series", "gzip", "median ms per scrape", "mean ± err", "body bytes"], rows)
    else:
        doc.add("_MetricsScrapeBenchmark not run._", "")
    doc.add("`WindowMemoryFootprint` (a plain main, not JMH): heap retained after full GC by the aggregation state of "
            "*series* series with every window full (65 simulated minutes of log-normal samples, median 1 ms).", "")
    rows = []
    for path in sorted(glob.glob(os.path.join(results, "footprint-*.json"))):
        f = load_json(path)
        heap = f["heapRetainedBytes"] / 1048576.0
        rows.append([f["series"], f["ratePerSeries"], f["sigma"], "%.1f" % heap,
                     "%.1f" % (f["heapRetainedBytes"] / 1024.0 / f["series"]), "%.1f" % (f["accountedBytes"] / 1048576.0),
                     "%.1f" % f["wallMillisPerSimulatedSecond"]])
        if f["series"] == 1000:
            summary.append(("Heap of 1 000 series with all windows < 128 MiB (%d samples/s each, σ %.1f)" % (f["ratePerSeries"], f["sigma"]),
                            "%.1f MiB" % heap, "yes" if heap < 128 else "no"))
    if rows:
        doc.table(["series", "samples/s per series", "σ", "heap MiB", "KiB/series", "aggregator's own accounting MiB",
                   "wall ms per simulated second (record + rotate)"], rows)
    else:
        doc.add("_Not run._", "")


def startup(doc, results):
    doc.add("## 6. Agent start-up (`benchmarks/startup.sh`)", "")
    path = os.path.join(results, "startup.md")
    note = os.path.join(results, "startup.note")
    if os.path.exists(path):
        cmd = os.path.join(results, "startup.cmd")
        if os.path.exists(cmd):
            with open(cmd) as f:
                doc.add("```", f.read().strip(), "```", "")
        with open(path) as f:
            for line in f.read().rstrip().splitlines():
                # its headings nest under this section's
                doc.add("###" + line.lstrip("#") if line.startswith("#") else line)
        doc.add("")
    elif os.path.exists(note):
        with open(note) as f:
            doc.add("_Skipped: %s_" % f.read().strip(), "")
    else:
        doc.add("_Not run._", "")


def pct(value):
    if value is None:
        return "–"
    return "{:+.1f} %".format(value)


def micros(nanos):
    return "–" if nanos is None else "{:,.1f}".format(nanos / 1000.0)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def e2e(doc, results, summary):
    doc.add("## 5. End to end: overhead and accuracy (`EndToEndHarness`)", "")
    data = load_json(os.path.join(results, "e2e", "e2e.json"))
    if not data:
        doc.add("_Not run._", "")
        return
    cfg = data["config"]
    doc.add("The demo's transport service (`TransportManager.sendMessage` over real loopback TCP to the demo's echo "
            "server, no simulated server delay) in its own JVM (`%s`), driven open-loop at a fixed rate by %d driver "
            "threads, or flat out (closed loop, *max*). Latency is measured two ways: *service time* (the call's own "
            "duration — what the service itself and an agent time) and *response time* from the message's intended "
            "send time (coordinated-omission-correct: a stall counts for every message queued behind it). Each run: "
            "%.0f s warm-up, %.0f s measured; %d repetition(s), variants interleaved; medians over repetitions. "
            "Overhead = change relative to *none* (no agent)." % (
                " ".join(cfg.get("serviceJvmArgs", [])), cfg["connections"], cfg["warmupSeconds"], cfg["measuredSeconds"],
                cfg["repetitions"]), "")
    doc.add("Coordinated omission (checked in `TransportLoad.Driver.fixedRate`): message *i*'s intended send "
            "time `start + i / rate` is fixed before the run; its response time is `end − intended`, not "
            "`end − actual send`, so a driver thread that falls behind charges the delay to every message queued "
            "behind the stall. Messages still unsent when the window closes count as *missed*, with the time they "
            "had waited as a lower bound of their latency. Only the flat-out (closed-loop) run measures from the "
            "actual send, as closed loops must; its response and service times are the same by construction.", "")
    doc.add("Variants: *none*; *hotpath* = `-javaagent:hotpath-agent.jar` with `demo-service/hotpath-demo-rules.yaml` "
            "(label from the enum argument, payload size, `failure_on: false`) plus a running `hotpathd` tailing its "
            "spool; *otel* = OpenTelemetry Java agent 2.31.1 timing the same method the way it times methods — "
            "`otel.instrumentation.methods.include=io.hotpath.demo.transport.TransportManager[sendMessage]`, every "
            "other instrumentation off (`otel.instrumentation.common.default-enabled=false`), one span per call "
            "(default always-on sampler), exported with the default batch processor over OTLP/HTTP to a local sink "
            "that discards; *otel-noexport* = the same with `otel.traces.exporter=none` (spans created and ended, "
            "never exported: OpenTelemetry's floor). Metrics and logs exporters off.", "")
    runs = data["runs"]
    rates = []
    for r in runs:
        if r["ratePerSecond"] not in rates:
            rates.append(r["ratePerSecond"])
    variants = cfg["variants"]
    for rate in rates:
        groups = {v: [r for r in runs if r["ratePerSecond"] == rate and r["variant"] == v] for v in variants}

        def stat(v, fn):
            return med([fn(r) for r in groups.get(v, [])])

        def get(path):
            def f(r):
                node = r["report"]
                for p in path:
                    if node is None:
                        return None
                    node = node.get(p)
                return node
            return f

        base = {k: stat("none", get(p)) for k, p in (
            ("tput", ("achievedPerSecond",)), ("sp50", ("serviceNanos", "p50")), ("sp99", ("serviceNanos", "p99")),
            ("rp50", ("responseNanos", "p50")), ("rp99", ("responseNanos", "p99")), ("cpu", ("processCpuNanosPerMessage",)))}
        rows = []
        for v in variants:
            if not groups.get(v):
                continue
            tput = stat(v, get(("achievedPerSecond",)))
            sp50, sp99 = stat(v, get(("serviceNanos", "p50"))), stat(v, get(("serviceNanos", "p99")))
            rp50, rp99 = stat(v, get(("responseNanos", "p50"))), stat(v, get(("responseNanos", "p99")))
            cpu = stat(v, get(("processCpuNanosPerMessage",)))
            dcpu = stat(v, lambda r: r.get("daemonCpuNanosPerMessage"))
            missed = stat(v, get(("messagesMissed",)))
            spans = stat(v, lambda r: (r.get("otlpSink") or {}).get("spans") if r.get("otlpSink") else None)
            calls = stat(v, get(("callsTotal",)))

            def delta(value, key):
                b = base.get(key)
                if value is None or not b:
                    return None
                return 100.0 * (value - b) / b
            loss = None if not base["tput"] or tput is None else 100.0 * (base["tput"] - tput) / base["tput"]
            exported = "–"
            if v == "hotpath":
                exported = "all (see accuracy)"
            elif spans is not None and calls:
                exported = "%s of %s spans (%.0f %%)" % ("{:,.0f}".format(spans), "{:,.0f}".format(calls), 100.0 * spans / calls)
            rows.append([v, num(tput), pct(loss) if v != "none" else "–",
                         "%s / %s" % (micros(sp50), micros(sp99)),
                         "%s / %s" % (pct(delta(sp50, "sp50")), pct(delta(sp99, "sp99"))) if v != "none" else "–",
                         "%s / %s" % (micros(rp50), micros(rp99)),
                         "%s / %s" % (pct(delta(rp50, "rp50")), pct(delta(rp99, "rp99"))) if v != "none" else "–",
                         "%s%s" % (micros(cpu), (" + daemon %s" % micros(dcpu)) if dcpu is not None else ""),
                         num(missed, 0), exported])
            if v == "hotpath" and rate and loss is not None:
                # a rate the machine cannot sustain without any agent compares two saturated runs: no verdict
                saturated = base["tput"] < 0.95 * rate
                summary.append(("End to end < 1 %% throughput loss at %s msg/s" % num(rate), "%s (%s vs %s msg/s)%s" % (
                    pct(loss), num(tput), num(base["tput"]),
                    "; without an agent the machine reached only %.0f %% of the rate" % (100.0 * base["tput"] / rate) if saturated else ""),
                    "n/a (saturated)" if saturated else "yes" if loss < 1 else "no"))
            if v == "hotpath" and not rate and loss is not None:
                summary.append(("End to end < 1 % throughput loss, flat out", "%s (%s vs %s msg/s)" % (
                    pct(loss), num(tput), num(base["tput"])), "yes" if loss < 1 else "no"))
        doc.add("### %s" % ("flat out (closed loop)" if not rate else "%s messages/s" % num(rate)), "")
        doc.table(["variant", "achieved msg/s", "throughput loss", "service p50 / p99 µs", "Δ service p50 / p99",
                   "response p50 / p99 µs (from intended time)", "Δ response p50 / p99", "CPU µs/msg (service JVM)",
                   "missed", "exported"], rows)
    doc.add("Service command lines (RUN = the run's directory):", "", "```")
    for v, c in cfg.get("serviceCommands", {}).items():
        doc.add("# %s" % v, c)
    doc.add("```", "")

    doc.add("### Accuracy: the service's exact numbers vs hotpathd", "")
    doc.add("The service records every call's duration itself, inside the instrumented method's body (the demo's "
            "`lastCallNanos()`: the span the agent's advice times, minus two `nanoTime` reads and a field store), and "
            "writes exact nearest-rank percentiles, rank ceil(q·n), HdrHistogram's `getValueAtPercentile` definition "
            "(`--results`); after the run the daemon's `/metrics/summary` gives, for the same series, the cumulative "
            "`totals.calls` / errors and the 1m window's count and quantiles (runs are shorter than the window, and "
            "the window's count must equal the service's: it then holds exactly the calls the service counted). "
            "The daemon reports the highest value of the rank's bucket (3 significant digits: ≤ 0.1 % above). "
            "*rel. err* = |daemon − exact| ÷ exact. **Verdict per series** (the harness exits 3 on any FAIL): counts "
            "*exact* (calls, window count and errors equal) or *counted-drops* (the daemon misses exactly the samples "
            "the agent counted as dropped on a full ring), and in the two accuracy runs, where counts are exact, p50/p95/p99 "
            "each within 1 %. The overhead runs (bare loopback calls of ~15 µs, where 1 % is 150 ns: the order of the two "
            "`nanoTime` reads and the store by which the agent's span exceeds the service's) are judged on counts only.", "")
    demo = data.get("demoAccuracy")
    transport = data.get("transportAccuracy")
    all_rows = []
    if transport and transport.get("accuracy"):
        doc.add("Transport accuracy run: the transport load with the demo's server delays (calls of 0.1–1.2 ms, as "
                "real transports take) at %s msg/s, 4 connections:" % num(transport["ratePerSecond"]), "",
                "```", cfg.get("transportAccuracyCommand", ""), "```", "")
        rows = []
        for a in transport["accuracy"]:
            all_rows.append(a)
            rows.append(accuracy_row(a))
        doc.table(ACCURACY_HEADER, rows)
    if demo:
        doc.add("Demo service itself (`hotpath-demo.jar`: simulated transport delays, P2P, migrations, asynchronous "
                "placements, 2 % injected errors):", "", "```", demo["command"], "```", "")
        rows = []
        for a in demo["rows"]:
            all_rows.append(a)
            rows.append(accuracy_row(a))
        doc.table(ACCURACY_HEADER, rows)
        if demo.get("daemonSelfCounters"):
            doc.add("Agent and daemon self-counters after the run: %s." % self_counters(demo["daemonSelfCounters"]), "")
    load_rows = [(r, a) for r in runs if r["variant"] == "hotpath" for a in r.get("accuracy", [])]
    if load_rows:
        doc.add("Overhead runs with the hotpath agent (no simulated delay: calls of tens of µs):", "")
        rows = []
        for r, a in load_rows:
            all_rows.append(a)
            rows.append(["%s, r%d" % ("max" if not r["ratePerSecond"] else num(r["ratePerSecond"]), r["repetition"])] + accuracy_row(a))
        doc.table(["run"] + ACCURACY_HEADER, rows)
        for r in runs:
            c = r.get("daemonSelfCounters")
            if r["variant"] != "hotpath" or not c or not r.get("accuracy"):
                continue
            service = sum(a["count"] for a in r["accuracy"])
            daemon_total = sum(a["daemonCallsTotal"] for a in r["accuracy"])
            dropped = c.get("hotpath_agent_samples_dropped_total", 0)
            summary.append(("Nothing lost between ring and daemon, %s run: service count = daemon count + agent drops" % (
                "flat-out" if not r["ratePerSecond"] else num(r["ratePerSecond"]) + " msg/s"),
                "%s = %s + %s" % ("{:,.0f}".format(service), "{:,.0f}".format(daemon_total), "{:,.0f}".format(dropped)),
                "yes" if service == daemon_total + dropped else "no"))
        counters = [(r, r.get("daemonSelfCounters")) for r in runs if r["variant"] == "hotpath" and r.get("daemonSelfCounters")]
        if counters:
            doc.add("Agent and daemon self-counters after each run (summed over the run's JVM; a sample dropped on a full "
                    "ring is, by design, counted there and missing from the daemon's count):", "")
            doc.table(["run", "agent recorded", "agent dropped (ring full)", "agent drained", "advice errors",
                       "daemon rejected records"],
                      [["%s, r%d" % ("max" if not r["ratePerSecond"] else num(r["ratePerSecond"]), r["repetition"])] +
                       ["{:,.0f}".format(c.get(k, 0)) for k in SELF_COUNTER_KEYS] for r, c in counters])
    if all_rows:
        equal = all(a["countsEqual"] for a in all_rows)
        summary.append(("Counts exact (daemon = service) over %d series comparisons" % len(all_rows),
                        "%d of %d equal" % (sum(1 for a in all_rows if a["countsEqual"]), len(all_rows)), "yes" if equal else "no"))
        for rows_of, label in ((demo["rows"] if demo else [], "demo service"),
                               (transport["accuracy"] if transport and transport.get("accuracy") else [], "transport, 0.1–1.2 ms calls"),
                               ([a for _, a in load_rows], "overhead runs, µs calls: informational")):
            judged = [a for a in rows_of if a.get("percentilesChecked", True) or a.get("counts") == "exact"]
            if not judged:
                continue
            worst = max(max(a["p50RelativeError"], a["p95RelativeError"], a["p99RelativeError"]) for a in judged)
            summary.append(("p50/p95/p99 within 1 %% (%s; series with exact counts)" % label,
                            "worst %.2f %% over %d series" % (100 * worst, len(judged)),
                            "(not judged)" if "informational" in label else "yes" if worst <= 0.01 else "no"))


SELF_COUNTER_KEYS = ["hotpath_agent_samples_recorded_total", "hotpath_agent_samples_dropped_total",
                     "hotpath_agent_samples_drained_total", "hotpath_agent_advice_errors_total",
                     "hotpath_daemon_records_rejected_total"]


def self_counters(c):
    return ", ".join("`%s` %s" % (k, "{:,.0f}".format(c.get(k, 0))) for k in SELF_COUNTER_KEYS)


ACCURACY_HEADER = ["series", "count (service / daemon total / 1m window)", "errors (service / daemon)",
                   "p50 exact → daemon µs (rel. err)", "p95", "p99", "counts", "verdict"]


def accuracy_row(a):
    def q(name):
        return "%s → %s (%.2f %%)" % (micros(a[name + "Nanos"]), micros(a[name + "DaemonNanos"]), 100 * a[name + "RelativeError"])
    return ["`%s`" % a["series"], "%s / %s / %s" % (a["count"], a["daemonCallsTotal"], a["daemonWindowCount"]),
            "%s / %s" % (a["errors"], a["daemonErrors"]), q("p50"), q("p95"), q("p99"),
            a.get("counts") or ("exact" if a["countsEqual"] else "**differ**"), verdict(a)]


def verdict(a):
    if "pass" not in a:
        return "—"
    if not a["pass"]:
        return "**FAIL**"
    return "PASS" if a.get("percentilesChecked") else "PASS (counts)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    machine = load_json(os.path.join(args.results, "machine.json")) or {}
    mode = machine.get("mode", os.path.basename(os.path.normpath(args.results)))
    summary_machine.update(machine)

    body = Doc()
    summary = []
    record_path(body, args.results, summary)
    instrumented_call(body, args.results)
    drain(body, args.results)
    daemon(body, args.results, summary)
    e2e(body, args.results, summary)
    startup(body, args.results)

    doc = Doc()
    doc.add("# hotpath benchmark results", "")
    doc.add("<!-- Generated by benchmarks/report/generate_results.py from benchmarks/run.sh output; do not edit by hand. -->", "")
    if mode != "full":
        doc.add("> **NOISY %s-MODE RUN: NOT THE QUOTED RESULTS.** Short iterations, one fork, one repetition%s. "
                "They show that every benchmark runs end to end and roughly where things stand; do not quote them. "
                "`benchmarks/run.sh --full` on a quiet machine replaces this file." % (
                    mode.upper(), ", on a shared machine with other builds running (see the load averages below)"
                    if machine.get("loadAverageBefore") else ""), "")
    doc.add("- Command: `%s` (mode **%s**)" % (machine.get("command", "benchmarks/run.sh " + mode), mode),
            "- Date: %s → %s" % (machine.get("started", "?"), machine.get("finished", "?")),
            "- Machine: %s cores, %s, %s GiB RAM, %s" % (machine.get("cores", "?"), machine.get("cpuModel", "?"),
                                                         machine.get("memoryGiB", "?"), machine.get("kernel", "?")),
            "- JDK (every JVM of the run: JMH forks, e2e service, hotpathd): %s (`%s`)" % (
                machine.get("java", "?"), machine.get("javaHome", "?")),
            "- Load average (1/5/15 min) before: %s, after: %s" % (machine.get("loadAverageBefore", "?"), machine.get("loadAverageAfter", "?")),
            "- Commit: %s" % machine.get("gitCommit", "?"),
            *["- Earlier steps of the same results directory: `%s` at %s → %s, load %s → %s, commit %s" % (
                e.get("command", "?"), e.get("started", "?"), e.get("finished", "?"), e.get("loadAverageBefore", "?"),
                e.get("loadAverageAfter", "?"), e.get("gitCommit", "?")) for e in machine.get("earlierInvocations", [])],
            "- Raw data: `benchmarks/target/results/%s/` (JMH JSON, logs, `e2e/e2e.json`); how to run and read: `benchmarks/README.md`." % mode,
            "")
    doc.add("## Targets", "")
    if summary:
        doc.table(["target (from the brief)", "measured", "met"], [[a, b, c] for a, b, c in summary])
    else:
        doc.add("_Nothing measured._", "")
    doc.lines.extend(body.lines)
    doc.add("## Notes carried over from the first daemon measurements (RESULTS-daemon.md)", "")
    doc.add("- Memory grows with the number of distinct 3-digit buckets a series occupies per block (wider "
            "distributions and higher rates fill more), not with the sample count. The first window design (sparse "
            "`char`+`long` blocks and four standing window accumulators) measured 1.5 MiB per series for the "
            "100 samples/s, σ 0.7 workload; compact run-length blocks and scratch-summed windows brought it to ~133 KiB.",
            "- Those first measurements quoted 7.8 ms for `/metrics` of \"10 000 series\" and ~20 M samples/s for "
            "1 000 series; the 10 000-series workload then defined every series under one metric, so the daemon's "
            "1 000-label-sets-per-metric cap folded it into 1 001 series. The workload now spreads series over "
            "metrics and checks the series count.", "")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    # Dated sections written by hand (measurements outside run.sh, e.g. idle.sh, cpu_per_call.py) sit
    # after DATED_MARKER at the end of the file; a regeneration keeps them.
    kept = ""
    if os.path.exists(args.out):
        with open(args.out) as f:
            old = f.read()
        if DATED_MARKER in old:
            kept = "\n" + old[old.index(DATED_MARKER):]
    with open(args.out, "w") as f:
        f.write(doc.text() + kept)


DATED_MARKER = "<!-- dated sections below: written by hand, kept when this file is regenerated -->"


if __name__ == "__main__":
    main()
