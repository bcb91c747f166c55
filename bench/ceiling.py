"""`python -m bench ceiling`: the peak memory of one Stanza call at its worst, against an ordinary one.

Sentences are cut at EVEX_MAX_SENTENCE_WORDS and a call holds at most EVEX_PARSE_BATCH_WORDS
words, so the worst call is one of that many words, all in sentences of the longest length allowed
(words without punctuation, cut by evex only). Each case runs in a fresh process, whose peak RSS
(getrusage) is its own: the models alone (a one-sentence parse), the seeds, and the worst call.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from bench.child import peak_rss_mib
from bench.quality import ROOT
from evex.conllu import read_conllu

WORDS = ("le ministre des affaires étrangères a reçu hier son homologue tunisien pour un entretien sur la "
         "coopération régionale et les échanges entre les deux pays").split()  # tests/test_pathological.py's too
CASES = ("models", "seeds", "worst")


def case_texts(case: str, words: int) -> list[str]:
    if case == "models":
        return ["Le ministre a reçu son homologue à Alger."]
    if case == "seeds":
        return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    rng = random.Random(15)
    return [" ".join(rng.choice(WORDS) for _ in range(words))]


def measure_case(case: str, stanza_dir: Path) -> dict:
    """Run in the child: parse the case's texts in one call; its peak RSS and words."""
    from evex import parse
    from evex.settings import get_settings

    settings = get_settings()
    texts = case_texts(case, settings.parse_batch_words)
    results = parse.parse_texts(texts, stanza_dir, False, settings.parse_batch_words, settings.max_sentence_words)
    assert all(result.conllu for result in results), [result.error for result in results]
    longest = max(len(sentence.words) for result in results for sentence in read_conllu(result.conllu).sentences)
    return {"case": case, "words": sum(len(text.split()) for text in texts), "longest_sentence_words": longest,
            "peak_rss_mib": round(peak_rss_mib(), 1)}


def run_ceiling(stanza_dir: Path) -> list[dict]:
    figures = []
    for case in CASES:
        code = ("import json, sys; from pathlib import Path; from bench.ceiling import measure_case; "
                "print(json.dumps(measure_case(sys.argv[1], Path(sys.argv[2]))))")
        done = subprocess.run([sys.executable, "-c", code, case, str(stanza_dir)], capture_output=True, text=True,
                              check=True, cwd=ROOT)
        figures.append(json.loads(done.stdout.splitlines()[-1]))
    return figures


def render(figures: list[dict]) -> str:
    by_case = {figure["case"]: figure for figure in figures}
    lines = ["| one Stanza call | words | longest sentence (words) | peak RSS (MiB) |", "|---|---|---|---|"]
    lines += [f"| {f['case']} | {f['words']} | {f['longest_sentence_words']} | {f['peak_rss_mib']} |" for f in figures]
    models, worst = by_case["models"]["peak_rss_mib"], by_case["worst"]["peak_rss_mib"]
    lines.append(f"\nworst call over the models alone: +{worst - models:.1f} MiB; "
                 f"worst ÷ seeds: {worst / by_case['seeds']['peak_rss_mib']:.3f}")
    return "\n".join(lines)


def main(stanza_dir: Path) -> None:
    figures = run_ceiling(stanza_dir)
    print(render(figures))
    print(json.dumps(figures))
