"""`python -m bench run --articles 1000`: `evex run` against bare Stanza on a drop of real news, in
alternating pairs of fresh processes, then `load_batch` alone; writes bench/RESULTS.md (with
`--load-baseline COMMIT`, `load_batch` of that commit too, the "before" of a change).

`python -m bench quality`: extraction quality on the seeds and the three development sets (bench/QUALITY.md).

`python -m bench learn`: train the learned decisions, cross-validated by article against the rules
(bench/LEARNED.md); a model is written into the package only where it beats the rules on every set.

`python -m bench processors`: CPU seconds of each Stanza processor in evex's parse (bench/processors.py).

`python -m bench ner --workdir W`: train a French NER model with Stanza's trainer on spaCy's silver labels over
the news archive (bench/ner.py; not shipped, docs/quality.md).

`python -m bench ceiling`: the peak memory of one Stanza call at its worst (bench/ceiling.py).

`python -m bench geocode`: the share of the development set's predicted events with a location that
get coordinates.

`python -m bench gpu CORPUS OUT.json` is the GPU part, run on the accelerator machine; `run
--gpu-json OUT.json` then puts its figures in RESULTS.md (a later run keeps them).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import tempfile
from pathlib import Path

from bench.corpus import build_news_drop, conllu_sentences
from bench.quality import QUALITY_MD, SHARED, run_quality, write_report
from bench.report import RESULTS_JSON, RESULTS_MD, render
from bench.run import STANZA_DIR, Options, run

POSTGRES_URL = os.environ.get("EVEX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def add_gold_set_options(parser: argparse.ArgumentParser, workdir_help: str) -> None:
    """Where the gold sets, the models and the parse cache are: `quality` and `geocode` share them."""
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "evex-quality", help=workdir_help)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the folder with seeds/, gold/")
    parser.add_argument("--stanza-dir", type=Path, default=Path(os.environ.get("STANZA_RESOURCES_DIR", STANZA_DIR)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="the whole benchmark; writes bench/RESULTS.md and results.json")
    run_parser.add_argument("--articles", type=int, default=1000, help="drop size (real news articles)")
    run_parser.add_argument("--pairs", type=int, default=3, help="evex / bare Stanza pairs, alternating")
    run_parser.add_argument("--seed", type=int, default=1, help="which articles the drop draws")
    run_parser.add_argument("--postgres-url", default=POSTGRES_URL, help="admin URL of a Postgres server")
    run_parser.add_argument("--skip-postgres", action="store_true", help="measure SQLite loading only")
    run_parser.add_argument("--load-baseline", metavar="COMMIT", help="measure that commit's load_batch too")
    run_parser.add_argument("--load-rounds", type=int, default=3,
                            help="loads per database (the median is shown); 0: no load measurement")
    run_parser.add_argument("--workdir", type=Path, default=None, help="corpora, databases, logs (default: a temp dir)")
    run_parser.add_argument("--stanza-dir", type=Path, default=Path(os.environ.get("STANZA_RESOURCES_DIR", STANZA_DIR)))
    run_parser.add_argument("--gpu-json", type=Path, help="figures from `python -m bench gpu` to include")
    run_parser.add_argument("--out", type=Path, default=RESULTS_MD, help="the Markdown report")
    corpus_parser = commands.add_parser("corpus", help="only build the drop `run` times")
    corpus_parser.add_argument("folder", type=Path)
    corpus_parser.add_argument("--articles", type=int, default=1000)
    corpus_parser.add_argument("--seed", type=int, default=1)
    report_parser = commands.add_parser("report", help="write RESULTS.md again from results.json")
    report_parser.add_argument("--out", type=Path, default=RESULTS_MD)
    quality_parser = commands.add_parser("quality", help="extraction quality on the seeds and the three development sets")
    add_gold_set_options(quality_parser, "parse cache and drops without sidecars")
    quality_parser.add_argument("--out", type=Path, default=QUALITY_MD, help="the Markdown report")
    learn_parser = commands.add_parser("learn", help="train the learned decisions, cross-validated against the rules")
    add_gold_set_options(learn_parser, "parse cache (shared with `quality`)")
    learn_parser.add_argument("--out", type=Path, default=Path(__file__).with_name("LEARNED.md"),
                              help="the Markdown report")
    ceiling_parser = commands.add_parser("ceiling", help="peak RSS of one Stanza call at its worst (README, Memory)")
    ceiling_parser.add_argument("--stanza-dir", type=Path,
                                default=Path(os.environ.get("STANZA_RESOURCES_DIR", STANZA_DIR)))
    geocode_parser = commands.add_parser("geocode", help="share of predicted events with a location geocoded")
    add_gold_set_options(geocode_parser, "parse cache (shared with `quality`)")
    geocode_parser.add_argument("--set", default="dev", choices=["dev", "seeds"], help="which gold set's texts")
    processors_parser = commands.add_parser("processors", help="CPU seconds of each Stanza processor in evex's parse")
    processors_parser.add_argument("--articles", type=int, default=30, help="articles of the news drop")
    processors_parser.add_argument("--seed", type=int, default=1, help="which articles the drop draws")
    processors_parser.add_argument("--stanza-dir", type=Path,
                                   default=Path(os.environ.get("STANZA_RESOURCES_DIR", STANZA_DIR)))
    gpu_parser = commands.add_parser("gpu", help="GPU throughput of bare Stanza and of evex's parse stage")
    gpu_parser.add_argument("corpus", type=Path)
    gpu_parser.add_argument("out", type=Path)
    ner_parser = commands.add_parser("ner", help="train a NER model on spaCy's silver labels (WORKDIR/ner_fr.pt)")
    ner_parser.add_argument("--workdir", type=Path, required=True, help="silver data, checkpoints (not the repo)")
    ner_parser.add_argument("--archive", type=Path, default=SHARED / "data" / "news-fr" / "archive.jsonl")
    ner_parser.add_argument("--stanza-dir", type=Path, default=Path(os.environ.get("STANZA_RESOURCES_DIR", STANZA_DIR)))
    ner_parser.add_argument("--sentences", type=int, default=40_000, help="silver training sentences")
    ner_parser.add_argument("--max-steps", type=int, default=6_000, help="training steps (batches of 32)")
    ner_parser.add_argument("--eval-interval", type=int, default=500)
    ner_parser.add_argument("--agreement", type=Path, metavar="MODEL",
                            help="only score MODEL against spaCy on UD French-GSD test and the workdir's dev.json")
    args = parser.parse_args(argv)

    if args.command == "quality":
        results = run_quality(args.workdir, args.shared.resolve(), args.stanza_dir.resolve())
        write_report(results, args.out, "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv))
        print(args.out.read_text())
    elif args.command == "learn":
        from bench.learn import run_learning  # needs scikit-learn (the `train` extra)

        run_learning(args.workdir, args.shared.resolve(), args.stanza_dir.resolve(),
                     "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv), args.out)
    elif args.command == "ner":
        from bench.ner import UD_HELD_OUT, agreement, run_ner, spacy_sentences  # the `train` extra

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        if args.agreement:
            texts = conllu_sentences(SHARED / "data" / "ud" / UD_HELD_OUT)
            golds = {f"GSD test, spaCy{' corrected' if corrected else ''}":
                     spacy_sentences(args.stanza_dir.resolve(), texts, corrected) for corrected in (False, True)}
            if (args.workdir / "dev.json").is_file():  # held-out news sentences, as corrected for training
                golds["news dev, spaCy corrected"] = json.loads((args.workdir / "dev.json").read_text())
            for name, gold in golds.items():
                print(name, json.dumps(agreement(args.stanza_dir.resolve(), args.agreement.resolve(), gold)))
        else:
            run_ner(args.workdir.resolve(), args.archive, args.stanza_dir.resolve(), args.sentences, args.max_steps,
                    args.eval_interval)
    elif args.command == "geocode":
        from bench.geocode import geocode_share, report

        print(report(geocode_share(args.workdir, args.shared.resolve(), args.stanza_dir.resolve(), args.set)))
    elif args.command == "report":
        results = json.loads(args.out.with_name(RESULTS_JSON).read_text())
        args.out.write_text(render(results))
    elif args.command == "corpus":
        print(build_news_drop(args.folder, args.articles, args.seed))
    elif args.command == "ceiling":
        from bench.ceiling import main as ceiling

        ceiling(args.stanza_dir.resolve())
    elif args.command == "processors":
        from bench.processors import news_texts, processor_seconds, report

        texts = news_texts(args.articles, args.seed)
        print(report(processor_seconds(texts, args.stanza_dir.resolve()), sum(len(text.split()) for text in texts),
                     "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)))
    elif args.command == "gpu":
        from bench.gpu import measure

        args.out.write_text(json.dumps(measure(args.corpus), indent=2))
    else:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="evex-bench-"))
        options = Options(args.articles, workdir, args.seed, None if args.skip_postgres else args.postgres_url,
                          args.stanza_dir.resolve(), args.pairs, args.load_baseline, args.load_rounds)
        command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
        results = run(options, command)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        json_path = args.out.with_name(RESULTS_JSON)
        previous = json.loads(json_path.read_text()) if json_path.is_file() else {}
        results["gpu"] = json.loads(args.gpu_json.read_text()) if args.gpu_json else previous.get("gpu")
        markdown = render(results)  # adds the headline figures to results
        json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        args.out.write_text(markdown)
        print(args.out.read_text())


if __name__ == "__main__":
    main()
