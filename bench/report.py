"""RESULTS.md from a run's figures (results.json): what was measured, where, how, and against which target."""

from __future__ import annotations

import statistics
from pathlib import Path

from evex.wording import counted

RESULTS_MD = Path(__file__).with_name("RESULTS.md")
RESULTS_JSON = "results.json"
TARGET_RATIO = 0.5  # issue 28: evex end to end / bare Stanza, wall clock, N = 1,000, this 2-core machine
TARGET_RERUN_S = 3.0
TARGET_PEAK_RSS_MIB = 2.5e9 / 2**20  # issue 28: the whole run, every process, ≤ 2.5 GB
TARGET_LOAD_ARTICLES_PER_S = 1000  # issue 28: `load_batch`, per writer, parses included


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def spread(values: list[float]) -> str:
    return f"{min(values):.3f}–{max(values):.3f}"


def figures(results: dict) -> dict:
    """The headline numbers, derived once for the Markdown and the JSON: medians over the pairs."""
    pairs, cores = results["pairs"], results["machine"]["cores"]
    wall = [p["evex"]["wall_s"] / p["bare"]["wall_s"] for p in pairs]
    cpu = [p["evex"]["cpu_s"] / p["bare"]["cpu_s"] for p in pairs]
    median = statistics.median
    evex_wall, bare_wall = median(p["evex"]["wall_s"] for p in pairs), median(p["bare"]["wall_s"] for p in pairs)
    out = {
        "ratio_wall": round(median(wall), 3), "ratio_wall_spread": spread(wall),
        "ratio_cpu": round(median(cpu), 3), "ratio_cpu_spread": spread(cpu),
        "evex_wall_s": evex_wall, "bare_wall_s": bare_wall,
        "evex_articles_per_s_per_core": round(results["articles"] / evex_wall / cores, 3),
        "bare_articles_per_s_per_core": round(results["articles"] / bare_wall / cores, 3),
        "evex_peak_rss_mib": max(p["evex"]["peak_rss_mib"] for p in pairs),
        "bare_peak_rss_mib": max(p["bare"]["peak_rss_mib"] for p in pairs),
        "rerun_s": results["rerun"]["wall_s"],
    }
    after = (results.get("load") or {}).get("after", {})
    for name in ("sqlite", "postgres"):
        if name in after:
            out[f"load_{name}_articles_per_s"] = after[name]["articles_per_s"]
    return out


def render(results: dict) -> str:
    f = figures(results)
    results["figures"] = f
    n = results["articles"]
    rerun = results["rerun"]
    lines = [
        "# evex benchmark results",
        "",
        f"Written by `{'`, resumed by `'.join(results['commands'])}` (started {results['started']}, "
        f"finished {results['finished']}); raw figures in `results.json` beside this file.",
        "",
        "## Targets (issue 28)",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| evex end to end ≤ {TARGET_RATIO} × bare Stanza's wall time (N = 1,000) | N = {n:,}: median "
        f"{f['ratio_wall']} × over {counted(len(results['pairs']), 'pair')} (spread {f['ratio_wall_spread']}); "
        f"CPU time {f['ratio_cpu']} × | {verdict(f['ratio_wall'] <= TARGET_RATIO) if n >= 1000 else 'not at N = 1,000'} |",
        f"| peak RSS of the whole run, every process, ≤ {TARGET_PEAK_RSS_MIB:,.0f} MiB (N = 1,000) "
        f"| N = {n:,}: {f['evex_peak_rss_mib']:,.0f} MiB | "
        f"{verdict(f['evex_peak_rss_mib'] <= TARGET_PEAK_RSS_MIB) if n >= 1000 else 'not at N = 1,000'} |",
        f"| re-run of the unchanged drop ≤ {TARGET_RERUN_S:g} s (the CLI command) | {f['rerun_s']} s, "
        f"{rerun['new']} new | {verdict(f['rerun_s'] <= TARGET_RERUN_S)} |",
    ]
    for name in ("sqlite", "postgres"):
        if f"load_{name}_articles_per_s" in f:
            rate = f[f"load_{name}_articles_per_s"]
            lines.append(f"| `load_batch` into {name} ≥ {TARGET_LOAD_ARTICLES_PER_S:,} articles/s per writer "
                         f"| {rate:,} articles/s | {verdict(rate >= TARGET_LOAD_ARTICLES_PER_S)} |")
    lines += ["", *machine_section(results), "", *corpus_section(results["corpus"]), "", *pairs_section(results, f),
              "", *stages_section(results), "", *load_section(results.get("load")), "",
              *gpu_section(results.get("gpu")), "", *method_section()]
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
        "## Drop",
        "",
        f"{corpus['articles']:,} real news articles, {corpus['words']:,} words ({corpus['words'] / corpus['articles']:.0f} "
        f"per article), drawn with seed {corpus['seed']} from `../shared/data/news-fr/archive.jsonl` and written "
        "as a scraper leaves them (headline, the archive's date line, body) by `bench.corpus.build_news_drop` "
        f"in {corpus['build_s']} s; the drop of 100 is the first 100 of the drop of 1,000.",
    ]


