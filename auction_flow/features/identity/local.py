"""The sessions this machine holds: one file, ``sessions.json`` in the user's configuration
folder (``common.config.config_dir``: ``AUCTION_FLOW_CONFIG_DIR`` or the platform's), mode 0600
in a folder of mode 0700, holding the session tokens of the command line keyed by database URL
(without its password) and username. ``--as NAME`` / ``AUCTION_FLOW_USER`` only choose among them.

Read-modify-write happens under an exclusive lock on ``sessions.lock`` (POSIX ``flock``; where
there is none, as on Windows, the last writer wins) and the file is replaced atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from auction_flow.common.config import config_dir, now_utc

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

FILE = "sessions.json"


def db_key(url: str) -> str:
    """The database a session belongs to: its URL without the password."""
    u = make_url(url)
    return URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query).render_as_string()


def path() -> Path:
    return config_dir() / FILE


@contextlib.contextmanager
def _locked():
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / "sessions.lock", os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder / FILE
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _read(file: Path) -> list[dict]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    now = now_utc()
    return [e for e in data.get("sessions", []) if isinstance(e, dict) and _expires(e) > now]


def _expires(entry: dict) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(entry["expires_at"])
    except (KeyError, TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _write(file: Path, entries: list[dict]) -> None:
    tmp = file.with_name(f".{FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"sessions": entries}, out, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, file)


def held(url: str) -> dict[str, dict]:
    """{username: entry} of the live sessions held here for the database ``url``."""
    key = db_key(url)
    file = path()
    if not file.exists():
        return {}
    with _locked() as file:
        return {e["username"]: e for e in _read(file) if e.get("db") == key}


def remember(url: str, username: str, token: str, session_id: int, expires_at: dt.datetime) -> dict | None:
    """Keep a new session's token; return the entry it replaced (same database and user), if any."""
    key = db_key(url)
    with _locked() as file:
        entries = _read(file)
        old = next((e for e in entries if e.get("db") == key and e.get("username") == username), None)
        entries = [e for e in entries if e is not old]
        entries.append({"db": key, "username": username, "session": session_id, "token": token,
                        "expires_at": expires_at.isoformat()})
        _write(file, entries)
    return old


def forget(url: str, username: str) -> dict | None:
    """Drop the session held for (database, user); return it, if there was one."""
    key = db_key(url)
    if not path().exists():
        return None
    with _locked() as file:
        entries = _read(file)
        old = next((e for e in entries if e.get("db") == key and e.get("username") == username), None)
        _write(file, [e for e in entries if e is not old])
    return old
