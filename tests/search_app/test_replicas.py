"""Several servers over one index folder (shared storage): each picks up a newly published
generation on its own, and says which it serves (``/api/health`` for a load balancer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import Settings
from indexer.pipeline import build_index
from search_app import create_app
from tests.conftest import distinct_copy


@pytest.mark.slow
def test_every_replica_picks_up_a_new_generation_and_says_which(
    corpus_copy: Path, tmp_path: Path
) -> None:
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    empty = create_app(settings).test_client()
    answer = empty.get("/api/health")  # no index yet: out of the load balancer's pool
    assert answer.status_code == 503 and answer.get_json()["status"] == "unavailable"

    build_index(settings)
    replicas = [create_app(settings).test_client() for _ in range(2)]
    first = {r.get("/api/health").get_json()["generation"] for r in replicas}
    assert len(first) == 1 and None not in first
    assert all(r.get("/api/health").get_json()["articles"] == 15 for r in replicas)

    distinct_copy(corpus_copy / "soc-local-partnerships-bulletin-07.pdf", corpus_copy / "b.pdf")
    build_index(settings)  # published while both serve
    for replica in replicas:
        replica.get("/api/health")  # (the first request after: the new generation warms)
        replica.application.extensions["bulletins"].index.settle()
        health = replica.get("/api/health").get_json()
        assert health["status"] == "ok" and health["articles"] == 30
        assert health["generation"] not in first
        assert replica.get("/api/search?q=guardian").get_json()["total"] == 2
    page = replicas[0].get("/status").get_data(as_text=True)
    assert health["generation"] in page and health["server"] in page
