"""Search over assets and their parties that suits Vietnamese: "nguyen van an" finds "Nguyễn Văn An".

Diacritics and case are ignored on both sides, and the search is indexed:

* SQLite: FTS5 tables (migration 0009) whose unicode61 tokenizer removes diacritics
  (``remove_diacritics 2``) and whose triggers turn đ/Đ (no Unicode decomposition) into d/D. The
  query is folded the same way in Python (:func:`fold`: unicodedata's NFD with the combining marks
  dropped, plus the đ rule), so each word becomes a prefix query ``"nguyen"* AND "van"* AND "an"*``;
  ranked by FTS5's bm25, with words matched exactly ranking above words matched as a prefix.
* PostgreSQL: ``af_fold(text)`` = lower(unaccent(text)) with trigram GIN indexes over it; each word
  must start a word of the text (``af_fold(...) ~ '\\mnguyen'``, which the trigram index serves),
  ranked by pg_trgm's word_similarity + similarity to the folded query.

Every word must match within one asset's case number and description, or within one party's name and
identity number. ``--case`` searches case numbers, ``--party`` the names and numbers of the parties
linked to the asset, ``--q`` both; given together, an asset must match each. Results are ranked, and
only the assets of the offices the user may read (auth's ``visible_offices``) are searched.
:func:`find_parties` is the same party match returning the parties themselves (what the seizure form
offers to choose from), among those the user may see (as ``parties.visible`` says).
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Date, bindparam, select, text

from auction_flow.common.config import today
from auction_flow.common.errors import InvalidInput
from auction_flow.core import authz
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.engine import load_actor
from auction_flow.features.casefile import parties as parties_mod
from auction_flow.storage import db
from auction_flow.storage.schema import asset_parties, parties

_WORD = re.compile(r"[0-9a-z]+")


def fold(value: str) -> str:
    """Text without diacritics, lower case, đ as d: "Đặng Thị Ánh" -> "dang thi anh"."""
    value = unicodedata.normalize("NFD", value or "")
    value = "".join(c for c in value if unicodedata.category(c) != "Mn")
    return value.replace("đ", "d").replace("Đ", "D").casefold()


def words(value: str, option: str) -> list[str]:
    found = _WORD.findall(fold(value))
    if not found:
        raise InvalidInput("cf.search_empty", option=option, value=value)
    return found[:12]


def _fts(ws: list[str], column: str | None = None) -> str:
    """An FTS5 query: every word as a prefix; exact words add to the rank."""
    every = " AND ".join(f'"{w}"*' for w in ws)
    boost = " OR ".join([f'"{w}"' for w in ws] + [f'"{ws[0]}"*'])
    expr = f"({every}) AND ({boost})"
    return f"{column} : ({expr})" if column else expr


class _Sql:
    """The statements of one search, with their parameters, in the database's dialect."""

    def __init__(self, dialect: str):
        self.pg = dialect == "postgresql"
        self.params: dict = {}
        self.n = 0

    def _p(self, value) -> str:
        self.n += 1
        self.params[f"p{self.n}"] = value
        return f":p{self.n}"

    def _pg_words(self, column_sql: str, ws: list[str]) -> str:
        return " AND ".join(f"af_fold({column_sql}) ~ {self._p(chr(92) + 'm' + w)}" for w in ws)

    def _pg_score(self, column_sql: str, ws: list[str]) -> str:
        q = self._p(" ".join(ws))
        return f"-(word_similarity({q}, af_fold({column_sql})) + similarity({q}, af_fold({column_sql})))"

    def assets(self, ws: list[str], case_only: bool) -> str:
        if self.pg:
            col = "a.case_number" if case_only else "a.case_number || ' ' || a.description"
            return (f"SELECT a.id AS asset_id, {self._pg_score(col, ws)} AS score FROM assets a "
                    f"WHERE {self._pg_words(col, ws)}")
        return ("SELECT rowid AS asset_id, bm25(asset_fts) AS score FROM asset_fts WHERE asset_fts MATCH "
                + self._p(_fts(ws, "case_number" if case_only else None)))

    def party_ids(self, ws: list[str]) -> str:
        """The parties themselves whose name and identity number match (``party_id``, ``score``)."""
        if self.pg:
            col = "p.name || ' ' || p.id_number"
            return (f"SELECT p.id AS party_id, {self._pg_score(col, ws)} AS score FROM parties p "
                    f"WHERE {self._pg_words(col, ws)}")
        return ("SELECT rowid AS party_id, bm25(party_fts) AS score FROM party_fts WHERE party_fts MATCH "
                + self._p(_fts(ws)))

    def parties(self, ws: list[str]) -> str:
        """The assets linked to a party that matches, with the party's score."""
        return (f"SELECT ap.asset_id, f.score FROM ({self.party_ids(ws)}) f "
                "JOIN asset_parties ap ON ap.party_id = f.party_id")


