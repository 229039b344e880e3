"""Charts for the report (matplotlib, Agg, DejaVu Sans): each one as SVG text and PNG bytes.

Texts come from the caller in the report's language; numbers are formatted by
:mod:`miner.units` (thin-space thousands, decimal comma in Russian). SVG keeps text as text
(``svg.fonttype = none``), so it stays searchable and small; PNG is 200 dpi for print.
The figures are made without pyplot, so nothing global is kept between charts.
"""
from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence, cast

import numpy as np
import pandas as pd

from miner.units import format_count, format_duration, format_number
from miner.language import Lang, pick


PNG_DPI = 200
WIDTH = 6.5  # inches: the text width of an A4 portrait page with 2 cm margins
BLUE, DARK, RED, GREY = "#3182bd", "#08519c", "#cb181d", "#636363"
STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10, "axes.titleweight": "bold",
    "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#888888",
    "svg.fonttype": "none", "svg.hashsalt": "miner", "figure.dpi": 100,
}


@dataclass(frozen=True)
class Chart:
    """A drawn chart: ``stem`` (file name), SVG text, PNG bytes, size in inches, files written."""

    stem: str
    svg: str
    png: bytes
    width: float
    height: float
    paths: tuple[Path, ...] = ()

    def save(self, directory: str | Path) -> Chart:
        """Write ``stem.svg`` and ``stem.png`` into ``directory``; return the chart with ``paths``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        svg, png = directory / f"{self.stem}.svg", directory / f"{self.stem}.png"
        svg.write_text(self.svg, encoding="utf-8")
        png.write_bytes(self.png)
        return replace(self, paths=(svg, png))

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"Chart({self.stem!r}, {self.width:.1f}x{self.height:.1f} in)"


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _finish(fig: Any, stem: str) -> Chart:
    """Render ``fig`` to SVG and PNG and return the Chart."""
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None})
    fig.set_layout_engine("none")  # keep the layout just computed instead of redoing it for the PNG
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    width, height = fig.get_size_inches()
    text = svg.getvalue()
    start = text.find("<svg")
    return Chart(stem, text[start:] if start >= 0 else text, png.getvalue(), float(width), float(height))


def _style() -> Any:
    import matplotlib

    return matplotlib.rc_context(cast(Any, STYLE))  # matplotlib types its keys as Literal names


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def duration_histogram(seconds: np.ndarray, *, stem: str, title: str, xlabel: str, ylabel: str,
                       median_label: str, p90_label: str, longer_label: str, lang: Lang = "ru") -> Chart:
    """Draw the distribution of case durations with the median and the 90th percentile marked.

    The axis goes up to the 99th percentile; longer cases are counted in a note
    (``longer_label`` gets the count and the bound: «ещё {n} случаев дольше {limit}»).

    Example:
        >>> duration_histogram(np.array([3600.0, 7200, 86400]), stem="throughput", title="",
        ...     xlabel="", ylabel="", median_label="медиана {v}", p90_label="90 % {v}",
        ...     longer_label="ещё {n} дольше {limit}").stem
        'throughput'
    """
    values = np.asarray(seconds, dtype=float)
    values = values[np.isfinite(values)]
    unit, unit_seconds = _unit(np.median(values) if values.size else 0, lang)
    with _style():
        fig = _figure(WIDTH, 3.0)
        ax = fig.add_subplot()
        if values.size:
            top = float(np.percentile(values, 99)) if values.size > 20 else float(values.max())
            shown = values[values <= top] / unit_seconds
            ax.hist(shown, bins=min(40, max(5, int(np.sqrt(shown.size)))), color=BLUE, edgecolor="white",
                    linewidth=0.4)
            for q, label, colour in ((50, median_label, DARK), (90, p90_label, RED)):
                v = float(np.percentile(values, q))
                ax.axvline(v / unit_seconds, color=colour, linewidth=1.2, linestyle="--")
                ax.text(v / unit_seconds, 0.97 - (0.11 if q == 90 else 0), " " + label.format(v=format_duration(v, lang=lang)),
                        transform=ax.get_xaxis_transform(), color=colour, fontsize=8, va="top",
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
            longer = int((values > top).sum())
            if longer:
                ax.text(1, -0.25, longer_label.format(n=format_count(longer), limit=format_duration(top, lang=lang)),
                        transform=ax.transAxes, ha="right", va="top", fontsize=7.5, color=GREY)
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel.format(unit=unit))
        ax.set_ylabel(ylabel)
        _count_ticks(ax.yaxis, lang)
        return _finish(fig, stem)


def _unit(seconds: float, lang: Lang) -> tuple[str, float]:
    """Pick hours or days for an axis by the typical value."""
    if seconds < 2 * 86400:
        return pick(lang, "ч", "h"), 3600.0
    return pick(lang, "дн", "days"), 86400.0


def _count_ticks(axis: Any, lang: Lang) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, digits=0, lang=lang)))


def bar_chart(labels: Sequence[str], values: Sequence[float], *, stem: str, title: str, xlabel: str,
              lang: Lang = "ru", scale_words: tuple[str, str] | None = None) -> Chart:
    """Draw horizontal bars, the largest on top, each labelled with its value.

    With ``scale_words`` (``("тыс.", "млн")``) a large axis counts in thousands or millions and
    says so in its label; the bars keep their full values.

    Example:
        >>> bar_chart(["Отгрузка", "Создан заказ"], [700, 1000], stem="activities", title="",
        ...           xlabel="события").stem
        'activities'
    """
    labels = [_wrap(label, 40) for label in labels]
    values = [float(v) for v in values]
    lines = sum(label.count("\n") + 1 for label in labels)
    with _style():
        fig = _figure(WIDTH, max(1.6, 0.8 + 0.24 * max(lines, len(labels))))
        ax = fig.add_subplot()
        y = np.arange(len(values))[::-1]
        ax.barh(y, values, color=BLUE, height=0.7)
        ax.set_yticks(y, labels)
        top = max(values) if values else 0
        for yi, v in zip(y, values):
            text = format_number(v, digits=0, lang=lang)
            ax.text(v + top * 0.01, yi, text, va="center", fontsize=7.5, color="#333333")
        ax.set_xlim(0, top * 1.15 if top > 0 else 1)
        ax.set_title(title, loc="left")
        ax.tick_params(axis="y", length=0)
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        divisor, word = 1.0, ""
        if scale_words and top >= 1e6:
            divisor, word = 1e6, scale_words[1]
        elif scale_words and top >= 1e4:
            divisor, word = 1e3, scale_words[0]
        ax.set_xlabel(f"{xlabel}, {word}" if word else xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v / divisor, digits=1, lang=lang)))
        return _finish(fig, stem)


def heatmap_chart(table: pd.DataFrame, *, stem: str, title: str, xlabel: str = "", ylabel: str = "",
                  lang: Lang = "ru", wrap: int = 16) -> Chart:
    """Draw a count table as a heatmap (rows top to bottom, columns left to right), counts in cells.

    Example:
        >>> t = pd.DataFrame([[5, 0], [1, 9]], index=["Сотрудник 01", "Сотрудник 02"], columns=["янв", "фев"])
        >>> heatmap_chart(t, stem="workload", title="").stem
        'workload'
    """
    data = table.to_numpy(dtype=float)
    rows, cols = data.shape
    col_labels = [_wrap(c, wrap) for c in table.columns]
    label_lines = max((c.count("\n") + 1 for c in col_labels), default=1)
    with _style():
        height = 0.9 + 0.24 * rows + 0.13 * label_lines * (1 if cols <= 12 else 0.6)
        fig = _figure(WIDTH, max(1.8, height))
        ax = fig.add_subplot()
        image = ax.imshow(data, aspect="auto", cmap="Blues", vmin=0, vmax=max(float(data.max()), 1) if data.size else 1)
        ax.set_yticks(range(rows), [str(r) for r in table.index])
        widest = sum(max(len(line) for line in label.split("\n")) for label in col_labels)
        rotation = 0 if widest <= 60 and label_lines <= 3 else 45
        ax.set_xticks(range(cols), col_labels, rotation=rotation, ha="right" if rotation else "center",
                      rotation_mode="anchor", fontsize=7.5 if cols > 8 else 8)
        ax.tick_params(length=0)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        digits = len(format_count(data.max())) if data.size else 1
        cell = (WIDTH - 2.6) / max(cols, 1)  # inches per column, roughly, beside the row labels
        if rows * cols <= 400 and data.size and digits * 0.065 <= cell:
            top = data.max()
            for (i, j), v in np.ndenumerate(data):
                if v:
                    ax.text(j, i, format_count(v), ha="center", va="center", fontsize=6.5 if cols > 12 else 7.5,
                            color="white" if v > 0.6 * top else "#222222")
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
        bar.ax.tick_params(labelsize=7)
        return _finish(fig, stem)


def lines_chart(table: pd.DataFrame, *, stem: str, title: str, ylabel: str, lang: Lang = "ru") -> Chart:
    """Draw one line per column over the index (periods), with a legend.

    Example:
        >>> t = pd.DataFrame({"Склад": [3, 5]}, index=pd.to_datetime(["2026-01-05", "2026-01-12"]))
        >>> lines_chart(t, stem="departments", title="", ylabel="").stem
        'departments'
    """
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    with _style():
        fig = _figure(WIDTH, 2.8)
        ax = fig.add_subplot()
        colours = ["#08519c", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b", "#3182bd",
                   "#fd8d3c", "#74c476", "#9e9ac8"]
        for i, col in enumerate(table.columns):
            ax.plot(table.index, table[col].to_numpy(dtype=float), label=str(col),
                    color=colours[i % len(colours)], linewidth=1.4, marker="o", markersize=2.5)
        locator = AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        # numeric formats: matplotlib's month names are English whatever the report language
        numeric = ["%Y", "%m.%Y", "%d.%m", "%H:%M", "%H:%M", "%S"]
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, formats=numeric, zero_formats=numeric,
                                                          show_offset=False))
        ax.set_title(title, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        _count_ticks(ax.yaxis, lang)
        if len(table.columns):
            ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _finish(fig, stem)
