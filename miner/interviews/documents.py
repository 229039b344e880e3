"""Write an interview guide as Markdown and as a Word document to print and write answers in.

The DOCX is A4 with a heading per department (each on a new page), numbered questions, the
data line under each question in smaller grey text, and ruled lines for the answer.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from miner.interviews.texts import EVENT_FORMS, LABELS, things
from miner.language import Lang, pick, polish

if TYPE_CHECKING:
    from miner.interviews.model import InterviewGuide, Question, Section

ANSWER_LINES = 3
GREY = (0x70, 0x70, 0x70)


def _intro(guide: InterviewGuide) -> list[str]:
    """The lines under the title: source, size, period, how to use, declared, pseudonyms."""
    from miner.interviews.texts import Words, case_words

    label = LABELS[guide.lang]
    words: Words = case_words({}, 0, guide.lang)
    period = (f"{guide.start:%d.%m.%Y} – {guide.end:%d.%m.%Y}" if guide.start is not None and guide.end is not None
              else "–")
    lines = [label["about"].format(source=guide.source or pick(guide.lang, "таблица в памяти", "DataFrame"), cases=words.n(guide.cases),
                                   events=things(guide.events, *EVENT_FORMS, guide.lang), period=period)]
    if guide.declared:
        lines.append(label["declared"].format(names=", ".join(guide.declared)))
    if guide.pseudonymized:
        lines.append(label["pseudonymized"])
    lines.append(label["how"])
    return [polish(line, guide.lang) for line in lines]


def _data_line(question: Question, lang: Lang, *, hyphen: str = "-") -> str:
    """The grey line: the data, then the example case ids (``hyphen`` replaces theirs)."""
    label = LABELS[lang]
    text = polish(question.data, lang)
    if question.examples:
        ids = ", ".join(e.replace("-", hyphen) for e in question.examples)
        text += ("; " if text else "") + f"{label['examples']}: {ids}"
    return text


def _groups(section: Section, lang: Lang) -> list[tuple[str, tuple[Question, ...]]]:
    label = LABELS[lang]
    return [(label[key], questions) for key, questions in (("work", section.work), ("data", section.deviations))
            if questions]


def render_markdown(guide: InterviewGuide) -> str:
    """Return the guide as Markdown: a ``##`` per department, numbered questions, data in italics."""
    label = LABELS[guide.lang]
    out = [f"# {label['title']}", ""]
    out += [line + "  " for line in _intro(guide)] + [""]
    for section in guide.sections:
        out += [f"## {section.title}", ""]
        number = 0
        for heading, questions in _groups(section, guide.lang):
            out += [f"### {heading}", ""]
            for question in questions:
                number += 1
                out.append(f"{number}. **{polish(question.text, guide.lang)}**  ")
                data = _data_line(question, guide.lang)
                if data:
                    out.append(f"   *{label['data_prefix']}{_escape(data)}*  ")
                out.append(f"   {label['answer']} ")
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def _escape(text: str) -> str:
    """Keep Markdown from reading ``*`` and ``_`` in the data as emphasis."""
    return text.replace("*", r"\*").replace("_", r"\_")


def write_markdown(guide: InterviewGuide, path: str | Path) -> Path:
    """Write ``interview.md`` (UTF-8)."""
    path = Path(path)
    path.write_text(render_markdown(guide), encoding="utf-8")
    return path


def write_docx(guide: InterviewGuide, path: str | Path) -> Path:
    """Write ``interview.docx``: A4, a heading per department, numbered questions, room to answer.

    Example:
        >>> write_docx(guide, "out/interview.docx")  # doctest: +SKIP
    """
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    _page(doc.sections[0], Cm)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10.5)
    label = LABELS[guide.lang]
    doc.add_heading(label["title"], level=0)
    for line in _intro(guide):
        doc.add_paragraph(line)
    for i, section in enumerate(guide.sections):
        heading = doc.add_heading(section.title, level=1)
        heading.paragraph_format.page_break_before = i > 0  # one head of department per sheet
        number = 0
        for title, questions in _groups(section, guide.lang):
            doc.add_heading(title, level=2)
            for question in questions:
                number += 1
                _question(doc, number, question, guide.lang)
    path = Path(path)
    doc.save(str(path))
    return path


def _page(section: Any, cm: Any) -> None:
    """A4 portrait with 2 cm margins (python-docx starts with US Letter)."""
    section.page_width, section.page_height = cm(21.0), cm(29.7)
    section.left_margin = section.right_margin = cm(2.0)
    section.top_margin = section.bottom_margin = cm(1.8)


def _question(doc: Any, number: int, question: Question, lang: Lang) -> None:
    """The numbered question in bold, the grey data line, then ruled answer lines."""
    from docx.shared import Cm, Pt, RGBColor

    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.left_indent, fmt.first_line_indent = Cm(0.75), Cm(-0.75)
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(8), Pt(2), True
    para.add_run(f"{number}.\t").bold = True
    para.add_run(polish(question.text, lang)).bold = True
    data = _data_line(question, lang, hyphen="\u2011")  # a non-breaking hyphen keeps «ЗК-001212» whole
    if data:
        line = doc.add_paragraph()
        line.paragraph_format.left_indent = Cm(0.75)
        line.paragraph_format.space_after = Pt(2)
        line.paragraph_format.keep_with_next = True
        run = line.add_run(LABELS[lang]["data_prefix"] + data)
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(*GREY)
    for i in range(ANSWER_LINES):
        _ruled(doc, last=i == ANSWER_LINES - 1)


def _ruled(doc: Any, *, last: bool) -> None:
    """An empty paragraph with a light bottom border: a line to write the answer on."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.left_indent = Cm(0.75)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = Pt(20)
    fmt.keep_with_next = not last
    borders = OxmlElement("w:pBdr")
    # Word draws one box around adjacent paragraphs with equal borders: "between" keeps each line.
    for side in ("w:bottom", "w:between"):
        line = OxmlElement(side)
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "BFBFBF")):
            line.set(qn(key), value)
        borders.append(line)
    para._p.get_or_add_pPr().append(borders)
