"""RESULTS.md from a run's figures (results.json): what was measured, where, how, and against which target."""

from __future__ import annotations

from pathlib import Path

from evex.wording import counted

RESULTS_MD = Path(__file__).with_name("RESULTS.md")
RESULTS_JSON = "results.json"
TARGET_RATIO = 1.15
TARGET_RERUN_S = 3.0
TARGET_RSS_RATIO = 1.2
TARGET_DASK_RATIO = 1.10  # issue 14: evex on 2 local workers / bare Stanza
TARGET_WORKER_RSS_RATIO = 1.2  # issue 14: a worker's peak RSS / the one-process run's
TARGET_LOAD_EVENTS_PER_S = 2000


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def figures(results: dict) -> dict:
    """The headline numbers, derived once for the Markdown and the JSON."""
    bare, evex = results["bare"], results["evex"]
    first = evex["first"]
    stage_functions = sum(first["seconds"].get(k, 0.0) for k in
                          ("ingest_batch", "parse_articles", "extract_articles", "load_articles"))
    out = {
        "ratio_wall": round(first["wall_s"] / bare["parse_s"], 3),
        "ratio_cpu": round(first["wall_s_cpu"] / bare["parse_s_cpu"], 3),
        "evex_articles_per_s": round(first["new"] / first["wall_s"], 2),
        "evex_tokens_per_s": round(bare["tokens"] / first["wall_s"]),
        "bare_articles_per_s": round(bare["articles"] / bare["parse_s"], 2),
        "bare_tokens_per_s": round(bare["tokens"] / bare["parse_s"]),
        "flow_overhead_s": round(first["wall_s"] - stage_functions, 2),
    }
    if "rerun" in evex:
        rerun = evex["rerun"]
        out["rerun_s"] = rerun["wall_s"]
        out["rerun_parse_calls"] = rerun["calls"].get("parse_texts", 0) + rerun["calls"].get("stanza_bulk_process", 0)
    series = results.get("memory") or []
    if len(series) > 1:
        out["rss_ratio"] = round(series[-1]["peak_rss_mib"] / series[0]["peak_rss_mib"], 4)
    for run in results.get("dask") or []:
        out[f"dask_{run['workers']}_ratio_wall"] = round(run["first"]["wall_s"] / bare["parse_s"], 3)
        out[f"dask_{run['workers']}_worker_rss_ratio"] = round(max(run["worker_peak_rss_mib"]) / first["peak_rss_mib"], 3)
    return out


def render(results: dict) -> str:
    f = figures(results)
    results["figures"] = f
    bare, corpus = results["bare"], results["corpus"]
    lines = [
        "# evex benchmark results",
        "",
        f"Written by `{'`, resumed by `'.join(results['commands'])}` (started {results['started']}, "
        f"finished {results['finished']}); raw figures in `results.json` beside this file.",
        "",
        "## Targets (issues 5 and 14)",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| evex end to end / bare Stanza ≤ {TARGET_RATIO} at N = {results['articles']:,} "
        f"| {f['ratio_wall']} (wall clock; CPU time: {f['ratio_cpu']}) | {verdict(f['ratio_wall'] <= TARGET_RATIO)} |",
    ]
    if "rerun_s" in f:
        ok = f["rerun_s"] <= TARGET_RERUN_S and f["rerun_parse_calls"] == 0
        lines.append(f"| re-run of the unchanged drop ≤ {TARGET_RERUN_S:g} s, 0 parse calls "
                     f"| {f['rerun_s']} s, {f['rerun_parse_calls']} parse calls | {verdict(ok)} |")
    if "rss_ratio" in f:
        series, ratio = results["memory"], f["rss_ratio"]
        lines.append(f"| peak RSS at N = {series[-1]['articles']:,} ≤ {TARGET_RSS_RATIO} × at N = "
                     f"{series[0]['articles']:,} | {series[-1]['peak_rss_mib']:,} / {series[0]['peak_rss_mib']:,} MiB "
                     f"= {ratio} × | {verdict(ratio <= TARGET_RSS_RATIO)} |")
    lines += issue14_targets(results, f)
    lines += ["", *machine_section(results), "", *corpus_section(corpus),
              "", "## 1. Bare Stanza (the yardstick)", "",
              f"The {bare['articles']:,} articles' texts, exactly as evex hands them to Stanza (ingested, "
              "apostrophes straightened), through the same Stanza pipeline evex loads "
              f"(`evex.parse.load_pipeline`: {', '.join(bare['processors'])}): `bulk_process` on groups of "
              f"{bare['batch_words']:,} words ({bare['stanza_calls']} calls), nothing else. To expose both sides "
              "of the ratio to the same load on this shared machine, the yardstick runs in two fresh processes, "
              "one just before the evex runs (even-numbered articles) and one just after them (odd-numbered; "
              "the evex runs: the one-process run, then the Dask series of section 6, if any), "
              f"and their times are added: {' + '.join(str(h['parse_s']) for h in bare.get('halves', []))} s. "
              "Model loading is timed apart and counted in neither side. Tokens are Stanza's words (after "
              "multi-word tokens such as *au* are split).", "",
              "| seconds | articles/s | words/s | tokens/s | CPU seconds | peak RSS | model load |",
              "| --- | --- | --- | --- | --- | --- | --- |",
              f"| {bare['parse_s']} | {f['bare_articles_per_s']} | {bare['words'] / bare['parse_s']:.0f} "
              f"| {f['bare_tokens_per_s']} | {bare['parse_s_cpu']} | {bare['peak_rss_mib']:,.0f} MiB "
              f"| {bare['model_load_s']} s |",
              "", *evex_section(results, f), "", *rerun_section(results["evex"]), "", *memory_section(results),
              "", *load_section(results.get("load")), "", *gpu_section(results.get("gpu")), "", *method_section(),
              "", *cluster_section(results, f)]
    return "\n".join(lines) + "\n"


