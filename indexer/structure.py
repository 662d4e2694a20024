"""The structure a tagged PDF carries: which text is a heading, which a paragraph.

A tagged PDF (Word's "accessible" export, InDesign's, a browser's ``--export-tagged-pdf``)
marks each run of text in a page's content with a number (``/MCID``) and keeps, in its
structure tree (``/StructTreeRoot``), elements of standard types (``H1``…``H6``, ``P``, ``L``,
``Figure``...) that point at those numbers. Here the tree is walked once per document into a
map from (page, number) to type, with the document's own type names (``/RoleMap``) turned into
standard ones, and the page aggregator notes on each character the number it was drawn
under. Part of extraction: only it reads PDFs.

The walk is bounded: every object is visited once and at most ``MAX_ELEMENTS`` elements are
read, so a tree that refers to itself, or a huge one, cannot hang or exhaust memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psparser import PSLiteral

MAX_ELEMENTS = 200_000
MAX_ROLE_HOPS = 8  # a /RoleMap chain (Title → Heading1 → H1) is followed this far
# types that group or wrap text without saying what it is: the text keeps its parent's type
_WRAPPERS = frozenset(
    {"Document", "DocumentFragment", "Part", "Art", "Sect", "Div", "NonStruct", "Private"}
    | {"Span", "Quote", "Note", "Reference", "Link", "Annot", "Em", "Strong", "Sub"}
)


class TaggingAggregator(PDFPageAggregator):
    """pdfminer's page aggregator, noting on each character the marked-content number it was
    drawn under (``char.mcid``; absent when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marks: list[int | None] = []
        self._forms = 0  # form XObjects being drawn: their marks number their own stream

    def begin_tag(self, tag: PSLiteral, props: Any = None) -> None:
        mcid = props.get("MCID") if isinstance(props, dict) else None
        inherited = self._marks[-1] if self._marks else None
        self._marks.append(mcid if isinstance(mcid, int) else inherited)

    def end_tag(self) -> None:
        if self._marks:
            self._marks.pop()

    def begin_figure(self, *args: Any, **kwargs: Any) -> None:
        self._forms += 1
        super().begin_figure(*args, **kwargs)

    def end_figure(self, *args: Any, **kwargs: Any) -> None:
        self._forms = max(0, self._forms - 1)
        super().end_figure(*args, **kwargs)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        advance = super().render_char(*args, **kwargs)
        mcid = self._marks[-1] if self._marks and not self._forms else None
        if mcid is not None:
            char = self.cur_item._objs[-1]
            if isinstance(char, LTChar):
                char.mcid = mcid  # type: ignore[attr-defined]
        return advance

    def get_result(self) -> Any:
        self._marks.clear()  # a page that leaves a sequence open does not mark the next
        self._forms = 0
        return super().get_result()


def structure_types(
    document: PDFDocument, pages: Mapping[object, int]
) -> dict[tuple[int, int], str]:
    """(page number, marked-content number) → the standard type of the structure element
    that holds it, for a tagged PDF (empty for any other, or one whose tree cannot be read).
    ``pages`` maps each page object's id to its 1-based number."""
    root = _resolve(document.catalog.get("StructTreeRoot"))
    if not isinstance(root, dict):
        return {}
    role_map = _resolve(root.get("RoleMap"))
    roles = role_map if isinstance(role_map, dict) else {}
    found: dict[tuple[int, int], str] = {}
    seen: set[int] = set()
    # (node, the type of the element it is in, the page it inherits)
    stack: list[tuple[Any, str, int | None]] = [(root.get("K"), "", None)]
    visited = 0
    while stack and visited < MAX_ELEMENTS:
        node, kind, page = stack.pop()
        visited += 1
        if isinstance(node, PDFObjRef):
            if node.objid in seen:
                continue
            seen.add(node.objid)
            node = _resolve(node)
        if isinstance(node, list):
            stack.extend((kid, kind, page) for kid in reversed(node[:MAX_ELEMENTS]))
        elif isinstance(node, int):
            if page is not None and kind:
                found.setdefault((page, node), kind)
        elif isinstance(node, dict):
            page = _page_of(node.get("Pg"), pages, page)
            if "MCID" in node:  # a marked-content reference (in a form's stream: left out)
                mcid = _resolve(node.get("MCID")) if "Stm" not in node else None
                if isinstance(mcid, int) and page is not None and kind:
                    found.setdefault((page, mcid), kind)
                continue
            own = _standard(_name(node.get("S")), roles)
            stack.append((node.get("K"), kind if own in _WRAPPERS or not own else own, page))
    return found


def _standard(name: str, roles: Mapping[str, Any]) -> str:
    for _ in range(MAX_ROLE_HOPS):
        mapped = _name(roles.get(name)) if name in roles else ""
        if not mapped or mapped == name:
            break
        name = mapped
    return name


def _page_of(ref: Any, pages: Mapping[object, int], inherited: int | None) -> int | None:
    return pages.get(ref.objid, inherited) if isinstance(ref, PDFObjRef) else inherited


def _name(value: Any) -> str:
    value = _resolve(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    return value.decode("latin-1") if isinstance(value, bytes) else ""


def _resolve(value: Any) -> Any:
    for _ in range(8):
        if not isinstance(value, PDFObjRef):
            return value
        value = value.resolve()
    return None
