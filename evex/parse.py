"""Parse: Stanza's French pipeline, loaded once per process, many documents per call.

The parse is stored as CoNLL-U (with character offsets and NER tags) so that extraction can be
re-run later without parsing again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

log = logging.getLogger(__name__)

PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
# The dependency parser is two thirds of a parse, and extraction reads dependencies in few sentences
# (in a random feed, 19 % of sentences hold a word of the trigger lexicon): the parser runs on the
# sentences a selector names (the extractor's: `Extractor.dependency_sentences`), given the parse
# without dependencies and the text; the others keep `_` as HEAD and DEPREL in the stored CoNLL-U.
DependencySelector = Callable[["ParsedDoc", str], set[int]]
REQUIRED_MODELS = ("tokenize", "mwt", "pos", "lemma", "depparse", "pretrain")  # ner is optional; pretrain: word vectors
TOKENIZING = ("tokenize", "mwt")  # run first, so that sentences too long for depparse are cut (below)
# Where a sentence too long for depparse is cut, best first: depparse scores every pair of a
# sentence's words, so its memory grows with the square of the longest sentence (one sentence of
# 1,000 words took a parse to 2.5 GB, one of 2,000 to 14 GB; issue 15).
SENTENCE_BREAKS = {";": 3, ":": 2, ",": 1}
_TOKEN = re.compile(r"\w{1,30}|[^\w\s]")
LANG = "fr"
# Words per depparse batch. Stanza's default (5000) pads all of a batch's sentences to its longest
# one and scores every word pair for every relation: on CPU, depparse ran 1.6x slower and the
# process peaked at ~3.7 GB RSS instead of ~1.1 GB; at 500 words depparse took half the transient
# memory of 1000 in the same time (issue 5, bench/). A GPU has parallelism to spare.
DEPPARSE_BATCH_WORDS = {False: 500, True: 5000}
# Words per part-of-speech batch. At Stanza's default (5000) one tagger batch briefly took ~500 MB,
# by far the largest transient of a parse, and the peak RSS of a run grew with the drop (one batch
# of unlucky sentences sets it); at 1000 it took ~50 MB for 5 % more tagging time (issue 5, bench/).
POS_BATCH_WORDS = {False: 1000, True: 5000}
# Allocations from 1 MiB up (Stanza's tensors) get their own mapping, handed back to the system
# when freed. glibc's default threshold slides up to 32 MiB after the first large free, so such
# tensors then come from the heap, which fragments and grows call after call: parsing 100, then
# 7 x 128 articles in one process, the peak RSS grew from 760 to 903 MiB with the default (334.7 s)
# and from 733 to 799 MiB with this threshold and a trim after each call (348.7 s) (issue 5).
MMAP_THRESHOLD_BYTES = 1 << 20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
# oneDNN, torch's CPU kernel library, keeps up to 1,024 compiled kernels ("primitives"), one per
# input shape, each holding its own working memory. Stanza's batches come in a new shape almost
# every time, so that cache only grew: a 2-layer LSTM fed 400 shapes took a process from 267 to
# 948 MiB; parsing 15 batches of 128 articles left 691 MiB resident after the last call instead
# of 655 without the cache, peaks up to 854 MiB instead of 817, and the first five batches took
# 318 s with it and 300 s without (issue 5, bench/). oneDNN reads the capacity once, when it
# builds its first kernel, hence at import; a value the user set under either name wins.
ONEDNN_CACHE_VARIABLES = ("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "DNNL_PRIMITIVE_CACHE_CAPACITY")
ONEDNN_CACHE_CAPACITY = "0"


def bound_kernel_cache() -> None:
    """No oneDNN kernel cache unless the user asked for one (see ONEDNN_CACHE_VARIABLES)."""
    if not any(name in os.environ for name in ONEDNN_CACHE_VARIABLES):
        os.environ[ONEDNN_CACHE_VARIABLES[0]] = ONEDNN_CACHE_CAPACITY


bound_kernel_cache()


class ParseError(Exception):
    """Stanza could not parse one document."""


@dataclass
class ParseResult:
    conllu: str | None
    error: str | None = None


def for_models(text: str) -> str:
    """The models saw mostly straight apostrophes; same length, so offsets still hold."""
    return text.replace("\u2019", "'")


def _is_plain_word(entry: dict) -> bool:
    """A word that is its own token (not part of a contraction such as `au` = à le)."""
    return isinstance(entry.get("id"), int) and "start_char" in entry


def join_split_word_ends(document):
    """The tokenized `document` with a word's last letter given back to it: the models cut it off a
    word that ends a line (`Djibouti` -> `Djibout` + a sentence `i`, `mardi` -> `mard` `i`, `souri`).
    A lone lowercase letter ending a sentence, written right against a word that ends with a letter,
    is that word's end. The document is rebuilt only when something was joined."""
    import stanza

    sentences: list[list[dict]] = []
    joined = False
    for sentence in document.to_dict():
        last = sentence[-1]
        before = sentence[:-1] or (sentences[-1] if sentences else [])
        if (before and _is_plain_word(last) and _is_plain_word(before[-1]) and len(last["text"]) == 1
                and last["text"].isalpha() and last["text"].islower() and before[-1]["text"][-1:].isalpha()
                and before[-1]["end_char"] == last["start_char"]):
            word = before[-1]
            word.update(text=word["text"] + last["text"], end_char=last["end_char"])
            word.pop("misc", None)
            if "misc" in last:
                word["misc"] = last["misc"]
            joined = True
            if len(sentence) > 1:
                sentences.append(before)
            continue
        sentences.append(sentence)
    return stanza.Document(sentences, text=document.text) if joined else document


