"""Configuration: one settings object, read once at the edges (the command line, the app
factory) and passed down. Every limit, timeout and size an operator may set is here, with its
default; the command line's options and their ``--help`` defaults are read from these."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CORPUS_DIR = "corpus"
DEFAULT_INDEX_DIR = "instance/index"
ENV_CORPUS_DIR = "BULLETINS_CORPUS"
ENV_INDEX_DIR = "BULLETINS_INDEX"


@dataclass(frozen=True)
class ServeSettings:
    """How ``bulletins serve`` listens and how much it takes on at once."""

    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8  # requests each process answers at once
    processes: int = 1  # server processes sharing the port
    trusted_hosts: tuple[str, ...] = ()  # Host headers answered; () = loopback names or any
    connection_limit: int = 1000  # open connections each process accepts at once
    channel_timeout: int = 30  # seconds a connection may stay idle
    max_request_bytes: int = 64 * 1024  # a request body larger than this is refused
    page_cache_mb: int = 64  # drawn page images each process keeps (about 150 KB a page)


@dataclass(frozen=True)
class IndexingSettings:
    """How ``bulletins index`` reads PDFs: each in a worker process, within these limits."""

    job_seconds: float = 120.0  # one PDF's wall-clock time (outcome: timeout)
    job_memory_mb: int = 2048  # one PDF's address space, MiB; 0: no limit (out-of-memory)
    # a run on a cluster (--broker) stops when no worker has answered for this long (exit 5)
    worker_wait_seconds: float = 600.0


@dataclass(frozen=True)
class SearchSettings:
    """What one search may ask for (the same from the web, the API and the command line)."""

    max_query_chars: int = 500
    max_value_chars: int = 200  # one filter value
    max_values: int = 20  # values of one filter type
    max_page: int = 1000
    default_per_page: int = 10
    max_per_page: int = 100
    facet_limit: int = 50  # values listed per facet
    related: int = 5  # "more like this" articles beside an article


@dataclass(frozen=True)
class Settings:
    """Where the corpus of PDFs is and where the index lives, and the limits of serving,
    indexing and searching."""

    corpus_dir: Path
    index_dir: Path
    serve: ServeSettings = field(default_factory=ServeSettings)
    indexing: IndexingSettings = field(default_factory=IndexingSettings)
    search: SearchSettings = field(default_factory=SearchSettings)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        serve: ServeSettings | None = None,
        indexing: IndexingSettings | None = None,
    ) -> Settings:
        """Explicit arguments win, then ``BULLETINS_CORPUS``/``BULLETINS_INDEX``, then defaults
        (``corpus`` and ``instance/index``, relative to the working directory)."""
        env = os.environ if environ is None else environ
        return cls(
            corpus_dir=Path(corpus_dir or env.get(ENV_CORPUS_DIR) or DEFAULT_CORPUS_DIR),
            index_dir=Path(index_dir or env.get(ENV_INDEX_DIR) or DEFAULT_INDEX_DIR),
            serve=serve or ServeSettings(),
            indexing=indexing or IndexingSettings(),
        )
