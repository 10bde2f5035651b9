"""The CSRF token of a multipart form (the attachment upload), checked before asgi-csrf sees it.

asgi-csrf reads the token of a urlencoded form itself, but its reader of multipart bodies calls
python-multipart's ``FormParser`` with an argument that python-multipart 0.0.26 removed
(simonw/asgi-csrf#38), and the python-multipart of before that has known vulnerabilities
(CVE-2026-40347). So for a multipart POST of a page this module reads the body up to its first
field, which must be the ``csrftoken`` (as asgi-csrf requires: the token before any file), checks
it the way asgi-csrf does (equal to the ``csrftoken`` cookie, whose signature is valid), and hands
it on as the ``X-CSRFToken`` header, which asgi-csrf then compares with the cookie again. A missing,
misplaced or wrong token is refused here with the same page as asgi-csrf's refusals, and the body
read so far is replayed to the application unchanged.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = FIELD = NAMESPACE = "csrftoken"
HEADER = b"x-csrftoken"
HEAD_LIMIT = 64 * 1024  # the first field and its headers are far smaller


def boundary_of(content_type: str) -> bytes | None:
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip().strip('"').encode("latin-1")
    return None


def first_field_token(body: bytes, boundary: bytes) -> str | bool | None:
    """The value of the body's first part if it is the ``csrftoken`` field; None: more body is needed;
    False: the first part is something else (a file, another field), or the body is malformed."""
    start = b"--" + boundary + b"\r\n"
    if len(body) < len(start):
        return None if start.startswith(body) else False
    if not body.startswith(start):
        return False
    head_end = body.find(b"\r\n\r\n", len(start))
    if head_end < 0:
        return None if len(body) < HEAD_LIMIT else False
    head = body[len(start):head_end].decode("latin-1").lower()
    if 'name="csrftoken"' not in head or "filename=" in head:
        return False
    value_end = body.find(b"\r\n--" + boundary, head_end + 4)
    if value_end < 0:
        return None if len(body) < HEAD_LIMIT else False
    return body[head_end + 4:value_end].decode("latin-1")


def cookie_token(headers: dict) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # noqa: BLE001 - a cookie header that cannot be read holds no token
        return None
    return jar[COOKIE].value if COOKIE in jar else None


def multipart_token(app, secret: str, refuse, skip):
    """Around asgi-csrf: a multipart POST of a page carries its token in its first field (see above)."""
    signer = URLSafeSerializer(secret)

    def valid(form: str | bool | None, cookie: str | None) -> bool:
        if not isinstance(form, str) or not cookie or not secrets.compare_digest(form, cookie):
            return False
        try:
            signer.loads(cookie, NAMESPACE)
        except BadSignature:
            return False
        return True

    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or skip(scope):
            return await app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        boundary = boundary_of(headers.get(b"content-type", b"").decode("latin-1"))
        if boundary is None or not headers.get(b"cookie"):
            return await app(scope, receive, send)  # not multipart; or no cookie: nothing a forger can ride
        messages, body, found = [], b"", None
        while found is None:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            found = first_field_token(body, boundary)
            if found is None and not message.get("more_body", False):
                found = False
        if not valid(found, cookie_token(headers)):
            return await refuse(scope, send, "multipart csrftoken")

        async def replay():
            return messages.pop(0) if messages else await receive()
        scope = {**scope, "headers": [*(scope.get("headers") or []), (HEADER, found.encode("latin-1"))]}
        await app(scope, replay, send)
    return wrapped
