"""The report as a list of blocks (headings, paragraphs, tables, figures) that HTML and DOCX both render.

Composing the report once, as blocks in the chosen language, keeps the two outputs identical in
content; :mod:`miner.reporting.render_html` and :mod:`miner.reporting.render_docx` only lay them out.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal, Sequence, Union

import pandas as pd

from miner.language import Lang


@dataclass(frozen=True)
class Heading:
    """A section title; level 1 is a chapter (starts a new page in DOCX); ``key`` is a fixed HTML id."""

    text: str
    level: int = 1
    key: str = ""

    @property
    def anchor(self) -> str:
        """An id for links from the table of contents: ``key``, else the section number («sec-2-1»)."""
        if self.key:
            return self.key
        number = self.text.split(" ", 1)[0].rstrip(".")
        if re.fullmatch(r"\d+(\.\d+)*", number):
            return "sec-" + number.replace(".", "-")
        return "sec-" + hashlib.md5(self.text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``kind`` is ``"text"``, ``"lead"`` (a summary line) or ``"note"`` (small, grey)."""

    text: str
    kind: Literal["text", "lead", "note"] = "text"


@dataclass(frozen=True)
class Metrics:
    """Key numbers shown side by side: ``(label, value)`` pairs."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table of display strings; ``export`` (raw values, same headers) goes to CSV/XLSX as ``name``.

    ``widths`` are relative column widths; ``numeric`` marks right-aligned columns.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    numeric: tuple[bool, ...] = ()
    export: pd.DataFrame | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Figure:
    """A map or chart: SVG for HTML, PNG for DOCX, natural size in inches, a caption."""

    stem: str
    svg: str
    png: bytes
    width: float
    height: float
    caption: str


Block = Union[Heading, Paragraph, Metrics, Table, Figure]


@dataclass(frozen=True)
class Document:
    """The whole report: title, subtitle lines and the blocks in order."""

    title: str
    subtitle: tuple[str, ...]
    blocks: tuple[Block, ...]
    lang: Lang = "ru"
    toc_title: str = ""
    toc_hint: str = ""

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Heading))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Figure))


def svg_size(svg: str) -> tuple[float, float]:
    """Return the natural size of an SVG in inches from its ``width``/``height`` (pt, px, in).

    Example:
        >>> svg_size('<svg width="144pt" height="72pt" viewBox="0 0 144 72">')
        (2.0, 1.0)
    """
    head = svg[svg.find("<svg"):][:2000]
    sizes = []
    for attr in ("width", "height"):
        m = re.search(rf'\b{attr}="([\d.]+)\s*(pt|px|in|)"', head)
        if not m:
            sizes.append(0.0)
            continue
        value, unit = float(m.group(1)), m.group(2)
        sizes.append(value / {"pt": 72, "px": 96, "in": 1}.get(unit, 96))
    return sizes[0], sizes[1]


def make_table(name: str, frame: pd.DataFrame, formats: Sequence, *, widths: Sequence[float] = (),
               numeric: Sequence[bool] = ()) -> Table:
    """Build a Table from ``frame``: one formatter per column turns each value into display text.

    ``frame``'s column names are the headers shown; the raw frame is kept for export.

    Example:
        >>> t = make_table("x", pd.DataFrame({"Случаев": [1000]}), [str])
        >>> t.rows
        (('1000',),)
    """
    rows = tuple(tuple(fmt(v) for fmt, v in zip(formats, row))
                 for row in frame.itertuples(index=False, name=None))
    return Table(name, tuple(str(c) for c in frame.columns), rows, tuple(widths), tuple(numeric), frame)
