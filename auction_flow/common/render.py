"""Turning service results into what a person or a script reads: tables and JSON."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

from auction_flow.common.errors import InvalidInput


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot render {type(value).__name__}")


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain)


@contextlib.contextmanager
def output_file(path):
    """Writing a file a person named (``--output``, ``--chart``): a folder that is not there, a
    full disk or a refused write is said in one line, naming the file."""
    folder = Path(path).expanduser().parent
    name = repr(str(path))[1:-1]  # on one line, whatever the name holds
    if not folder.is_dir():
        raise InvalidInput("output_no_folder", path=name, folder=repr(str(folder))[1:-1])
    try:
        yield
    except (OSError, ValueError) as exc:  # ValueError: a name the system cannot take (a NUL byte)
        raise InvalidInput("output_unwritable", path=name, why=getattr(exc, "strerror", None) or str(exc)) from None


def money(value) -> str:
    return "-" if value is None else f"{value:,}".replace(",", ".") + " ₫"


def cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """``columns`` are (key, header) pairs; returns aligned text."""
    if not rows:
        return ""
    cells = [[cell(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
    lines = ["  ".join(h.ljust(w) for (_, h), w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)
