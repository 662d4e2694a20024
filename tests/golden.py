"""Golden files: compare a JSON-able value with tests/data/expected/NAME, or rewrite it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXPECTED = Path(__file__).resolve().parent / "data" / "expected"


def check_golden(name: str, actual: Any, update: bool) -> None:
    path = EXPECTED / name
    text = json.dumps(actual, ensure_ascii=False, indent=1) + "\n"
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update:
            raise AssertionError(f"{path} did not exist; written now. Review it and rerun.")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(text) == expected, (
        f"{name} differs from the golden file; if the change is intended, rerun with "
        "pytest --update-goldens and review the diff"
    )
