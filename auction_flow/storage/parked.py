"""The engine's step keeps its connection for the same thread's next step (performance-notes, stop 28).

A step checked its connection out of SQLAlchemy's pool and back in every time: the pool's queue,
lock and condition, a ``weakref.finalize`` a check-out, and the reset's ROLLBACK at the check-in,
7% of a warm step's instructions for a connection that goes straight back to the same thread's
next step. Here a connection the step ended cleanly (its COMMIT done, no transaction open, Core
never used on it, not invalidated) is parked instead, and the next step of the same thread takes
it back without the pool. Bounded on purpose:

- at most **one** parked connection per engine, and it belongs to **one thread**: the first thread
  that parks one owns the engine's slot until the engine is disposed; any other thread's step
  checks out of the pool and back in as before (a web desk's threads do not each hold one, and a
  connection is never handed from one thread to another by this slot);
- a step that raised, whose COMMIT failed, or that used Core returns its connection to the pool,
  which rolls it back as before (nothing is parked with a transaction open);
- ``engine.dispose()`` closes the parked connection (the ``engine_disposed`` event), as it closes
  the pool's, and a step still holding its connection then returns it to the pool as a Core
  connection checked out across a dispose would be;
- a process forked from this one never uses nor closes the connections its parent parked (they
  are the parent's sockets and files): the child starts with empty slots.

On PostgreSQL the parked connection is not pinged when taken back: the step's BEGIN is its ping,
as for a connection from the pool (db._StepTransaction._enter_postgresql), and a lost one is
invalidated and replaced by a pinged one from the pool.
"""

from __future__ import annotations

import os
import threading
import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine

_SLOTS: "weakref.WeakKeyDictionary[Engine, Slot]" = weakref.WeakKeyDictionary()
_NEW = threading.Lock()
_INHERITED: list = []  # a forked child's copies of its parent's parked connections: never used, never closed


class Slot:
    """An engine's one parked connection (a ``db.StepConnection``) and the thread that owns it."""

    __slots__ = ("lock", "owner", "conn", "open")

    def __init__(self):
        self.lock = threading.Lock()
        self.owner: int | None = None  # the thread whose steps park here (the first to park)
        self.conn = None
        self.open = True  # False once its engine was disposed


def slot(engine: Engine) -> Slot:
    """The engine's slot (made, and its dispose listener registered, on the engine's first step)."""
    found = _SLOTS.get(engine)
    if found is None:
        with _NEW:
            found = _SLOTS.get(engine)
            if found is None:
                found = _SLOTS[engine] = Slot()
                if not event.contains(engine, "engine_disposed", _disposed):
                    event.listen(engine, "engine_disposed", _disposed)
    return found


def take(s: Slot):
    """The connection parked in ``s`` if the calling thread owns it, else None."""
    if s.conn is None or s.owner != threading.get_ident():
        return None
    with s.lock:
        conn, s.conn = s.conn, None
    return conn


def park(s: Slot, conn) -> bool:
    """Park ``conn`` (ended cleanly) in ``s`` for the calling thread's next step; False when the
    slot is another thread's, already holds one, or its engine was disposed (the caller then
    returns ``conn`` to the pool)."""
    ident = threading.get_ident()
    with s.lock:
        if s.open and s.conn is None and (s.owner is None or s.owner == ident):
            s.owner, s.conn = ident, conn
            return True
    return False


def _disposed(engine: Engine) -> None:
    """``engine.dispose()``: the parked connection is closed and the engine gets a new, empty slot."""
    with _NEW:
        old = _SLOTS.get(engine)
        _SLOTS[engine] = Slot()
    if old is None:
        return
    with old.lock:
        old.open, conn, old.conn = False, old.conn, None
    if conn is not None:
        pooled = conn.connection
        pooled.detach()  # out of the pool dispose emptied: closing it closes the driver's connection
        pooled.close()


def _forked() -> None:
    global _NEW
    _NEW = threading.Lock()  # another thread may have held it at the fork
    for engine, old in list(_SLOTS.items()):
        _INHERITED.append(old)  # kept from the garbage collector, whose clean-up would roll it back
        _SLOTS[engine] = Slot()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)
