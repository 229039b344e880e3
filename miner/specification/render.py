"""Lay out the spec chapter and the test protocol as Word documents (python-docx).

Both are plain documents meant to be pasted into the consultant's own template: every heading
uses Word's built-in «Heading 1/2/3» styles (the template's table of contents picks them up),
guidance the consultant must replace is italic and grey, tables use the built-in «Table Grid».
A4 portrait, 2 cm margins, Arial (Liberation Sans under LibreOffice), page numbers in the footer,
a TOC field pre-filled with the headings (Word updates it on opening).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union
from miner.reporting.render_docx import FONT, HEADING_BLUE, set_styles

TEXT_W_IN = (210.0 - 2 * 20.0) / 25.4
TEXT_H_IN = 7.5  # a picture leaves room on its page for the heading above and the caption
HEADER_FILL = "EEF3FA"
BLUE, GREY = HEADING_BLUE, (0x6A, 0x73, 0x7D)
THIN, NNBSP = "\u2009", "\u202f"


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is a section of the standard, 2 a subsection."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Text:
    """A paragraph; ``guidance`` marks what the consultant writes (italic, grey); ``label`` is bold before it."""

    text: str
    guidance: bool = False
    label: str = ""
    bullet: bool = False


@dataclass(frozen=True)
class Grid:
    """A table: header and rows of display strings; ``widths`` relative column widths."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Picture:
    """A PNG picture with its caption."""

    png: bytes
    caption: str


Block = Union[Heading, Text, Grid, Picture]


def write_document(path: str | Path, title: str, subtitle: list[str], blocks: list[Block], *,
                   toc: bool = True) -> Path:
    """Write ``blocks`` as a DOCX file under a title page block; return the path.

    Example:
        >>> write_document("spec.docx", "ТЗ", ["по данным …"], [Heading("1 Общие сведения")])  # doctest: +SKIP
    """
    from docx import Document

    doc = Document()
    _setup(doc, title)
    doc.add_paragraph(title, style="Title")
    for line in subtitle:
        _run(doc.add_paragraph(), line, color=GREY)
    if toc:
        _toc(doc, [b for b in blocks if isinstance(b, Heading) and b.level <= 2])
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, Heading):
            para = doc.add_heading(block.text, level=min(block.level, 3))
            para.paragraph_format.keep_with_next = True
        elif isinstance(block, Text):
            para = _text(doc, block)
            para.paragraph_format.keep_with_next = isinstance(following, (Grid, Picture))
        elif isinstance(block, Grid):
            _grid(doc, block)
        else:
            _picture(doc, block)
    path = Path(path)
    doc.save(str(path))
    return path


def _setup(doc: Any, title: str) -> None:
    """A4, 2 cm margins, Arial with Russian proofing, blue headings, page numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    set_styles(doc, (("Normal", 10), ("Title", 20), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11),
                     ("List Bullet", 10)), "ru-RU")
    doc.core_properties.title, doc.core_properties.author = title, "miner"
    doc.core_properties.language = "ru-RU"
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    _field(footer, "PAGE", "1")
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _field(paragraph: Any, instruction: str, shown: str = "", end: bool = True) -> None:
    """Append a complex field with ``shown`` as its current result (``end=False`` leaves it open)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    char("separate")
    if shown:
        paragraph.add_run(shown)
    if end:
        char("end")


def _toc(doc: Any, headings: list[Heading]) -> None:
    """Add «Содержание» and a TOC field pre-filled with the level 1-2 headings."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    _run(doc.add_paragraph(), "Содержание", bold=True, size=12, color=BLUE)
    first = doc.add_paragraph()
    _field(first, 'TOC \\o "1-2" \\h \\z \\u', end=False)
    para = first
    for i, heading in enumerate(headings):
        para = para if i == 0 else doc.add_paragraph()
        para.paragraph_format.left_indent = Pt(0 if heading.level == 1 else 14)
        para.paragraph_format.space_after = Pt(1)
        para.add_run(heading.text).bold = heading.level == 1
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), "end")
    para.add_run()._r.append(element)
    _run(doc.add_paragraph(), "Номера страниц появятся после обновления поля (F9 в Word).", size=8, color=GREY)


def _run(para: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         color: tuple[int, int, int] | None = None) -> Any:
    from docx.shared import Pt, RGBColor

    # a number must not break from its unit or at its thousands separator: «1 %», «1 000»
    run = para.add_run(text.replace(" %", "\u00a0%").replace(THIN, NNBSP))
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor(*color)
    return run


def _text(doc: Any, block: Text) -> Any:
    para = doc.add_paragraph(style="List Bullet" if block.bullet else None)
    if block.label:
        _run(para, block.label + " ", bold=True)
    if block.guidance:
        _run(para, block.text, italic=True, color=GREY)
    else:
        _run(para, block.text)
    return para


def _grid(doc: Any, block: Grid) -> None:
    """Add a table with a shaded header repeated on each page, 8.5 pt text, fixed column widths."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    from miner.reporting.blocks import Table
    from miner.reporting.render_docx import column_widths

    widths = column_widths(Table("t", block.columns, block.rows, block.widths), TEXT_W_IN)
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for j, column in enumerate(table.columns):
        column.width = Inches(widths[j])
    for i, row in enumerate([block.columns, *block.rows]):
        for j, value in enumerate(row):
            cell = table.rows[i].cells[j]
            cell.width = Inches(widths[j])
            para = cell.paragraphs[0]
            para.paragraph_format.space_after = Pt(0)
            _run(para, str(value), bold=i == 0, size=8 if i == 0 else 8.5)
            if i == 0:
                shade = OxmlElement("w:shd")
                for key, val in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", HEADER_FILL)):
                    shade.set(qn(key), val)
                cell._tc.get_or_add_tcPr().append(shade)
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _picture(doc: Any, block: Picture) -> None:
    """Add a picture shrunk to the text width (never enlarged), with its caption below."""
    from docx.shared import Inches

    width, height = _png_size_in(block.png)
    scale = min(1.0, TEXT_W_IN / width, TEXT_H_IN / height) if width and height else 1.0
    para = doc.add_paragraph()
    para.alignment = 1
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(block.png), width=Inches(width * scale))
    caption = doc.add_paragraph(style="Caption")
    caption.alignment = 1
    _run(caption, block.caption, color=GREY)


def _png_size_in(png: bytes) -> tuple[float, float]:
    """Return a PNG's width and height in inches at its stored resolution (96 dpi when none is stored)."""
    import struct

    width, height = struct.unpack(">II", png[16:24])
    dpi = 96.0
    at = png.find(b"pHYs")
    if at > 0:
        per_metre, _, unit = struct.unpack(">IIB", png[at + 4:at + 13])
        if unit == 1 and per_metre:
            dpi = per_metre * 0.0254
    return width / dpi, height / dpi