def machine_section(results: dict) -> list[str]:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    return [
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores (torch uses {m['torch_threads']} threads); "
        f"{m['memory_gib']} GiB memory; GPU: {m['gpu'] or 'none'}",
        f"- {m['os']}, Python {m['python']}; {versions}",
        f"- Load average (1, 5, 15 min) at start {m['load_average']}, after the timed runs "
        f"{results.get('load_average_after_timed_runs')}, at the end {results.get('load_average_end')}. "
        "The machine is shared (other engineers' tests run on the same 2 cores): absolute rates vary "
        "from run to run; compare the ratios, which come from one run.",
    ]


def corpus_section(corpus: dict) -> list[str]:
    return [
        "## Corpus",
        "",
        f"{corpus['articles']:,} articles, {corpus['words']:,} words ({corpus['words'] / corpus['articles']:.0f} "
        f"per article), built offline in {corpus['build_s']} s by `bench/corpus.py` (seed {corpus['seed']}): "
        f"the {corpus['seed_articles']} seed articles of `seeds/`, then articles of 5–8 consecutive `# text` "
        "sentences of the UD French treebanks (GSD, PUD, Sequoia) in paragraphs of 1–3 sentences, each "
        "with a `.meta.json` sidecar (date, title, URL), every text distinct.",
    ]


def evex_section(results: dict, f: dict) -> list[str]:
    evex = results["evex"]
    first = evex["first"]
    timers, own = first["stage_timers"], first["seconds"]
    functions = {"ingest": "ingest_batch", "parse": "parse_articles", "extract": "extract_articles",
                 "load": "load_articles"}
    rows = [f"| {stage} | {timers.get(stage, 0):.2f} | {own.get(fn, 0):.2f} | {first['calls'].get(fn, 0)} "
            f"| {100 * own.get(fn, 0) / first['wall_s']:.1f} % |" for stage, fn in functions.items()]
    return [
        f"## 2. evex end to end (N = {results['articles']:,})",
        "",
        f"`flows.pipeline.evex_pipeline` on the same drop, in a fresh process, against a fresh SQLite file "
        f"(migrated beforehand, {evex['migrate_s']} s) and a Prefect server started once for the whole run "
        f"({results['prefect_server_startup_s']} s, counted nowhere). The Stanza model is loaded before the "
        f"clock starts ({evex['model_load_s']} s), as in the yardstick. Settings: "
        f"EVEX_BATCH_ARTICLES={evex['batch_articles']}, EVEX_PARSE_BATCH_WORDS={evex['parse_batch_words']}.",
        "",
        "| seconds | / bare Stanza | articles/s | tokens/s | CPU seconds | new | failed | events | peak RSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {first['wall_s']} | {f['ratio_wall']} | {f['evex_articles_per_s']} | {f['evex_tokens_per_s']} "
        f"| {first['wall_s_cpu']} | {first['new']} | {first['failed']} | {first['events']} "
        f"| {first['peak_rss_mib']:,.0f} MiB |",
        "",
        "Time per stage: the flow's own timer around each Prefect task, and the stage function's own time "
        "inside it (`evex.pipeline.*`, timed by the harness):",
        "",
        "| stage | task (s) | function (s) | batches | share of the run |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Inside parse: `evex.parse.parse_texts` {own.get('parse_texts', 0):.2f} s, of which Stanza's "
        f"`bulk_process` {own.get('stanza_bulk_process', 0):.2f} s in {first['calls'].get('stanza_bulk_process', 0)} "
        f"calls. Flow overhead (run wall time less the four stage functions: Prefect flow and task runs, "
        f"batch planning, the run record and report artifact): {f['flow_overhead_s']} s.",
    ]


