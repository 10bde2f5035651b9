"""The one vocabulary of words users read, in Vietnamese (vi) and English (en).

Every text a person reads lives in the data modules of this package, one per area
(``refusals``, ``cli``, ``headers``, ``labels``, ``codes``, ``alerts``, ``supervision``,
``complaints``, ``reports``, ``imports``, ``identity``, ``casefile``, ``web``, ``web_casefile``,
``procuracy``, ``receipts``, ``obligations``), each a ``WORDS`` table of ``key -> {"vi", "en"}``.
No key appears twice. The one way to look a text up is :func:`message` (or :class:`Msg`, a
message rendered later in the reader's language); :func:`term` labels a code
(``term("level", "overdue", "vi")``). States and triggers are labelled by the workflow file
that defines them: its loader hands those labels to :func:`register_terms`.

Codes (states, triggers, rules, levels...) stay codes in ``--json`` and in the API.

The command line's help is the one exception to the tables' shape: ``cli_help``,
``cli_help_assets``, ``cli_help_supervision`` and ``cli_options`` hold its Vietnamese alone, by
command path and option, since its English is each command's docstring and ``help=``
(``frontends/cli/help.py`` shows one or the other).
"""

from __future__ import annotations

from auction_flow.common.words import (
    alerts,
    casefile,
    cli,
    codes,
    complaints,
    guide,
    headers,
    identity,
    imports,
    integrity,
    labels,
    limits,
    obligations,
    procuracy,
    receipts,
    refusals,
    reports,
    supervision,
    web,
    web_casefile,
)

LANGS = ("vi", "en")
AREAS = (refusals, cli, headers, labels, codes, alerts, supervision, complaints, reports, imports, identity, casefile, web,
         web_casefile, limits, guide, procuracy, integrity, receipts,
         obligations)

MESSAGES: dict[str, dict[str, str]] = {}
for _area in AREAS:
    for _key, _texts in _area.WORDS.items():
        if _key in MESSAGES:
            raise ValueError(f"word {_key!r} is defined twice ({_area.__name__})")
        if set(_texts) != set(LANGS):
            raise ValueError(f"word {_key!r} needs exactly a vi and an en text")
        MESSAGES[_key] = _texts

# Labels of workflow codes ("state.priced", "trigger.agree_price"), from the definitions loaded:
# key -> (workflow version that gave it, {"vi", "en"}); a newer version's label wins.
_TERMS: dict[str, tuple[int, dict[str, str]]] = {}


class Msg:
    """A message to render later, in whatever language the reader asked for."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def render(self, lang: str = "en") -> str:
        return message(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


def message(key: str, lang: str = "en", **params) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in (a :class:`Msg` among them is
    rendered in the same language). An unknown key is returned as it is."""
    entry = MESSAGES.get(key) or (_TERMS[key][1] if key in _TERMS else None)
    if entry is None:
        return key
    params = {k: v.render(lang) if isinstance(v, Msg) else v for k, v in params.items()}
    try:
        return entry.get(lang, entry["en"]).format(**params)
    except (KeyError, IndexError):
        return entry["en"] + " " + repr(params)


def label(key: str, lang: str = "en") -> str:
    """The label of a field or value (``labels``): ``label("deadline", "vi")``."""
    return message(f"label.{key}", lang)


def term(kind: str, code: str | None, lang: str = "en") -> str:
    """The label of ``code`` of ``kind`` (state, trigger, rule, level, status, signal, role...);
    the code itself when the vocabulary has none (or ``-`` for no code)."""
    if code is None:
        return "-"
    key = f"{kind}.{code}"
    if key in MESSAGES or key in _TERMS:
        return message(key, lang)
    return str(code)


def has_term(kind: str, code: str) -> bool:
    key = f"{kind}.{code}"
    return key in MESSAGES or key in _TERMS


def register_terms(kind: str, labels_by_code: dict[str, dict[str, str]], version: int = 0) -> None:
    """Labels of codes defined in data files (a workflow's states and triggers); the labels of
    the newest version of a definition win."""
    for code, texts in labels_by_code.items():
        key = f"{kind}.{code}"
        if key in MESSAGES:
            raise ValueError(f"{key!r} is labelled by the vocabulary already")
        held = _TERMS.get(key)
        if held is None or held[0] <= version:
            _TERMS[key] = (version, {"vi": texts["vi"], "en": texts["en"]})
