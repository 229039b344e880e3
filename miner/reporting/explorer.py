"""Explore the map offline: the interactive process map of report.html and of notebooks (CONTRACTS §10).

An explorer is a block of plain HTML: a slider over the map's simplification levels (each laid
out by Graphviz here, :mod:`miner.reporting.explorer_maps`), a period, the case list of what was
clicked, the variants and, for a comparison, the deviations; one JSON of the cases' variants
(:mod:`miner.reporting.explorer_data`) and ~20 KB of our own JavaScript and CSS
(``explorer.js``/``explorer.css``, package data) make it work. Nothing is fetched. The static
map of the default level is in the page as it is, so a viewer that strips scripts (an untrusted
notebook in JupyterLab) still shows the map; the other levels live inside the JSON.

Every id of an explorer starts with its prefix (``explore`` in report.html, ``explore-cmp`` for
the comparison map, a random ``explore-…`` per notebook output), so explorers never collide.
"""
from __future__ import annotations

import base64
import gzip
import html
import uuid
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from miner.discovery.dfg import CodedLog, Variants, variants
from miner.reporting.explorer_data import deviation_entries, deviations_of, to_script, variant_table
from miner.reporting.explorer_maps import Level, comparison_levels, frequency_levels
from miner.language import Lang


TEXTS = {
    "ru": {"heading": "Исследовать карту", "level": "Подробность карты", "period": "Период случаев:",
           "from": "с", "to": "по", "reset": "Весь период", "copy": "Скопировать все номера",
           "clear": "Сбросить выбор", "zoom": "Масштаб: по ширине / 100\u00a0%", "variants": "Варианты, самые частые сверху",
           "deviations": "Отклонения от описания", "all": "Все случаи",
           "modes": (("start", "начались в периоде"), ("end", "закончились в периоде"),
                     ("within", "целиком в периоде"), ("overlap", "шли в периоде")),
           "hint": "Щёлкните переход или действие: справа появятся номера его случаев. Вариант или отклонение "
                   "справа оставляет на карте только свой путь.",
           "lead": "Сдвиньте ползунок: влево — только основной поток, вправо — все действия и переходы. "
                   "Карта работает без интернета, прямо в этом файле.",
           "static": "Это статичная карта. Интерактивная (ползунок, случаи по щелчку) работает, когда "
                     "скрипты разрешены: в блокноте Jupyter — когда блокнот отмечен как доверенный."},
    "en": {"heading": "Explore the map", "level": "Map detail", "period": "Cases' period:",
           "from": "from", "to": "to", "reset": "Whole period", "copy": "Copy all ids",
           "clear": "Clear selection", "zoom": "Zoom: fit / 100 %", "variants": "Variants, most frequent first",
           "deviations": "Deviations from the description", "all": "All cases",
           "modes": (("start", "started in the period"), ("end", "ended in the period"),
                     ("within", "wholly in the period"), ("overlap", "ran in the period")),
           "hint": "Click a path or an activity to list its cases on the right. A variant or a deviation "
                   "on the right leaves only its route lit on the map.",
           "lead": "Move the slider: left shows the main flow, right every activity and path. The map works "
                   "offline, inside this file.",
           "static": "This is a static map. The interactive one (slider, cases on click) works where scripts "
                     "run: in Jupyter, in a trusted notebook."},
}


@lru_cache(maxsize=None)
def assets() -> tuple[str, str]:
    """Return the explorer's JavaScript and CSS (package data of ``miner.reporting``)."""
    folder = resources.files("miner.reporting")
    return ((folder / "explorer.js").read_text(encoding="utf-8"),
            (folder / "explorer.css").read_text(encoding="utf-8"))


