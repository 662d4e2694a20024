"""Score a split against the truth: which articles came out right, split, merged or invented.

The truth for one PDF is a JSON file beside it (``NAME.truth.json``) listing its articles as
their manuscript has them: title (``null`` when the heading is artwork, so any title drawn from
the text is right), section and body. Articles are matched by the runs of words they share, so the
score does not depend on the order or the ids the splitter gives them:

- an expected article's **body is right** when one produced article holds at least
  ``BODY_SHARE`` of its words and at least ``BODY_SHARE`` of that article's words are its own;
- its **title is right** when that article's title is the same words (case, spacing and
  hyphenation aside); it is **recovered** when both are right;
- it is **split** when two or more produced articles each hold a real part of its words;
- it is **merged** when the article holding most of its words also holds much of another's;
- a produced article is **invented** when most of its words belong to no expected article
  (cover text, furniture, a pull quote taken for a story).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.errors import BulletinsError
from indexer.models import Article
from indexer.textnorm import display_text

BODY_SHARE = 0.9  # of an article's words, that must land in the one article that holds it
PART_SHARE = 0.1  # of an article's words, a piece must hold to count as a part of a split
PART_WORDS = 12  # ...and at least this many words
MERGED_SHARE = 0.3  # of another article's words, in the same produced article: a merge
OWN_SHARE = 0.5  # of a produced article's words, that must belong to one expected article
SHINGLE = 3  # words compared as runs of this many
TRUTH_SUFFIX = ".truth.json"
_WORD = re.compile(r"\w+")
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


@dataclass(frozen=True)
class ExpectedArticle:
    title: str | None  # None: the heading is artwork; any title is right
    section: str | None
    body: str


@dataclass(frozen=True)
class Truth:
    """What a perfect split of one PDF returns, and the edition its cover states."""

    articles: tuple[ExpectedArticle, ...]
    number: int | None = None
    date: str | None = None  # "YYYY-MM"
    ocr: bool = False  # the PDF is a scan: read it with OCR


@dataclass(frozen=True)
class Outcome:
    """How one expected article came out."""

    expected: ExpectedArticle
    produced: Article | None  # the produced article that holds most of its words
    title_right: bool
    body_right: bool
    section_right: bool
    split: bool
    merged: bool
    recall: float = 0.0  # share of its words in the produced article
    precision: float = 0.0  # share of the produced article's words that are its own

    @property
    def recovered(self) -> bool:
        return self.title_right and self.body_right


@dataclass(frozen=True)
class Score:
    """The split of one PDF against its truth."""

    outcomes: tuple[Outcome, ...]
    invented: tuple[Article, ...]
    produced: int

    @property
    def expected(self) -> int:
        return len(self.outcomes)

    @property
    def titled(self) -> int:
        return sum(o.expected.title is not None for o in self.outcomes)

    def count(self, what: str) -> int:
        """How many expected articles are ``recovered``, ``title_right``, ``split``, ..."""
        return sum(bool(getattr(o, what)) for o in self.outcomes)

    @property
    def titled_recovered(self) -> int:
        return sum(o.recovered for o in self.outcomes if o.expected.title is not None)


def load_truth(path: Path) -> Truth:
    """Read a truth file.

    :raise BulletinsError: when it cannot be read or is not a truth file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = tuple(_expected(item) for item in data["articles"])
        cover = data.get("cover") or {}
        if not isinstance(cover, dict):
            raise TypeError("cover must be an object")
        number, date = cover.get("number"), cover.get("date")
        if not (number is None or isinstance(number, int)) or not _text_or_none(date):
            raise TypeError("cover number must be a number and date a string")
        return Truth(articles, number, date, bool(data.get("ocr")))
    except OSError as exc:
        raise BulletinsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BulletinsError(f"{path} is not a truth file: {exc}") from exc


