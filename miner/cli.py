"""The ``miner`` command line: a thin layer over the Python API of the same names.

Each command parses its options, calls one public function of ``miner`` with keywords of the
same names, and prints. Errors become one ``Error: ...`` line and exit status 1.
"""
from __future__ import annotations

import functools
import json
import logging
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable

import click

from miner.errors import MinerError


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a MinerError into ``Error: ...`` and exit 1 (``--debug`` shows the trace)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except MinerError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except OSError as exc:  # a file or folder that cannot be written (or read): one line, not a trace
            if ctx.find_root().params.get("debug"):
                raise
            from miner.outputs import describe

            named = exc.filename or ctx.params.get("output")
            where = f" '{named}'" if named else ""
            click.echo(f"Error: cannot use{where}: {describe(exc)}; check the path, and give -o a place "
                       "you can write to", err=True)
            ctx.exit(1)

    return wrapper


def source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say how to read a source: one per field of ``connectors.options.ReadOptions``."""
    from connectors.options import ReadOptions

    for f in reversed(fields(ReadOptions)):
        meta = f.metadata
        cli = dict(meta["cli"])
        flag = cli.pop("flag", None) or "--" + f.name.replace("_", "-")
        if "choice" in cli:
            cli["type"] = click.Choice(list(cli.pop("choice")))
        if cli.get("is_flag"):
            cli.setdefault("default", None)
        help_text = meta["help"].replace("{name}", f.name.replace("_", "-"))
        func = click.option(flag, f.name, help=help_text, **cli)(func)
    return func


def comparison_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of every command that compares with a declared process (compare, report, interview)."""
    func = click.option("--repeat-window", type=click.FloatRange(0), default=10.0, show_default=True,
                        help="Minutes: the same activity saved again by the same person within them is data "
                             "quality, not rework.")(func)
    return click.option("--accept-suggestions", is_flag=True,
                        help="Use the close log name for a misspelt declared step instead of stopping with an "
                             "error.")(func)


def read_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pick the source-reading options out of a command's keyword arguments (only those given)."""
    from connectors.options import MAPPING_FIELDS, ReadOptions

    out = {}
    for name in ReadOptions.names():
        value = kwargs.pop(name, None)
        if value == ():
            value = None
        if name in MAPPING_FIELDS and isinstance(value, tuple):
            value = None if not value else value[0] if len(value) == 1 else list(value)
        if value is not None:
            out[name] = value
    return out


def one_or_many(paths: tuple[Path, ...]) -> Path | list[Path]:
    """SOURCE given once is a path; given several times, the files are read into one log."""
    return paths[0] if len(paths) == 1 else list(paths)


def echo_result(result: Any, as_json: bool) -> None:
    """Print a result as JSON only (for other programs) or as its text table."""
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.to_text())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="miner")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print no progress or column guesses on stderr.")
def cli(debug: bool, quiet: bool) -> None:
    """miner: find the process that really runs in 1C, Excel and CSV traces.

    \b
    Example:
      miner demo -o demo_output
      miner ingest orders.csv -o orders.parquet
      miner discover orders.parquet -o maps/
    """
    logger = logging.getLogger("miner")
    if not any(isinstance(h, _CurrentStderr) for h in logger.handlers):
        logger.addHandler(_CurrentStderr())
    logger.setLevel(logging.WARNING if quiet else logging.INFO)


