"""Draw the declared-vs-real overlay of one description: full, or simplified when crowded.

One implementation for ``miner compare`` and the report. A full overlay of a big log has hundreds
of lines; when it would be crowded (:func:`miner.discovery.simplification.crowded`: over 20 boxes or 40
lines) or thresholds are given, the map shown keeps every declared line that occurs, the most
frequent others and each box's strongest way in and out, says on the map what it hid
(«скрыто: 3 действия < 1 %, 12 переходов < 2 %»), and the full overlay is kept beside it
(``comparison_full.*``). Accepted deviations (``accepted:``) are drawn grey dashed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from miner.discovery.dfg import directly_follows
from miner.discovery.maps import ProcessMap, comparison_map
from miner.discovery.simplification import crowded, simplify_overlay
from miner.language import Lang, pick

if TYPE_CHECKING:
    from miner.comparison.parts import Part



@dataclass(frozen=True)
class Overlay:
    """The overlay map of one description.

    Attributes:
        shown: the map to show (``comparison.*``): simplified when the full one is crowded.
        full: the full overlay when ``shown`` is simplified (``comparison_full.*``), else None.
    """

    shown: ProcessMap
    full: ProcessMap | None = None

    def save(self, directory: str | Path, stem: str = "comparison") -> tuple[Path, ...]:
        """Write ``stem.*`` and, when simplified, ``stem_full.*``; return the files written."""
        paths = self.shown.save(directory, stem).paths
        if self.full is not None:
            paths += self.full.save(directory, f"{stem}_full").paths
        return paths


def draw_overlay(part: Part, *, lang: Lang = "ru", activities: float | None = None,
                 paths: float | None = None) -> Overlay:
    """Draw the overlay of one description on its log, simplified when crowded or asked to.

    Args:
        part: one description's comparison (``Comparison.parts[i]``).
        lang: language of labels and legend.
        activities, paths: shares 0..1 to keep (as ``miner discover``); ``None`` for both
            simplifies only a crowded overlay, with readable defaults. Declared lines that occur
            are never hidden.

    Returns:
        An :class:`Overlay`; ``full`` is None when nothing was hidden.

    Example:
        >>> draw_overlay(result.parts[0], activities=0.5).save("out")  # doctest: +SKIP
    """
    dfg = directly_follows(part.coded, durations=False)
    declared = set(part.effective.edges)
    outside = _outside_note(part, lang)
    options: dict[str, Any] = dict(declared_edges=declared, declared_activities=set(part.effective.steps),
                   skipped=part.skipped, lang=lang, accepted_edges=_accepted_edges(part),
                   accepted_activities=_accepted_activities(part))
    full = comparison_map(dfg, hidden_note=outside, **options)
    if activities is None and paths is None and not crowded(dfg):
        return Overlay(full)
    thin = simplify_overlay(dfg, declared, activities=activities, paths=paths)
    note = thin.note(lang)
    if note is None:
        return Overlay(full)
    shown = comparison_map(thin, hidden_note="\n".join(n for n in (outside, note) if n), **options)
    return Overlay(shown, full)


def _outside_note(part: Part, lang: Lang) -> str | None:
    """Name the declared steps done outside the system that the data never shows."""
    gone = [o["activity"] for o in part.outside_system if o["seen_cases"] == 0]
    if not gone:
        return None
    word = pick(lang, "вне системы, в данных нет", "outside the system, not in the data")
    return f"{word}: " + ", ".join(pick(lang, f"«{g}»", g) for g in gone)


def _accepted_edges(part: Part) -> set[tuple[str, str]]:
    """Return the paths whose findings the description accepts (names as on the map)."""
    return {(f.fields["from"], f.fields["to"]) for f in part.accepted
            if f.kind in ("undeclared_path", "unobserved_path")}


def _accepted_activities(part: Part) -> set[str]:
    """Return the undeclared activities the description accepts."""
    return {f.fields["activity"] for f in part.accepted if f.kind == "undeclared_step"}
