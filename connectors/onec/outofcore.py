"""Pass 2 of the streamed journal: DuckDB over the parts written by :mod:`connectors.onec.stream`.

DuckDB (a well-kept embedded SQL engine that spills joins, aggregates and sorts to disk beyond its
memory limit) decides what needs the whole journal, with the rules of the in-memory reader:

* each transaction's outcome from the facts of all its records, in whatever part they were;
* rolled-back data changes: excluded (or kept and flagged);
* the case: an object's latest presentation (``object``), a session's run (``session``);
* the activity of a change: the kind of document its metadata prints most often;

and writes the events sorted by case, time and record order — the canonical log.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from connectors.onec.cases import activity_label, kinds_by_metadata
from connectors.onec.events import OUTCOMES, event_title
from connectors.onec.presentations import title_of_metadata
from miner import eventlog as ev
from miner.rejects import RowProblems

ROLLED_BACK = "rolled-back transaction"
_HELPERS = ("_part", "_txn", "_data", "_pres", "_isdoc", "_pkind", "_obj", "_run", "_case", "onec:transaction")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(folder: Path, memory_limit: str) -> Any:
    import duckdb

    con = duckdb.connect()  # in memory, faster than a database file; beyond the limit it spills to temp_directory
    con.execute(f"SET memory_limit='{memory_limit}'")
    con.execute(f"SET temp_directory='{folder / 'spill'}'")
    con.execute("SET preserve_insertion_order=true")
    return con


def finish(folder: Path, output: Path, *, case_notion: str, include_rolled_back: bool, system: str,
           offsets: dict[str, pd.DataFrame], problems: RowProblems, memory_limit: str) -> tuple[int, dict[str, Any]]:
    """Decide outcomes, cases and activities over the parts in ``folder``; write ``output``.

    Returns the number of events and facts for the ingest report; rolled-back changes are counted
    into ``problems``.
    """
    con = _connect(folder, memory_limit)
    try:
        parts = sorted(folder.glob("part-*.parquet"))
        if not parts:
            _write_empty(output)
            return 0, {"transactions": _transactions(con, folder)}
        con.register("offsets", offsets["parts"])
        con.register("run_offsets", offsets["runs"])
        details: dict[str, Any] = {"transactions": _transactions(con, folder)}
        columns = [c for c in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{folder}/part-*.parquet', "
                                          "union_by_name=true)").fetchdf()["column_name"]]
        _events_view(con, folder, columns)
        rolled = con.execute("SELECT count(*) FROM ev WHERE outcome = 2 AND _data").fetchone()[0]
        if rolled and not include_rolled_back:
            examples = con.execute('SELECT "source:file", row_g FROM ev WHERE outcome = 2 AND _data '
                                   "ORDER BY seq LIMIT 5").fetchall()
            problems.exclude(ROLLED_BACK, int(rolled), [{"file": f, "row": int(r)} for f, r in examples])
        elif rolled:
            details["rolled_back_kept"] = int(rolled)
        keep = "TRUE" if include_rolled_back else "NOT (outcome = 2 AND _data)"
        con.execute(f"CREATE VIEW kept AS SELECT * FROM ev WHERE {keep}")
        join = _cases(con, case_notion)
        _activities(con)
        events = _write(con, output, columns, join, system)
        return events, details
    finally:
        con.close()


def _transactions(con: Any, folder: Path) -> dict[str, int]:
    if not any(folder.glob("txn-*.parquet")):
        con.execute("CREATE TABLE txn (key VARCHAR, rb BOOLEAN, cm BOOLEAN)")
        return {"committed": 0, "rolled_back": 0, "unfinished": 0}
    con.execute(f"CREATE TABLE txn AS SELECT key, bool_or(rb) AS rb, bool_or(cm) AS cm "
                f"FROM read_parquet('{folder}/txn-*.parquet') GROUP BY key")
    rb, cm, un = con.execute("SELECT count(*) FILTER (WHERE rb), count(*) FILTER (WHERE NOT rb AND cm), "
                             "count(*) FILTER (WHERE NOT rb AND NOT cm) FROM txn").fetchone()
    return {"committed": int(cm), "rolled_back": int(rb), "unfinished": int(un)}


def _events_view(con: Any, folder: Path, columns: list[str]) -> None:
    """``ev``: the parts' events with file record numbers, a global order, the outcome (and session run)."""
    run, join = "", ""
    if "_run" in columns:
        run = ", e._run + coalesce(r.run_off, 0) AS run_g"
        join = ' LEFT JOIN run_offsets r ON r._part = e._part AND r.session = e."onec:session"'
    con.execute(f"""
        CREATE VIEW ev AS
        SELECT e.*, e."source:row" + o.row_off AS row_g,
               o.file_id::BIGINT * 1099511627776 + e."source:row" + o.row_off AS seq,
               CASE WHEN e._txn IS NULL THEN 0 WHEN t.rb THEN 2 WHEN t.cm THEN 1 ELSE 3 END AS outcome{run}
        FROM read_parquet('{folder}/part-*.parquet', union_by_name=true) e
        JOIN offsets o USING (_part)
        LEFT JOIN txn t ON e._txn = t.key{join}""")


