"""HTML mail made text as a reader sees it. lxml's HTML parser (libxml2) recovers the
broken nesting mail clients and templates write; this module only says how the tree
reads: blocks on lines of their own, table cells apart on their row's line, list items
marked, scripts and styles dropped, entities decoded, no markup kept.

The tree is walked without recursion (`iterwalk`), and in time linear in its size: an
HTML table of 20,000 rows is read in tens of milliseconds (a layout engine that aligns
columns took seconds, close to a message's reading budget)."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "center", "dd",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})
_CELL_GAP = "  "
_SPACE = re.compile(r"\s+")  # Unicode's whitespace: a no-break space too


def html_to_text(html: str) -> str:
    """The text of `html`; empty for a document with none."""
    if not html.strip():
        return ""
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        # Past 256 levels libxml2 stops reading; hundreds of unclosed <font> tags are
        # what some generators write. (Its limit with this option is a few thousand.)
        huge_tree=True,
    )
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    return _Reader().read(root)


class _Reader:
    """The text of a tree, piece by piece: a line break at each block's start and end, a
    gap before each cell but a row's first, whitespace collapsed outside `<pre>`."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._at_gap = True
        self._hidden = 0
        self._preformatted = 0
        self._cells_in_row = 0

    def read(self, root: etree._Element) -> str:
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = element.tag if isinstance(element.tag, str) else ""
            if event == "start":
                self._start(tag, element.text)
            else:
                self._end(tag, element.tail)
        lines = (line.rstrip() for line in "".join(self._pieces).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")

    def _start(self, tag: str, text: str | None) -> None:
        self._hidden += tag in _HIDDEN
        self._preformatted += tag == "pre"
        if self._hidden:
            return
        if tag == "tr":
            self._cells_in_row = 0
        if tag in _CELLS:
            self._cells_in_row += 1
            if self._cells_in_row > 1:
                self._gap()
        elif tag == "li":
            self._break()
            self._write("- ")
        elif tag in _BLOCKS:
            self._break()
        self._text(text)

    def _end(self, tag: str, tail: str | None) -> None:
        self._hidden -= tag in _HIDDEN
        self._preformatted -= tag == "pre"
        if self._hidden:
            return
        if tag in _BLOCKS and tag not in ("li", "br", "tr"):
            self._break()
        self._text(tail)

    def _text(self, text: str | None) -> None:
        if not text:
            return
        if not self._preformatted:
            text = _SPACE.sub(" ", text)
            if self._at_gap:  # a line's or a cell's start
                text = text.lstrip(" ")
        self._write(text)

    def _break(self) -> None:
        self._pieces.append("\n")
        self._at_gap = True

    def _gap(self) -> None:
        while not self._preformatted and self._pieces and not self._pieces[-1].strip(" "):
            self._pieces.pop()  # the space the source had between its cells
        if self._pieces and not self._preformatted:
            self._pieces[-1] = self._pieces[-1].rstrip(" ")
        self._pieces.append(_CELL_GAP)
        self._at_gap = True

    def _write(self, text: str) -> None:
        if text:
            self._pieces.append(text)
            self._at_gap = text.endswith("\n")
