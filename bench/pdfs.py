"""Synthetic editions as real PDFs, rendered like the shipped bulletin (tools/render_reportlab)."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

from bench.synth import TextModel, manuscript
from tools.manuscript import parse_manuscript
from tools.render_reportlab import render_reportlab

_MODEL: TextModel | None = None


def render_corpus(folder: Path, count: int, seed: int, pages: int = 12, start: int = 1) -> Path:
    """``count`` editions of ``pages`` pages each, numbered from ``start``, in ``folder`` (kept
    between runs: only missing files are rendered), with an ``editions.toml`` describing them.
    Rendering runs in two processes."""
    folder.mkdir(parents=True, exist_ok=True)
    numbers = range(start, start + count)
    wanted = [(folder / _name(n, pages), n, seed, pages) for n in numbers]
    missing = [job for job in wanted if not job[0].exists()]
    if missing:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for _ in pool.imap_unordered(_render, missing, chunksize=2):
                pass
    manifest = folder / "editions.toml"
    entries = []
    for path, number, _, _ in wanted:
        month = number - 1
        entries.append(
            f'[[edition]]\nfile = "{path.name}"\nnumber = {number}\n'
            f'title = "Synthetic Partnerships Bulletin"\n'
            f'date = "{2000 + month // 12}-{month % 12 + 1:02d}"\n'
        )
    existing = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
    new = [e for e in entries if e.split("\n")[1] not in existing]
    if new:
        manifest.write_text(existing + "\n".join(new), encoding="utf-8")
    return folder


def _name(number: int, pages: int) -> str:
    return f"synthetic-bulletin-{number:04d}-{pages}p.pdf"


def _render(job: tuple[Path, int, int, int]) -> None:
    global _MODEL
    path, number, seed, pages = job
    if _MODEL is None:
        _MODEL = TextModel()
    rng = random.Random(f"{seed}:{number}:{pages}")
    text = manuscript(_MODEL, rng, number, pages)
    partial = path.with_suffix(".tmp")
    month = number - 1
    line = f"Issue {number:02d} · {_MONTHS[month % 12]} {2000 + month // 12}"
    render_reportlab(
        parse_manuscript(text),
        partial,
        edition_line=line,
        footer=f"Synthetic Partnerships Bulletin · {line}",
        title=f"Synthetic Partnerships Bulletin {number}",
    )
    partial.replace(path)


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