def with_line_breaks_as_boundaries(text: str) -> tuple[str, list[int]]:
    """Every line break doubled, so that Stanza ends a sentence there (a single one is no boundary for
    its tokenizer, which glued an article's headline and date line to its first sentence); also the
    positions of the inserted characters, to map offsets back."""
    inserted = [match.end() + count for count, match in enumerate(re.finditer("\n", text))]
    return text.replace("\n", "\n\n"), inserted


def with_cuts(text: str, cuts: list[int]) -> tuple[str, list[int]]:
    """A paragraph break (where Stanza always ends a sentence) inserted at each offset of `cuts`; also
    the positions of the inserted characters, as `with_line_breaks_as_boundaries` gives them."""
    pieces, inserted, previous = [], [], 0
    for count, cut in enumerate(sorted(cuts)):
        pieces.append(text[previous:cut])
        inserted += [cut + 2 * count, cut + 2 * count + 1]
        previous = cut
    pieces.append(text[previous:])
    return "\n\n".join(pieces), inserted


def sentence_cuts(doc, max_words: int) -> list[int]:
    """Offsets (into the tokenized `doc`'s text) that cut each sentence longer than `max_words` words
    into pieces of at most that many: after the last `;` that fits, else `:`, else comma, else after
    `max_words` words. Line breaks already end sentences (`with_line_breaks_as_boundaries`)."""
    cuts = []
    for sentence in doc.sentences:
        tokens = sentence.tokens
        ends = list(accumulate(len(token.words) for token in tokens))  # words up to each token
        start, done = 0, 0
        while ends[-1] - done > max_words:
            last = max(bisect_right(ends, done + max_words) - 1, start)
            best = max(range(start, last + 1), key=lambda i: (SENTENCE_BREAKS.get(tokens[i].text, 0), i))
            cuts.append(tokens[best].end_char)
            start, done = best + 1, ends[best]
    return cuts


_OFFSET = re.compile(r"(start_char|end_char)=(\d+)")


def restore_offsets(conllu: str, inserted: list[int]) -> str:
    """CoNLL-U offsets into the text as ingested, undoing `with_line_breaks_as_boundaries`."""
    if not inserted:
        return conllu
    return _OFFSET.sub(lambda m: f"{m.group(1)}={int(m.group(2)) - bisect_left(inserted, int(m.group(2)))}", conllu)


def resources_dir(configured: Path | None) -> Path:
    folder = configured or os.environ.get("STANZA_RESOURCES_DIR")
    if not folder:
        raise ParseError("no Stanza models: set STANZA_RESOURCES_DIR (or EVEX_STANZA_RESOURCES_DIR) to the models folder")
    folder = Path(folder).expanduser().resolve()
    if not (folder / "resources.json").is_file():
        raise ParseError(f"{folder}: not a Stanza models folder (no resources.json): point STANZA_RESOURCES_DIR at the "
                         "models folder")
    return folder


def available_processors(folder: Path) -> tuple[str, ...]:
    """The processors whose French model is present (`ner` is optional)."""
    return tuple(p for p in PROCESSORS if (folder / LANG / p).is_dir())


