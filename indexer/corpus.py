"""What the corpus is: the PDF files under the corpus folder, and what was passed over, why.

People drop all sorts into a shared folder. Only regular files named ``*.pdf`` inside the
corpus folder are read. A symbolic link is followed when what it points to is inside the corpus
folder too; one pointing outside it is passed over unless links are to be followed
(``bulletins index --follow-symlinks``), and folders reached through links are visited once
each, so a link loop ends. Everything passed over is listed with its reason: nothing is
skipped silently. Nothing here opens a file, so a FIFO named ``x.pdf`` cannot hang the run.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import BulletinsError
from indexer.textnorm import escape_text

# Why an entry named like a PDF was not read (Skipped.reason): the one list of them.
SKIP_REASONS = {
    "outside-corpus": "a link to a file outside the corpus folder (use --follow-symlinks)",
    "linked-folder": "a link to a folder, not followed (use --follow-symlinks)",
    "broken-link": "a link to nothing, or a loop of links",
    "link-loop": "a folder already visited through another link",
    "not-a-file": "not a regular file (a pipe, socket or device)",
    "folder": "a folder named like a PDF (the PDFs inside it are read)",
    "unreadable-folder": "a folder that could not be listed",
}


@dataclass(frozen=True)
class Skipped:
    """An entry of the corpus folder that was not read: its path relative to the corpus
    folder, a reason (one of SKIP_REASONS) and a message for people."""

    file: str
    reason: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class Corpus:
    """The PDFs to index (in a stable order), which of them are links (read through the link,
    and not through one put in a file's place later), and what was passed over."""

    paths: tuple[Path, ...]
    skipped: tuple[Skipped, ...]
    links: frozenset[Path] = frozenset()

    def hidden_under(self) -> tuple[str, ...]:
        """Folders (relative; "." for the corpus folder) that could not be listed: what was
        indexed from inside them is not known to be gone."""
        return tuple(s.file for s in self.skipped if s.reason == "unreadable-folder")


def discover(corpus_dir: Path, *, follow_symlinks: bool = False) -> Corpus:
    """Every PDF under ``corpus_dir`` (sub-folders too), and every entry passed over. A file
    that cannot even be looked at (permissions) is listed to be read, so that it gets an
    outcome (``unreadable``) rather than being taken for gone.

    :raise BulletinsError: if the folder does not exist or is not a folder.
    """
    if not corpus_dir.is_dir():
        raise BulletinsError(f"Corpus directory not found: {corpus_dir}")
    root = corpus_dir.resolve()
    paths: list[Path] = []
    links: set[Path] = set()
    skipped: list[Skipped] = []

    def skip(path: Path, reason: str, detail: str = "") -> None:
        relative = _relative(path, corpus_dir)
        message = SKIP_REASONS[reason] + (f": {detail}" if detail else "")
        skipped.append(Skipped(relative, reason, message))

    def walk_error(error: OSError) -> None:
        where = Path(error.filename) if error.filename else corpus_dir
        skip(where, "unreadable-folder", error.strerror or str(error))

    visited: set[tuple[int, int]] = set()
    for folder, dirnames, filenames in os.walk(
        corpus_dir, onerror=walk_error, followlinks=follow_symlinks
    ):
        here = Path(folder)
        try:
            info = here.stat()
        except OSError as exc:
            skip(here, "unreadable-folder", exc.strerror or str(exc))
            dirnames[:] = []
            continue
        if (info.st_dev, info.st_ino) in visited:  # reached again through a link
            skip(here, "link-loop")
            dirnames[:] = []
            continue
        visited.add((info.st_dev, info.st_ino))
        keep = []
        for name in sorted(dirnames):
            path = here / name
            try:
                is_link = stat.S_ISLNK(path.lstat().st_mode)
            except FileNotFoundError:
                continue  # gone since the folder was listed
            except OSError as exc:
                skip(path, "unreadable-folder", exc.strerror or str(exc))
                continue
            if is_link and not follow_symlinks:
                skip(path, "linked-folder", f"-> {_target(path)}")
                continue
            if name.lower().endswith(".pdf"):
                skip(path, "folder")
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            if not name.lower().endswith(".pdf"):
                continue
            path = here / name
            verdict = _verdict(path, root, follow_symlinks)
            if verdict == "gone":
                continue
            if isinstance(verdict, tuple):
                skip(path, *verdict)
                continue
            paths.append(path)
            if verdict == "link":
                links.add(path)
    return Corpus(
        tuple(sorted(paths, key=lambda p: _relative(p, corpus_dir))),
        tuple(sorted(skipped, key=lambda s: s.file)),
        frozenset(links),
    )


def _verdict(path: Path, root: Path, follow_symlinks: bool) -> str | tuple[str, str]:
    """``file`` or ``link`` to read it, ``gone``, or (reason, detail) to pass it over."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "gone"
    except OSError:
        return "file"  # cannot be looked at: reading it will say why
    kind = "file"
    if stat.S_ISLNK(mode):
        kind = "link"
        try:
            target = path.resolve(strict=True)
            mode = target.stat().st_mode
        except (OSError, RuntimeError) as exc:  # RuntimeError: a loop, on older Pythons
            if isinstance(exc, OSError) and exc.errno not in (errno.ENOENT, errno.ELOOP):
                return "link"  # cannot be looked at: reading it will say why
            return "broken-link", f"-> {_target(path)}"
        if not follow_symlinks and not target.is_relative_to(root):
            return "outside-corpus", f"-> {escape_text(str(target))}"
    if stat.S_ISDIR(mode):
        return "folder", ""
    if not stat.S_ISREG(mode):
        return "not-a-file", ""
    return kind


def _target(path: Path) -> str:
    """Where a link points, escaped (a newline or escape code in it shows as \\n, \\x1b)."""
    try:
        return escape_text(str(path.readlink()))
    except OSError:
        return "?"


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return path.relative_to(corpus_dir).as_posix()
    except ValueError:
        return path.as_posix()
