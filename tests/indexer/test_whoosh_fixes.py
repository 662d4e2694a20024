"""The fixes to Whoosh give the same field lengths, from memory, asking the file system about a
missing length column once, and leave Whoosh's own classes as they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from whoosh.codec import whoosh3
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.index import ArticleIndex, pickled_v1
from indexer.index._whoosh_fixes import LengthCodes
from tests.contract.test_search import EDITION, article


def test_field_lengths_from_memory_and_a_missing_column_asked_once(tmp_path: Path) -> None:
    index = ArticleIndex.create(tmp_path / "ix")
    bodies = ["one two three", "one", "", "word " * 300]
    index.add_edition(
        EDITION, [article(EDITION, i, "Title", body) for i, body in enumerate(bodies, 1)]
    )
    reader = index._searcher().reader()
    perdoc = reader._perdoc
    storage = perdoc._storage
    asked: list[str] = []
    real = storage.file_exists
    storage.file_exists = lambda name: asked.append(name) or real(name)  # type: ignore[method-assign]
    try:
        for docnum in range(reader.doc_count_all()):
            ordinal = int(reader.stored_fields(docnum)["id"].split(":")[1])
            expected = len(bodies[ordinal - 1].split())
            # (Whoosh answers None, not 0, for an empty field)
            assert (reader.doc_field_length(docnum, "body") or 0) == byte_to_length(
                length_to_byte(expected)
            )
            assert reader.doc_field_length(docnum, "edition_id", 7) == 7  # no length column
    finally:
        storage.file_exists = real  # type: ignore[method-assign]
    assert len(asked) == len(set(asked)) == 3  # stored, body and edition_id lengths: once each
    assert isinstance(perdoc._cached_reader(whoosh3._lenfield("body"), None), LengthCodes)
    assert reader.max_field_length("body") == byte_to_length(length_to_byte(300))  # quantised
    assert reader.min_field_length("body") == 0


def test_whooshs_own_classes_are_left_as_they_are(tmp_path: Path) -> None:
    """The fixes are subclasses in the codec new segments are written with, not patches."""
    script = (
        "from whoosh.codec import whoosh3\n"
        "from whoosh.filedb import compound\n"
        "before = (whoosh3.W3PerDocReader._cached_reader, whoosh3.W3FieldWriter.add_postings,"
        " compound.CompoundStorage.__init__)\n"
        "import indexer.index, indexer.pipeline, search_app\n"
        "after = (whoosh3.W3PerDocReader._cached_reader, whoosh3.W3FieldWriter.add_postings,"
        " compound.CompoundStorage.__init__)\n"
        "assert before == after, after\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2])
    index = ArticleIndex.create(tmp_path / "ix")
    index.add_edition(EDITION, [article(EDITION, 1, "Title", "Some words.")])
    [segment] = index._ix._segments()
    assert type(segment) is pickled_v1.Segment
    assert type(segment.codec()) is pickled_v1.Codec


def test_threads_reading_postings_of_one_segment_read_their_own(tmp_path: Path) -> None:
    """Whoosh reads a block header through the file position every matcher of a segment
    shares; two threads at once read each other's bytes ("zlib: incomplete or truncated
    stream", or wrong documents). Read here at their offsets, they get what one thread does."""
    import threading

    from indexer.index._sets import posting_arrays

    index = ArticleIndex.create(tmp_path / "ix")
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    bodies = [" ".join(w for j, w in enumerate(words) if i % (j + 2)) for i in range(1, 1500)]
    index.add_edition(
        EDITION, [article(EDITION, i, "Title", body) for i, body in enumerate(bodies, 1)]
    )
    reader = index._searcher().reader()
    stems = [t.text for w in words for t in index._ix.schema["body"].analyzer(w)]
    expected = {s: posting_arrays(reader.postings("body", s))[0].tolist() for s in stems}
    assert all(len(ids) > 3 * 128 for ids in expected.values())  # several blocks each
    wrong: list[str] = []

    def read(offset: int) -> None:
        for n in range(60):
            stem = stems[(offset + n) % len(stems)]
            try:
                if posting_arrays(reader.postings("body", stem))[0].tolist() != expected[stem]:
                    wrong.append(f"{stem}: other documents")
            except Exception as exc:  # what Whoosh's own matcher raised
                wrong.append(f"{stem}: {exc!r}")

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=read, args=(k,)) for k in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
