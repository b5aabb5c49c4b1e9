"""Contact cadence (issue 11 §3, source [000]): phases, clocks, filters, overrides, alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Account, Channel, Interaction, InteractionLevel, KeyPerson, Portfolio
from kamlib.operations import (
    CADENCE_CODES,
    DEFAULT_CADENCE,
    AlertKind,
    CadenceDue,
    CadencePolicy,
    CadenceRule,
    Severity,
    cadence_alerts,
    cadence_status,
)
from kamlib.testing.strategies import portfolios

UTC = dt.UTC
US = dt.timedelta(microseconds=1)
STAFF = KeyPerson("U1", "Ann", "our_staff")


def t(y: int, m: int, d: int, h: int = 0, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=tz)


def account(id: str = "A1", start: dt.date = dt.date(2025, 1, 15)) -> Account:
    return Account(id, "Acme", industry="x", region="y", size_band="large", cooperation_start=start)


def contact(
    id: str,
    at: dt.datetime,
    channel: str = "email",
    level: str = "operational",
    account_id: str = "A1",
) -> Interaction:
    return Interaction(id, account_id, at, ["U1"], [], channel, level, "neutral")


def pf(accounts: Sequence[Account], interactions: Sequence[Interaction] = ()) -> Portfolio:
    return Portfolio(accounts, [STAFF], interactions=interactions)


def by_rule(portfolio: Portfolio, as_of: dt.datetime, **kw: Any) -> dict[str, CadenceDue]:
    rows = cadence_status(portfolio, as_of=as_of, **kw)
    return {r.rule: r for r in rows}


# ------------------------------------------------------------------ defaults


def test_default_cadence_holds_the_source_numbers() -> None:
    got = {r.name: (r.every_days, r.from_month, r.until_month) for r in DEFAULT_CADENCE}
    assert got == {
        "formal_contact": (7, 0, 3),
        "business_review": (14, 3, 12),
        "executive_contact": (31, 3, 12),
        "strategic_workshop": (92, 12, None),
    }
    assert CadencePolicy().rules_for("A1") == DEFAULT_CADENCE


# ------------------------------------------------------------------ phase boundaries


def test_month_3_boundary_follows_months_since_start() -> None:
    acc = account(start=dt.date(2025, 1, 15))
    p = pf([acc])
    before = t(2025, 4, 14, 23) + dt.timedelta(minutes=59, seconds=59, microseconds=999_999)
    assert acc.months_since_start(before.date()) == 2
    assert set(by_rule(p, before)) == {"formal_contact"}
    at3 = t(2025, 4, 15)
    assert acc.months_since_start(at3.date()) == 3
    rows = by_rule(p, at3)
    assert set(rows) == {"business_review", "executive_contact"}
    assert rows["business_review"].phase_start == at3
    assert rows["business_review"].months_since_start == 3


def test_month_12_boundary_follows_months_since_start() -> None:
    p = pf([account(start=dt.date(2024, 1, 15))])
    assert set(by_rule(p, t(2025, 1, 15) - US)) == {"business_review", "executive_contact"}
    rows = by_rule(p, t(2025, 1, 15))
    assert set(rows) == {"strategic_workshop"}
    assert rows["strategic_workshop"].phase == "[12, inf)"


def test_phase_start_on_a_shorter_month_is_the_day_the_month_completes() -> None:
    acc = account(start=dt.date(2024, 11, 30))  # + 3 months = Feb 28 by add_months
    p = pf([acc])
    assert acc.months_since_start(dt.date(2025, 2, 28)) == 2
    assert set(by_rule(p, t(2025, 2, 28, 23))) == {"formal_contact"}
    rows = by_rule(p, t(2025, 3, 1))
    assert rows["business_review"].phase_start == t(2025, 3, 1)
    # the clock starts with the phase: due 14 days later, not 13
    assert rows["business_review"].due_at == t(2025, 3, 15)


def test_account_entering_a_phase_is_not_overdue_on_day_one() -> None:
    old = contact("I1", t(2025, 1, 20), "meeting", "executive")  # months before the phase
    p = pf([account()], [old])
    rows = by_rule(p, t(2025, 4, 15, 23))
    review = rows["business_review"]
    assert not review.overdue
    assert review.last_contact_at == t(2025, 1, 20)  # reported, but the clock is the phase's
    assert review.due_at == t(2025, 4, 29)
    assert not by_rule(p, t(2025, 4, 29))["business_review"].overdue
    assert by_rule(p, t(2025, 4, 29) + US)["business_review"].overdue


def test_account_not_yet_cooperating_has_no_rules() -> None:
    p = pf([account(start=dt.date(2025, 3, 1)), account("A2", start=dt.date(2025, 2, 28))])
    rows = cadence_status(p, as_of=t(2025, 2, 28, 12))
    assert [(r.account_id, r.rule) for r in rows] == [("A2", "formal_contact")]
    assert rows[0].phase_start == t(2025, 2, 28)
    assert rows[0].due_at == t(2025, 3, 7)


def test_phase_starts_at_midnight_in_as_of_timezone() -> None:
    cst = dt.timezone(dt.timedelta(hours=8))
    row = by_rule(pf([account()]), t(2025, 1, 22, tz=cst))["formal_contact"]
    assert row.phase_start == t(2025, 1, 15, tz=cst)
    assert row.due_at == t(2025, 1, 22, tz=cst)
    assert row.due_at.tzinfo is cst
    assert not row.overdue


# ------------------------------------------------------------------ intervals at the limit


@pytest.mark.parametrize(
    ("start", "rule", "channel", "level", "days"),
    [
        (dt.date(2025, 1, 15), "formal_contact", "email", "operational", 7),
        (dt.date(2024, 10, 15), "business_review", "meeting", "management", 14),
        (dt.date(2024, 10, 15), "executive_contact", "phone", "executive", 31),
        (dt.date(2023, 10, 15), "strategic_workshop", "workshop", "operational", 92),
    ],
)
def test_each_interval_at_its_limit_and_one_tick_over(
    start: dt.date, rule: str, channel: str, level: str, days: int
) -> None:
    last = t(2025, 2, 3, 10)
    p = pf([account(start=start)], [contact("I1", last, channel, level)])
    due = last + dt.timedelta(days=days)
    at_limit = by_rule(p, due)[rule]
    assert at_limit.due_at == due
    assert at_limit.last_contact_at == last
    assert at_limit.last_contact_id == "I1"
    assert not at_limit.overdue
    assert at_limit.days_overdue == 0.0
    assert at_limit.intervals_overdue == 0
    over = by_rule(p, due + US)[rule]
    assert over.overdue
    assert over.days_overdue == pytest.approx(1e-6 / 86_400)
    assert over.intervals_overdue == 0


@pytest.mark.parametrize(
    ("start", "rule", "months", "channel", "level", "first", "count"),
    [
        (
            dt.date(2025, 1, 15),
            "executive_contact",
            1,
            "phone",
            "executive",
            dt.date(2025, 4, 15),
            8,
        ),
        (
            dt.date(2024, 10, 1),
            "executive_contact",
            1,
            "visit",
            "executive",
            dt.date(2025, 1, 31),
            9,
        ),
        (
            dt.date(2025, 1, 15),
            "strategic_workshop",
            3,
            "workshop",
            "management",
            dt.date(2026, 1, 31),
            12,
        ),
    ],
)
def test_same_date_every_month_or_quarter_never_flags(
    start: dt.date, rule: str, months: int, channel: str, level: str, first: dt.date, count: int
) -> None:
    """31 and 92 days are the longest month and quarter (kamlib's reading of source [000])."""
    from kamlib._dated import add_months

    base = dt.datetime.combine(first, dt.time(9), tzinfo=UTC)
    dates = [add_months(base, months * k) for k in range(count)]
    contacts = [contact(f"I{k}", d, channel, level) for k, d in enumerate(dates)]
    for k in range(1, count):
        p = pf([account(start=start)], contacts[:k])
        row = by_rule(p, dates[k])[rule]  # the moment the next contact happens
        assert not row.overdue, (k, dates[k - 1], dates[k])


# ------------------------------------------------------------------ what qualifies


def test_email_is_formal_contact_a_message_is_not() -> None:
    as_of = t(2025, 2, 1)
    chat = by_rule(pf([account()], [contact("I1", t(2025, 1, 31), "message")]), as_of)
    assert chat["formal_contact"].last_contact_at is None
    assert chat["formal_contact"].overdue
    email = by_rule(pf([account()], [contact("I1", t(2025, 1, 31), "email")]), as_of)
    assert email["formal_contact"].last_contact_at == t(2025, 1, 31)
    assert not email["formal_contact"].overdue


def test_business_review_needs_a_review_channel_at_management_level_or_above() -> None:
    start = dt.date(2024, 10, 15)
    as_of = t(2025, 3, 1)
    cases = {
        ("meeting", "operational"): False,
        ("meeting", "management"): True,
        ("workshop", "executive"): True,
        ("video", "management"): True,
        ("visit", "management"): True,
        ("phone", "executive"): False,
        ("email", "management"): False,
    }
    for (channel, level), counts in cases.items():
        p = pf([account(start=start)], [contact("I1", t(2025, 2, 28), channel, level)])
        rows = by_rule(p, as_of)
        assert (rows["business_review"].last_contact_id == "I1") is counts, (channel, level)
        assert (rows["executive_contact"].last_contact_id == "I1") is (level == "executive")


def test_strategic_workshop_needs_a_workshop() -> None:
    start = dt.date(2023, 1, 15)
    as_of = t(2025, 3, 1)
    meeting = pf([account(start=start)], [contact("I1", t(2025, 2, 1), "meeting", "executive")])
    assert by_rule(meeting, as_of)["strategic_workshop"].last_contact_at is None
    ws = pf([account(start=start)], [contact("I1", t(2025, 2, 1), "workshop", "operational")])
    assert by_rule(ws, as_of)["strategic_workshop"].last_contact_id == "I1"


def test_counts_matches_the_filters() -> None:
    formal, review, executive, workshop = DEFAULT_CADENCE
    msg = contact("I1", t(2025, 1, 1), "message", "executive")
    assert not formal.counts(msg)
    assert executive.counts(msg)
    assert not review.counts(msg)
    assert workshop.counts(contact("I2", t(2025, 1, 1), "workshop", "operational"))


def test_latest_qualifying_contact_wins_and_ties_go_to_the_greatest_id() -> None:
    cst = dt.timezone(dt.timedelta(hours=8))
    same = t(2025, 1, 30, 10)
    items = [
        contact("I1", t(2025, 1, 20)),
        contact("I3", same),
        contact("I2", same.astimezone(cst), "phone"),
        contact("I9", t(2025, 1, 31), "message"),
    ]
    for order in (items, items[::-1]):
        row = by_rule(pf([account()], order), t(2025, 2, 1))["formal_contact"]
        assert row.last_contact_id == "I3"
        assert repr(row.last_contact_at) == repr(same)
        assert row.due_at == same + dt.timedelta(days=7)


# ------------------------------------------------------------------ overrides


def test_override_per_tier_and_per_account() -> None:
    weekly_exec = CadenceRule("weekly_exec", 7, levels={"executive"})
    policy = CadencePolicy(by_tier={"S": [weekly_exec]}, by_account={"A2": []})
    p = pf([account("A1"), account("A2"), account("A3"), account("A4")])
    tiers = {"A1": "S", "A2": "S", "A4": "B"}
    rows = cadence_status(p, as_of=t(2025, 2, 1), policy=policy, tiers=tiers)
    got = [(r.account_id, r.rule) for r in rows]
    assert got == [("A1", "weekly_exec"), ("A3", "formal_contact"), ("A4", "formal_contact")]
    # without tiers, the tier rules do not apply; the account's own still do
    rows = cadence_status(p, as_of=t(2025, 2, 1), policy=policy)
    assert [r.account_id for r in rows] == ["A1", "A3", "A4"]


def test_account_override_beats_tier() -> None:
    mine = CadenceRule("mine", 3)
    policy = CadencePolicy(by_tier={"S": [CadenceRule("tier", 7)]}, by_account={"A1": (mine,)})
    assert policy.rules_for("A1", "S") == (mine,)
    assert [r.name for r in policy.rules_for("A2", "S")] == ["tier"]
    assert policy.rules_for("A2", "Z") == DEFAULT_CADENCE


def test_policy_mappings_are_frozen_copies() -> None:
    given_map = {"S": [CadenceRule("x", 7)]}
    policy = CadencePolicy(by_tier=given_map)
    given_map["S"].append(CadenceRule("y", 7))
    given_map["B"] = []
    assert list(policy.by_tier) == ["S"]
    assert len(policy.by_tier["S"]) == 1
    with pytest.raises(TypeError):
        policy.by_tier["B"] = ()  # type: ignore[index]


# ------------------------------------------------------------------ alerts


def test_alerts_watch_then_warning_after_a_whole_further_interval() -> None:
    last = t(2025, 1, 20, 9)
    p = pf([account()], [contact("I1", last)])
    due = last + dt.timedelta(days=7)
    assert cadence_alerts(p, as_of=due) == ()
    (watch,) = cadence_alerts(p, as_of=due + US)
    assert watch.severity is Severity.WATCH
    (still,) = cadence_alerts(p, as_of=due + dt.timedelta(days=7) - US)
    assert still.severity is Severity.WATCH
    (warn,) = cadence_alerts(p, as_of=due + dt.timedelta(days=7))
    assert warn.severity is Severity.WARNING
    assert warn.kind is AlertKind.CADENCE
    assert warn.code == "cadence_overdue"
    assert warn.code in CADENCE_CODES
    assert warn.account_id == "A1"
    assert warn.subject_id == "formal_contact"
    assert warn.due == due
    ev = warn.evidence
    assert ev["rule"] == "formal_contact"
    assert ev["every_days"] == 7
    assert ev["last_contact_at"] == last
    assert ev["last_contact_id"] == "I1"
    assert ev["days_overdue"] == 7.0
    assert ev["intervals_overdue"] == 1
    assert ev["phase"] == "[0, 3)"


def test_alerts_only_for_overdue_rules_in_canonical_order() -> None:
    accounts = [account("A1"), account("A2"), account("A3")]
    items = [contact("I1", t(2025, 1, 25), account_id="A2")]
    p = pf(accounts, items)
    alerts = cadence_alerts(p, as_of=t(2025, 1, 31))
    # A1, A3: due Jan 22, 9 days over (warning); A2: due Feb 1, not overdue
    assert [(a.account_id, a.severity.value) for a in alerts] == [
        ("A1", "warning"),
        ("A3", "warning"),
    ]


def test_codes_mapping_is_read_only() -> None:
    with pytest.raises(TypeError):
        CADENCE_CODES["x"] = "y"  # type: ignore[index]


# ------------------------------------------------------------------ properties


@st.composite
def _scenes(draw: st.DrawFn) -> tuple[Portfolio, dt.datetime]:
    """A portfolio and an ``as_of`` at or after its last interaction (offsets vary)."""
    p = draw(portfolios(max_accounts=4, with_commitments=False, with_opportunities=False))
    offset = dt.timezone(dt.timedelta(minutes=draw(st.integers(-14 * 60, 14 * 60))))
    if p.interactions:
        latest = max(i.at for i in p.interactions)
    else:
        latest = dt.datetime(2030, 1, 1, tzinfo=UTC)
    later = dt.timedelta(seconds=draw(st.integers(0, 400 * 86_400)))
    return p, (latest + later).astimezone(offset)


@st.composite
def _policies(draw: st.DrawFn) -> CadencePolicy:
    every = draw(st.integers(1, 100))
    lo = draw(st.integers(0, 24))
    hi = draw(st.one_of(st.none(), st.integers(lo + 1, 40)))
    channels = draw(st.one_of(st.none(), st.frozensets(st.sampled_from(Channel), min_size=1)))
    levels = draw(
        st.one_of(st.none(), st.frozensets(st.sampled_from(InteractionLevel), min_size=1))
    )
    extra = CadenceRule("drawn", every, lo, hi, channels=channels, levels=levels)
    return CadencePolicy(default=(*DEFAULT_CADENCE, extra))


def _reorder(p: Portfolio, accounts: Sequence[int], interactions: Sequence[int]) -> Portfolio:
    return attrs.evolve(
        p,
        accounts=[p.accounts[i] for i in accounts],
        interactions=[p.interactions[i] for i in interactions],
    )


@given(scene=_scenes(), policy=_policies(), data=st.data())
def test_order_of_accounts_and_interactions_never_shows(
    scene: tuple[Portfolio, dt.datetime], policy: CadencePolicy, data: st.DataObject
) -> None:
    p, as_of = scene
    a = data.draw(st.permutations(range(len(p.accounts))))
    i = data.draw(st.permutations(range(len(p.interactions))))
    q = _reorder(p, a, i)
    first = cadence_status(p, as_of=as_of, policy=policy)
    again = cadence_status(q, as_of=as_of, policy=policy)
    assert first == again
    assert repr(first) == repr(again)  # also the same timezones of equal instants
    assert cadence_alerts(p, as_of=as_of, policy=policy) == cadence_alerts(
        q, as_of=as_of, policy=policy
    )


@given(scene=_scenes(), policy=_policies(), gap=st.integers(0, 200 * 86_400_000_000))
def test_time_passing_never_clears_an_overdue_rule(
    scene: tuple[Portfolio, dt.datetime], policy: CadencePolicy, gap: int
) -> None:
    p, as_of = scene
    later = as_of + dt.timedelta(microseconds=gap)
    now = {(r.account_id, r.rule): r for r in cadence_status(p, as_of=as_of, policy=policy)}
    after = {(r.account_id, r.rule): r for r in cadence_status(p, as_of=later, policy=policy)}
    for key, row in now.items():
        nxt = after.get(key)
        if nxt is None:  # the phase changed: the rule is no longer in force
            continue
        assert nxt.due_at == row.due_at
        assert nxt.last_contact_at == row.last_contact_at
        if row.overdue:
            assert nxt.overdue
            assert nxt.days_overdue >= row.days_overdue
            assert nxt.intervals_overdue >= row.intervals_overdue


@given(scene=_scenes(), days=st.integers(0, 2_000), n=st.integers(0, 3))
def test_an_unrelated_account_changes_no_other_rows(
    scene: tuple[Portfolio, dt.datetime], days: int, n: int
) -> None:
    p, as_of = scene
    staff = next((x for x in p.people if x.side == "our_staff"), STAFF)
    start = as_of.date() - dt.timedelta(days=days)
    new = account("ZZ-new", start=start)
    extra = [
        Interaction(
            f"ZZ-new.I{k}",
            "ZZ-new",
            as_of - dt.timedelta(days=k),
            [staff.id],
            [],
            "email",
            "executive",
            "neutral",
        )
        for k in range(n)
    ]
    people = p.people if staff in p.people else (*p.people, staff)
    q = attrs.evolve(
        p,
        accounts=(*p.accounts, new),
        people=people,
        interactions=(*extra, *p.interactions),
    )
    before = cadence_status(p, as_of=as_of)
    after = cadence_status(q, as_of=as_of)
    assert tuple(r for r in after if r.account_id != "ZZ-new") == before
    assert any(r.account_id == "ZZ-new" for r in after)


# ------------------------------------------------------------------ bad input


def test_naive_as_of_is_refused_naming_the_function() -> None:
    p = pf([account()])
    with pytest.raises(InvalidValueError) as err:
        cadence_status(p, as_of=dt.datetime(2025, 2, 1))
    assert err.value.path == "cadence_status.as_of"
    with pytest.raises(InvalidValueError) as err:
        cadence_alerts(p, as_of=dt.datetime(2025, 2, 1))
    assert err.value.path == "cadence_alerts.as_of"
    with pytest.raises(InvalidTypeError) as terr:
        cadence_status(p, as_of=dt.date(2025, 2, 1))  # type: ignore[arg-type]
    assert terr.value.path == "cadence_status.as_of"


def test_interaction_after_as_of_is_refused_naming_its_position() -> None:
    items = [contact("I1", t(2025, 1, 20)), contact("I2", t(2025, 2, 1) + US)]
    with pytest.raises(InvalidValueError) as err:
        cadence_status(pf([account()], items), as_of=t(2025, 2, 1))
    assert err.value.path == "Portfolio.interactions[1].at"


def test_even_a_not_yet_cooperating_account_may_not_have_future_interactions() -> None:
    p = pf([account(start=dt.date(2026, 1, 1))], [contact("I1", t(2026, 1, 2))])
    with pytest.raises(InvalidValueError) as err:
        cadence_alerts(p, as_of=t(2025, 6, 1))
    assert err.value.path == "Portfolio.interactions[0].at"


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"every_days": 0}, InvalidValueError, "CadenceRule.every_days"),
        ({"every_days": 36_526}, InvalidValueError, "CadenceRule.every_days"),
        ({"every_days": 7.0}, InvalidTypeError, "CadenceRule.every_days"),
        ({"every_days": True}, InvalidTypeError, "CadenceRule.every_days"),
        ({"from_month": -1}, InvalidValueError, "CadenceRule.from_month"),
        ({"from_month": 3, "until_month": 3}, InvalidValueError, "CadenceRule.until_month"),
        ({"from_month": 5, "until_month": 2}, InvalidValueError, "CadenceRule.until_month"),
        ({"until_month": 0}, InvalidValueError, "CadenceRule.until_month"),
        ({"channels": []}, InvalidValueError, "CadenceRule.channels"),
        ({"channels": ["fax"]}, InvalidValueError, "CadenceRule.channels"),
        ({"channels": [3]}, InvalidTypeError, "CadenceRule.channels"),
        ({"channels": [["email"]]}, InvalidTypeError, "CadenceRule.channels"),
        ({"channels": "email"}, InvalidTypeError, "CadenceRule.channels"),
        ({"levels": frozenset()}, InvalidValueError, "CadenceRule.levels"),
        ({"levels": ["ceo"]}, InvalidValueError, "CadenceRule.levels"),
        ({"name": ""}, InvalidValueError, "CadenceRule.name"),
        ({"description": None}, InvalidTypeError, "CadenceRule.description"),
    ],
)
def test_bad_rule(kwargs: dict[str, Any], error: type[Exception], path: str) -> None:
    fields = {"name": "r", "every_days": 7, **kwargs}
    with pytest.raises(error) as err:
        CadenceRule(**fields)
    assert err.value.path == path  # type: ignore[attr-defined]


