"""Ingest: find article files, decode and clean them, and identify each by the hash of its text.

Scraped articles carry debris (`Lire la suite »`, an empty `Publié le`), paragraphs printed
twice and dates in odd places; cleaning here keeps the parser and the extractor simple.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from evex.dates import MONTH_NUMBERS, MONTHS, WEEKDAYS, fold, is_iso_date
from evex.parse import count_tokens

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".json", ".html", ".htm")
SIDECAR_SUFFIX = ".meta.json"
MAX_ARTICLE_BYTES = 2_000_000

_DEBRIS_LINE = re.compile(r"^\s*(lire la suite\s*»?|publié le\s*:?|mis à jour le\s*:?|partager|imprimer)\s*$", re.I)
_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b\s*")
_MONTH_NAMES = "|".join(MONTHS)
_HEADER_DATE = re.compile(
    rf"(?:publié|mis à jour|posté)\s+le\s*:?\s*(?:\w+\s+)?(\d{{1,2}})(?:er)?\s+({_MONTH_NAMES})\s+(\d{{4}})"
    rf"|(?:publié|mis à jour|posté)\s+le\s*:?\s*(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})",
    re.I,
)

# An archive date line (`Vendredi 1 Septembre 2023`, `mai 12, 2023 vendredi`), matched on the folded line:
# day and month in either order, a weekday before or after, an optional time (`10:45`, `- 10h45`).
_DATE_LINE_SCAN = 3  # non-blank lines looked at: headline, perhaps a byline, then the date line
_SEPARATOR = r"(?:\s*,\s*|\s+)"
_WEEKDAY = rf"(?:{'|'.join(sorted(WEEKDAYS))})\b\.?"
_DAY = r"(?P<day>\d{1,2})(?:er|st|nd|rd|th)?"
_MONTH = rf"(?P<month>{'|'.join(sorted(MONTH_NUMBERS))})\b\.?"
_TIME = r"(?:\s*(?:-|,|a|at)?\s*\d{1,2}\s*(?::\s*\d{2}(?::\d{2})?|h\s*(?:\d{2})?)(?:\s*[ap]m)?)"


def _date_line_pattern(day_and_month: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\W*(?:{_WEEKDAY}{_SEPARATOR})?{day_and_month}{_SEPARATOR}(?P<year>\d{{4}})\b"
        rf"(?:{_SEPARATOR}{_WEEKDAY})?{_TIME}?\W*$"
    )


_DATE_LINES = (
    _date_line_pattern(rf"{_DAY}{_SEPARATOR}{_MONTH}"),
    _date_line_pattern(rf"{_MONTH}{_SEPARATOR}{_DAY}"),
)
_MIN_REPEATED_PARAGRAPH = 40  # shorter repeated lines (bylines, captions) are kept
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON escapes can smuggle them in; UTF-8 cannot hold them

# Function words that belong to one language only (`de`, `la`, `en`, `il`, `y` are shared and left out):
# a scraper's English or Spanish page has many of its own and few French ones.
_FUNCTION_WORDS = {
    "fr": frozenset("le les des du et est une dans pour qui sur au aux avec pas ce cette sont ont été mais leur ses "
                    "nous vous ils elle".split()),
    "en": frozenset("the and of to is that for with was were are by has have this from at be which its in his her "
                    "their they he she who will would said been after into during between".split()),
    "es": frozenset("el los las del por para con su al como más pero fue".split()),
    "de": frozenset("der die das und ist nicht mit von zu den ein eine auf sich dem wurde".split()),
    "it": frozenset("che della di gli nel sono degli alla anche questo".split()),
}
_MIN_FUNCTION_WORDS = 8  # a long text needs this many of one language's function words to be judged foreign
_FEWEST_FUNCTION_WORDS = 3  # a short text one per 8 words, at least this many: fewer, too short to tell
_WORD = re.compile(r"[^\W\d_]+")


class IngestError(Exception):
    """A file that cannot become an article; the message is one line naming the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass
class Article:
    doc_id: str
    source: str
    sha256: str
    text: str
    doc_date: str | None
    title: str | None = None
    url: str | None = None
    encoding: str = "utf-8"
    repeated_paragraphs: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def n_words(self) -> int:
        return len(self.text.split())