class _CurrentStderr(logging.Handler):
    """Write progress lines to whatever ``sys.stderr`` is now (CliRunner swaps it per call)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(record.getMessage() + "\n")


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Where to write the log: .parquet, .csv or .xes (the report goes beside it).")
@source_options
@handle_errors
def ingest(sources: tuple[Path, ...], output: Path, **kwargs: Any) -> None:
    """Read SOURCES into one canonical event log and write LOG plus LOG.ingest.json.

    \b
    Example:
      miner ingest sample_data/sales_1c.csv sample_data/warehouse.xlsx -o sales.parquet
      miner ingest export.csv --case "Номер" --timestamp "Дата" -o log.parquet
      miner ingest 1Cv8Log --from 2024-01-01 --to 2024-12-31 --events documents -o 2024.parquet
    """
    import miner

    # the log is only written: its case and activity may stay categories (text in the file all the same)
    result = miner.ingest(list(sources), output=output, progress=True, categories=True, **read_options(kwargs))
    click.echo(f"{output}: {result.report.summary()}", err=True)


@cli.command()
@click.argument("source", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON only (for other programs).")
@click.option("--top", default=10, show_default=True, help="How many top variants to list.")
@source_options
@handle_errors
def stats(source: tuple[Path, ...], as_json: bool, top: int, **kwargs: Any) -> None:
    """Print cases, events, activities, variants, period and top variants of SOURCE.

    \b
    Example:
      miner stats orders.parquet
      miner stats sample_data/sales_1c.csv --json
    """
    import miner

    result = miner.stats(one_or_many(source), top=top, **read_options(kwargs))
    echo_result(result, as_json)


@cli.command()
@click.argument("source", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--declared", multiple=True, required=True, type=click.Path(path_type=Path),
              help="Declared process: YAML, Excel interview sheet or BPMN 2.0; repeat for several.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for findings.json and comparison.svg/.png/.gv (and comparison_full.* when simplified).")
@click.option("--calendar", type=click.Choice(["ru", "24x7"]), default="ru", show_default=True,
              help="Durations in working time by the Russian production calendar, or 24x7.")
@click.option("--work-hours", default="9-18", show_default=True,
              help="Working day for the 'ru' calendar, e.g. 9-18 or 8:30-17:30.")
@click.option("--time-budget", type=float, default=30.0, show_default=True,
              help="Seconds for alignments before falling back to token replay.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True,
              help="Language of the texts on the map.")
@click.option("--activities", type=click.FloatRange(0, 1), default=None,
              help="Share (0-1) of the most frequent activities on the map; declared ones always show. "
                   "Default: all, simplified only above 20 activities or 40 lines.")
@click.option("--paths", type=click.FloatRange(0, 1), default=None,
              help="Share (0-1) of the most frequent paths on the map; declared ones always show.")
@click.option("--json", "as_json", is_flag=True, help="Print findings.json to stdout (for other programs).")
@comparison_options
@source_options
@handle_errors
def compare(source: tuple[Path, ...], declared: tuple[Path, ...], output: Path, calendar: str, work_hours: str,
            time_budget: float, lang: str, activities: float | None, paths: float | None, as_json: bool,
            accept_suggestions: bool, repeat_window: float, **kwargs: Any) -> None:
    """Compare the real process in SOURCE with the DECLARED one(s); write findings and a map.

    \b
    Example:
      miner compare orders.parquet --declared sales.yaml -o compare/
      miner compare orders.parquet --declared sales.yaml --declared warehouse.xlsx -o compare/ --calendar 24x7
      miner compare orders.parquet --declared sales.yaml -o compare/ --activities 0.8 --paths 0.3
    """
    import miner
    from miner.comparison.worktime import parse_work_hours

    try:
        hours = parse_work_hours(work_hours)
    except MinerError as exc:
        raise click.BadParameter(str(exc), param_hint="--work-hours") from exc
    result = miner.compare(one_or_many(source), list(declared), output=output, calendar=calendar,
                           work_hours=hours, time_budget=time_budget, lang=lang,
                           activities=activities, paths=paths, accept_suggestions=accept_suggestions,
                           repeat_window=repeat_window, **read_options(kwargs))
    if result.hint():
        click.echo(result.hint(), err=True)
    echo_result(result, as_json)


@cli.command()
@click.argument("source", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for map.svg/.png/.gv, performance.svg/.png/.gv, model.bpmn, model.pnml.")
@click.option("--activities", type=click.FloatRange(0, 1), default=None,
              help="Share (0-1) of the most frequent activities to show; default: all up to 20.")
@click.option("--paths", type=click.FloatRange(0, 1), default=None,
              help="Share (0-1) of the most frequent paths to show; default: about two per activity.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True,
              help="Language of the texts on the maps.")
@source_options
@handle_errors
def discover(source: tuple[Path, ...], output: Path, activities: float | None, paths: float | None, lang: str,
             **kwargs: Any) -> None:
    """Discover the real process of SOURCE: maps, BPMN and Petri net in OUTPUT.

    \b
    Example:
      miner discover orders.parquet -o maps/
      miner discover export.csv -o maps/ --activities 0.8 --paths 0.3
    """
    import miner

    result = miner.discover(one_or_many(source), output=output, activities=activities, paths=paths, lang=lang,
                            **read_options(kwargs))
    for path in result.paths:
        click.echo(str(path))


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for report.html, report.docx, the maps and charts (SVG, PNG) and the tables.")
@click.option("--declared", multiple=True, type=click.Path(path_type=Path),
              help="Declared process (YAML, Excel sheet, BPMN) to compare with; repeat for several.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True,
              help="Language of the report.")
@click.option("--pseudonymize", is_flag=True, help="Replace employee names by codes («Сотрудник 01») in every file.")
@click.option("--pseudonymize-clients", is_flag=True, help="Replace client names by codes («Клиент 001») too.")
@comparison_options
@source_options
@handle_errors
def report(sources: tuple[Path, ...], output: Path, declared: tuple[Path, ...], lang: str, pseudonymize: bool,
           pseudonymize_clients: bool, accept_suggestions: bool, repeat_window: float, **kwargs: Any) -> None:
    """Write the report for the requirements spec on SOURCES: HTML, DOCX, maps, charts, tables.

    \b
    Example:
      miner report orders.parquet -o report/
      miner report sample_data/sales_1c.csv sample_data/warehouse.xlsx \\
          --declared sample_data/sales_declared.yaml -o report/ --pseudonymize
    """
    import miner

    result = miner.report(one_or_many(sources), output, declared=list(declared) or None, lang=lang, pseudonymize=pseudonymize,
                          pseudonymize_clients=pseudonymize_clients, accept_suggestions=accept_suggestions,
                          repeat_window=repeat_window, **read_options(kwargs))
    click.echo(f"{result.cases} cases, {result.events} events, {result.findings} findings", err=True)
    click.echo(str(result.html))
    click.echo(str(result.docx))


@cli.command()
@click.argument("source", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for interview.docx and interview.md.")
@click.option("--declared", multiple=True, type=click.Path(path_type=Path),
              help="Declared process (YAML, Excel sheet, BPMN) whose findings become questions; repeat for several.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True,
              help="Language of the questions.")
@click.option("--pseudonymize", is_flag=True, help="Replace employee names by codes («Сотрудник 01»).")
@comparison_options
@source_options
@handle_errors
def interview(source: tuple[Path, ...], output: Path, declared: tuple[Path, ...], lang: str, pseudonymize: bool,
              accept_suggestions: bool, repeat_window: float, **kwargs: Any) -> None:
    """Write the questions for each head of department, primed with what SOURCE shows.

    \b
    Example:
      miner interview orders.parquet -o interview/
      miner interview orders.parquet --declared sales.yaml -o interview/ --pseudonymize
    """
    import miner

    result = miner.interview(one_or_many(source), output, declared=list(declared) or None, lang=lang,
                             pseudonymize=pseudonymize, accept_suggestions=accept_suggestions,
                             repeat_window=repeat_window, **read_options(kwargs))
    for section in result.sections:
        click.echo(f"{section.title}: {len(section.questions)}", err=True)
    for path in result.paths:
        click.echo(str(path))


@cli.command()
@click.argument("source", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--requirements", type=click.Path(path_type=Path), required=True,
              help="requirements.json written by 'miner report --declared'.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Folder for verification.json and verification.docx (the test protocol).")
@click.option("--step-names", "step_names", type=click.Path(path_type=Path),
              help="YAML/JSON lines 'Name in the requirements: Name in the new data' for renamed steps "
                   "(--mapping stays the reading option: the columns of each source).")
@click.option("--json", "as_json", is_flag=True, help="Print verification.json to stdout (for other programs).")
@source_options
@handle_errors
def verify(source: tuple[Path, ...], requirements: Path, output: Path | None, step_names: Path | None, as_json: bool,
           **kwargs: Any) -> None:
    """Check the acceptance criteria of REQUIREMENTS on SOURCE, an export made after the rollout.

    Exits 0 whatever passed; the table says which criteria are met, failed or not computable.

    \b
    Example:
      miner verify crm_export.csv --requirements report/requirements.json -o check/
      miner verify crm_export.xlsx --requirements report/requirements.json --step-names names.yaml -o check/
    """
    import miner

    result = miner.verify(one_or_many(source), requirements, output, mapping=step_names, **read_options(kwargs))
    echo_result(result, as_json)


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("demo_output"), show_default=True,
              help="Folder for the demo's outputs (one sub-folder per scenario).")
@click.option("--data", type=click.Path(path_type=Path), help="The sample_data folder (found automatically).")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True, help="Language of outputs.")
@click.option("--pseudonymize", is_flag=True, help="Replace employee names with stable codes in every output.")
@handle_errors
def demo(output: Path, data: Path | None, lang: str, pseudonymize: bool) -> None:
    """Run the whole pipeline on sample_data/: ingest, stats, maps, comparison, report, interview guide.

    \b
    Example:
      miner demo -o demo_output
      miner demo --lang en -o demo_en
    """
    import miner

    result = miner.demo(output, data=data, lang=lang, pseudonymize=pseudonymize)
    for name, folder in result.folders.items():
        click.echo(f"{name}: {folder / 'report.html'}  {folder / 'report.docx'}  {folder / 'interview.docx'}")


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for scope.json and a scope map per department (scope_N.svg/.png/.gv).")
@click.option("--declared", multiple=True, type=click.Path(path_type=Path),
              help="Declared process (YAML, Excel sheet, BPMN): where each step should be recorded; repeat for several.")
@click.option("--by", default="department", show_default=True,
              help="Group cases by department (of the first step), role, resource, file, system or a column name.")
@click.option("--min-cases", default=100, show_default=True, help="Fewest cases for a verdict.")
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True,
              help="Language of the scope maps' legend (the reasons are in Russian).")
@click.option("--json", "as_json", is_flag=True, help="Print scope.json to stdout (for other programs).")
@source_options
@handle_errors
def scope(sources: tuple[Path, ...], output: Path, declared: tuple[Path, ...], by: str, min_cases: int,
          lang: str, as_json: bool, **kwargs: Any) -> None:
    """Judge each department's work (process, semi, project) and map where information crosses systems.

    \b
    Example:
      miner scope orders.parquet -o scope/
      miner scope sales_1c.csv approvals.xlsx --declared purchases.yaml -o scope/ --json
    """
    import miner

    result = miner.scope(one_or_many(sources), output, declared=list(declared) or None, by=by,
                         min_cases=min_cases, lang=lang, **read_options(kwargs))
    echo_result(result, as_json)


def main() -> None:
    """Entry point of the ``miner`` console script."""
    # Windows consoles default to a legacy code page; make Cyrillic output survive.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
    cli(prog_name="miner")


if __name__ == "__main__":
    main()