def test_rule_converts_channel_and_level_names() -> None:
    r = CadenceRule("r", 7, channels=("email", Channel.PHONE), levels=["executive"])
    assert r.channels == frozenset({Channel.EMAIL, Channel.PHONE})
    assert r.levels == frozenset({InteractionLevel.EXECUTIVE})
    with pytest.raises(InvalidTypeError) as err:
        r.in_phase("3")  # type: ignore[arg-type]
    assert err.value.path == "CadenceRule.in_phase.months"
    with pytest.raises(InvalidTypeError) as err:
        r.counts("I1")  # type: ignore[arg-type]
    assert err.value.path == "CadenceRule.counts.interaction"


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"default": ["weekly"]}, InvalidTypeError, "CadencePolicy.default[0]"),
        ({"default": DEFAULT_CADENCE[0]}, InvalidTypeError, "CadencePolicy.default"),
        (
            {"default": (DEFAULT_CADENCE[0], DEFAULT_CADENCE[0])},
            InvalidValueError,
            "CadencePolicy.default[1].name",
        ),
        ({"by_tier": {"S": [None]}}, InvalidTypeError, "CadencePolicy.by_tier['S'][0]"),
        ({"by_tier": [("S", ())]}, InvalidTypeError, "CadencePolicy.by_tier"),
        ({"by_tier": {3: ()}}, InvalidTypeError, "CadencePolicy.by_tier"),
        ({"by_account": {"A1": "rules"}}, InvalidTypeError, "CadencePolicy.by_account['A1']"),
        (
            {"by_account": {"A1": [DEFAULT_CADENCE[1], 7]}},
            InvalidTypeError,
            "CadencePolicy.by_account['A1'][1]",
        ),
    ],
)
def test_bad_policy(kwargs: dict[str, Any], error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        CadencePolicy(**kwargs)
    assert err.value.path == path  # type: ignore[attr-defined]


def test_bad_rules_for_arguments() -> None:
    with pytest.raises(InvalidTypeError) as err:
        CadencePolicy().rules_for(3)  # type: ignore[arg-type]
    assert err.value.path == "CadencePolicy.rules_for.account_id"
    with pytest.raises(InvalidValueError) as verr:
        CadencePolicy().rules_for("A1", "")
    assert verr.value.path == "CadencePolicy.rules_for.tier"


def test_bad_call_arguments() -> None:
    p = pf([account()])
    as_of = t(2025, 2, 1)
    with pytest.raises(UnknownIdError) as uerr:
        cadence_status(p, as_of=as_of, tiers={"A9": "S"})
    assert uerr.value.path == "cadence_status.tiers"
    assert uerr.value.value == "A9"
    with pytest.raises(UnknownIdError) as uerr:
        cadence_alerts(p, as_of=as_of, tiers={"A9": "S"})
    assert uerr.value.path == "cadence_alerts.tiers"
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"tiers": {"A1": ""}}, InvalidValueError, "cadence_status.tiers['A1']"),
        ({"tiers": {"A1": 1}}, InvalidTypeError, "cadence_status.tiers['A1']"),
        ({"tiers": [("A1", "S")]}, InvalidTypeError, "cadence_status.tiers"),
        ({"tiers": {1: "S"}}, InvalidTypeError, "cadence_status.tiers"),
        ({"policy": DEFAULT_CADENCE}, InvalidTypeError, "cadence_status.policy"),
    ]
    for kwargs, error, path in cases:
        with pytest.raises(error) as err:
            cadence_status(p, as_of=as_of, **kwargs)
        assert err.value.path == path  # type: ignore[attr-defined]
    with pytest.raises(InvalidTypeError) as terr:
        cadence_status([account()], as_of=as_of)  # type: ignore[arg-type]
    assert terr.value.path == "cadence_status.portfolio"


def test_due_time_past_year_9999_is_a_typed_error() -> None:
    p = pf([account(start=dt.date(9999, 12, 1))], [contact("I1", t(9999, 12, 30))])
    with pytest.raises(InvalidValueError) as err:
        cadence_alerts(p, as_of=dt.datetime(9999, 12, 30, tzinfo=UTC))
    assert err.value.path == "cadence_alerts.as_of"
