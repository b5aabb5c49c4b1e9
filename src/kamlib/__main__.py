"""``python -m kamlib demo``: a portfolio review on built-in synthetic data.

The only module of kamlib that prints. It builds a seeded synthetic portfolio in memory
(no files), extracts features as of a date, runs the three built-in scorers and the
stakeholder-network analyses, and prints a review a key-account team can read:

1. the strategic value matrix (source [000]): cuts, quadrant counts, top members;
2. the key-account list x quadrant x health light: one row per key account (weighted
   points, source [002]; the 5-25 guardrail, source [004]) with its reasons, and whom to
   meet next on each;
3. health and the three-colour lights: counts, the accounts behind each warning light,
   and the two-quarter purchase decline alert;
4. stakeholder red flags across all accounts: counts by flag code, the worst accounts;
5. the alerts inbox of [`kamlib.operations.review`][kamlib.operations.review]: every
   operating rule's alerts (commitments, complaints, cadence, health, stakeholders, ...)
   counted by kind and severity, and the accounts that need attention first.

Usage::

    python -m kamlib --version            # prints "kamlib <version>"
    python -m kamlib demo                 # the review, as text
    python -m kamlib demo --account ID    # one account end to end
    python -m kamlib demo --json          # the review (or, with --account, the account) as JSON

Options of ``demo``: ``--accounts N`` (200), ``--seed S`` (7), ``--as-of YYYY-MM-DD``
(2026-01-01), ``--threshold P`` (key-account points, 6.0). The same options always give
the same output. Exit status: 0 on success, 2 on a usage error or a kamlib error (an
unknown ``--account`` id included), with a one-line message on stderr.

JSON (``--json``) is one object on stdout; every key below is always present (a value
that does not exist is ``null``, never left out, and never ``NaN``). Lists are complete
in JSON; the text output cuts long ones and says "… and N more". The review::

    {"kamlib": "<version>",
     "data": {"source": "synthetic", "seed", "accounts", "people", "as_of", "threshold"},
     "value_matrix": {"cuts": {"profit", "strategic_importance"},
                      "unassessed": [ids],
                      "quadrants": [{"quadrant", "count", "policy", "ranked_by", "ids"}]},
     "key_accounts": {"threshold", "bounds": [low, high], "qualifying", "flag",
                      "rows": [{"rank", "id", "name", "points", "coverage", "quadrant",
                                "light", "health", "reasons", "points_reasons",
                                "top_criteria": [{"criterion", "points"}],
                                "red_flags": [codes], "meet_next": meeting | null}]},
     "health": {"lights": [{"light", "count",
                            "accounts": [{"id", "health", "reasons"}]}],
                "reason_texts": {code: text},
                "two_quarter_decline": [ids]},
     "red_flags": {"accounts", "flagged",
                   "by_code": [{"code", "count", "key_accounts"}],
                   "worst": [{"id", "name", "codes", "light", "key_account"}]},
     "inbox": {"as_of", "accounts", "alerts", "by_severity": {severity: n},
               "by_kind": {kind: {severity: n}}, "key_accounts": [ids], "guardrail",
               "worst": [{"account_id", "name", "light", "key_account", "alerts",
                          "top": alert}]}}

Lights are listed worst first; ``quadrant`` is ``null`` for an account without a
strategic assessment; a ``meeting`` is ``{"person_id", "name", "role",
"coverage_before", "coverage_after", "gain"}``; an ``alert`` is ``{"account_id",
"kind", "code", "severity", "reason", "evidence", "due", "subject_id"}``
([`Alert.to_dict`][kamlib.operations.Alert.to_dict]). With ``--account`` the object is
``{"kamlib", "data", "account"}``, ``account`` as returned by `explain_account`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import math
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

import kamlib
from kamlib import FeatureTable
from kamlib.errors import InvalidValueError, KamlibError, UnknownIdError
from kamlib.model import Portfolio
from kamlib.network import (
    FlagCode,
    MeetingSuggestion,
    RedFlags,
    meeting_priorities,
    stakeholder_graph,
)
from kamlib.operations import PortfolioReview, ReviewScorers
from kamlib.operations._review import run_review
from kamlib.scoring import (
    QUADRANT_POLICY,
    Explanation,
    KeyAccountList,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.signals import two_quarter_decline
from kamlib.synthetic import synthetic_portfolio

__all__ = ["build_review", "explain_account", "main", "plural", "render_account", "render_review"]

_STRATEGIC = ("strategic_fit", "value_potential", "resource_complementarity")
_HIGH_STRATEGIC = ("strategic", "potential")  # ranked by strategic importance, others by profit
_SHOW_MEMBERS = 5  # members shown per quadrant
_SHOW_LIGHT = 4  # accounts shown per warning light
_SHOW_WORST = 5  # worst red-flag accounts shown
_SHOW_IDS = 8  # ids shown in a plain list
_SHOW_MEETINGS = 3  # meeting suggestions shown for one account
_NAME_WIDTH = 18


def _version() -> str:
    """The installed distribution's version, else the package's ``__version__``."""
    try:
        return importlib.metadata.version("kamlib")
    except importlib.metadata.PackageNotFoundError:
        return str(getattr(kamlib, "__version__", "unknown"))


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """Return ``"<n> <noun>"`` with the noun in the singular for exactly one.

    Args:
        n: The count.
        singular: The noun for one (``"key account"``).
        plural_form: The noun for any other count; default ``singular + "s"``.

    Examples:
        >>> plural(1, "key account"), plural(2, "key account"), plural(0, "flag")
        ('1 key account', '2 key accounts', '0 flags')
        >>> plural(3, "person", "people")
        '3 people'
    """
    noun = singular if n == 1 else (plural_form or singular + "s")
    return f"{n} {noun}"


def _num(x: float | None) -> float | None:
    """A float for JSON: ``None`` for a missing or non-finite value."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _more(items: Sequence[str], shown: int, sep: str = ", ") -> str:
    """The first ``shown`` items joined, with "... and N more" when the list is cut."""
    text = sep.join(items[:shown]) or "-"
    if len(items) > shown:
        text += f" … and {len(items) - shown} more"
    return text