def pairs_section(results: dict, f: dict) -> list[str]:
    rows = [f"| {p['number']} | {p['first']} | {p['bare']['wall_s']} | {p['bare']['cpu_s']} "
            f"| {p['bare']['peak_rss_mib']:,.0f} | {p['evex']['wall_s']} | {p['evex']['cpu_s']} "
            f"| {p['evex']['peak_rss_mib']:,.0f} ({p['evex']['processes']}) "
            f"| {p['evex']['wall_s'] / p['bare']['wall_s']:.3f} | {p['evex']['cpu_s'] / p['bare']['cpu_s']:.3f} "
            f"| {p['evex'].get('new', '?')} / {p['evex'].get('events', '?')} |" for p in results["pairs"]]
    bare = results["pairs"][0]["bare"]
    cores = results["machine"]["cores"]
    return [
        f"## 1. evex run against bare Stanza (N = {results['articles']:,})",
        "",
        "Each pair: `evex run DROP` as a user types it (the CLI in a fresh process, a fresh SQLite file, the "
        f"Prefect server given by PREFECT_API_URL, started once for all runs in "
        f"{results['prefect_server_startup_s']} s and counted nowhere; migrations, worker start and model loads "
        f"included) and bare Stanza in a fresh process (`stanza.Pipeline('fr', download_method=None)`, Stanza's "
        f"defaults: {', '.join(bare['processors'])}, torch on {bare['torch_threads']} threads; one `bulk_process` "
        f"over every text; model load included, {bare['model_load_s']} s of its time). The side that goes first "
        "alternates. Seconds are each process's wall clock from start to exit; CPU seconds, the process's and "
        "its reaped children's (evex's worker processes); peak RSS, the largest sum over the process tree at one "
        "time (in brackets, the most processes seen at once).",
        "",
        "| pair | first | bare s | bare CPU s | bare peak MiB | evex s | evex CPU s | evex peak MiB | wall ratio "
        "| CPU ratio | evex new / event reports |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Median wall ratio {f['ratio_wall']} (spread {f['ratio_wall_spread']}), CPU ratio {f['ratio_cpu']} "
        f"(spread {f['ratio_cpu_spread']}). Articles/s per core ({cores} cores), whole process included: evex "
        f"{f['evex_articles_per_s_per_core']}, bare Stanza {f['bare_articles_per_s_per_core']}.",
    ]


def stages_section(results: dict) -> list[str]:
    rows = []
    for p in results["pairs"]:
        stages = p["evex"].get("stages", {})
        inside = sum(stages.values())
        split = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items())
        rows.append(f"| {p['number']} | {p['evex']['wall_s']} | {split} | {p['evex']['wall_s'] - inside:.1f} s |")
    rerun = results["rerun"]
    return [
        "## 2. Where evex's time goes, and the re-run",
        "",
        "The flow's own stage timers, as the run stores them (`pipeline_runs.timings`): `parse+extract` is the "
        "flow's wait for the workers (their start and model load come inside the first wait); the rest of the "
        "wall clock is the CLI's start (imports), the migrations, the Prefect flow run and the cluster's start "
        "and stop.",
        "",
        "| pair | evex s | stages | outside the stages |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        f"Re-run of the unchanged drop (`evex run` again into the last pair's database): {rerun['wall_s']} s, "
        f"{rerun['new']} new, {rerun['skipped']} skipped, most processes at once: {rerun['processes']}, "
        "tables unchanged: "
        f"{rerun['rows'] == results['pairs'][-1]['evex']['rows']}.",
        "",
        *dependencies_line(results["pairs"][-1]["evex"].get("dependencies")),
    ]


def dependencies_line(counts: dict | None) -> list[str]:
    """How much of the drop the dependency parser ran on (the sentences extraction reads dependencies in)."""
    if not counts or not counts["words"]:
        return []
    return [f"The dependency parser ran on {counts['sentences_parsed']:,} of the drop's {counts['sentences']:,} "
            f"sentences ({counts['sentences_parsed'] / counts['sentences']:.1%}), {counts['words_parsed']:,} of its "
            f"{counts['words']:,} words ({counts['words_parsed'] / counts['words']:.1%}) (the stored parses of the "
            "last pair's run)."]


def load_section(load: dict | None) -> list[str]:
    if not load:
        return []
    after = load["after"]
    lines = [
        "## 3. Load throughput",
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
        "- One command, `python -m bench run`, builds the drop, starts one Prefect server (Prefect's test "
        "harness), then runs the pairs one after the other, each side in a fresh process.",
        "- Wall clock is the parent's `time.perf_counter()` around each process; CPU seconds come from "
        "`getrusage(RUSAGE_CHILDREN)` before and after; memory from `psutil`, every 0.1 s over the process tree.",
        "- On a machine shared with other work the absolute figures move from run to run; the ratios come "
        "from processes run minutes apart, alternately.",
    ]
