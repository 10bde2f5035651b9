"""Passwords: the policy a new password must meet, and its argon2id hash.

Hashing is pwdlib's ``Argon2Hasher`` (argon2-cffi underneath) with OWASP's minimum argon2id
configuration for password storage: 19 MiB of memory, 2 passes, 1 lane (about 20-30 ms on one
core). The hash is a PHC string that carries its parameters, so a hash made with other
parameters still verifies, and is re-hashed with these at the next successful sign-in.

Policy: at least 10 characters (after Unicode NFC normalisation, so a Vietnamese letter typed
composed or decomposed is one character and the same password), at most 1024, at least 5
different characters, not containing the username, and not among the 30,000 commonest
passwords of the frequency list zxcvbn ships (``zxcvbn.frequency_lists``, "passwords",
compared case-insensitively).
"""

from __future__ import annotations

import functools
import unicodedata

from auction_flow.common.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 1024
MIN_DISTINCT = 5
ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}  # OWASP Password Storage Cheat Sheet

@functools.lru_cache(maxsize=1)
def _hasher():
    # built on first use: every command authenticates, few of them hash a password
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(**ARGON2),))


def normal(password: str) -> str:
    return unicodedata.normalize("NFC", password or "")


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    # loaded on first use: the lists are large and only a new password needs them
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def check(password: str, username: str | None = None) -> str:
    """The password, normalised, if it meets the policy; else InvalidInput naming the rule."""
    pw = normal(password)
    if len(pw) < MIN_LENGTH:
        raise InvalidInput("password_too_short", n=MIN_LENGTH)
    if len(pw) > MAX_LENGTH:
        raise InvalidInput("password_too_long", n=MAX_LENGTH)
    if len(set(pw)) < MIN_DISTINCT:
        raise InvalidInput("password_too_simple", n=MIN_DISTINCT)
    if username and len(username.strip()) >= 3 and username.strip().lower() in pw.lower():
        raise InvalidInput("password_has_username")
    if pw.lower() in _common():
        raise InvalidInput("password_common")
    return pw


ONE_TIME_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


def one_time(username: str | None = None) -> str:
    """A password an administrator hands over once (the user must change it at the first sign-in):
    three groups of four letters and digits drawn by ``secrets`` (about 70 bits), meeting the policy."""
    import secrets

    while True:
        pw = "-".join("".join(secrets.choice(ONE_TIME_LETTERS) for _ in range(4)) for _ in range(3))
        try:
            return check(pw, username)
        except InvalidInput:
            continue


def hash_password(password: str, username: str | None = None) -> str:
    """The argon2id hash (PHC string) of a password that meets the policy."""
    return _hasher().hash(check(password, username))


def verify(password: str, stored: str | None) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one used other parameters). A missing or unreadable
    hash never matches (and still costs one hash, so timing does not tell it apart)."""
    from pwdlib.exceptions import UnknownHashError

    if not stored:
        _hasher().verify(normal(password), _dummy())
        return False, None
    try:
        return _hasher().verify_and_update(normal(password), stored)
    except (UnknownHashError, ValueError):
        return False, None


@functools.lru_cache(maxsize=1)
def _dummy() -> str:
    return _hasher().hash("no such user: this hash is compared so that timing does not tell")


def is_argon2id(stored: str) -> bool:
    return stored.startswith("$argon2id$")
