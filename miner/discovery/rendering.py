"""Render Graphviz DOT in-process with pygraphviz (Graphviz bundled in its wheels), or a system ``dot``.

The bundled Graphviz finds fonts through its own fontconfig. Before the first render we point it
(``FONTCONFIG_FILE``, unless the user set one) at a small config listing the system font folders
and matplotlib's bundled DejaVu fonts, so Cyrillic renders as letters on a machine without
``fonts-dejavu``, and the bundled fontconfig does not warn about the newer system config.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, Literal

from miner.errors import MinerError

Format = Literal["svg", "png"]

DEFAULT_DPI = 150


class RenderError(MinerError):
    """Graphviz is not available or refused the graph."""


_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
{dirs}
  <cachedir>{cache}</cachedir>
  <alias><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>
</fontconfig>
"""


def _configure_fonts() -> None:
    """Point the bundled fontconfig at system fonts plus matplotlib's DejaVu (once per process)."""
    if os.environ.get("FONTCONFIG_FILE"):
        return
    folders = ["/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
               "C:/Windows/Fonts", "/Library/Fonts", "/System/Library/Fonts"]
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        folders.insert(0, str(Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"))
    folders = [f for f in folders if Path(f).is_dir()]
    base = Path(tempfile.gettempdir()) / f"miner-fontconfig-{os.getuid() if hasattr(os, 'getuid') else 0}"
    base.mkdir(parents=True, exist_ok=True)
    conf = base / "fonts.conf"
    text = _FONTS_CONF.format(dirs="\n".join(f"  <dir>{f}</dir>" for f in folders), cache=base / "cache")
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(conf)


@contextlib.contextmanager
def _quiet_fontconfig() -> Iterator[None]:
    """Drop the bundled fontconfig's warnings about newer system configs from stderr.

    The bundled library is older than the system's and prints 'Fontconfig warning: ... unknown
    element "reset-dirs"' on every run; other stderr output is passed through.
    """
    import sys

    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with tempfile.TemporaryFile() as sink:
        sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            kept = [line for line in text.splitlines() if line and not line.startswith("Fontconfig warning")]
            if kept:
                print("\n".join(kept), file=sys.stderr)


_CACHE: dict[tuple[str, str, int], bytes] = {}
_CACHE_SIZE = 16


def render(dot: str, fmt: Format = "svg", *, dpi: int = DEFAULT_DPI) -> bytes:
    """Lay out ``dot`` with Graphviz ``dot`` and return the picture as bytes.

    The last few pictures are kept, so a map saved to files and then put into the report is laid
    out once (a crowded map takes seconds).

    Args:
        dot: the DOT text.
        fmt: ``"svg"`` or ``"png"``.
        dpi: resolution of PNG output (SVG is unaffected).

    Raises:
        RenderError: neither pygraphviz nor a system ``dot`` is available, or Graphviz failed.

    Example:
        >>> render('digraph { "Заказ" -> "Отгрузка" }', "svg")[:5]
        b'<?xm'
    """
    key = (dot, fmt, dpi if fmt == "png" else 0)
    if key not in _CACHE:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _render(dot, fmt, dpi)
    return _CACHE[key]


def _render(dot: str, fmt: Format, dpi: int) -> bytes:
    _configure_fonts()
    try:
        import pygraphviz
    except ImportError:
        return _render_with_system_dot(dot, fmt, dpi)
    try:
        graph = pygraphviz.AGraph(string=dot)
        if fmt == "png":
            graph.graph_attr["dpi"] = str(dpi)
        with _quiet_fontconfig():
            return graph.draw(format=fmt, prog="dot")
    except (ValueError, OSError, pygraphviz.DotError) as exc:
        if shutil.which("dot"):
            return _render_with_system_dot(dot, fmt, dpi)
        raise RenderError(f"Graphviz could not draw the map: {exc}") from exc


def _render_with_system_dot(dot: str, fmt: Format, dpi: int) -> bytes:
    """Render with a ``dot`` executable on PATH (the fallback when pygraphviz is missing)."""
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError("cannot draw maps: pygraphviz is not installed and Graphviz 'dot' is not "
                          "on PATH; run 'pip install \"pygraphviz>=2.0.4\"' (its wheels bundle Graphviz)")
    args = [exe, f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if fmt == "png" else [])
    done = subprocess.run(args, input=dot.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        raise RenderError(f"Graphviz 'dot' failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def layout_positions(dot: str) -> tuple[dict[str, tuple[float, float, float, float]],
                                        dict[tuple[str, str], list[tuple[float, float]]], float]:
    """Lay out ``dot`` and return node boxes, edge polylines and the drawing height (points).

    Node boxes are ``(center_x, center_y, width, height)`` and edge points ``(x, y)`` in
    Graphviz coordinates (y grows upwards; flip with ``height - y``).

    Raises:
        RenderError: pygraphviz is not installed.
    """
    _configure_fonts()
    try:
        import pygraphviz
    except ImportError as exc:
        raise RenderError("laying out BPMN needs pygraphviz: pip install \"pygraphviz>=2.0.4\"") from exc
    graph = pygraphviz.AGraph(string=dot)
    with _quiet_fontconfig():
        graph.layout(prog="dot")
    boxes = {}
    for node in graph.nodes():
        x, y = (float(v) for v in node.attr["pos"].split(","))
        boxes[str(node)] = (x, y, float(node.attr["width"]) * 72, float(node.attr["height"]) * 72)
    lines: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for edge in graph.edges():
        lines[(str(edge[0]), str(edge[1]))] = _edge_points(edge.attr["pos"])
    height = float(graph.graph_attr["bb"].split(",")[3])
    return boxes, lines, height


def _edge_points(pos: str) -> list[tuple[float, float]]:
    """Turn a Graphviz edge ``pos`` (B-spline with optional ``s,``/``e,`` ends) into a polyline."""
    start = end = None
    points = []
    for part in pos.split():
        fields = part.split(",")
        if fields[0] in ("s", "e"):
            point = (float(fields[1]), float(fields[2]))
            start, end = (point, end) if fields[0] == "s" else (start, point)
        else:
            points.append((float(fields[0]), float(fields[1])))
    # on-curve points of a cubic B-spline chain are every third control point
    polyline = points[::3] if points else []
    if start is not None:
        polyline.insert(0, start)
    if end is not None:
        polyline.append(end)
    return polyline