def rerun_section(evex: dict) -> list[str]:
    if "rerun" not in evex:
        return []
    rerun = evex["rerun"]
    calls = rerun["calls"]
    return [
        "## 3. Re-run on the unchanged drop",
        "",
        "The same flow on the same drop right after, in the same process and database. Calls counted by "
        "wrapping `evex.parse.parse_texts` and `stanza.Pipeline.bulk_process` in the harness.",
        "",
        "| seconds | skipped | new | parse_texts calls | Stanza calls | ingest batches | tables unchanged |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {rerun['wall_s']} | {rerun['skipped']} | {rerun['new']} | {calls.get('parse_texts', 0)} "
        f"| {calls.get('stanza_bulk_process', 0)} | {calls.get('ingest_batch', 0)} | {rerun['rows_unchanged']} |",
    ]


def memory_section(results: dict) -> list[str]:
    series = results.get("memory") or []
    if not series:
        return ["## 4. Peak memory", "", "Not measured in this run (`--memory-sizes` was empty)."]
    return [
        "## 4. Peak memory (RSS) as the drop grows",
        "",
        "Each size is a full evex flow (ingest → parse → extract → load, Prefect, CPU, every Stanza processor) "
        "in a fresh process on a fresh SQLite database; the figure is that process's peak resident set "
        "(`getrusage` ru_maxrss), the Prefect server being a separate process. The corpus of a smaller size "
        f"is the first articles of a larger one. The row for N = {results['articles']:,} is the end-to-end run "
        "of section 2, its peak read after its first pass.",
        "",
        *memory_table(series),
    ]


def memory_table(series: list[dict]) -> list[str]:
    rows = [f"| {s['articles']:,} | {s['peak_rss_mib']:,.0f} | {s['peak_rss_mib'] / series[0]['peak_rss_mib']:.3f} "
            f"| {s['wall_s']} | {s['new']} | {s['failed']} | {s['events']} |" for s in series]
    return ["| articles | peak RSS (MiB) | × smallest | flow seconds | new | failed | events |",
            "| --- | --- | --- | --- | --- | --- | --- |", *rows]


def issue14_targets(results: dict, f: dict) -> list[str]:
    """The rows of the issue 14 targets this run measured: the 2-worker ratio and memory, the load rate."""
    lines = []
    two = next((run for run in results.get("dask") or [] if run["workers"] == 2), None)
    if two:
        ratio, rss = f["dask_2_ratio_wall"], f["dask_2_worker_rss_ratio"]
        lines += [f"| evex on 2 local Dask workers / bare Stanza ≤ {TARGET_DASK_RATIO:.2f} "
                  f"| {ratio} | {verdict(ratio <= TARGET_DASK_RATIO)} |",
                  f"| peak RSS per worker ≤ {TARGET_WORKER_RSS_RATIO} × the one-process run's "
                  f"| {max(two['worker_peak_rss_mib']):,} / {results['evex']['first']['peak_rss_mib']:,} MiB = {rss} × "
                  f"| {verdict(rss <= TARGET_WORKER_RSS_RATIO)} |"]
    after = (results.get("load") or {}).get("after", {})
    for name in ("sqlite", "postgres"):
        if name in after:
            rate = after[name]["events_per_s"]
            lines.append(f"| `load_batch` into {name} ≥ {TARGET_LOAD_EVENTS_PER_S:,} events/s "
                         f"| {rate:,} events/s | {verdict(rate >= TARGET_LOAD_EVENTS_PER_S)} |")
    return lines


