"""Read a declared process from any supported format: the entry point of :mod:`miner.declared`."""
from __future__ import annotations

from pathlib import Path

from miner.declared.checks import build_declared
from miner.declared.formats import read_raw
from miner.declared.model import DeclaredProcess
from miner.errors import DeclaredProcessError


def read_declared(path: str | Path) -> DeclaredProcess:
    """Read and validate a declared process from YAML, an Excel sheet or BPMN 2.0.

    Args:
        path: ``.yaml``/``.yml``, ``.xlsx`` (interview sheet: Шаг, Далее, Роль, ...) or
            ``.bpmn``/``.xml`` (bpmn.io, Camunda Modeler).

    Returns:
        The :class:`DeclaredProcess`.

    Raises:
        DeclaredProcessError: unreadable or inconsistent; the message lists every problem with
            its line, cell or element.

    Example:
        >>> sales = read_declared("sample_data/sales_declared.yaml")  # doctest: +SKIP
        >>> sales.start, len(sales.steps)  # doctest: +SKIP
        (('Создан заказ клиента',), 5)
    """
    path = Path(path)
    if not path.is_file():
        raise DeclaredProcessError(f"{path}: declared process file not found; check the path")
    raw, locate = read_raw(path)
    return build_declared(raw, locate, path.name)
