"""The inbox behind `evex serve`: which files are new, where they go after a run, when to start one.

No Prefect here; `flows/serve.py` schedules and triggers runs, this module decides what they see.
A file is known by its path in the inbox, size and modification time. It becomes "seen" only
after a run that read it has finished, so a run that fails leaves it pending for the next one
(loading is idempotent, so reading a file twice stores nothing twice). Files are never deleted:
they stay in the inbox (recorded in a ledger) or move to the archive, never over another file.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from evex.ingest import SIDECAR_SUFFIX, discover

LEDGER_NAME = ".evex-seen.json"  # hidden, so the inbox scan never reads it as an article


@dataclass(frozen=True)
class InboxFile:
    """An article file as it was when a run claimed it."""

    path: Path
    key: str  # path relative to the inbox, the ledger's key
    size: int
    mtime_ns: int

    @property
    def fingerprint(self) -> str:
        return f"{self.size}:{self.mtime_ns}"


def check_folders(inbox: Path, archive: Path | None) -> None:
    """An archive inside the inbox would be scanned again as new files."""
    if archive is not None and archive.resolve().is_relative_to(inbox.resolve()):
        raise ValueError(f"archive folder {archive} must not be inside the inbox {inbox}")


def scan(inbox: Path) -> list[InboxFile]:
    """Every article file in the inbox (recursively, hidden files skipped), as it is now."""
    if not inbox.is_dir():
        return []
    files = []
    for path in discover([inbox]):
        try:
            stat = path.stat()
        except FileNotFoundError:  # moved away between listing and stat
            continue
        files.append(InboxFile(path, path.relative_to(inbox).as_posix(), stat.st_size, stat.st_mtime_ns))
    return files


def read_ledger(inbox: Path) -> dict[str, str]:
    ledger = inbox / LEDGER_NAME
    if not ledger.is_file():
        return {}
    return json.loads(ledger.read_text(encoding="utf-8"))


def pending(inbox: Path, min_age_s: float = 0.0, now: float | None = None) -> list[InboxFile]:
    """Files no finished run has read in their current form; files younger than `min_age_s` may
    still be being written and wait for a later run."""
    seen = read_ledger(inbox)
    cutoff_ns = int(((time.time() if now is None else now) - min_age_s) * 1e9)
    return [f for f in scan(inbox) if seen.get(f.key) != f.fingerprint and f.mtime_ns <= cutoff_ns]


def settle(inbox: Path, files: list[InboxFile], archive: Path | None) -> list[Path]:
    """After a finished run: move its files to the archive, or record them as seen in the inbox.

    A file that changed since the run claimed it is left alone, so its new content gets a run too.
    Returns where the archived files now are.
    """
    unchanged = [f for f in files if _unchanged(f)]
    if archive is None:
        ledger = read_ledger(inbox)
        ledger.update({f.key: f.fingerprint for f in unchanged})
        _write_atomically(inbox / LEDGER_NAME, json.dumps(ledger, indent=0, sort_keys=True))
        return []
    return [archive_file(f, archive) for f in unchanged]


def archive_file(file: InboxFile, archive: Path) -> Path:
    """Move a file (and its `.meta.json`) under the archive at the same relative path, renamed
    `name~N.ext` rather than overwrite a file already there."""
    relative = Path(file.key)
    stem = relative.name[: -len(relative.suffix)] if relative.suffix else relative.name
    sidecar = file.path.with_name(stem + SIDECAR_SUFFIX)
    folder = archive / relative.parent
    folder.mkdir(parents=True, exist_ok=True)
    target_stem, n = stem, 0
    while (folder / (target_stem + relative.suffix)).exists() or (folder / (target_stem + SIDECAR_SUFFIX)).exists():
        n += 1
        target_stem = f"{stem}~{n}"
    target = folder / (target_stem + relative.suffix)
    shutil.move(file.path, target)
    if sidecar.is_file():
        shutil.move(sidecar, folder / (target_stem + SIDECAR_SUFFIX))
    return target


def _unchanged(file: InboxFile) -> bool:
    try:
        stat = file.path.stat()
    except FileNotFoundError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (file.size, file.mtime_ns)


def _write_atomically(path: Path, text: str) -> None:
    """A crash mid-write must not leave a half ledger (every file would look new, or none)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Debouncer:
    """Says when to start a run: the pending files changed, then stayed quiet for `quiet_s`.

    A burst of files dropped one after another makes one run; files already handed to a run are
    not handed again (a run that fails leaves them to the schedule).
    """

    def __init__(self, quiet_s: float):
        self.quiet_s = quiet_s
        self._snapshot: frozenset[tuple[str, str]] = frozenset()
        self._changed_at = 0.0
        self._triggered: frozenset[tuple[str, str]] = frozenset()

    def ready(self, files: list[InboxFile], now: float) -> bool:
        snapshot = frozenset((f.key, f.fingerprint) for f in files)
        if snapshot != self._snapshot:
            self._snapshot, self._changed_at = snapshot, now
            self._triggered &= snapshot  # forget files that were settled
            return False
        return bool(snapshot - self._triggered) and now - self._changed_at >= self.quiet_s

    def triggered(self) -> None:
        """The run for the current files was started."""
        self._triggered = self._snapshot