def load_section(load: dict | None) -> list[str]:
    if not load:
        return []
    after = load["after"]
    lines = [
        "## 5. Load throughput",
        "",
        "`evex.load.load_batch` alone: the articles the end-to-end run stored, with their parses and freshly "
        f"extracted frames, loaded again into an empty, migrated database in batches of {after['batch_articles']} "
        f"(one transaction each), {counted_times(len(after['sqlite']['rounds']))} on each database, alternating, each time "
        "into a fresh one; the median is shown. Parsing and extraction happen before the clock starts, and so "
        f"does building the geocoder's gazetteers ({after['geocoder_load_s']} s, once per process). Each version "
        "runs in a fresh process (`bench/loadbench.py`)"
        + (f"; before: commit {load['before']['commit']}'s `evex`, models and migrations, on the same articles."
           if "before" in load else "."),
        "",
        "| version | database | articles | events | seconds | events/s | articles/s | every round (events/s) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for version in ("before", "after"):
        for name in ("sqlite", "postgres"):
            if name in load.get(version, {}):
                d = load[version][name]
                rounds = ", ".join(f"{r['events_per_s']:,.0f}" for r in d["rounds"])
                lines.append(f"| {version} | {name} | {d['articles']} | {d['events']} | {d['seconds']} "
                             f"| {d['events_per_s']:,} | {d['articles_per_s']:,} | {rounds} |")
    floors = {name: after[name]["storage_floor"] for name in ("sqlite", "postgres")
              if "storage_floor" in after.get(name, {})}
    if floors:
        lines += ["", "The floor under these figures: the same batches' articles and parses alone, stored by the same "
                  "executemany, one transaction per batch, into a fresh database (`storage_floor`, alternating with "
                  "the rounds above). Dividing the same events by that time gives the most events/s any load that "
                  "keeps the articles and their parses could reach on this drop: "
                  + "; ".join(f"{name} {d['events_per_s']:,} events/s ({d['seconds']} s; every round: "
                              + ", ".join(f"{r['events_per_s']:,.0f}" for r in d["rounds"]) + ")"
                              for name, d in floors.items()) + "."]
    if "postgres" not in after:
        lines.append("\nPostgres: skipped in this run (`--skip-postgres`).")
    return lines


def counted_times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def cluster_section(results: dict, f: dict) -> list[str]:
    """Section 6: the same drop on local Dask clusters, and what one writer can feed."""
    series = results.get("dask") or []
    if not series:
        return []
    first, bare = results["evex"]["first"], results["bare"]
    rows = [f"| one process (no Dask) | {first['wall_s']} | {f['ratio_wall']} | {f['evex_articles_per_s']} "
            f"| {first['peak_rss_mib']:,.0f} MiB | — |"]
    for run in series:
        n = run["workers"]
        wall = run["first"]["wall_s"]
        peaks = " and ".join(f"{peak:,.0f}" for peak in run["worker_peak_rss_mib"])
        rows.append(f"| local cluster, {n} worker process{'es' if n > 1 else ''} | {wall} | {f[f'dask_{n}_ratio_wall']} "
                    f"| {run['first']['new'] / wall:.2f} | workers {peaks} MiB; flow process "
                    f"{run['first']['peak_rss_mib']:,.0f} MiB | {f[f'dask_{n}_worker_rss_ratio']} |")
    lines = [
        "## 6. On a Dask cluster, and the writer's ceiling (issue 14)",
        "",
        f"The same drop ({results['articles']:,} articles) through the flow with parsing on a local Dask cluster "
        "(`distributed.LocalCluster`, processes with one thread each, as `EVEX_DASK_WORKERS` starts them), each "
        "run in a fresh process on a fresh SQLite file, between the two halves of the yardstick (section 1) "
        "like the one-process run. Each worker loads the models before the clock starts, as the one-process "
        "run does. Peak RSS: each worker's own, read from the worker (`getrusage`), and the flow's process.",
        "",
        "| run | seconds | / bare Stanza | articles/s | peak RSS | worker ÷ one-process peak |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "Rows stored: " + "; ".join(
            f"{name}: {run['rows']['articles']} articles, {run['rows']['events']} events, "
            f"{run['rows']['event_reports']} reports"
            for name, run in [("one process", first), *((counted(r["workers"], "worker"), r["first"]) for r in series)]) + ".",
    ]
    load = (results.get("load") or {}).get("after", {})
    if not load:
        return lines
    per_worker = min(run["first"]["new"] / run["first"]["wall_s"] / run["workers"] for run in series)
    widest = series[-1]["first"]
    in_flow = widest["new"] / widest["stage_timers"]["load"]
    writers = " and ".join(f"into {title} at {load[name]['articles_per_s']:,.0f} articles/s (about "
                           f"{load[name]['articles_per_s'] / per_worker:,.0f} workers' worth)"
                           for name, title in (("postgres", "Postgres"), ("sqlite", "SQLite")) if name in load)
    lines += ["", f"Capacity model, from these figures. A worker process parses about {per_worker:.2f} articles/s in "
              "the flow (the slowest per-worker rate of the series: one torch thread on this CPU, ingest and "
              "load included). One writer takes `load_batch` (section 5) " + writers + ": that many such "
              f"workers before loading is the limit. In the flow, the load stage also pays a Prefect task "
              f"per batch: on {counted(series[-1]['workers'], 'worker')} it stored {widest['new']:,} articles in "
              f"{widest['stage_timers']['load']:.2f} s, {in_flow:,.0f} articles/s, about {in_flow / per_worker:,.0f} "
              "workers' worth. On 2 shared cores, more than 2 worker processes cannot run at once: what these "
              "figures say about scaling is per worker and per writer, not the speed-up of a larger cluster."]
    return lines


