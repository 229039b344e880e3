"""Render the report's blocks as a Word document (python-docx): A4, a table of contents, maps as PNG.

Chapters start on a new page; a picture wider than the portrait text width gets a landscape
page of its own. The table of contents is a real Word TOC field, pre-filled with the headings so
that it reads correctly before anyone updates it (Word offers to update fields on opening; F9
adds page numbers). Fonts: Arial (Liberation Sans under LibreOffice), which has Cyrillic.
"""
from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any, Sequence

from miner.language import pick
from miner.reporting.blocks import Document, Figure, Heading, Metrics, Paragraph, Table
from miner.reporting.texts import typeset_document

FONT = "Arial"
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 20.0  # millimetres
TEXT_W_IN = (PAGE_W - 2 * MARGIN) / 25.4
TEXT_H_IN = (PAGE_H - 2 * MARGIN) / 25.4
CAPTION_IN = 2.1  # room kept for the caption, and a heading with a short paragraph above the picture
HEADER_FILL = "EEF3FA"


def write_docx(document: Document, path: str | Path) -> Path:
    """Write the report as a .docx file and return its path.

    Example:
        >>> write_docx(document, "out/report.docx")  # doctest: +SKIP
    """
    from docx import Document as new_document

    document = typeset_document(document)  # numbers that do not break: «из 2 000», «(13 %)»
    doc = new_document()
    _setup(doc, document)
    _title(doc, document)
    _toc(doc, document)
    blocks = document.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            para = doc.add_heading(block.text, level=min(block.level, 3))
            para.paragraph_format.page_break_before = block.level == 1
            para.paragraph_format.keep_with_next = True
        elif isinstance(block, Paragraph):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            _paragraph(doc, block).paragraph_format.keep_with_next = isinstance(following, (Figure, Table))
        elif isinstance(block, Metrics):
            _metrics(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure):
            _figure(doc, block)
    path = Path(path)
    doc.save(str(path))
    return path


HEADING_BLUE = (0x08, 0x51, 0x9C)