# ---------------------------------------------------------------------------- computing
class _Scored(NamedTuple):
    """Everything the review reads, computed once."""

    portfolio: Portfolio
    as_of: dt.datetime
    table: FeatureTable
    unassessed: list[str]
    quadrants: ScoreTable
    profit: np.ndarray[Any, np.dtype[np.float64]]
    matrix_config: dict[str, Any]
    points: ScoreTable
    kal: KeyAccountList
    health: ScoreTable
    flags: dict[str, RedFlags]
    inbox: PortfolioReview


def _score(portfolio: Portfolio, as_of: dt.datetime, threshold: float) -> _Scored:
    # One run of kamlib.operations.review: the scorers are fitted there (an account without
    # any strategic assessment cannot be placed: the matrix refuses it rather than guess,
    # so the review lists those accounts for assessment instead), and its alerts are the
    # inbox of section 5.
    scorers = ReviewScorers(identification=WeightedPoints(threshold=threshold))
    run = run_review(portfolio, as_of=as_of, scorers=scorers)
    s = run.scored
    if s is None or s.quadrants is None:
        raise InvalidValueError(
            "demo.accounts", len(portfolio.accounts), "gives no account the value matrix can place"
        )
    return _Scored(
        portfolio=portfolio,
        as_of=as_of,
        table=s.table,
        unassessed=sorted(s.unassessed, key=[str(a) for a in s.table.ids].index),
        quadrants=s.quadrants,
        profit=s.placed.column("profit"),
        matrix_config=dict(s.configs[ValueMatrix.name]),
        points=s.points,
        kal=s.kal,
        health=s.health,
        flags={str(f.account_id): f for f in run.flags},
        inbox=run.review,
    )


def _severity(health: ScoreTable, light: str | None) -> int:
    """A light's severity: its position in the model's classes (listed mildest first)."""
    return health.classes.index(light) if light in health.classes else -1


def _quadrant(s: _Scored, aid: str) -> str | None:
    return None if aid in s.unassessed else s.quadrants.label_of(aid)


def _meeting(portfolio: Portfolio, m: MeetingSuggestion) -> dict[str, Any]:
    person = portfolio.person(str(m.person_id))
    role = str(person.role).replace("_", "-") if person.role is not None else "contact"
    return {
        "person_id": str(m.person_id),
        "name": person.name,
        "role": role,
        "coverage_before": _num(m.coverage_before),
        "coverage_after": _num(m.coverage_after),
        "gain": _num(m.gain),
    }


