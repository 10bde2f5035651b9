"""What the front end knows about the request it is serving, handed down without changing any
service's signature: the session or bearer token the caller was authenticated through.

The front end sets it after authenticating (``with acting_via("session:12"): ...``, or
:func:`set_via` for a command-line process that serves one command); the audit writer
(``core.audit``), the refusal log (``core.authz.record_denial``) and the alert and complaint
handling read it with :func:`current_via`. It holds an id such as ``"session:12"`` or
``"token:3"``, never a secret. Like ``config.simulated_now`` it is a context variable, so
threads and asyncio tasks each see their own.
"""

from __future__ import annotations

import contextlib
import contextvars

_via: contextvars.ContextVar[str | None] = contextvars.ContextVar("via", default=None)


def current_via() -> str | None:
    """The session or token of the request being served (None: a service called directly,
    the scheduler, the demo's build)."""
    return _via.get()


def set_via(via: str | None) -> contextvars.Token:
    """Set it for the rest of the current context; returns the token that :func:`reset_via` takes."""
    return _via.set(via)


def reset_via(token: contextvars.Token) -> None:
    _via.reset(token)


@contextlib.contextmanager
def acting_via(via: str | None):
    """Run the block as served through ``via``."""
    token = _via.set(via)
    try:
        yield
    finally:
        _via.reset(token)
