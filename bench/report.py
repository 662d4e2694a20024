"""The benchmark table: for the terminal, and as Markdown with the machine and versions."""

from __future__ import annotations

import os
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.measure import Row

PACKAGES = ("Whoosh", "pdfminer.six", "nltk", "Flask", "waitress", "gunicorn", "numpy", "tantivy")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "(not installed)"


def _met(row: Row) -> str:
    return "" if row.met is None else ("met" if row.met else "NOT MET")


def table(rows: list[Row]) -> str:
    """A plain-text table, one row per measure."""
    header = ("section", "measure", "value", "target", "")
    lines = [header, *((r.section, r.measure, r.value, r.target, _met(r)) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB memory"
    except (ValueError, OSError):
        pass
    versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()}; {versions}; SQLite "
        f"{__import__('sqlite3').sqlite_version}",
    ]


def markdown(rows: list[Row], command: str, seconds: float) -> str:
    lines = [
        "| section | measure | value | target | met |",
        "|---|---|---|---|---|",
        *(f"| {r.section} | {r.measure} | {r.value} | {r.target} | {_met(r)} |" for r in rows),
    ]
    return "\n".join(
        [
            "<!-- Written by `python -m bench`; the analysis below the table is by hand. -->",
            "## Results",
            "",
            f"Run on {time.strftime('%Y-%m-%d')} with `{command}` ({seconds / 60:.0f} minutes).",
            "",
            *machine(),
            "",
            *lines,
            "",
        ]
    )
