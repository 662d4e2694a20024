"""Configuration: read once at the edges (command line, app factory) and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CORPUS_DIR = "corpus"
DEFAULT_INDEX_DIR = "instance/index"
ENV_CORPUS_DIR = "BULLETINS_CORPUS"
ENV_INDEX_DIR = "BULLETINS_INDEX"


@dataclass(frozen=True)
class Settings:
    """Where the corpus of PDFs is and where the index lives."""

    corpus_dir: Path
    index_dir: Path

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
    ) -> Settings:
        """Explicit arguments win, then ``BULLETINS_CORPUS``/``BULLETINS_INDEX``, then defaults
        (``corpus`` and ``instance/index``, relative to the working directory)."""
        env = os.environ if environ is None else environ
        return cls(
            corpus_dir=Path(corpus_dir or env.get(ENV_CORPUS_DIR) or DEFAULT_CORPUS_DIR),
            index_dir=Path(index_dir or env.get(ENV_INDEX_DIR) or DEFAULT_INDEX_DIR),
        )