def _meetings(s: _Scored, aid: str) -> list[dict[str, Any]]:
    """Meetings that would raise the account's coverage, best first (positive gain only)."""
    G = stakeholder_graph(s.portfolio, account_id=aid, as_of=s.as_of)
    return [_meeting(s.portfolio, m) for m in meeting_priorities(G) if m.gain > 0.0]


def _ranked(ids: Sequence[str], key: Sequence[float]) -> list[str]:
    """Ids by ``key`` descending, ties by id ascending."""
    return [a for _, a in sorted(zip(key, ids, strict=True), key=lambda p: (-p[0], p[1]))]


def _value_matrix(s: _Scored) -> dict[str, Any]:
    q = s.quadrants
    assert q.labels is not None
    ids = [str(a) for a in q.ids]
    profit = s.profit
    quadrants = []
    for label in q.classes:
        rows = np.flatnonzero(q.labels == label)
        by_strategic = label in _HIGH_STRATEGIC
        key = q.scores if by_strategic else profit
        quadrants.append(
            {
                "quadrant": label,
                "count": int(rows.size),
                "policy": QUADRANT_POLICY.get(label),
                "ranked_by": "strategic_importance" if by_strategic else "profit",
                "ids": _ranked([ids[i] for i in rows], [float(key[i]) for i in rows]),
            }
        )
    return {
        "cuts": {
            "profit": _num(s.matrix_config.get("x_cut")),
            "strategic_importance": _num(s.matrix_config.get("y_cut")),
        },
        "unassessed": list(s.unassessed),
        "quadrants": quadrants,
    }


def _key_accounts(s: _Scored) -> dict[str, Any]:
    rows = []
    for rank, (aid, pts) in enumerate(zip(s.kal.ids, s.kal.scores, strict=True), start=1):
        explained = s.points.explain(aid)
        best = sorted(explained.contributions, key=lambda c: (-c[1], c[0]))[:3]
        meetings = _meetings(s, aid)
        rows.append(
            {
                "rank": rank,
                "id": aid,
                "name": s.portfolio.account(aid).name,
                "points": _num(pts),
                "coverage": _num(explained.coverage),
                "quadrant": _quadrant(s, aid),
                "light": s.health.label_of(aid),
                "health": _num(s.health.score_of(aid)),
                "reasons": list(s.health.reasons_of(aid)),
                "points_reasons": [code for code, _ in explained.reasons],
                "top_criteria": [{"criterion": n, "points": _num(v)} for n, v in best],
                "red_flags": [c.value for c in s.flags[aid].codes],
                "meet_next": meetings[0] if meetings else None,
            }
        )
    return {
        "threshold": _num(s.points.config.get("threshold")),
        "bounds": list(s.kal.bounds),
        "qualifying": s.kal.qualifying,
        "flag": s.kal.flag,
        "rows": rows,
    }


def _health(s: _Scored) -> dict[str, Any]:
    h = s.health
    assert h.labels is not None
    ids = [str(a) for a in h.ids]
    lights = []
    for light in reversed(h.classes):  # worst first
        rows = sorted(np.flatnonzero(h.labels == light), key=lambda i: (h.scores[i], ids[i]))
        accounts = [
            {"id": ids[i], "health": _num(h.scores[i]), "reasons": list(h.reasons_of(ids[i]))}
            for i in rows
        ]
        lights.append({"light": light, "count": len(accounts), "accounts": accounts})
    alerts = two_quarter_decline(
        s.table.column("revenue_change_last"), s.table.column("revenue_change_prev")
    )
    return {
        "lights": lights,
        "reason_texts": dict(h.reason_texts),
        "two_quarter_decline": [str(a) for a in s.table.ids[alerts]],
    }


