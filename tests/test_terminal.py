"""What a newcomer's terminal shows for `evex run seeds/`: one progress bar, one summary, no Prefect
log lines unless --verbose, counts in words that agree with the tables."""

from __future__ import annotations

import re

from evex.query import run_query

PREFECT_LOG_LINE = re.compile(r"\d\d:\d\d:\d\d\.\d{3} \| (INFO|DEBUG) ")
WRONG_PLURAL = re.compile(r"\b1 (files|batches|articles|events|event reports|article reports)\b")


def test_run_prints_one_bar_and_one_summary_and_no_prefect_lines(seeds_cli_run):
    run, url, _ = seeds_cli_run
    assert run.returncode == 0, run.stderr[-3000:]
    terminal = run.stdout + run.stderr
    assert not PREFECT_LOG_LINE.search(terminal), terminal[-3000:]
    assert "Starting temporary server" not in terminal
    assert terminal.count("articles: 5 new, 0 skipped, 0 failed") == 1
    assert "0/?" not in terminal


def test_summary_counts_events_as_the_table_does_and_the_reports_apart(seeds_cli_run):
    run, url, _ = seeds_cli_run
    (events,), = run_query(url, "SELECT COUNT(*) FROM events").rows
    (reports,), = run_query(url, "SELECT COUNT(*) FROM event_reports").rows
    assert f"events: {events} new in the database (" in run.stdout
    assert f"from {reports} article reports" in run.stdout


def test_verbose_shows_prefect_log_lines_in_words_that_agree(seeds_cli_run):
    _, _, evex_run = seeds_cli_run
    rerun = evex_run("--verbose")  # the same drop again: nothing new, so no parse
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    terminal = rerun.stdout + rerun.stderr
    assert PREFECT_LOG_LINE.search(terminal)
    assert "5 files in 1 batch →" in terminal
    assert not WRONG_PLURAL.search(terminal), WRONG_PLURAL.search(terminal)
    assert terminal.count("articles: 0 new, 5 skipped, 0 failed") == 1  # on stdout, not again among the log lines