def discover(paths: list[Path]) -> list[Path]:
    """Article files under `paths` (files or folders, recursively), sorted, hidden files skipped.

    Linked folders are not entered; a linked file is listed (not read) so that `read_article` can
    refuse it with a reason when it leads out of the drop.
    """
    found: set[Path] = set()
    for root in paths:
        if root.is_dir():
            candidates = (p for p in root.rglob("*") if not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            candidates = iter([root])
        for path in candidates:
            if path.name.endswith(SIDECAR_SUFFIX) or path.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if path.is_dir():
                continue
            found.add(path)
    return sorted(found)


def read_article(
    path: Path, default_date: str | None = None, roots: Sequence[Path] | None = None, max_words: int | None = None
) -> Article:
    """Read one article file; raise IngestError with a one-line reason when it is unusable.

    `roots` are the folders (or files) of the drop: a symbolic link may only lead to a file inside
    one of them (a file root stands for its folder). Without roots, the file's own folder is the drop.
    A text of more than `max_words` words (as Stanza counts them, about) is refused: a table or a
    dump rather than an article, and more than one Stanza call.
    """
    _check_link(path, roots if roots is not None else [path.parent])
    raw = _read_bytes(path)
    text, encoding, warnings = _decode(path, raw)
    metadata: dict = {}
    suffix = path.suffix.lower()
    if suffix == ".json":
        metadata = _parse_json_article(path, text)
        text = metadata["text"]
    elif suffix in (".html", ".htm"):
        title, text = html_to_text(text)
        metadata["title"] = title
    metadata.update(_read_sidecar(path))
    text, marker_date = _take_date_marker(normalise_text(text))
    text, repeated = drop_repeated_paragraphs(drop_debris(text))
    if not text.strip():
        raise IngestError(path, "no text after cleaning")
    if "\x00" in text or _control_ratio(text) > 0.01:
        raise IngestError(path, "binary content, not text")
    if max_words is not None and (words := count_tokens(text)) > max_words:
        raise IngestError(path, f"too long for an article ({words} words > {max_words}, EVEX_MAX_ARTICLE_WORDS)")
    doc_date = metadata.get("date") or marker_date or header_date(text) or date_line(text) or default_date
    if doc_date is not None and not is_iso_date(str(doc_date)):
        raise IngestError(path, f"invalid date {doc_date!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    if (foreign := foreign_language(text)) is not None:
        raise IngestError(path, f"not French ({foreign})")
    return Article(
        doc_id=path.name[: -len(path.suffix)] if path.suffix else path.name,
        source=str(path),
        sha256=article_hash(text),
        text=text,
        doc_date=str(doc_date)[:10] if doc_date else None,
        title=metadata.get("title") or first_line(text),
        url=metadata.get("url"),
        encoding=encoding,
        repeated_paragraphs=repeated,
        warnings=warnings,
    )


def article_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_text(text: str) -> str:
    """NFC, one kind of line break, no invisible characters, valid Unicode; meaning and apostrophes unchanged.

    Idempotent (the article's identity is the hash of this text): NFC comes last, since removing an
    invisible character can bring a letter and its accent together.
    """
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return unicodedata.normalize("NFC", re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())


def foreign_language(text: str) -> str | None:
    """Why `text` is clearly not French (`looks like en`, `non-Latin script`); None when it is French
    or too short to tell. A cheap count of function words, enough to keep foreign pages out; a short
    text needs fewer of them (one per eight words), so a foreign brief is refused too."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 40 and sum(1 for ch in letters if ch < "\u0250") < len(letters) / 2:
        return "non-Latin script"
    words = _WORD.findall(text.lower())
    counts = {language: sum(1 for w in words if w in vocabulary) for language, vocabulary in _FUNCTION_WORDS.items()}
    best = max(counts, key=counts.__getitem__)
    needed = min(_MIN_FUNCTION_WORDS, max(_FEWEST_FUNCTION_WORDS, math.ceil(len(words) / 8)))
    if best == "fr" or counts[best] < needed or counts[best] <= 2 * counts["fr"]:
        return None
    return f"looks like {best}"


def drop_debris(text: str) -> str:
    kept = [line for line in text.split("\n") if not _DEBRIS_LINE.match(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def drop_repeated_paragraphs(text: str) -> tuple[str, int]:
    """Remove paragraphs that repeat an earlier one verbatim (a common scraping fault)."""
    seen: set[str] = set()
    kept: list[str] = []
    dropped = 0
    for line in text.split("\n"):
        key = line.strip()
        if len(key) >= _MIN_REPEATED_PARAGRAPH and key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), dropped


def header_date(text: str) -> str | None:
    """A publication date printed in the first lines (`Publié le 12 mars 2024`)."""
    match = _HEADER_DATE.search("\n".join(text.split("\n")[:6]))
    if not match:
        return None
    if match.group(1):
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        day, month, year = int(match.group(4)), int(match.group(5)), int(match.group(6))
    candidate = f"{year:04d}-{month:02d}-{day:02d}"
    return candidate if is_iso_date(candidate) else None


def date_line(text: str) -> str | None:
    """The date of an archive date line near the top (`Vendredi 1 Septembre 2023`), as YYYY-MM-DD.

    Only a line that is nothing but a date counts, so that a body sentence naming a day never
    becomes the article date; the line stays in the text.
    """
    lines = [line for line in text.split("\n") if line.strip()][:_DATE_LINE_SCAN]
    for line in map(fold, lines):
        for pattern in _DATE_LINES:
            if match := pattern.match(line):
                candidate = f"{match['year']}-{MONTH_NUMBERS[match['month']]:02d}-{int(match['day']):02d}"
                return candidate if is_iso_date(candidate) else None
    return None


def first_line(text: str) -> str:
    return text.split("\n", 1)[0][:300]


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form"}
    _BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "li", "article", "section", "tr", "title", "figcaption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skipping = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        if tag == "title":
            self._in_title = True
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        if tag == "title":
            self._in_title = False
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data.strip()
            return
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str | None, str]:
    """(title, visible text) of an HTML page, one paragraph per block element."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [re.sub(r"[ \t]+", " ", html.unescape(p)).strip() for p in text.split("\n")]
    return parser.title, "\n".join(p for p in paragraphs if p)


def _check_link(path: Path, roots: Sequence[Path]) -> None:
    """A symbolic link is read only when it leads to a file inside the drop (never to /etc, say)."""
    if not path.is_symlink():
        return
    target = path.resolve()
    if not target.exists():
        raise IngestError(path, "broken symbolic link")
    allowed = [(root if root.is_dir() else root.parent).resolve() for root in roots]
    if not any(target.is_relative_to(folder) for folder in allowed):
        raise IngestError(path, "symbolic link points outside the inbox")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise IngestError(path, f"file too large ({size} bytes > {MAX_ARTICLE_BYTES})")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(path, "file disappeared before it could be read") from None
    except IsADirectoryError:
        raise IngestError(path, "is a directory") from None
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    if not raw.strip():
        raise IngestError(path, "empty file")
    if raw.startswith((b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04")) or b"\x00" in raw[:4096]:
        raise IngestError(path, "binary content, not text")
    return raw


def _decode(path: Path, raw: bytes) -> tuple[str, str, list[str]]:
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        warning = f"{path}: not valid UTF-8, decoded as cp1252"
        log.warning(warning)
        return raw.decode("cp1252", errors="replace"), "cp1252", [warning]


def _parse_json_article(path: Path, text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"invalid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict):
        raise IngestError(path, "JSON article must be an object with a 'text' field")
    body = data.get("text")
    if not isinstance(body, str) or not body.strip():
        raise IngestError(path, "JSON article has no 'text' string")
    for key in ("title", "date", "url"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise IngestError(path, f"JSON field '{key}' must be a string")
    return {key: data.get(key) for key in ("text", "title", "date", "url") if data.get(key) is not None}


def _read_sidecar(path: Path) -> dict:
    """Metadata a scraper left beside a text file: `<name>.meta.json` with date, title, url."""
    sidecar = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(sidecar, f"invalid metadata file ({exc})") from None
    if not isinstance(data, dict):
        raise IngestError(sidecar, "metadata file must be a JSON object")
    return {key: str(data[key]) for key in ("title", "date", "url") if data.get(key)}


def _take_date_marker(text: str) -> tuple[str, str | None]:
    """A leading `date 2023-12` marker gives the article date and is not part of the text."""
    match = _DATE_MARKER.match(text)
    if not match:
        return text, None
    return text[match.end() :], match.group(1)


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t")
    return controls / max(len(text), 1)