def gpu_available() -> bool:
    import torch

    return torch.cuda.is_available()


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (the one with `mallopt` and `malloc_trim`), else None."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def bound_heap_growth() -> bool:
    """Give large allocations their own mappings (see MMAP_THRESHOLD_BYTES); False where not glibc."""
    libc = _glibc()
    return libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system, so a long-lived worker does not keep its
    largest parse's memory between calls."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def load_pipeline(folder: Path, use_gpu: bool):
    """One Stanza pipeline per process and settings: loading takes seconds, parsing reuses it."""
    import stanza

    from evex.char_cache import cache_character_models
    from evex.mwt_dictionary import expand_known_tokens_by_dictionary

    bound_heap_growth()
    processors = available_processors(folder)
    log.info("loading Stanza %s (%s) from %s, gpu=%s", stanza.__version__, ",".join(processors), folder, use_gpu)
    nlp = stanza.Pipeline(
        LANG,
        dir=str(folder),
        processors=",".join(processors),
        download_method=None,
        use_gpu=use_gpu,
        depparse_batch_size=DEPPARSE_BATCH_WORDS[use_gpu],
        pos_batch_maximum_tokens=POS_BATCH_WORDS[use_gpu],
        # The lemmatizer's model reads a word and its tag alone: what it made of one is remembered in
        # its dictionary and looked up the next time, not predicted again (the same lemmas).
        lemma_store_results=True,
        logging_level="WARN",
    )
    cache_character_models(nlp)
    expand_known_tokens_by_dictionary(nlp)
    return nlp


@cache
def model_versions(folder: Path) -> dict[str, str]:
    """Stanza version and a short hash of each model file, stored with every parse."""
    import stanza

    versions = {"stanza": stanza.__version__}
    resources = json.loads((folder / "resources.json").read_text(encoding="utf-8"))
    packages = resources.get(LANG, {}).get("default_processors", {})
    for processor in available_processors(folder) + ("pretrain",):
        package = packages.get(processor, "default")
        digest = hashlib.sha256()
        for model_file in sorted((folder / LANG / processor).glob("*.pt")):
            digest.update(model_file.read_bytes())
        versions[processor] = f"{package}:{digest.hexdigest()[:12]}"
    return versions


def count_tokens(text: str) -> int:
    """About how many words Stanza makes of `text` (each run of up to 30 letters or digits, each other
    mark): unlike `str.split`, it does not take a CSV row without spaces, or 2 MB of one character,
    for one word."""
    return sum(1 for _ in _TOKEN.finditer(text))