def explorer_html(coded: CodedLog, prefix: str, *, lang: Lang = "ru", part: Any = None,
                  findings: dict[str, Any] | None = None, process: str | None = None,
                  replaces: str | None = None, found: Variants | None = None) -> str:
    """Return one explorer as an HTML block (without the script and style; see :func:`standalone`).

    Args:
        coded: the log whose cases the lists show (a comparison's ``part.coded``, names as declared).
        prefix: the explorer's id prefix, unique on the page (``explore`` in report.html).
        lang: language of the texts.
        part: a ``Comparison.parts[i]``: draw its declared-vs-real map instead of the frequency map.
        findings: findings.json as a dict, for the deviations list (with ``part`` only).
        process: keep only the findings of this declared process (several descriptions).
        replaces: the id of a static figure of the same map on the page: hidden on screen while
            the explorer runs, shown in print (where the explorer is not).
        found: the variants of ``coded`` when already computed (a prepared log's, a part's).

    Example:
        >>> block = explorer_html(encode(log), "explore")  # doctest: +SKIP
        >>> 'id="explore-level"' in block  # doctest: +SKIP
        True
    """
    levels, start = (frequency_levels(coded, prefix, lang) if part is None
                     else comparison_levels(part, prefix, lang))
    found = found if found is not None else (getattr(part, "found", None) or variants(coded))
    data: dict[str, Any] = {"lang": lang, **variant_table(coded, found), "start": start,
                            "levels": [_level_data(level, part is None, i == start) for i, level in enumerate(levels)]}
    if part is not None:
        data["devs"] = deviation_entries(deviations_of(findings or {}, process), coded, found)
    root = _markup(prefix, levels, start, data, lang, with_deviations=part is not None)
    return root.replace(' data-prefix=', f' data-replaces="{_e(replaces)}" data-prefix=', 1) if replaces else root


def _level_data(level: Level, project: bool, static: bool) -> dict[str, Any]:
    """Return a level as the JSON holds it; the static level's SVG is already in the page."""
    z = None if static else base64.b64encode(gzip.compress(level.svg.encode("utf-8"), mtime=0)).decode("ascii")
    return {"acts": list(level.activities), "proj": project, "text": level.text, "note": level.note, "z": z}


def _markup(p: str, levels: list[Level], start: int, data: dict[str, Any], lang: Lang,
            with_deviations: bool) -> str:
    """Lay out the controls, the static map and the embedded data of one explorer."""
    t = TEXTS[lang]
    first, last = _date_bounds(data)
    modes = "".join(f'<option value="{v}">{_e(text)}</option>' for v, text in t["modes"])
    level = levels[start]
    deviations = (f'<h4>{_e(t["deviations"])}</h4><ol id="{p}-deviations" class="mx-list"></ol>'
                  if with_deviations else "")
    return f"""<div class="mx-explorer" data-prefix="{p}">
<div class="mx-bar" data-mx-hidden hidden><label for="{p}-level">{_e(t["level"])}</label>
<input type="range" id="{p}-level" min="0" max="{len(levels) - 1}" step="1" value="{start}">
<span id="{p}-level-text" class="mx-level-text">{_e(level.text)}</span></div>
<div class="mx-bar" data-mx-hidden hidden><span>{_e(t["period"])}</span>
<label>{_e(t["from"])} <input type="date" id="{p}-from" min="{first}" max="{last}"></label>
<label>{_e(t["to"])} <input type="date" id="{p}-to" min="{first}" max="{last}"></label>
<select id="{p}-mode">{modes}</select> <button type="button" id="{p}-reset">{_e(t["reset"])}</button>
<button type="button" id="{p}-zoom">{_e(t["zoom"])}</button></div>
<div class="mx-body"><div><div class="mx-map" id="{p}-map">{level.svg}</div>
<p class="mx-hint" data-mx-hidden hidden>{_e(t["hint"])}</p>
<p class="mx-static-note" id="{p}-static">{_e(t["static"])}</p></div>
<div class="mx-side" data-mx-hidden hidden><div class="mx-what" id="{p}-what">{_e(t["all"])}</div>
<div class="mx-total"><span id="{p}-count"></span> <span id="{p}-count-word"></span></div>
<div id="{p}-cases" class="mx-cases"></div><div id="{p}-more" class="mx-more"></div>
<div id="{p}-partial" class="mx-partial"></div>
<button type="button" id="{p}-copy">{_e(t["copy"])}</button> <button type="button" id="{p}-clear">{_e(t["clear"])}</button>
<span id="{p}-copied" class="mx-more"></span>{deviations}
<h4>{_e(t["variants"])}</h4><ol id="{p}-variants" class="mx-list"></ol></div></div>
<script type="application/json" id="{p}-data">{to_script(data)}</script>
</div>"""


def _date_bounds(data: dict[str, Any]) -> tuple[str, str]:
    """Return the first and last day of the log as ISO dates (for the date inputs' limits)."""
    import datetime as dt

    ends = [s + span for v in data["v"] for s, span in zip(v[2], v[3])]
    epoch = dt.date(1970, 1, 1)
    first = epoch + dt.timedelta(days=int(data["d0"]))
    last = first + dt.timedelta(days=max(ends, default=0))
    return first.isoformat(), last.isoformat()


