"""A small CoNLL-U reader: extraction runs on stored parses, so it never needs Stanza itself.

Stanza writes one line per multi-word token (`7-8 au`) followed by its words (`à`, `le`); the
character offsets and the NER tag live on the token, so every word of a token inherits them.
A sentence the dependency parser did not run on (evex parses only the sentences extraction reads
dependencies in: `evex.parse`) has `_` as every word's HEAD and DEPREL: its words' `head` is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    id: int
    text: str
    lemma: str
    upos: str
    feats: dict[str, str]
    head: int | None  # None: the sentence carries no dependencies
    deprel: str  # "" where head is None
    start_char: int
    end_char: int
    ner: str = "O"
    token_text: str = ""
    token_first: int = 0  # id of the first word of this word's surface token

    def feat(self, name: str) -> str | None:
        return self.feats.get(name)


@dataclass
class Sentence:
    text: str
    words: list[Word] = field(default_factory=list)
    index: int = 0

    @property
    def start_char(self) -> int:
        return self.words[0].start_char if self.words else 0

    @property
    def end_char(self) -> int:
        return self.words[-1].end_char if self.words else 0

    def word(self, word_id: int) -> Word | None:
        """The word with this 1-based id, or None for the root (0) and for no head (None)."""
        if word_id is not None and 1 <= word_id <= len(self.words):
            return self.words[word_id - 1]
        return None

    @property
    def has_dependencies(self) -> bool:
        return any(w.head is not None for w in self.words)

    def children(self, word: Word) -> list[Word]:
        return [w for w in self.words if w.head == word.id]

    def head_of(self, word: Word) -> Word | None:
        return self.word(word.head)


@dataclass
class ParsedDoc:
    sentences: list[Sentence]


def _parse_misc(misc: str) -> dict[str, str]:
    if misc in ("_", ""):
        return {}
    out = {}
    for part in misc.split("|"):
        key, _, value = part.partition("=")
        out[key] = value
    return out


def _parse_feats(feats: str) -> dict[str, str]:
    if feats in ("_", ""):
        return {}
    return dict(part.split("=", 1) for part in feats.split("|") if "=" in part)


def read_conllu(text: str) -> ParsedDoc:
    """Read CoNLL-U as written by Stanza (`'{:C}'.format(doc)`) or by hand for tests.

    Hand-written fixtures may omit `start_char`/`end_char`; offsets are then derived from the
    `# text` line and the word forms, so fixtures stay short.
    """
    sentences: list[Sentence] = []
    current: Sentence | None = None
    token_span: tuple[int, int, int, int, str, str] | None = None  # first, last, start, end, ner, form
    for raw in text.splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            if current is not None and current.words:
                sentences.append(current)
            current = None
            continue
        if current is None:
            current = Sentence(text="", index=len(sentences))
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            if key.strip() == "text":
                current.text = value.strip()
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise ValueError(f"malformed CoNLL-U line (expected 10 columns): {line!r}")
        misc = _parse_misc(cols[9])
        if "-" in cols[0]:
            first, last = (int(x) for x in cols[0].split("-"))
            token_span = (
                first,
                last,
                int(misc.get("start_char", -1)),
                int(misc.get("end_char", -1)),
                misc.get("ner", "O"),
                cols[1],
            )
            continue
        if "." in cols[0]:  # empty nodes carry no surface form
            continue
        word_id = int(cols[0])
        if token_span and token_span[0] <= word_id <= token_span[1]:
            token_first = token_span[0]
            start, end, ner, form = token_span[2], token_span[3], token_span[4], token_span[5]
        else:
            token_span = None
            token_first = word_id
            start = int(misc.get("start_char", -1))
            end = int(misc.get("end_char", -1))
            ner = misc.get("ner", "O")
            form = cols[1]
        current.words.append(
            Word(
                id=word_id,
                text=cols[1],
                lemma=cols[2] if cols[2] != "_" else cols[1].lower(),
                upos=cols[3],
                feats=_parse_feats(cols[5]),
                head=int(cols[6]) if cols[6] != "_" else None,
                deprel=cols[7] if cols[7] != "_" else "",
                start_char=start,
                end_char=end,
                ner=ner,
                token_text=form,
                token_first=token_first,
            )
        )
    if current is not None and current.words:
        sentences.append(current)
    _fill_missing_offsets(sentences)
    return ParsedDoc(sentences=sentences)


def _fill_missing_offsets(sentences: list[Sentence]) -> None:
    """Give hand-written fixtures offsets by locating each token in the running document text."""
    offset = 0
    for sentence in sentences:
        if all(w.start_char >= 0 for w in sentence.words):
            offset = sentence.words[-1].end_char + 1
            continue
        cursor = 0
        for word in sentence.words:
            if word.token_first != word.id:  # later word of a multi-word token: same span
                first = sentence.word(word.token_first)
                word.start_char, word.end_char = first.start_char, first.end_char
                continue
            pos = sentence.text.find(word.token_text, cursor)
            pos = cursor if pos < 0 else pos
            word.start_char = offset + pos
            word.end_char = word.start_char + len(word.token_text)
            cursor = pos + len(word.token_text)
        offset += len(sentence.text) + 1
