"""One exception tree. Each front end turns :class:`AuctionFlowError` into a user message in one
place (the command line: one line and exit 1; the web desk: the page or the API's JSON error).

An error is raised with a message key from :mod:`auction_flow.common.words` and its parameters, so
the same refusal reads in Vietnamese or English; ``str(error)`` is the English text.
"""

from __future__ import annotations

from auction_flow.common.words import message


class AuctionFlowError(Exception):
    """Base of every refusal the program makes on purpose."""

    exit_code = 1

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = "en") -> str:
        return message(self.key, lang, **self.params)


class NotFound(AuctionFlowError):
    """An asset, user, office, alert or file that does not exist."""


class InvalidInput(AuctionFlowError):
    """A value that is malformed or breaks a rule (price <= 0, future date, ...)."""


class UsageError(InvalidInput):
    """A value that cannot be read as what its option takes: not a number, not a date of the
    calendar's years, no ``=`` in FIELD=VALUE, bytes that are not UTF-8... The command line was
    malformed: exit code 2, as click's own usage errors (a refusal of a value that was read is 1)."""

    exit_code = 2


class TriggerNotAllowed(AuctionFlowError):
    """The trigger may not fire from the asset's current state, or a guard refused it."""


class PermissionDenied(AuctionFlowError):
    """The actor's role or office does not allow the operation."""


class Throttled(PermissionDenied):
    """Refused for a while because of what the actor did before (too many lookups of another office's
    parties by identity number that found nobody): an ``access_log`` row; the API answers 429."""


class ConflictError(AuctionFlowError):
    """The asset changed since it was read (optimistic locking lost)."""


class WorkflowDefinitionError(AuctionFlowError):
    """A workflow file is malformed; the message names the file, the entry and the fault."""

    def __init__(self, text: str):
        super().__init__("literal", text=text)


class SchemaError(AuctionFlowError):
    """The database schema is older or newer than this program."""
