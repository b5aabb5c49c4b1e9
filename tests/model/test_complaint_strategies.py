"""The Hypothesis strategies of complaints, progress updates and portfolios with complaints."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamlib.model import Commitment, Complaint, Portfolio, ProgressUpdate, Side
from kamlib.serde import from_dict, to_dict
from kamlib.testing import strategies as ks

QUIET = settings(database=None, suppress_health_check=[HealthCheck.too_slow])


def _rebuilt(pf: Portfolio) -> Portfolio:
    """The portfolio built again from its records: every integrity check runs again."""
    return Portfolio(
        pf.accounts,
        pf.people,
        pf.relationships,
        pf.commitments,
        pf.interactions,
        pf.opportunities,
        pf.purchases,
        pf.complaints,
    )


@QUIET
@given(ks.complaints())
def test_every_drawn_complaint_is_valid_and_round_trips(q: Complaint) -> None:
    assert all(at >= q.received_at for _, at in q.times())
    assert (q.options_at is None) == (q.options == ())
    assert len(set(q.options)) == len(q.options) <= 3
    assert from_dict(Complaint, json.loads(json.dumps(to_dict(q)))) == q


@QUIET
@given(ks.progress_updates())
def test_every_drawn_progress_update_round_trips(u: ProgressUpdate) -> None:
    assert from_dict(ProgressUpdate, json.loads(json.dumps(to_dict(u)))) == u


@QUIET
@given(ks.commitments(max_updates=3))
def test_drawn_updates_follow_the_first_transition_and_round_trip(c: Commitment) -> None:
    assert len(c.progress_updates) <= 3
    assert all(u.at >= c.history[0].at for u in c.progress_updates)
    assert from_dict(Commitment, json.loads(json.dumps(to_dict(c)))) == c


@QUIET
@given(ks.portfolios(with_complaints=True, max_records_per_account=3, max_updates=2))
def test_portfolios_with_complaints_are_consistent_and_round_trip(pf: Portfolio) -> None:
    ids = [q.id for q in pf.complaints]
    assert len(set(ids)) == len(ids)
    for a in pf.accounts:
        mine = pf.complaints_of(a.id)
        assert len(mine) <= 3
        for k, q in enumerate(mine):
            assert q.id == f"{a.id}.Q{k}"
            assert pf.person(q.owner_id).side is Side.OUR_STAFF
            if q.person_id is not None:
                assert pf.person(q.person_id).account_id == a.id
    assert all(len(c.progress_updates) <= 2 for c in pf.commitments)
    assert _rebuilt(pf) == pf
    assert from_dict(Portfolio, json.loads(json.dumps(to_dict(pf)))) == pf


@QUIET
@given(ks.portfolios())
def test_portfolios_draw_no_complaints_nor_updates_by_default(pf: Portfolio) -> None:
    assert pf.complaints == ()
    assert all(c.progress_updates == () for c in pf.commitments)


@settings(max_examples=300)
@given(ks.complaints())
def _collect_complaint_shapes(q: Complaint) -> None:
    _SHAPES.update(
        {
            f"channel {q.channel.value}",
            f"severity {q.severity.value}",
            "open" if q.resolved_at is None else "resolved",
            "options" if q.options else "no options",
            *(name for name, _ in q.times()),
            *(["resolved before acknowledged"] if _resolved_first(q) else []),
        }
    )


def _resolved_first(q: Complaint) -> bool:
    return q.resolved_at is not None and (
        q.acknowledged_at is None or q.resolved_at < q.acknowledged_at
    )


_SHAPES: set[str] = set()


def test_complaints_cover_every_channel_severity_and_time() -> None:
    _collect_complaint_shapes()
    assert {
        "channel standard",
        "channel red",
        "severity low",
        "severity medium",
        "severity high",
        "severity critical",
        "open",
        "resolved",
        "options",
        "no options",
        "received_at",
        "acknowledged_at",
        "first_plan_at",
        "options_at",
        "senior_on_site_at",
        "resolved_at",
        "resolved before acknowledged",
    } <= _SHAPES


# only what the shapes need: whole portfolios are slow to draw
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    ks.portfolios(
        min_accounts=1,
        max_accounts=2,
        max_people_per_account=2,
        max_competitors=0,
        max_figures=0,
        max_items=0,
        with_commitments=False,
        with_interactions=False,
        with_opportunities=False,
        with_complaints=True,
    )
)
def _collect_portfolio_shapes(pf: Portfolio) -> None:
    _PF_SHAPES.update(
        {
            "complaint": bool(pf.complaints),
            "person named": any(q.person_id is not None for q in pf.complaints),
            "anonymous": any(q.person_id is None for q in pf.complaints),
            "several owners": len({q.owner_id for q in pf.complaints}) > 1,
        }.items()
    )


_PF_SHAPES: set[tuple[str, bool]] = set()


def test_portfolios_with_complaints_cover_named_and_anonymous_complaints() -> None:
    _collect_portfolio_shapes()
    assert {name for name, present in _PF_SHAPES if present} == {
        "complaint",
        "person named",
        "anonymous",
        "several owners",
    }


@given(st.data())
def test_from_type_finds_the_complaint_and_update_strategies(data: st.DataObject) -> None:
    ks.register()
    assert isinstance(data.draw(st.from_type(Complaint)), Complaint)
    assert isinstance(data.draw(st.from_type(ProgressUpdate)), ProgressUpdate)