def _red_flags(s: _Scored) -> dict[str, Any]:
    key = set(s.kal.ids)
    by_code = [
        {
            "code": code.value,
            "count": sum(code in f for f in s.flags.values()),
            "key_accounts": sum(code in s.flags[a] for a in key),
        }
        for code in FlagCode
    ]
    by_code.sort(key=lambda c: -int(c["count"]))  # stable: ties keep the FlagCode order
    flagged = [f for f in s.flags.values() if f.flags]
    flagged.sort(
        key=lambda f: (
            -len(f.flags),
            -_severity(s.health, s.health.label_of(str(f.account_id))),
            str(f.account_id),
        )
    )
    worst = [
        {
            "id": str(f.account_id),
            "name": s.portfolio.account(str(f.account_id)).name,
            "codes": [c.value for c in f.codes],
            "light": s.health.label_of(str(f.account_id)),
            "key_account": f.account_id in key,
        }
        for f in flagged
    ]
    return {"accounts": len(s.flags), "flagged": len(flagged), "by_code": by_code, "worst": worst}


def _data(
    portfolio: Portfolio,
    as_of: dt.datetime,
    threshold: float,
    provenance: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        **(provenance or {}),
        "accounts": len(portfolio.accounts),
        "people": len(portfolio.people),
        "as_of": as_of.date().isoformat(),
        "threshold": _num(threshold),
    }