def _cases(con: Any, case_notion: str) -> str:
    """Build ``cases`` (join key → label, rank in label order); return the join condition with ``kept k``.

    The events are then sorted by the integer rank, not by the label text: a much cheaper sort.
    """
    if case_notion == "user_day":
        con.execute("CREATE TABLE labels AS SELECT DISTINCT _case AS key, _case AS label FROM kept")
        key = "c.key = k._case"
    elif case_notion == "session":
        con.execute("""CREATE TABLE labels AS
                       SELECT "onec:session" AS s, run_g AS run,
                              'Сеанс ' || "onec:session" || ' от ' || strftime(min("time:timestamp"), '%d.%m.%Y %H:%M:%S')
                              AS label
                       FROM kept GROUP BY "onec:session", run_g""")
        key = 'c.s = k."onec:session" AND c.run = k.run_g'
    else:
        _object_labels(con)
        key = "c.key = k._obj"
    con.execute("""CREATE TABLE cases AS
                   SELECT l.*, r.rank FROM labels l
                   JOIN (SELECT label, row_number() OVER (ORDER BY label) AS rank FROM (SELECT DISTINCT label FROM labels))
                   r USING (label)""")
    con.execute("DROP TABLE labels")
    return key


def _object_labels(con: Any) -> None:
    """An object's case: its latest document presentation; else «<metadata title> <presentation, GUID or data>»."""
    metas = [m for (m,) in con.execute('SELECT DISTINCT "onec:metadata" FROM kept').fetchall()]
    titles = pd.DataFrame({"meta": [m for m in metas if m], "title": [title_of_metadata(m) for m in metas if m]},
                          dtype="str")
    con.register("titles", titles)
    con.execute("""
        CREATE TABLE objs AS
        SELECT _obj,
               arg_max(_pres, seq) FILTER (WHERE coalesce(_pres, '') <> '') AS last_pres,
               coalesce(arg_max(_isdoc, seq) FILTER (WHERE coalesce(_pres, '') <> ''), FALSE) AS is_doc,
               arg_min(coalesce("onec:ref", ''), seq) AS ref, arg_min("onec:metadata", seq) AS meta,
               arg_min(coalesce("onec:data", ''), seq) AS data
        FROM kept GROUP BY _obj""")
    con.execute("""
        CREATE TABLE labels AS
        SELECT o._obj AS key, CASE
            WHEN o.is_doc AND d.last_pres IS NULL THEN o.last_pres
            WHEN o.is_doc THEN o.last_pres || ' [' || coalesce(nullif(left(o.ref, 8), ''), md5(o._obj)[:8]) || ']'
            ELSE trim(coalesce(t.title, 'Объект') || ' ' ||
                      coalesce(nullif(o.last_pres, ''), nullif(o.ref, ''), o.data, ''))
            END AS label
        FROM objs o
        LEFT JOIN (SELECT last_pres FROM objs WHERE is_doc GROUP BY last_pres HAVING count(*) > 1) d
               ON d.last_pres = o.last_pres
        LEFT JOIN titles t ON t.meta = o.meta""")
    con.execute("DROP TABLE objs")


def _activities(con: Any) -> None:
    """``acts``: the activity of every (event, metadata) pair, the kinds learnt from all presentations."""
    votes = con.execute("""SELECT "onec:metadata" AS meta, _pkind AS kind, count(DISTINCT _pres) AS n FROM kept
                           WHERE _isdoc AND "onec:metadata" IS NOT NULL GROUP BY ALL""").fetchdf()
    kinds = kinds_by_metadata(votes) if len(votes) else {}
    pairs = con.execute('SELECT DISTINCT "onec:event", "onec:metadata" FROM kept').fetchall()
    acts = pd.DataFrame({"event": [e for e, _ in pairs], "meta": [m for _, m in pairs],
                         "activity": [activity_label(e or "", m or "", kinds.get(m), event_title) for e, m in pairs]},
                        dtype="str")
    con.register("acts", acts)


def _write(con: Any, output: Path, columns: list[str], key: str, system: str) -> int:
    """Sort the kept events by case, time and record order into the parquet ``output``; count them."""
    rest = [c for c in columns if c not in ev.COLUMNS and c not in _HELPERS]
    outcome = "CASE k.outcome " + " ".join(f"WHEN {i} THEN '{label}'" for i, label in enumerate(OUTCOMES)) + " END"
    select = [f"c.label AS {_q(ev.CASE)}", f"a.activity AS {_q(ev.ACTIVITY)}",
              f'k."time:timestamp"::TIMESTAMP_NS AS {_q(ev.TIMESTAMP)}', f'k."org:resource" AS {_q(ev.RESOURCE)}',
              f"NULL::VARCHAR AS {_q(ev.ROLE)}", f"NULL::VARCHAR AS {_q(ev.GROUP)}",
              f"{_literal(system)} AS {_q(ev.SYSTEM)}", f'k."source:file" AS {_q(ev.FILE)}',
              f"k.row_g AS {_q(ev.ROW)}"]
    select += [f"k.{_q(c)}::TIMESTAMP_NS AS {_q(c)}" if c == "doc:date" else f"k.{_q(c)}" for c in rest]
    select.append(f'{outcome} AS "onec:transaction"')
    source = (f"kept k JOIN cases c ON {key} JOIN acts a ON a.event IS NOT DISTINCT FROM k.\"onec:event\" "
              'AND a.meta IS NOT DISTINCT FROM k."onec:metadata"')
    con.execute(f"COPY (SELECT {', '.join(select)} FROM {source} ORDER BY c.rank, k.\"time:timestamp\", k.seq) "
                f"TO '{output}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 262144)")
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(output).metadata.num_rows)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_empty(output: Path) -> None:
    frame = ev.finalize(pd.DataFrame({c: pd.Series([], dtype="str") for c in ev.REQUIRED}))
    ev.write_log(frame, output)
