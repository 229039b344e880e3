"""Match declared step names to the activities of a log.

A head of department says "Выставлен счёт", 1C writes "Выставлен счет ". Names match when they
are equal after :func:`normalize` (trim, case-fold, ё→е, one space between words), then through
the step's ``aliases``. For what is still unmatched, :func:`match_steps` offers the closest log
activities (rapidfuzz) as *suggestions* for the user to confirm by adding an alias; it never
applies them on its own.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SUGGESTION_CUTOFF = 70.0  # rapidfuzz WRatio score (0-100) below which a name is not suggested
# rapidfuzz ratio (normalised edit similarity, 0-100) from which an absent declared step and a log
# activity are one name misspelt: «Согласованна заявка»/«Согласована заявка» 97, «Согласован
# заказ»/«Согласование заказа» 91, but two real steps «Проверка договора»/«Проверка заказа» 62.
TYPO_CUTOFF = 85.0
MAX_SUGGESTIONS = 3

_SPACES = re.compile(r"\s+")
# Homoglyphs seen in hand-typed 1C names: Cyrillic letters typed in place of Latin ones ("1С").
_LATIN = str.maketrans({"с": "c", "о": "o", "а": "a", "е": "e", "р": "p", "х": "x", "к": "k"})


def normalize(name: object) -> str:
    """Return ``name`` trimmed, case-folded, with ё→е and runs of spaces (incl. NBSP) as one space.

    Example:
        >>> normalize("  Выставлен   СЧЁТ ")
        'выставлен счет'
    """
    text = str(name).replace("\u00a0", " ").casefold().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


def normalize_system(name: object) -> str:
    """Return a system name normalised so that ``1С`` (Cyrillic С) equals ``1C``.

    Example:
        >>> normalize_system("1С") == normalize_system("1c")
        True
    """
    text = normalize(name).replace("-", "").replace(" ", "")
    if re.search(r"[0-9a-z]", text):
        text = text.translate(_LATIN)
    return text


@dataclass(frozen=True)
class Matching:
    """How declared steps map to log activities.

    Attributes:
        steps: declared step -> the log activities it stands for (one or more).
        activities: log activity -> declared step (the inverse of ``steps``).
        unmatched: declared steps found neither by name nor by alias.
        suggestions: unmatched step -> closest log activities, best first (to confirm, not applied).
    """

    steps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    unmatched: tuple[str, ...] = ()
    suggestions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def hint(self, steps: Iterable[str] | None = None) -> str:
        """Return a Russian hint on unmatched steps (all, or those of ``steps``) and suggestions."""
        lines = []
        for step in (self.unmatched if steps is None else steps):
            options = self.suggestions.get(step, ())
            if options:
                names = ", ".join(f'"{o}"' for o in options)
                lines.append(f'Шаг "{step}" не найден в данных; возможно, это {names} — '
                             f"добавьте нужное имя в aliases шага.")
            else:
                lines.append(f'Шаг "{step}" не найден в данных, похожих действий нет.')
        return "\n".join(lines)


def match_steps(steps: Mapping[str, Iterable[str]], activities: Iterable[str]) -> Matching:
    """Match declared steps (name -> aliases) to the distinct activity names of a log.

    Args:
        steps: each declared step name with its aliases.
        activities: the activity names in the log.

    Returns:
        A :class:`Matching`; a log activity is claimed by the first step that names it.

    Example:
        >>> m = match_steps({"Выставлен счёт": [], "Отгрузка": ["Отгружено"]},
        ...                 ["выставлен счет", "Отгружено", "Изменен заказ"])
        >>> m.steps
        {'Выставлен счёт': ('выставлен счет',), 'Отгрузка': ('Отгружено',)}
    """
    by_norm: dict[str, list[str]] = {}
    for activity in activities:
        by_norm.setdefault(normalize(activity), []).append(str(activity))
    found: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for step, aliases in steps.items():
        names: list[str] = []
        for candidate in (step, *aliases):
            for activity in by_norm.get(normalize(candidate), ()):
                if activity not in owner:
                    owner[activity] = step
                    names.append(activity)
        if names:
            found[step] = tuple(names)
    unmatched = tuple(s for s in steps if s not in found)
    free = [a for names in by_norm.values() for a in names if a not in owner]
    suggestions = {s: suggest(s, free) for s in unmatched}
    return Matching(found, owner, unmatched, {s: v for s, v in suggestions.items() if v})


def suggest(name: str, candidates: Iterable[str], limit: int = MAX_SUGGESTIONS,
            cutoff: float = SUGGESTION_CUTOFF) -> tuple[str, ...]:
    """Return up to ``limit`` candidates closest to ``name`` (rapidfuzz WRatio ≥ ``cutoff``).

    Example:
        >>> suggest("Согласован заказ", ["Согласование заказа", "Отгрузка"])
        ('Согласование заказа',)
    """
    from rapidfuzz import fuzz, process

    pool = list(dict.fromkeys(candidates))
    if not pool:
        return ()
    hits = process.extract(normalize(name), [normalize(c) for c in pool], scorer=fuzz.WRatio,
                           limit=limit, score_cutoff=cutoff)
    return tuple(pool[index] for _, _, index in hits)


def typos(matching: Matching, exempt: Iterable[str] = ()) -> dict[str, str]:
    """Return unmatched step -> the log activity it is a misspelling of (ratio ≥ :data:`TYPO_CUTOFF`).

    Example:
        >>> typos(match_steps({"Согласованна заявка": []}, ["Согласована заявка"]))
        {'Согласованна заявка': 'Согласована заявка'}
    """
    from rapidfuzz import fuzz

    skip = set(exempt)
    out = {}
    for step, options in matching.suggestions.items():
        if step in skip:
            continue
        close = [o for o in options if fuzz.ratio(normalize(step), normalize(o)) >= TYPO_CUTOFF]
        if close:
            out[step] = max(close, key=lambda o: fuzz.ratio(normalize(step), normalize(o)))
    return out


def check_steps(declared: Any, activities: Iterable[str], *, accept_suggestions: bool = False) -> Any:
    """Refuse a declared process whose step is misspelt; or, if accepted, alias the close name.

    Every command that reads a declared process applies this check before comparing: a declared
    step that does not occur in the data while a close name does (:func:`typos`) would otherwise
    turn into «never recorded» and its real activity into «undeclared» in most cases. A step with
    no close name, or one done outside the system (paper, phone), passes: it stays a finding.

    Args:
        declared: a ``DeclaredProcess``.
        activities: the log's activity names.
        accept_suggestions: use each close name as the step's alias instead of failing.

    Returns:
        ``declared`` as it is, or with the accepted names added to the steps' aliases.

    Raises:
        DeclaredStepError: a misspelt step (the message names the close name and the fixes).

    Example:
        >>> fixed = check_steps(read_declared("buy.yaml"), log_activities, accept_suggestions=True)  # doctest: +SKIP
    """
    from dataclasses import replace

    from miner.errors import DeclaredStepError

    steps = declared.steps
    matching = match_steps({n: s.aliases for n, s in steps.items()}, activities)
    found = typos(matching, exempt=declared.outside_system_steps)
    if not found:
        return declared
    if not accept_suggestions:
        where = declared.file or declared.process
        problems = "; ".join(f'step "{s}" does not occur in the data, but "{a}" does' for s, a in found.items())
        first, name = next(iter(found.items()))
        raise DeclaredStepError(f"{where}: {problems}. Correct the name in the file, or add the data's name "
                                f'to the step\'s aliases (aliases: [{name}]), or pass --accept-suggestions '
                                "(accept_suggestions=True) to use the close names.")
    new = {n: replace(s, aliases=(*s.aliases, found[n])) if n in found else s for n, s in steps.items()}
    return replace(declared, steps=new)