def _expected(item: Any) -> ExpectedArticle:
    if not isinstance(item, dict):
        raise TypeError("each article must be an object")
    title, section, body = item["title"], item.get("section"), item["body"]
    if not (_text_or_none(title) and _text_or_none(section) and isinstance(body, str)):
        raise TypeError("an article's title and section are text or null, its body text")
    return ExpectedArticle(title, section, body)


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def truth_json(truth: Truth) -> dict[str, Any]:
    """The JSON form :func:`load_truth` reads."""
    return {
        "cover": {"number": truth.number, "date": truth.date},
        "ocr": truth.ocr,
        "articles": [
            {"title": a.title, "section": a.section, "body": a.body} for a in truth.articles
        ],
    }


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The runs of ``SHINGLE`` words of a text (case and invisible hyphens aside): what two
    texts share of these, they share in the same order, not merely common words."""
    found = _word_list(text)
    if len(found) < SHINGLE:
        return Counter([tuple(found)] if found else [])
    return Counter(tuple(found[i : i + SHINGLE]) for i in range(len(found) - SHINGLE + 1))


def same_title(produced: str, expected: str) -> bool:
    """Titles are the same words in the same order (case, spacing, punctuation aside)."""
    return _word_list(produced) == _word_list(expected)


def _word_list(text: str) -> list[str]:
    return _WORD.findall(_INVISIBLE.sub("", text).casefold())


def same_section(produced: str | None, expected: str | None) -> bool:
    if produced is None or expected is None:
        return produced is None and expected is None
    return _word_list(produced) == _word_list(expected)


def score(truth: Sequence[ExpectedArticle], produced: Sequence[Article]) -> Score:
    """How the produced articles match the expected ones (see the module's docstring)."""
    want = [shingles(a.body) for a in truth]
    got = [shingles(a.body) for a in produced]
    overlap = [[_shared(w, g) for g in got] for w in want]
    owned = [False] * len(produced)
    for j, g in enumerate(got):
        size = sum(g.values())
        best = max((overlap[i][j] for i in range(len(truth))), default=0)
        owned[j] = size > 0 and best >= OWN_SHARE * size
    outcomes = []
    for i, expected in enumerate(truth):
        size = max(sum(want[i].values()), 1)
        row = overlap[i]
        best_j = max(range(len(produced)), key=row.__getitem__, default=None)
        if best_j is None or row[best_j] == 0:
            outcomes.append(Outcome(expected, None, False, False, False, False, False))
            continue
        article = produced[best_j]
        held = row[best_j]
        recall, precision = held / size, held / max(sum(got[best_j].values()), 1)
        body_right = recall >= BODY_SHARE and precision >= BODY_SHARE
        parts = sum(r >= max(PART_SHARE * size, min(PART_WORDS, size)) for r in row)
        merged = any(
            k != i and overlap[k][best_j] >= MERGED_SHARE * max(sum(want[k].values()), 1)
            for k in range(len(truth))
        )
        title_right = expected.title is None or same_title(article.title, expected.title)
        outcomes.append(
            Outcome(
                expected,
                article,
                title_right=title_right,
                body_right=body_right,
                section_right=same_section(article.section, expected.section),
                split=parts > 1,
                merged=merged,
                recall=recall,
                precision=precision,
            )
        )
    invented = tuple(a for a, own in zip(produced, owned, strict=True) if not own)
    return Score(tuple(outcomes), invented, len(produced))


def _shared(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> int:
    if len(a) > len(b):
        a, b = b, a
    return sum(min(n, b[w]) for w, n in a.items() if w in b)


@dataclass(frozen=True)
class LayoutResult:
    """One PDF of an evaluation folder, split and scored."""

    name: str
    score: Score | None  # None: skipped
    number_right: bool | None = None  # None: the truth states no number
    date_right: bool | None = None
    skipped: str = ""  # why it was not scored


def evaluate_folder(folder: Path) -> list[LayoutResult]:
    """Split every ``NAME.pdf`` that has a ``NAME.truth.json`` beside it and score it.

    :raise BulletinsError: when the folder holds no truth files or one cannot be read.
    """
    from indexer.editions import describe_edition
    from indexer.errors import ExtractionError
    from indexer.extract import extract_pdf, read_source
    from indexer.ocr import missing_tools, ocr_pdf
    from indexer.split import split_edition

    truths = sorted(folder.glob(f"*{TRUTH_SUFFIX}"))
    if not truths:
        raise BulletinsError(f"no *{TRUTH_SUFFIX} files in {folder}")
    results = []
    for path in truths:
        name = path.name.removesuffix(TRUTH_SUFFIX)
        truth = load_truth(path)
        if truth.ocr and missing_tools():
            results.append(LayoutResult(name, None, skipped="OCR tools missing"))
            continue
        try:
            source = read_source(folder / f"{name}.pdf")
            pdf = extract_pdf(source)
            if truth.ocr:
                pdf = ocr_pdf(source, pdf)
        except ExtractionError as exc:
            raise BulletinsError(f"{name}.pdf: {exc}") from exc
        edited = split_edition(pdf, name)  # (no input error: the split of any PDF is total)
        edition = describe_edition(f"{name}.pdf", pdf, edited.front_matter, None)
        results.append(
            LayoutResult(
                name,
                score(truth.articles, edited.articles),
                None if truth.number is None else edition.number == truth.number,
                None if truth.date is None else edition.date == truth.date,
            )
        )
    return results


COLUMNS = (
    ("layout", ""),
    ("articles", "expected"),
    ("recovered", "title and body right"),
    ("titles", "title right"),
    ("bodies", "body right"),
    ("split", "split into several"),
    ("merged", "merged with another"),
    ("invented", "produced, matching none"),
    ("sections", "section right"),
    ("cover", "number and date from the cover"),
)


def table(results: Sequence[LayoutResult]) -> str:
    """A Markdown table: one row per layout, then the totals."""
    rows = [[name for name, _ in COLUMNS], ["---"] + ["---:"] * (len(COLUMNS) - 1)]
    totals = Counter[str]()
    for result in results:
        s = result.score
        if s is None:
            rows.append(
                [display_text(result.name), f"skipped: {result.skipped}"]
                + [""] * (len(COLUMNS) - 2)
            )
            continue
        counts = {
            "articles": s.expected,
            "recovered": s.count("recovered"),
            "titles": s.count("title_right"),
            "bodies": s.count("body_right"),
            "split": s.count("split"),
            "merged": s.count("merged"),
            "invented": len(s.invented),
            "sections": s.count("section_right"),
        }
        totals.update(counts)
        cover = [v for v in (result.number_right, result.date_right) if v is not None]
        rows.append(
            [display_text(result.name)]
            + [str(counts[name]) for name, _ in COLUMNS[1:-1]]
            + [("right" if all(cover) else "wrong") if cover else "-"]
        )
    rows.append(["**total**"] + [f"**{totals[name]}**" for name, _ in COLUMNS[1:-1]] + [""])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def problems(result: LayoutResult) -> list[str]:
    """One line per expected article not recovered, and per invented article."""
    s = result.score
    if s is None:
        return []
    lines = []
    for o in s.outcomes:
        if o.recovered and not (o.split or o.merged):
            continue
        what = [
            label
            for label, bad in (
                ("title", not o.title_right),
                ("body", not o.body_right),
                ("split", o.split),
                ("merged", o.merged),
            )
            if bad
        ]
        got = "nothing" if o.produced is None else repr(o.produced.title[:60])
        shares = f"recall {o.recall:.2f}, precision {o.precision:.2f}"
        lines.append(
            f"{result.name}: {o.expected.title!r}: {', '.join(what)} (got {got}; {shares})"
        )
    lines.extend(f"{result.name}: invented {a.title[:60]!r}" for a in s.invented)
    if result.number_right is False or result.date_right is False:
        lines.append(f"{result.name}: cover number or date wrong")
    return lines


def load_floor(path: Path) -> dict[str, int]:
    """A floor file: for each PDF's name, the fewest articles it must recover (JSON object).

    :raise BulletinsError: when it cannot be read or is not such an object.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BulletinsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise BulletinsError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in data.items()
    ):
        raise BulletinsError(f"{path} must map each PDF's name to a number of articles")
    return data


def below(results: Sequence[LayoutResult], max_missed: int, floor: dict[str, int]) -> list[str]:
    """The PDFs that fail: fewer recovered articles than their floor (when the floor names
    them), else more than ``max_missed`` missed."""
    failing = []
    for result in results:
        if result.score is None:
            continue
        recovered = result.score.count("recovered")
        needed = floor.get(result.name, result.score.expected - max_missed)
        if recovered < needed:
            failing.append(f"{result.name} ({recovered} < {needed})")
    return failing


def floor_of(results: Sequence[LayoutResult]) -> dict[str, int]:
    """The articles each PDF recovers now: a floor file's content."""
    return {r.name: r.score.count("recovered") for r in results if r.score is not None}