def gpu_section(gpu: dict | None) -> list[str]:
    if not gpu:
        return [
            "## GPU",
            "",
            "Not measured: no accelerator machine was lent to the task that ran this benchmark (the `device` "
            "tool's status reported `can_start_another: false`). On a GPU, `evex.parse` passes `use_gpu` to Stanza "
            "when torch sees CUDA and keeps Stanza's 5,000-word depparse batches; `python -m bench gpu CORPUS "
            "OUT.json` measures bare Stanza and evex's stages there, and `python -m bench run --gpu-json "
            "OUT.json` puts the figures here.",
        ]
    m = gpu["machine"]
    lines = ["## GPU", "", f"On {m['gpu']} ({m['cpu']}, {m['cores']} cores), {gpu['articles']:,} articles, "
             f"{gpu['words']:,} words, models warmed up first.", "",
             "| what | batch | seconds | articles/s | words/s |", "| --- | --- | --- | --- | --- |"]
    for b in gpu["bare"]:
        lines.append(f"| bare Stanza | {b['batch_words']:,} words/call, depparse {b['depparse_batch']:,} "
                     f"| {b['seconds']} | {b['articles_per_s']} | {b['words_per_s']} |")
    for p in gpu["evex_parse_stage"]:
        lines.append(f"| evex parse stage | {p['batch_articles']} articles/batch | {p['seconds']} "
                     f"| {p['articles_per_s']} | {p['words_per_s']} |")
    s = gpu["evex_stages"]
    lines.append(f"| evex stages, no Prefect | {s['batch_articles']} articles/batch | {s['seconds']} "
                 f"| {s['articles_per_s']} | {s['words_per_s']} |")
    return lines


def method_section() -> list[str]:
    return [
        "## How this was measured",
        "",
        "- One command, `python -m bench run`, builds the corpus, starts one Prefect test server, then runs "
        "each timed piece in a fresh child process (`bench/child.py`) one after the other, so the ratio's "
        "two sides see the same machine within minutes of each other.",
        "- Wall clock is `time.perf_counter()`; CPU seconds are the child's user + system time.",
        "- The harness wraps `evex.pipeline`'s four stage functions, `evex.parse.parse_texts` and "
        "`stanza.Pipeline.bulk_process` to time and count them; library behaviour is unchanged.",
    ]