def search(engine, actor, q: str | None = None, case: str | None = None, party: str | None = None,
           state: str | None = None, office: str | None = None, overdue: bool = False, limit: int | None = 50,
           lang: str = "en") -> list[dict]:
    """The assets matching every criterion given, best first, within the actor's offices."""
    criteria = [(name, words(value, f"--{name}")) for name, value in (("case", case), ("party", party), ("q", q))
                if value is not None]
    if not criteria:
        raise InvalidInput("cf.search_what")
    on = today()
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        seen = authz.visible_offices(conn, user)
        sql = _Sql(conn.dialect.name)
        ctes, matches = [], []
        for i, (name, ws) in enumerate(criteria):
            parts = {"case": [sql.assets(ws, True)], "party": [sql.parties(ws)],
                     "q": [sql.assets(ws, False), sql.parties(ws)]}[name]
            names = []
            for part in parts:  # each full-text match on its own (SQLite's bm25 needs its table's query)
                names.append(f"f{len(matches)}")
                matches.append(f"{names[-1]} AS MATERIALIZED ({part})")
            union = " UNION ALL ".join(f"SELECT asset_id, score FROM {n}" for n in names)
            ctes.append(f"c{i} AS (SELECT asset_id, MIN(score) AS score FROM ({union}) m{i} GROUP BY asset_id)")
        ctes = matches + ctes
        joins = " ".join(f"JOIN c{i} ON c{i}.asset_id = c0.asset_id" for i in range(1, len(criteria)))
        score = " + ".join(f"c{i}.score" for i in range(len(criteria)))
        where = []
        if seen is not None:
            where.append("a.office_id IN :offices")
            sql.params["offices"] = list(seen) or [-1]
        if state:
            known = set(workflow_mod.get().states)
            if state not in known:
                raise InvalidInput("bad_choice", field="--state", choices=", ".join(sorted(known)), value=state)
            where.append("a.state = :state")
            sql.params["state"] = state
        if office:
            under = authz.subtree(conn, office)
            where.append("a.office_id IN :wanted")
            sql.params["wanted"] = list(under)
        if overdue:
            where.append("a.deadline < :today")
            sql.params["today"] = on
        stmt = (f"WITH {', '.join(ctes)} SELECT a.id, a.case_number, a.description, a.kind, a.state, a.deadline, "
                f"a.workflow, a.workflow_version, o.code AS office, u.username AS officer, {score} AS score "
                f"FROM c0 {joins} JOIN assets a ON a.id = c0.asset_id JOIN offices o ON o.id = a.office_id "
                f"LEFT JOIN users u ON u.id = a.officer_id "
                + (f"WHERE {' AND '.join(where)} " if where else "") + "ORDER BY score, a.id"
                + (f" LIMIT {int(limit)}" if limit else ""))
        bound = text(stmt)
        for name in ("offices", "wanted"):
            if name in sql.params:
                bound = bound.bindparams(bindparam(name, expanding=True))
        rows = [dict(r) for r in conn.execute(bound.columns(deadline=Date()), sql.params).mappings()]
        linked = _parties_of(conn, [r["id"] for r in rows])
    out = []
    for rank, r in enumerate(rows, 1):
        wf = workflow_mod.get(r["workflow"], r["workflow_version"])
        out.append({"rank": rank, "id": r["id"], "case_number": r["case_number"], "description": r["description"],
                    "kind": r["kind"], "office": r["office"], "officer": r["officer"], "state": r["state"],
                    "state_label": wf.states[r["state"]].labels[lang], "deadline": r["deadline"],
                    "days_left": (r["deadline"] - on).days if r["deadline"] else None,
                    "parties": linked.get(r["id"], [])})
    return out


def find_parties(engine, actor, q: str, limit: int = 20) -> list[dict]:
    """The registered parties whose name or identity number match ``q`` (as ``--party`` does), best
    first, among those the actor may see: of an office they may read, or linked to an asset of one
    (as ``parties.visible`` says). What a form offers to choose from.

    ``q`` that is a party's full identity number, exactly, finds that party first even when it is
    another office's (``by_number``: knowing the number is the proof that lets an officer link it,
    see ``parties.resolve``); a part of a number or a name finds only the parties the actor may see.
    The lookup of a full number outside the actor's scope is limited (``parties.by_number_checked``):
    a number of no party is a miss, logged, and too many refuse it (``Throttled``)."""
    ws = words(q, "--party")
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        seen = authz.visible_offices(conn, user)
        sql = _Sql(conn.dialect.name)
        match = sql.party_ids(ws)
        where = ""
        if seen is not None:
            sql.params["offices"] = list(seen) or [-1]
            where = ("WHERE p.office_id IN :offices OR EXISTS (SELECT 1 FROM asset_parties ap JOIN assets a "
                     "ON a.id = ap.asset_id WHERE ap.party_id = p.id AND a.office_id IN :offices) ")
        stmt = text(f"WITH f AS MATERIALIZED ({match}) SELECT p.id, p.kind, p.name, p.id_number, p.address, "
                    f"o.code AS office FROM f JOIN parties p ON p.id = f.party_id JOIN offices o ON o.id = p.office_id "
                    f"{where}ORDER BY f.score, p.id LIMIT {int(limit)}")
        if seen is not None:
            stmt = stmt.bindparams(bindparam("offices", expanding=True))
        rows = [dict(r) for r in conn.execute(stmt, sql.params).mappings()]
    full = parties_mod.full_number(q)
    if seen is None or any(r["id_number"] == full for r in rows):
        return rows
    held = parties_mod.by_number_checked(engine, user, full)  # limited per user: see number_guard
    if held is not None and all(r["id"] != held["id"] for r in rows):
        rows = [{**parties_mod.public(held), "by_number": True}, *rows][:limit]
    return rows


def _parties_of(conn, ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    if not ids:
        return out
    q = (select(asset_parties.c.asset_id, asset_parties.c.role, parties.c.id, parties.c.name)
         .join(parties, parties.c.id == asset_parties.c.party_id).where(asset_parties.c.asset_id.in_(ids))
         .order_by(asset_parties.c.asset_id, asset_parties.c.id))
    for r in conn.execute(q):
        out.setdefault(r.asset_id, []).append({"id": r.id, "name": r.name, "role": r.role})
    return out