def standalone(block: str) -> str:
    """Return an explorer block with its style and script, fit for a notebook output."""
    script, style = assets()
    return f"<style>{style}</style>\n{block}\n<script>{script}</script>"


def discovery_html(discovery: Any, lang: Lang = "ru") -> str:
    """Return the HTML a notebook shows for a ``Discovery``: the explorer, the static map without scripts.

    Example:
        >>> discovery_html(miner.discover(log))[:40]  # doctest: +SKIP
    """
    coded = getattr(discovery, "coded", None)
    if coded is None:
        return discovery.frequency.svg()
    return standalone(explorer_html(coded, _scope(), lang=lang))


def comparison_html(comparison: Any) -> str:
    """Return the explorers of a ``Comparison``'s declared-vs-real maps (one per description)."""
    findings = comparison.to_dict()
    many = len(comparison.parts) > 1
    blocks = [explorer_html(p.coded, _scope(), lang=comparison.lang, part=p, findings=findings,
                            process=p.declared.process if many else None) for p in comparison.parts]
    return standalone("\n".join(blocks))


def _scope() -> str:
    """Return a fresh id prefix, so two notebook outputs never share ids."""
    return f"explore-{uuid.uuid4().hex[:10]}"


def add_explorer(report_html: str | Path, coded: CodedLog, comparison: Any = None, lang: Lang = "ru",
                 found: Variants | None = None) -> Path:
    """Add the explorer section (``id="explore"``) to a written report.html, and one per overlay map.

    The section goes after the frequency map (before section 2.2, with a line in the table of
    contents); a comparison explorer goes after each overlay map of section 3. The page's style
    and script are added once.

    Args:
        report_html: the report file, changed in place.
        coded: the report's coded log.
        comparison: the report's ``Comparison``, or None.
        lang: language of the texts.

    Returns:
        The path of the report.

    Example:
        >>> add_explorer("out/report.html", encode(log))  # doctest: +SKIP
    """
    path = Path(report_html)
    page = path.read_text(encoding="utf-8")
    t = TEXTS[lang]
    section = (f'<section id="explore"><h2>{_e(t["heading"])}</h2><p>{_e(t["lead"])}</p>\n'
               f'{explorer_html(coded, "explore", lang=lang, replaces="fig-map", found=found)}\n</section>')
    page = _insert(page, '<h2 id="sec-2-2"', section, before=True)
    page = _insert(page, '<li class="l2"><a href="#sec-2-2"',
                   f'<li class="l2"><a href="#explore">{_e(t["heading"])}</a></li>', before=True, required=False)
    if comparison is not None:
        findings = comparison.to_dict()
        many = len(comparison.parts) > 1
        for i, part in enumerate(comparison.parts):
            prefix, stem = ("explore-cmp", "comparison") if i == 0 else (f"explore-cmp{i + 1}", f"comparison_{i + 1}")
            figure = next((f"fig-{n}" for n in (stem, f"{stem}_full") if f'<figure id="fig-{n}"' in page), None)
            block = explorer_html(part.coded, prefix, lang=lang, part=part, findings=findings,
                                  process=part.declared.process if many else None, replaces=figure)
            page = _after_figure(page, figure, block)
    script, style = assets()
    page = _insert(page, "</head>", f"<style>{style}</style>\n", before=True)
    page = _insert(page, "</body>", f"<script>{script}</script>\n", before=True)
    path.write_text(page, encoding="utf-8")
    return path


def _insert(page: str, anchor: str, text: str, *, before: bool, required: bool = True) -> str:
    """Insert ``text`` at the first ``anchor``; without it, before ``</main>`` (or nowhere if not required)."""
    at = page.find(anchor)
    if at < 0:
        if not required:
            return page
        at, before = page.rfind("</main>"), True
        if at < 0:
            return page + text
    at = at if before else at + len(anchor)
    return page[:at] + text + page[at:]


def _after_figure(page: str, figure: str | None, block: str) -> str:
    """Insert ``block`` after the figure with id ``figure``, else before ``</main>``."""
    at = page.find(f'<figure id="{figure}"') if figure else -1
    end = page.find("</figure>", at) if at >= 0 else -1
    if end < 0:
        return _insert(page, "</main>", block, before=True)
    end += len("</figure>")
    return page[:end] + "\n" + block + page[end:]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