def set_styles(doc: Any, sizes: Sequence[tuple[str, float]], language: str) -> None:
    """Set each named style to Arial of its size (every script, no theme fonts), the proofing
    language, and blue for titles and headings: LibreOffice and Word then agree on the look."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    for name, size in sizes:
        style = doc.styles[name]
        style.font.name, style.font.size = FONT, Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), language)
        rpr.append(lang)
        if name.startswith("Heading") or name == "Title":
            style.font.color.rgb = RGBColor(*HEADING_BLUE)


def _setup(doc: Any, document: Document) -> None:
    """A4 portrait, 2 cm margins, Arial, Russian (or English) proofing language, page numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, RGBColor

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN))
    language = pick(document.lang, "ru-RU", "en-GB")
    set_styles(doc, (("Normal", 10), ("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11),
                     ("Caption", 9)), language)
    doc.styles["Caption"].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    doc.styles["Caption"].font.italic = False
    doc.core_properties.title = document.title
    doc.core_properties.author = "miner"
    doc.core_properties.language = language
    _page_numbers(section)
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """Append a complex field (``PAGE``, ``TOC ...``) with ``shown`` as its current result."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    if shown:
        paragraph.add_run(shown)
    _field_char(paragraph, "end")


def _instruction(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)


def _field_char(paragraph: Any, kind: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _page_numbers(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(para, "PAGE", "1")


def _title(doc: Any, document: Document) -> None:
    doc.add_paragraph(document.title, style="Title")
    for line in document.subtitle:
        para = doc.add_paragraph(line)
        para.runs[0].font.color.rgb = _grey()


def _grey() -> Any:
    from docx.shared import RGBColor

    return RGBColor(0x6A, 0x73, 0x7D)


def _toc(doc: Any, document: Document) -> None:
    """Add a TOC field whose current result lists the level 1-2 headings (no page numbers yet)."""
    from docx.shared import Pt

    doc.add_paragraph(document.toc_title, style="Heading 1").paragraph_format.page_break_before = False
    headings = [h for h in document.headings if h.level <= 2]
    first = doc.add_paragraph()
    _field_char(first, "begin")
    _instruction(first, 'TOC \\o "1-2" \\h \\z \\u')
    _field_char(first, "separate")
    para = first
    for i, heading in enumerate(headings):
        if i:
            para = doc.add_paragraph()
        para.paragraph_format.left_indent = Pt(0 if heading.level == 1 else 16)
        para.paragraph_format.space_after = Pt(1)
        run = para.add_run(heading.text)
        run.bold = heading.level == 1
    _field_char(para, "end")
    hint = doc.add_paragraph(document.toc_hint)
    hint.runs[0].font.size = Pt(8)
    hint.runs[0].font.color.rgb = _grey()


def _paragraph(doc: Any, block: Paragraph) -> Any:
    from docx.shared import Pt

    para = doc.add_paragraph(block.text)
    if block.kind == "note":
        for run in para.runs:
            run.font.size = Pt(8.5)
            run.font.color.rgb = _grey()
    elif block.kind == "lead":
        for run in para.runs:
            run.font.size = Pt(11)
    return para


def _metrics(doc: Any, block: Metrics) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=2, cols=len(block.items))
    for j, (label, value) in enumerate(block.items):
        top, bottom = table.cell(0, j).paragraphs[0], table.cell(1, j).paragraphs[0]
        run = top.add_run(value)
        run.bold, run.font.size = True, Pt(14)
        run.font.color.rgb = _blue()
        small = bottom.add_run(label)
        small.font.size, small.font.color.rgb = Pt(8.5), _grey()
    doc.add_paragraph()


def _blue() -> Any:
    from docx.shared import RGBColor

    return RGBColor(0x08, 0x51, 0x9C)


def _table(doc: Any, block: Table) -> None:
    """Add a grid table: bold shaded header repeated on every page, numbers right-aligned, 8.5 pt.

    The header and one formatted body row are built with python-docx; every other row is a copy
    of that row's XML with its texts set. Going through ``table.rows[i]`` instead costs a list of
    all rows per access (quadratic: minutes for a few thousand rows).
    """
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Inches

    columns = len(block.columns)
    table = doc.add_table(rows=1 + bool(block.rows), cols=columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    numeric = block.numeric or (False,) * columns
    inches = column_widths(block, TEXT_W_IN)
    for j, column in enumerate(table.columns):
        column.width = Inches(inches[j])  # the grid: LibreOffice lays tables out by it
    _fixed_layout(table)
    rows = list(table.rows)
    _fill_row(rows[0], block.columns, inches, numeric, header=True)
    _repeat_header(rows[0])
    if block.rows:
        template = rows[1]._tr
        _fill_row(rows[1], ("\u200b",) * columns, inches, numeric, header=False)
        texts = list(template.iter(_qn("w:t")))
        body = template.getparent()
        body.remove(template)
        for values in block.rows:
            for t, value, num in zip(texts, values, numeric):
                t.text = _xml_text(str(value).replace(THIN, NNBSP) if num else str(value))
            body.append(copy.deepcopy(template))
    doc.add_paragraph().paragraph_format.space_after = 0


def _fill_row(row: Any, values: Sequence[str], inches: list[float], numeric: Sequence[bool], *,
              header: bool) -> None:
    """Write one row's cells: width, one run of text, 8 pt bold shaded (header) or 8.5 pt."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    for j, (cell, value) in enumerate(zip(row.cells, values)):
        cell.width = Inches(inches[j])
        para = cell.paragraphs[0]
        para.paragraph_format.space_after = Pt(0)
        # a number must not break at its thin-space thousands separator
        run = para.add_run(_xml_text(str(value).replace(THIN, NNBSP) if numeric[j] else str(value)))
        run.font.size = Pt(8 if header else 8.5)
        run._r.find(_qn("w:t")).set(_qn("xml:space"), "preserve")
        if header:
            run.bold = True
            _shade(cell, HEADER_FILL)
        elif numeric[j]:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


_CONTROL = dict.fromkeys(i for i in range(32) if i not in (9, 10, 13))


def _xml_text(text: str) -> str:
    """Drop control characters XML cannot hold (a 1C export can carry them in a name)."""
    return text.translate(_CONTROL)


THIN, NNBSP = "\u2009", "\u202f"
CHAR_IN, BOLD_CHAR_IN, CELL_PAD_IN = 0.066, 0.074, 0.2  # Arial 8.5 pt / bold 8 pt, average Cyrillic


def column_widths(block: Table, total: float) -> list[float]:
    """Return column widths in inches: the table's proportions, widened so no word is cut.

    A column gets at least the width of its longest word (a whole number in numeric columns);
    the room comes from the columns with width to spare.

    Example:
        >>> t = Table("t", ("№", "Случаев"), (("1", "1 000"),), widths=(0.2, 0.4))
        >>> [round(w, 2) for w in column_widths(t, 6.0)]
        [2.0, 4.0]
    """
    n = len(block.columns)
    rel = list(block.widths) if len(block.widths) == n else [1.0] * n
    widths = [total * w / sum(rel) for w in rel]
    numeric = block.numeric or (False,) * n
    need = []
    for j in range(n):
        header = max((len(w) for w in block.columns[j].split()), default=1) * BOLD_CHAR_IN
        cells = [str(row[j]) for row in block.rows[:300]]
        words = [len(c) for c in cells] if numeric[j] else [len(w) for c in cells for w in c.split()]
        need.append(max([header] + [k * CHAR_IN for k in words]) + CELL_PAD_IN)
    if sum(need) >= total:
        return [total * k / sum(need) for k in need]
    short = [j for j in range(n) if widths[j] < need[j]]
    while short:
        lack = sum(need[j] - widths[j] for j in short)
        for j in short:
            widths[j] = need[j]
        spare = {j: widths[j] - need[j] for j in range(n) if widths[j] > need[j]}
        room = sum(spare.values())
        for j, extra in spare.items():
            widths[j] -= lack * extra / room
        short = [j for j in range(n) if widths[j] < need[j] - 1e-9]
    return widths


def _fixed_layout(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def picture_size(width: float, height: float) -> tuple[bool, float]:
    """Return (landscape page?, width in inches) for a picture of natural size ``width`` x ``height``.

    Pictures are shrunk to fit the text area (never enlarged); a landscape page is used when the
    picture would be at least 10 % larger on it.

    Example:
        >>> picture_size(5.0, 4.0)
        (False, 5.0)
        >>> picture_size(12.0, 4.0)[0]
        True
    """
    portrait = min(1.0, TEXT_W_IN / width, (TEXT_H_IN - CAPTION_IN) / height) if width and height else 1.0
    landscape = min(1.0, TEXT_H_IN / width, (TEXT_W_IN - 0.8) / height) if width and height else 1.0
    if landscape > portrait * 1.1:
        return True, width * landscape
    return False, width * portrait


def _figure(doc: Any, block: Figure) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    landscape, width = picture_size(block.width, block.height)
    if landscape:
        _new_section(doc, landscape=True)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(block.png), width=Inches(width))
    caption = doc.add_paragraph(block.caption, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if landscape:
        _new_section(doc, landscape=False)


def _new_section(doc: Any, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(PAGE_H), Mm(PAGE_W)) if landscape else (Mm(PAGE_W), Mm(PAGE_H))
