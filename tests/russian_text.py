"""Read what a person reads in miner's outputs and find what is not correct Russian typesetting.

Used by ``tests/test_russian_outputs.py`` on the demo's report, interview guide and findings:

- ``latin_words``: Latin words in Russian text, except names a person knows as they are
  (Excel, CRM, file names, ids);
- ``disagreements``: a number followed by a counted noun in the wrong form («6 983 событий»),
  judged by the CLDR plural rules and the OpenCorpora dictionary — independent of the code under test;
- ``broken_numbers``: digit groups or ``%`` joined by a space a line may break at.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

# Names that are written in Latin letters in Russian text too.
ALLOWED = {"Excel", "CRM", "BPMN", "YAML", "XES", "CSV", "XLSX", "Parquet", "Word", "F9", "DataFrame", "PDF", "Jupyter"}
# Tokens that are file names, encodings, folders or ids: kept as they are.
_TECHNICAL = re.compile(r"^(\S+\.(csv|xlsx|xls|yaml|yml|json|bpmn|xes|parquet|txt|svg|png|docx|html|gv)|"
                        r"cp\d+|utf-?8|1Cv8\w*|\S*[_:]\S*|.*\d.*|[A-Z]{1,3})$", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-./:]*[A-Za-z0-9]|[A-Za-z]")

# Counted nouns whose form after a number is checked.
NOUNS = ("событие", "случай", "вариант", "действие", "строка", "заказ", "заявка", "договор", "сделка",
         "обращение", "шаг", "переход", "сотрудник", "подразделение", "раз", "человек", "файл", "клиент")
_NUMBER = r"(?<![\d.,:/\-])(\d{1,3}(?:[\u202f\u00a0 \u2009]\d{3})*|\d+)(?:,\d+)?"
_COUNTED = re.compile(_NUMBER + r"[\u00a0\u202f ]([а-яё]+)(?:[\u00a0 ]([а-яё]+))?", re.I)
_PREPOSITION = re.compile(r"(?:^|[\s(«*])(в|во|на|о|об|при|из|от|до|у|без|для|около|после|с|со|по|к|за|между|"
                          r"через|над|под|перед|среди|кроме)[\u00a0 ]*$", re.I)


def text_of_html(page: str, *, pictures: bool = True) -> list[str]:
    """Return the visible text of an HTML report: paragraphs, cells, captions (and SVG text and titles)."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)  # code and embedded data: not read by a person
    if not pictures:
        page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<(td|th|p|h\d|li|figcaption|title|text|div)\b", "\n<\\1", page)
    page = re.sub(r"<[^>]+>", "", page)
    return [line.strip() for line in html.unescape(page).splitlines() if line.strip()]


def text_of_docx(path: Path) -> list[str]:
    """Return the paragraphs and table cells of a DOCX."""
    from docx import Document

    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return [line for line in lines if line.strip()]


def text_of_svg(svg: str) -> list[str]:
    """Return the texts and hover titles of a map or chart."""
    found = re.findall(r"<(?:text|title)\b[^>]*>([^<]*)</(?:text|title)>", svg)
    found += re.findall(r'xlink:title="([^"]*)"', svg)
    return [html.unescape(t).strip() for t in found if t.strip()]


def latin_words(line: str) -> list[str]:
    """Return the Latin words of ``line`` that are neither allowed names nor technical tokens."""
    return [w for w in _WORD.findall(line) if w not in ALLOWED and not _TECHNICAL.match(w)]


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def _rule() -> Any:
    from babel import Locale

    return Locale("ru").plural_form


def _expected(number: str, preposition: str | None) -> set[tuple[str, str]]:
    """The (number, case) pairs a noun may take after ``number`` in this context."""
    value = float(re.sub(r"\s", "", number.replace("\u202f", "").replace("\u00a0", "")).replace(",", "."))
    category = _rule()(value)
    if preposition is None or preposition.lower() in ("через", "за", "на", "под", "над", "перед", "с", "со"):
        # nominative/accusative after the number (prepositions taking the accusative too)
        nominative = {"one": {("sing", "nomn"), ("sing", "accs")}, "few": {("sing", "gent")},
                      "other": {("sing", "gent")}}.get(category, {("plur", "gent")})
        if preposition is None:
            return nominative
        return nominative | {("sing" if category == "one" else "plur", "ablt")}
    number_ = "sing" if category == "one" else "plur"
    return {(number_, case) for case in ("gent", "datv", "ablt", "loct")} | {(number_, "gen2"), (number_, "loc2")}


def _counted_noun(word: str) -> list[Any]:
    return [p for p in _morph().parse(word) if p.tag.POS == "NOUN" and p.normal_form in NOUNS]


def disagreements(line: str) -> list[str]:
    """Return «number noun» pairs in ``line`` whose noun form does not agree with the number."""
    out = []
    for match in _COUNTED.finditer(line):
        number, first, second = match.group(1), match.group(2).lower(), (match.group(3) or "").lower()
        parses = _counted_noun(first)
        if not parses and second and any(p.tag.POS == "ADJF" for p in _morph().parse(first)):
            parses = _counted_noun(second)  # «4 различных действия»: the noun after the adjective
        if not parses:
            continue
        before = _PREPOSITION.search(line[:match.start()])
        wanted = _expected(number, before.group(1) if before else None)
        lemma = parses[0].normal_form
        if lemma in ("человек", "раз") and _rule()(float(re.sub(r"\D", "", number))) == "many":
            wanted |= {("plur", "gent"), ("sing", "nomn")}  # «5 человек», «5 раз»: counted forms
        if not any((p.tag.number, p.tag.case) in wanted for p in parses):
            out.append(match.group(0))
    return out


_BROKEN = re.compile(r"(?<![\d.,:])\d{1,3}(?:[ \u2009]\d{3})+(?!\d)|\d[ \u2009]%|\u2009")


def broken_numbers(line: str) -> list[str]:
    """Return numbers of ``line`` that can break across lines: «2 000», «13 %» with a plain or thin space."""
    return _BROKEN.findall(line)
