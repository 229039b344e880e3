"""Build and write an OCEL 2.0 log of linked 1C documents with pm4py.

Objects: every document (type = its kind, e.g. «Заказ клиента»; documents only named in a link
are objects too) and every customer. Events: one per exported document, at its date, with its
kind as the activity. Event-to-object relations tie each event to its document, the documents it
links to (qualified by the link attribute) and its customer; object-to-object relations keep the
link table itself, so the many-to-many structure survives (no flattening to one case per event).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from connectors.onec.presentations import kind_title
from miner.errors import FormatError

CUSTOMER_TYPE = "Клиент"


def _object_ids(docs: pd.DataFrame) -> pd.Series:
    """Readable, unique object ids: the presentation, with the doc id where two print the same."""
    ids = docs["presentation"].astype(str)
    dup = ids.duplicated(keep=False)
    return ids.where(~dup, ids + " #" + docs["doc"].astype(str))


def build_ocel(docset: Any) -> Any:
    """Return a ``pm4py`` OCEL object for a :class:`connectors.onec.documents.DocumentSet`."""
    from pm4py.objects.ocel.obj import OCEL

    docs = docset.documents.reset_index(drop=True)
    oid = dict(zip(docs["doc"], _object_ids(docs)))
    otype = {d: (kind_title(str(m)) or str(k))
             for d, m, k in zip(docs["doc"], docs["metadata"], docs["kind"])}
    objects = pd.DataFrame({"ocel:oid": docs["doc"].map(oid), "ocel:type": docs["doc"].map(otype),
                            "number": docs["number"].astype(str), "amount": pd.to_numeric(docs.get("amount"),
                                                                                            errors="coerce"),
                            "status": docs.get("status"), "exported": docs["loaded"].astype(bool)})
    customers = docs.get("customer", pd.Series(dtype=object)).dropna()
    customers = customers[customers.astype(str) != ""]
    if len(customers):
        names = pd.Series(customers.unique())
        objects = pd.concat([objects, pd.DataFrame({"ocel:oid": CUSTOMER_TYPE + ": " + names,
                                                    "ocel:type": CUSTOMER_TYPE})], ignore_index=True)
    loaded = docs[docs["loaded"].astype(bool)]
    events = pd.DataFrame({"ocel:eid": "e" + loaded["doc"].astype(str), "ocel:activity": loaded["doc"].map(otype),
                           "ocel:timestamp": pd.to_datetime(loaded["date"]),
                           "amount": pd.to_numeric(loaded.get("amount"), errors="coerce"),
                           "org:resource": loaded.get("resource")})
    links = docset.links[docset.links["target"] >= 0]
    relations = _relations(loaded, links, oid, otype)
    o2o = pd.DataFrame({"ocel:oid": links["source"].map(oid), "ocel:oid_2": links["target"].map(oid),
                        "ocel:qualifier": links["attribute"]})
    if len(customers):
        cust = docs.loc[customers.index]
        o2o = pd.concat([o2o, pd.DataFrame({"ocel:oid": cust["doc"].map(oid),
                                            "ocel:oid_2": CUSTOMER_TYPE + ": " + cust["customer"].astype(str),
                                            "ocel:qualifier": CUSTOMER_TYPE})], ignore_index=True)
    return OCEL(events=events.reset_index(drop=True), objects=objects.reset_index(drop=True),
                relations=relations, o2o=o2o.reset_index(drop=True))


def _relations(loaded: pd.DataFrame, links: pd.DataFrame, oid: dict, otype: dict) -> pd.DataFrame:
    """Event-to-object: own document («документ»), linked documents (by attribute), customer («клиент»)."""
    own = pd.DataFrame({"doc": loaded["doc"], "obj": loaded["doc"].map(oid), "type": loaded["doc"].map(otype),
                        "ocel:qualifier": "документ"})
    linked = links[links["source"].isin(loaded["doc"])]
    to = pd.DataFrame({"doc": linked["source"], "obj": linked["target"].map(oid), "type": linked["target"].map(otype),
                       "ocel:qualifier": linked["attribute"]})
    parts = [own, to]
    if "customer" in loaded:
        cust = loaded[loaded["customer"].notna() & (loaded["customer"].astype(str) != "")]
        parts.append(pd.DataFrame({"doc": cust["doc"], "obj": CUSTOMER_TYPE + ": " + cust["customer"].astype(str),
                                   "type": CUSTOMER_TYPE, "ocel:qualifier": CUSTOMER_TYPE.lower()}))
    rel = pd.concat(parts, ignore_index=True)
    info = loaded.set_index("doc")
    return pd.DataFrame({"ocel:eid": "e" + rel["doc"].astype(str), "ocel:oid": rel["obj"],
                         "ocel:qualifier": rel["ocel:qualifier"], "ocel:activity": rel["doc"].map(otype),
                         "ocel:timestamp": pd.to_datetime(rel["doc"].map(info["date"])), "ocel:type": rel["type"]})


def write_ocel(ocel: Any, path: Path) -> Path:
    """Write ``ocel`` as OCEL 2.0 in the format its suffix names (.jsonocel/.json, .sqlite/.db, .xmlocel/.xml)."""
    import pm4py

    suffix = path.suffix.lower()
    writers = {".jsonocel": pm4py.write_ocel2_json, ".json": pm4py.write_ocel2_json,
               ".sqlite": pm4py.write_ocel2_sqlite, ".db": pm4py.write_ocel2_sqlite,
               ".xmlocel": pm4py.write_ocel2_xml, ".xml": pm4py.write_ocel2_xml}
    if suffix not in writers:
        raise FormatError(f"{path.name}: cannot write OCEL 2.0 as '{suffix}'; use .jsonocel, .sqlite or .xmlocel")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and suffix in (".sqlite", ".db"):
        path.unlink()  # the SQLite writer appends to an existing database
    writers[suffix](ocel, str(path))
    return path