def batches_by_words(texts: list[str], max_words: int) -> Iterator[list[int]]:
    """Indices of `texts` grouped so that each group holds about `max_words` words. A text counts as
    half its tokens when that is more than its words: never so for prose (about 1.25 tokens a word),
    so a call's size holds for text without spaces too."""
    group: list[int] = []
    words = 0
    for index, text in enumerate(texts):
        n = max(len(text.split()), count_tokens(text) // 2)
        if group and words + n > max_words:
            yield group
            group, words = [], 0
        group.append(index)
        words += n
    if group:
        yield group


def parse_texts(
    texts: list[str],
    folder: Path,
    use_gpu: bool,
    max_words: int,
    max_sentence_words: int | None = None,
    dependencies_for: DependencySelector | None = None,
) -> list[ParseResult]:
    """CoNLL-U for each text; a document Stanza fails on gets an error and the others go on.
    `max_sentence_words` defaults to the setting (EVEX_MAX_SENTENCE_WORDS); dependencies in the
    sentences `dependencies_for` names, in all without one."""
    if max_sentence_words is None:
        from evex.settings import get_settings

        max_sentence_words = get_settings().max_sentence_words
    nlp = load_pipeline(folder, use_gpu)
    results: list[ParseResult] = [ParseResult(None)] * len(texts)
    for group in batches_by_words(texts, max_words):
        prepared = [(texts[i], *with_line_breaks_as_boundaries(for_models(texts[i]))) for i in group]
        try:
            parsed = _parse_bounded(nlp, prepared, max_sentence_words, dependencies_for)
        except Exception as exc:  # noqa: BLE001 - isolate the failing document below
            log.warning("batch of %d documents failed (%s); parsing them one by one", len(group), exc)
            parsed = [_parse_one(nlp, one, max_sentence_words, dependencies_for) for one in prepared]
        for i, result in zip(group, parsed, strict=True):
            results[i] = result if isinstance(result, ParseResult) else ParseResult(result)
        del parsed
        release_free_memory()
    return results


def _parse_bounded(
    nlp, prepared: list[tuple[str, str, list[int]]], max_sentence_words: int, dependencies_for: DependencySelector | None
) -> list[str]:
    """CoNLL-U of the texts (each given as the text, the text prepared for the models and its
    insertions), no sentence over `max_sentence_words` words: tokenized first, a document with
    longer sentences is cut (`sentence_cuts`) and tokenized again until none is, then tagged (POS,
    lemmas, NER), then given dependencies where `dependencies_for` asks (`add_dependencies`)."""
    import stanza

    from evex.conllu import read_conllu

    documents = nlp.bulk_process([stanza.Document([], text=text) for _, text, _ in prepared], processors=TOKENIZING)
    layers = [[inserted] for _, _, inserted in prepared]
    for k, document in enumerate(documents):
        while cuts := sentence_cuts(document, max_sentence_words):
            text, inserted = with_cuts(document.text, cuts)
            layers[k].append(inserted)
            document = nlp.bulk_process([stanza.Document([], text=text)], processors=TOKENIZING)[0]
        documents[k] = join_split_word_ends(document)
    tagging = [name for name in nlp.processors if name not in TOKENIZING and name != "depparse"]
    # Stanza writes a placeholder HEAD for words the parser has not seen: taken out at once
    tagged = [keep_dependencies(_to_conllu(document, layer), set())
              for document, layer in zip(nlp.bulk_process(documents, processors=tagging), layers, strict=True)]
    if dependencies_for is None:
        needed = [None] * len(tagged)
    else:
        needed = [dependencies_for(read_conllu(conllu), text) for conllu, (text, _, _) in zip(tagged, prepared, strict=True)]
    return add_dependencies(nlp, tagged, needed)


def _to_conllu(document, layers: list[list[int]]) -> str:
    conllu = "{:C}".format(document)
    for inserted in reversed(layers):
        conllu = restore_offsets(conllu, inserted)
    return conllu + "\n"


def _parse_one(nlp, prepared: tuple[str, str, list[int]], max_sentence_words: int,
               dependencies_for: DependencySelector | None) -> str | ParseResult:
    try:
        return _parse_bounded(nlp, [prepared], max_sentence_words, dependencies_for)[0]
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        return ParseResult(None, error=f"Stanza failed: {type(exc).__name__}: {exc}".splitlines()[0])


def add_dependencies(nlp, conllus: list[str], needed: list[set[int] | None]) -> list[str]:
    """Each CoNLL-U with the dependency parser run, in one call for all, on the sentences (by index)
    `needed` names that have none yet (`_` as HEAD and DEPREL; every sentence where it is None); the
    others stay as they are. `evex reextract` calls it on stored parses when a new lexicon reads
    dependencies in more sentences."""
    import stanza

    documents = [_sentence_blocks(conllu) for conllu in conllus]
    todo: list[list[list[list[str]]]] = []  # per document, the word rows of each sentence to parse
    for sentences, wanted in zip(documents, needed, strict=True):
        todo.append([
            rows for index, rows in enumerate(sentences)
            if (wanted is None or index in wanted) and not _has_dependencies(rows)
        ])
    inputs = [stanza.Document([[_word_dict(row) for row in _word_rows(rows)] for rows in sentences],
                              text=" ".join(_sentence_text(rows) for rows in sentences))
              for sentences in todo if sentences]
    parsed = iter(nlp.bulk_process(inputs, processors=["depparse"]) if inputs else [])
    for sentences in todo:
        if not sentences:
            continue
        for rows, sentence in zip(sentences, next(parsed).sentences, strict=True):
            for row, word in zip(_word_rows(rows), sentence.words, strict=True):
                row[6], row[7] = str(word.head), word.deprel
    return [_conllu_text(sentences) for sentences in documents]


def keep_dependencies(conllu: str, kept: set[int]) -> str:
    """The CoNLL-U with the dependencies of the sentences (by index) not in `kept` taken out: what
    `parse_texts` stores when told to parse those alone (the parser reads one sentence at a time)."""
    sentences = _sentence_blocks(conllu)
    for index, rows in enumerate(sentences):
        if index not in kept:
            for row in _word_rows(rows):
                row[6] = row[7] = "_"
    return _conllu_text(sentences)


def _conllu_text(sentences: list[list[list[str]]]) -> str:
    return "\n\n".join("\n".join("\t".join(row) if len(row) == 10 else row[0] for row in rows) for rows in sentences) + "\n"


def _sentence_blocks(conllu: str) -> list[list[list[str]]]:
    """The sentences of a CoNLL-U text, each a list of rows: a comment as one cell, a token or a
    word as its ten columns."""
    return [[line.split("\t") if not line.startswith("#") else [line] for line in block.splitlines()]
            for block in conllu.strip("\n").split("\n\n") if block.strip()]


def _sentence_text(rows: list[list[str]]) -> str:
    return next((row[0].partition("=")[2].strip() for row in rows if row[0].startswith("# text")), "")


def _word_rows(rows: list[list[str]]) -> list[list[str]]:
    return [row for row in rows if len(row) == 10 and row[0].isdigit()]


def _has_dependencies(rows: list[list[str]]) -> bool:
    return any(row[7] != "_" for row in _word_rows(rows))


def _word_dict(row: list[str]) -> dict:
    """A word as Stanza's depparse reads it (form, lemma, tags, features)."""
    word = {"id": int(row[0]), "text": row[1], "lemma": row[2], "upos": row[3]}
    if row[4] != "_":
        word["xpos"] = row[4]
    if row[5] != "_":
        word["feats"] = row[5]
    return word