def build_review(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    threshold: float = 6.0,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Compute the portfolio review as plain, JSON-ready data (no printing).

    Scores every account with the three built-in scorers (fitted on this portfolio) and
    reads the stakeholder red flags of every account; the layout of the result is the
    JSON schema of the module docstring. Lists are complete and deterministically
    ordered (ties by id); no value is ``NaN`` (a missing one is ``None``).

    Args:
        portfolio: The accounts to review.
        as_of: Timezone-aware review moment.
        threshold: Weighted points (0-10) at or above which an account is a key account.
        provenance: Extra keys for the ``"data"`` section (e.g. ``{"source": ...,
            "seed": ...}``).

    Returns:
        The review: ``{"kamlib", "data", "value_matrix", "key_accounts", "health",
        "red_flags", "inbox"}``.

    Raises:
        KamlibError: A scorer cannot be fitted on this portfolio (too few accounts), or
            a bad threshold or ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> review = build_review(synthetic_portfolio(30, seed=3, as_of=as_of), as_of=as_of)
        >>> list(review)
        ['kamlib', 'data', 'value_matrix', 'key_accounts', 'health', 'red_flags', 'inbox']
        >>> row = review["key_accounts"]["rows"][0]
        >>> sorted(row)[:5]
        ['coverage', 'health', 'id', 'light', 'meet_next']
        >>> review["red_flags"]["accounts"]
        30
    """
    s = _score(portfolio, as_of, threshold)
    return {
        "kamlib": _version(),
        "data": _data(portfolio, as_of, threshold, provenance),
        "value_matrix": _value_matrix(s),
        "key_accounts": _key_accounts(s),
        "health": _health(s),
        "red_flags": _red_flags(s),
        "inbox": s.inbox.summary(),
    }


def _explanation(e: Explanation) -> dict[str, Any]:
    return {
        "scorer": e.scorer,
        "score": _num(e.score),
        "label": e.label,
        "margin": _num(e.margin),
        "coverage": _num(e.coverage),
        "contributions": [
            {"component": n, "value": _num(v), "missing": n in e.missing}
            for n, v in e.contributions
        ],
        "reasons": [{"code": c, "text": t} for c, t in e.reasons],
        "config_hash": e.config_hash,
        "summary": e.summary,
        "inputs": [{"component": n, "value": _num(v)} for n, v in e.inputs],
        "points": [{"component": n, "value": _num(v)} for n, v in e.points],
        "nodes": [{"node": n, "value": _num(v)} for n, v in e.nodes],
        "evidence": [{"code": c, "text": t} for c, t in e.evidence],
    }


def explain_account(
    portfolio: Portfolio,
    account_id: str,
    *,
    as_of: dt.datetime,
    threshold: float = 6.0,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Explain one account end to end, as plain, JSON-ready data (no printing).

    The scorers are fitted on the whole portfolio (as in `build_review`), so the
    account is judged against the same cuts and ranges as in the review.

    Args:
        portfolio: The portfolio the account belongs to.
        account_id: The account.
        as_of: Timezone-aware review moment.
        threshold: Weighted points (0-10) at or above which an account is a key account.
        provenance: Extra keys for the ``"data"`` section.

    Returns:
        ``{"kamlib", "data", "account"}``; ``account`` holds ``"id"``, ``"name"``,
        ``"key_account"`` (``{"listed", "rank", "of"}``), ``"quadrant"`` and
        ``"light"``, ``"explanations"`` (``{"value_matrix", "weighted_points",
        "health"}``, each the account's [`Explanation`][kamlib.scoring.Explanation] as
        data, ``value_matrix`` ``None`` without a strategic assessment), ``"red_flags"``
        (``[{"code", "text", "people"}]``) and ``"meet_next"`` (meetings that would raise
        coverage, best first).

    Raises:
        UnknownIdError: ``account_id`` is not in the portfolio (checked before scoring).
        KamlibError: As in `build_review`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> pf = synthetic_portfolio(30, seed=3, as_of=as_of)
        >>> acc = explain_account(pf, "A00004", as_of=as_of)["account"]
        >>> acc["id"], sorted(acc["explanations"])
        ('A00004', ['health', 'value_matrix', 'weighted_points'])
        >>> explain_account(pf, "nope", as_of=as_of)
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownIdError: account_id: is not in the portfolio (30 accounts, \
A00000 to A00029); got 'nope'
    """
    ids = [a.id for a in portfolio.accounts]
    if account_id not in set(ids):
        span = f", {min(ids)} to {max(ids)}" if ids else ""
        raise UnknownIdError(
            "account_id",
            account_id,
            f"is not in the portfolio ({plural(len(ids), 'account')}{span})",
        )
    s = _score(portfolio, as_of, threshold)
    key = list(s.kal.ids)
    flags = s.flags[account_id]
    placed = account_id not in s.unassessed
    account = {
        "id": account_id,
        "name": portfolio.account(account_id).name,
        "key_account": {
            "listed": account_id in key,
            "rank": key.index(account_id) + 1 if account_id in key else None,
            "of": len(key),
        },
        "quadrant": _quadrant(s, account_id),
        "light": s.health.label_of(account_id),
        "explanations": {
            "value_matrix": _explanation(s.quadrants.explain(account_id)) if placed else None,
            "weighted_points": _explanation(s.points.explain(account_id)),
            "health": _explanation(s.health.explain(account_id)),
        },
        "red_flags": [
            {"code": f.code.value, "text": f.text, "people": list(f.people)} for f in flags.flags
        ],
        "meet_next": _meetings(s, account_id),
    }
    return {
        "kamlib": _version(),
        "data": _data(portfolio, as_of, threshold, provenance),
        "account": account,
    }


# ---------------------------------------------------------------------------- rendering
def _rule(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _headline(data: Mapping[str, Any], version: str) -> str:
    seed = f" (seed {data['seed']})" if data.get("seed") is not None else ""
    return (
        f"kamlib {version} demo: {data.get('source', 'a')} portfolio of "
        f"{plural(data['accounts'], 'account')}{seed}, "
        f"{plural(data['people'], 'person', 'people')}, as of {data['as_of']}"
    )


def _cell(text: str | None, width: int) -> str:
    text = "-" if text is None else text
    return text if len(text) <= width else text[: width - 1] + "…"


def _guardrail(ka: Mapping[str, Any]) -> str:
    lo, hi = ka["bounds"]
    n = ka["qualifying"]
    head = plural(n, "key account")
    if ka["flag"] == "too_few":
        verdict = f"fewer than {lo}"
    elif ka["flag"] == "too_many":
        verdict = f"more than {hi}"
    else:
        verdict = "within"
    return f"{head}: {verdict} (source [004]: keep {lo} to {hi})"


def _meeting_text(m: Mapping[str, Any]) -> str:
    return (
        f"{m['name']} ({m['role']}, {m['person_id']}); coverage "
        f"{m['coverage_before']:.2f} -> {m['coverage_after']:.2f} (+{m['gain']:.3f})"
    )


def _render_matrix(vm: Mapping[str, Any]) -> list[str]:
    out = _rule("1. Strategic value matrix (source [000]); cuts = fitted medians")
    todo = vm["unassessed"]
    if todo:
        verb = "has" if len(todo) == 1 else "have"
        out.append(
            f"   {plural(len(todo), 'account')} {verb} no strategic assessment yet: "
            f"{_more(todo, _SHOW_IDS)}"
        )
    cuts = vm["cuts"]
    out.append(
        f"   cuts: profit {cuts['profit']:,.0f}, "
        f"strategic importance {cuts['strategic_importance']:.2f}/10"
    )
    for q in vm["quadrants"]:
        ranked_by = str(q["ranked_by"]).replace("_", " ")
        out.append(f"   {q['quadrant']:<10} {q['count']:>5}  policy: {q['policy'] or '-'}")
        out.append(f"   {'':<10} top by {ranked_by}: {_more(q['ids'], _SHOW_MEMBERS)}")
    return out


def _render_table(ka: Mapping[str, Any]) -> list[str]:
    lo, hi = ka["bounds"]
    out = _rule(
        f"2. Key-account list x quadrant x light (weighted points, source [002]); "
        f"threshold {ka['threshold']:g}/10, guardrail {lo}-{hi} [004]"
    )
    rows = ka["rows"]
    if not rows:
        out.append("   no account reaches the threshold")
    else:
        shown = rows[:hi]  # the table never runs longer than the guardrail allows
        head = (
            f"   {'#':>3}  {'id':<8} {'name':<{_NAME_WIDTH}} {'points':>6} {'cover':>5}  "
            f"{'quadrant':<10} {'light':<12} {'health':>6} {'flags':>5}  reasons"
        )
        out.append(head)
        for r in shown:
            out.append(
                f"   {r['rank']:>3}  {r['id']:<8} {_cell(r['name'], _NAME_WIDTH):<{_NAME_WIDTH}} "
                f"{r['points']:>6.2f} {r['coverage']:>5.0%}  {_cell(r['quadrant'], 10):<10} "
                f"{_cell(r['light'], 12):<12} {r['health']:>6.1f} {len(r['red_flags']):>5}  "
                f"{', '.join(r['reasons']) or '-'}"
            )
        if len(rows) > len(shown):
            out.append(f"   … and {len(rows) - len(shown)} more")
    out.append(f"   guardrail: {_guardrail(ka)}")
    meets = [r for r in rows if r["meet_next"] is not None]
    if meets:
        out.append("   meet next, per key account (largest coverage gain):")
        for r in meets[:_SHOW_WORST]:
            out.append(f"      {r['id']}: {_meeting_text(r['meet_next'])}")
        if len(meets) > _SHOW_WORST:
            out.append(f"      … and {len(meets) - _SHOW_WORST} more")
    return out


def _render_health(h: Mapping[str, Any]) -> list[str]:
    out = _rule("3. Health (source [000]) and three-colour lights")
    texts = h["reason_texts"]
    mildest = h["lights"][-1]["light"] if h["lights"] else None
    for light in h["lights"]:
        out.append(f"   {light['light']:<12} {plural(light['count'], 'account'):>13}")
        if light["light"] == mildest:
            continue
        for a in light["accounts"][:_SHOW_LIGHT]:
            why = "; ".join(texts.get(c, c) for c in a["reasons"]) or "-"
            out.append(f"      {a['id']} health {a['health']:5.1f}: {why}")
        if light["count"] > _SHOW_LIGHT:
            out.append(f"      … and {light['count'] - _SHOW_LIGHT} more")
    decline = h["two_quarter_decline"]
    out.append(
        f"   purchase down >=15% two quarters running [000]: {plural(len(decline), 'account')}"
    )
    if decline:
        out.append(f"      {_more(decline, _SHOW_IDS)}")
    return out


def _render_flags(rf: Mapping[str, Any]) -> list[str]:
    out = _rule("4. Stakeholder red flags across accounts")
    verb = "has" if rf["flagged"] == 1 else "have"
    out.append(
        f"   {rf['flagged']} of {plural(rf['accounts'], 'account')} {verb} at least one red flag"
    )
    for c in rf["by_code"]:
        if c["count"]:
            out.append(
                f"   {c['code']:<31} {plural(c['count'], 'account'):>13}"
                f"  (of them {plural(c['key_accounts'], 'key account')})"
            )
    worst = rf["worst"]
    if worst:
        out.append("   worst accounts (most flags, then worst light):")
        for w in worst[:_SHOW_WORST]:
            key = ", key account" if w["key_account"] else ""
            out.append(
                f"      {w['id']} ({w['name']}; {w['light'] or '-'}{key}): "
                f"{plural(len(w['codes']), 'flag')}: {', '.join(w['codes'])}"
            )
        if len(worst) > _SHOW_WORST:
            out.append(f"      … and {len(worst) - _SHOW_WORST} more")
    return out


def _render_inbox(inbox: Mapping[str, Any]) -> list[str]:
    lines = _rule("5. Alerts inbox (kamlib.operations.review)")
    sev = inbox["by_severity"]
    counts = ", ".join(f"{n} {s}" for s, n in sev.items())
    lines.append(
        f"{plural(inbox['alerts'], 'alert')} on {plural(inbox['accounts'], 'account')}: {counts}"
    )
    for kind, row in inbox["by_kind"].items():
        cells = ", ".join(f"{n} {s}" for s, n in row.items())
        lines.append(f"  {kind:<14} {cells}")
    if inbox["worst"]:
        lines.append("attention first (most severe, then most alerts at that severity):")
    for w in inbox["worst"][:_SHOW_WORST]:
        top = w["top"]
        key = ", key account" if w["key_account"] else ""
        lines.append(
            f"  {w['account_id']} {w['name']} ({plural(w['alerts'], 'alert')}{key}): "
            f"[{top['severity']}] {top['code']}: {top['reason']}"
        )
    if len(inbox["worst"]) > _SHOW_WORST:
        lines.append(f"  … and {len(inbox['worst']) - _SHOW_WORST} more")
    return lines


def render_review(review: Mapping[str, Any]) -> str:
    """Format a review from `build_review` as the text report (no printing).

    Long lists are cut and end with "… and N more"; counts use correct plurals.

    Args:
        review: The data `build_review` returned.

    Returns:
        The report, lines joined by newlines.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> review = build_review(synthetic_portfolio(30, seed=3, as_of=as_of), as_of=as_of)
        >>> text = render_review(review)
        >>> "2. Key-account list x quadrant x light" in text, "guardrail:" in text
        (True, True)
    """
    ka = review["key_accounts"]
    lines = [_headline(review["data"], review["kamlib"])]
    lines += _render_matrix(review["value_matrix"])
    lines += _render_table(ka)
    lines += _render_health(review["health"])
    lines += _render_flags(review["red_flags"])
    lines += _render_inbox(review["inbox"])
    if ka["rows"]:
        first = ka["rows"][0]["id"]
        lines += ["", f"One account end to end: python -m kamlib demo --account {first}"]
    return "\n".join(lines)


def _explanation_text(d: Mapping[str, Any]) -> str:
    """The explanation as `ScoreTable.explain` prints it (rebuilt from its data form)."""
    e = Explanation(
        account_id=d["account_id"],
        scorer=d["scorer"],
        score=d["score"],
        label=d["label"],
        contributions=tuple((c["component"], c["value"]) for c in d["contributions"]),
        coverage=d["coverage"],
        margin=d["margin"],
        reasons=tuple((r["code"], r["text"]) for r in d["reasons"]),
        config_hash=d["config_hash"],
        missing=tuple(c["component"] for c in d["contributions"] if c["missing"]),
        inputs=tuple((x["component"], x["value"]) for x in d.get("inputs", ())),
        points=tuple((x["component"], x["value"]) for x in d.get("points", ())),
        nodes=tuple((x["node"], x["value"]) for x in d.get("nodes", ())),
        evidence=tuple((x["code"], x["text"]) for x in d.get("evidence", ())),
        summary=d.get("summary", ""),
    )
    return str(e)


def render_account(explained: Mapping[str, Any]) -> str:
    """Format an account from `explain_account` as text (no printing).

    Args:
        explained: The data `explain_account` returned.

    Returns:
        The account's review, lines joined by newlines.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> pf = synthetic_portfolio(30, seed=3, as_of=as_of)
        >>> text = render_account(explain_account(pf, "A00004", as_of=as_of))
        >>> "Account A00004" in text, "stakeholder red flags" in text
        (True, True)
    """
    a = explained["account"]
    lines = [_headline(explained["data"], explained["kamlib"])]
    lines += _rule(f"Account {a['id']} ({a['name']}) explained")
    ka = a["key_account"]
    listed = f"yes, rank {ka['rank']} of {ka['of']}" if ka["listed"] else "no"
    lines.append(
        f"key account: {listed}; quadrant: {a['quadrant'] or 'not placed'}; "
        f"light: {a['light'] or '-'}"
    )
    for name in ("value_matrix", "weighted_points", "health"):
        e = a["explanations"][name]
        lines.append("")
        if e is None:
            lines.append(f"{a['id']} - value_matrix: not placed (no strategic assessment yet)")
        else:
            lines.append(_explanation_text({"account_id": a["id"], **e}))
    flags = a["red_flags"]
    lines.append("")
    lines.append(f"stakeholder red flags: {(len(flags) and plural(len(flags), 'flag')) or 'none'}")
    for f in flags:
        people = f" [{', '.join(f['people'])}]" if f["people"] else ""
        lines.append(f"  {f['code']}: {f['text']}{people}")
    meets = a["meet_next"]
    lines.append("")
    if not meets:
        lines.append("meet next: nobody (no meeting would raise coverage)")
    else:
        lines.append("meet next (largest coverage gain first):")
        for i, m in enumerate(meets[:_SHOW_MEETINGS], start=1):
            lines.append(f"  {i}. {_meeting_text(m)}")
        if len(meets) > _SHOW_MEETINGS:
            lines.append(f"  … and {len(meets) - _SHOW_MEETINGS} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the CLI
def _date(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _json_help() -> str:
    """The JSON part of the module docstring, for ``demo --help``."""
    doc = __doc__ or ""
    start = doc.find("JSON (``--json``)")
    if start < 0:  # docstrings stripped (python -OO)
        return "--json: one JSON object on stdout; a missing value is null, never NaN."
    return doc[start:].replace("``", "").replace("::", ":").strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kamlib",
        description=f"kamlib {_version()}: a key-account portfolio review on synthetic data",
    )
    parser.add_argument("--version", action="store_true", help="print 'kamlib <version>'")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser(
        "demo",
        help="portfolio review on built-in synthetic data",
        description=(
            "Review a seeded synthetic portfolio: value matrix, key accounts x quadrant x\n"
            "health light, lights, stakeholder red flags; or, with --account, one account\n"
            "end to end. Writes no files."
        ),
        epilog=_json_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--accounts", metavar="N", type=int, default=200, help="number of accounts (200)"
    )
    demo.add_argument("--seed", metavar="S", type=int, default=7, help="random seed (7)")
    demo.add_argument(
        "--as-of", type=_date, default=_date("2026-01-01"), help="review date (2026-01-01)"
    )
    demo.add_argument("--threshold", type=float, default=6.0, help="key-account points (6.0)")
    demo.add_argument("--account", metavar="ID", help="explain one account end to end")
    demo.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _run(args: argparse.Namespace) -> str:
    WeightedPoints(threshold=args.threshold)  # a bad threshold fails before the data is drawn
    portfolio = synthetic_portfolio(args.accounts, seed=args.seed, as_of=args.as_of)
    provenance = {"source": "synthetic", "seed": args.seed}
    result: dict[str, Any]
    render: Callable[[Mapping[str, Any]], str]
    if args.account is not None:
        result = explain_account(
            portfolio,
            args.account,
            as_of=args.as_of,
            threshold=args.threshold,
            provenance=provenance,
        )
        render = render_account
    else:
        result = build_review(
            portfolio, as_of=args.as_of, threshold=args.threshold, provenance=provenance
        )
        render = render_review
    if args.json:
        return json.dumps(result, indent=2, allow_nan=False)
    return render(result)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m kamlib``; return the process exit code.

    Everything is computed before anything is printed, so an error leaves stdout empty.

    Args:
        argv: Command-line arguments without the program name (default ``sys.argv[1:]``).

    Returns:
        0 on success; 2 on a kamlib error (message on stderr). Usage errors exit through
        ``SystemExit(2)``, as argparse does.

    Examples:
        >>> main(["--version"])  # doctest: +ELLIPSIS
        kamlib ...
        0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"kamlib {_version()}")
        return 0
    if args.command is None:
        parser.error("a command is required: demo (or --version)")
    try:
        text = _run(args)
    except UnknownIdError as exc:
        if exc.path != "account_id":
            print(f"error: {exc}", file=sys.stderr)
        else:  # the --account id: say which option and which ids exist
            print(f"error: --account {exc.value!r} {exc.reason}", file=sys.stderr)
        return 2
    except KamlibError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `python -m kamlib demo | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
