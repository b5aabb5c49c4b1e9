"""Strategies per class (source [002]) with the resource policies of source [000].

The default table is pinned (the [000] policies verbatim, kamlib's own management
strategies and tactics marked as such), class names are accepted as quadrants or letters,
every account gets its class's strategy or is listed as unplaced, class changes are found
against the previous evaluation, bad input gets a typed error naming its path, and the
order of the input never shows. The 6-month strategy evaluation of [002] is tested at its
boundary.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Account, Portfolio
from kamlib.planning import (
    DEFAULT_STRATEGIES,
    AccountStrategy,
    ClassChange,
    ClassStrategy,
    StrategyResult,
    StrategyTable,
    assign_strategies,
    next_strategy_evaluation,
)
from kamlib.scoring import (
    ABCD_NAMES,
    QUADRANT_POLICY,
    QUADRANTS,
    Criterion,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)

UTC = dt.UTC
US = dt.timedelta(microseconds=1)
LETTERS = tuple(ABCD_NAMES[q] for q in QUADRANTS)
NAMES = (*QUADRANTS, *LETTERS)
S = ClassStrategy("some resource", "some strategy", ("a tactic",))


def matrix_table() -> FeatureTable:
    return FeatureTable.from_columns(
        ["A1", "A2", "A3", "A4"],
        {
            "profit": [900.0, 100.0, 800.0, 50.0],
            "strategic_fit": [9, 8, 2, 1],
            "value_potential": [8, 9, 3, 2],
            "resource_complementarity": [7, 7, 1, 3],
        },
    )


def scored(naming: str = "quadrant") -> ScoreTable:
    t = matrix_table()
    return ValueMatrix(naming=naming).fit(t).score(t)


def labelled(ids: list[str], labels: list[str]) -> ScoreTable:
    return ScoreTable.from_scores(ids, [0.0] * len(ids), scorer="mine", labels=labels)


def account(account_id: str) -> Account:
    return Account(
        account_id,
        f"Customer {account_id}",
        industry="retail",
        region="east",
        size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
    )


# ------------------------------------------------------------------------------ defaults
def test_default_resource_investment_is_the_source_000_quadrant_policy() -> None:
    for q in QUADRANTS:
        assert DEFAULT_STRATEGIES.strategy_of(q).resource_investment == QUADRANT_POLICY[q]
    assert DEFAULT_STRATEGIES.strategic.resource_investment == (
        "dedicated team; annual joint strategic plan"
    )


def test_default_management_strategies_and_tactics_are_marked_kamlibs_own() -> None:
    for s in DEFAULT_STRATEGIES.as_dict().values():
        assert "[000]" in s.note
        assert "kamlib's own choice" in s.note
        assert "lost" in s.note  # the five strategies of [002] are in a lost image
        assert s.tactics
        assert all(t.strip() for t in s.tactics)
    assert [s.management_strategy for s in DEFAULT_STRATEGIES.as_dict().values()] == [
        "partner",
        "develop",
        "maintain",
        "standardise",
    ]


def test_letters_follow_kamlibs_abcd_mapping() -> None:
    t = DEFAULT_STRATEGIES
    assert (t["A"], t["B"], t["C"], t["D"]) == (t.strategic, t.potential, t.profit, t.ordinary)
    assert list(t.as_dict(letters=True)) == ["A", "B", "C", "D"]
    assert list(t.as_dict()) == list(QUADRANTS)


def test_as_dict_is_read_only() -> None:
    d: Any = DEFAULT_STRATEGIES.as_dict()
    with pytest.raises(TypeError):
        d["strategic"] = S


# ------------------------------------------------------------------------------ ClassStrategy
def test_class_strategy_keeps_tactics_in_order_as_a_tuple() -> None:
    s = ClassStrategy("r", "m", ["second", "first"])
    assert s.tactics == ("second", "first")
    assert ClassStrategy("r", "m").tactics == ()
    assert ClassStrategy("r", "m", note="ours").note == "ours"


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"resource_investment": ""}, InvalidValueError, "ClassStrategy.resource_investment"),
        ({"resource_investment": 3}, InvalidTypeError, "ClassStrategy.resource_investment"),
        ({"management_strategy": " "}, InvalidValueError, "ClassStrategy.management_strategy"),
        ({"management_strategy": None}, InvalidTypeError, "ClassStrategy.management_strategy"),
        ({"tactics": "one tactic"}, InvalidTypeError, "ClassStrategy.tactics"),
        ({"tactics": 5}, InvalidTypeError, "ClassStrategy.tactics"),
        ({"tactics": ["ok", ""]}, InvalidValueError, "ClassStrategy.tactics[1]"),
        ({"tactics": ["ok", 2]}, InvalidTypeError, "ClassStrategy.tactics[1]"),
        ({"note": None}, InvalidTypeError, "ClassStrategy.note"),
    ],
)
def test_class_strategy_bad_fields_name_their_path(
    kwargs: dict[str, Any], error: type[Exception], path: str
) -> None:
    base: dict[str, Any] = {"resource_investment": "r", "management_strategy": "m"}
    with pytest.raises(error) as e:
        ClassStrategy(**(base | kwargs))
    assert e.value.path == path  # type: ignore[attr-defined]  # a kamlib FieldError


def test_class_strategy_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        S.tactics = ()  # type: ignore[misc]  # the point of the test


# ------------------------------------------------------------------------------ StrategyTable
def test_table_of_accepts_quadrants_letters_and_a_mix() -> None:
    a, b, c, d = (ClassStrategy(f"r{i}", f"m{i}") for i in range(4))
    by_letter = StrategyTable.of({"A": a, "B": b, "C": c, "D": d})
    by_quadrant = StrategyTable.of({"strategic": a, "potential": b, "profit": c, "ordinary": d})
    mixed = StrategyTable.of({"ordinary": d, "A": a, "profit": c, "B": b})
    assert by_letter == by_quadrant == mixed == StrategyTable(a, b, c, d)


def test_table_of_refuses_a_class_given_twice() -> None:
    with pytest.raises(DuplicateIdError) as e:
        StrategyTable.of({"A": S, "strategic": S, "B": S, "C": S, "D": S})
    assert e.value.path in (
        "StrategyTable.strategies['A']",
        "StrategyTable.strategies['strategic']",
    )
    # the same error whatever the order of the mapping
    with pytest.raises(DuplicateIdError) as e2:
        StrategyTable.of({"D": S, "C": S, "B": S, "strategic": S, "A": S})
    assert str(e2.value) == str(e.value)


def test_table_of_refuses_a_missing_class() -> None:
    with pytest.raises(InvalidValueError, match=r"has no strategy for \['profit'\]") as e:
        StrategyTable.of({"A": S, "B": S, "D": S})
    assert e.value.path == "StrategyTable.strategies"


@pytest.mark.parametrize(
    ("strategies", "error", "path"),
    [
        ({"A": S, "B": S, "C": S, "E": S}, InvalidValueError, "StrategyTable.strategies['E']"),
        ({"A": S, "B": S, "C": S, "d": S}, InvalidValueError, "StrategyTable.strategies['d']"),
        (
            {"A": S, "B": S, "C": S, "Strategic": S},
            InvalidValueError,
            "StrategyTable.strategies['Strategic']",
        ),
        ({"A": S, "B": S, "C": S, 4: S}, InvalidTypeError, "StrategyTable.strategies[4]"),
        ({"A": S, "B": S, "C": S, "D": "x"}, InvalidTypeError, "StrategyTable.strategies['D']"),
        ([("A", S)], InvalidTypeError, "StrategyTable.strategies"),
    ],
)
def test_table_of_bad_input_names_the_field(
    strategies: Any, error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as e:
        StrategyTable.of(strategies)
    assert e.value.path == path  # type: ignore[attr-defined]  # a kamlib FieldError


def test_table_fields_must_be_class_strategies() -> None:
    with pytest.raises(InvalidTypeError, match=r"StrategyTable\.profit"):
        StrategyTable(S, S, "maintain", S)  # type: ignore[arg-type]  # the point of the test


def test_table_lookups_and_replace() -> None:
    mine = ClassStrategy("web portal", "self-service")
    t = DEFAULT_STRATEGIES.replace("ordinary", mine)
    assert t.ordinary is mine
    assert t["D"] is mine
    assert DEFAULT_STRATEGIES.ordinary is not mine  # the default is untouched
    assert t.replace("D", DEFAULT_STRATEGIES.ordinary) == DEFAULT_STRATEGIES
    with pytest.raises(InvalidValueError) as e:
        DEFAULT_STRATEGIES.strategy_of("S")
    assert e.value.path == "StrategyTable.strategy_of.name"
    with pytest.raises(InvalidTypeError):
        DEFAULT_STRATEGIES[b"A"]  # type: ignore[index]  # the point of the test
    with pytest.raises(InvalidValueError) as e:
        DEFAULT_STRATEGIES.replace("E", mine)
    assert e.value.path == "StrategyTable.replace.name"
    with pytest.raises(InvalidTypeError) as e2:
        DEFAULT_STRATEGIES.replace("A", "partner")  # type: ignore[arg-type]  # the point
    assert e2.value.path == "StrategyTable.replace.strategy"


def test_table_is_hashable_and_compares_by_value() -> None:
    assert hash(DEFAULT_STRATEGIES) == hash(attrs.evolve(DEFAULT_STRATEGIES))
    assert StrategyTable.of(DEFAULT_STRATEGIES.as_dict(letters=True)) == DEFAULT_STRATEGIES


# ------------------------------------------------------------------------------ assign
def test_value_matrix_result_gives_each_account_its_class_strategy() -> None:
    r = assign_strategies(scored())
    assert [(a.account_id, a.quadrant, a.letter) for a in r.accounts] == [
        ("A1", "strategic", "A"),
        ("A2", "potential", "B"),
        ("A3", "profit", "C"),
        ("A4", "ordinary", "D"),
    ]
    for a in r.accounts:
        assert a.strategy is DEFAULT_STRATEGIES.strategy_of(a.quadrant)
    assert r.unplaced == ()
    assert r.changes == ()
    assert not r.compared


def test_abcd_naming_gives_the_same_result() -> None:
    assert assign_strategies(scored("abcd")) == assign_strategies(scored())


def test_a_plain_mapping_with_quadrants_or_letters() -> None:
    r1 = assign_strategies({"A2": "potential", "A1": "strategic"})
    r2 = assign_strategies({"A1": "A", "A2": "B"})
    assert r1 == r2
    assert [a.account_id for a in r1.accounts] == ["A1", "A2"]


def test_a_company_table_is_used() -> None:
    mine = DEFAULT_STRATEGIES.replace("A", S)
    r = assign_strategies({"A1": "A", "A2": "C"}, table=mine)
    assert r.strategy_of("A1") is S
    assert r.strategy_of("A2") is DEFAULT_STRATEGIES.profit


def test_unplaced_accounts_are_listed_not_dropped() -> None:
    r = assign_strategies({"A3": None, "A1": "D", "A2": None})
    assert [a.account_id for a in r.accounts] == ["A1"]
    assert r.unplaced == ("A2", "A3")
    assert r.strategy_of("A2") is None
    assert r.class_of("A2") is None
    assert r.class_of("A1") == "ordinary"


def test_accounts_missing_from_the_results_are_unplaced() -> None:
    r = assign_strategies(scored(), accounts=["A5", "A1", "A2", "A3", "A4"])
    assert r.unplaced == ("A5",)
    p = Portfolio([account(a) for a in ("A0", "A1", "A2", "A3", "A4")])
    assert assign_strategies(scored(), accounts=p).unplaced == ("A0",)


def test_a_result_for_an_account_not_given_is_an_error() -> None:
    with pytest.raises(UnknownIdError) as e:
        assign_strategies({"A1": "A", "A9": "B"}, accounts=["A1"])
    assert e.value.path == "assign_strategies.results"
    assert e.value.value == "A9"


def test_result_lookups() -> None:
    r = assign_strategies({"A1": "A", "A2": None, "A3": "A", "A4": "C"})
    assert r.strategy_of("A1") is DEFAULT_STRATEGIES.strategic
    assert dict(r.by_class()) == {
        "strategic": ("A1", "A3"),
        "potential": (),
        "profit": ("A4",),
        "ordinary": (),
    }
    with pytest.raises(UnknownIdError) as e:
        r.strategy_of("A9")
    assert e.value.path == "StrategyResult.strategy_of.account_id"
    with pytest.raises(UnknownIdError) as e:
        r.class_of("A9")
    assert e.value.path == "StrategyResult.class_of.account_id"


def test_empty_results() -> None:
    r = assign_strategies({})
    assert r == StrategyResult((), ())
    assert dict(r.by_class()) == {q: () for q in QUADRANTS}
    empty = scored().take(np.array([], dtype=np.intp))
    assert assign_strategies(empty, previous={}).accounts == ()


# ------------------------------------------------------------------------------ changes
def test_changes_against_the_previous_evaluation() -> None:
    previous = {"A1": "A", "A2": "D", "A3": "C", "A5": "B", "A6": None}
    r = assign_strategies(scored(), previous=previous, accounts=["A1", "A2", "A3", "A4", "A6"])
    assert r.compared
    assert r.changes == (
        ClassChange("A2", "ordinary", "potential"),  # moved up
        ClassChange("A4", None, "ordinary"),  # new to this evaluation
        ClassChange("A5", "potential", None),  # classified before, not here now
    )  # A6: no class on both sides, no change
    assert [(c.from_letter, c.to_letter) for c in r.changes] == [
        ("D", "B"),
        (None, "D"),
        ("B", None),
    ]


def test_an_account_that_becomes_unplaced_is_a_change_to_none() -> None:
    r = assign_strategies({"A1": None}, previous={"A1": "strategic"})
    assert r.changes == (ClassChange("A1", "strategic", None),)
    assert r.unplaced == ("A1",)


def test_previous_as_a_score_table_and_letters_vs_quadrants_are_no_change() -> None:
    r = assign_strategies(scored(), previous=scored("abcd"))
    assert r.compared
    assert r.changes == ()


def test_no_previous_means_no_changes() -> None:
    r = assign_strategies({"A1": "A"})
    assert not r.compared
    assert r.changes == ()


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("results", "error", "path"),
    [
        ({"A1": "E"}, InvalidValueError, "assign_strategies.results['A1']"),
        ({"A1": "a"}, InvalidValueError, "assign_strategies.results['A1']"),
        ({"A1": 1}, InvalidTypeError, "assign_strategies.results['A1']"),
        ({1: "A"}, InvalidTypeError, "assign_strategies.results[1]"),
        ({"": "A"}, InvalidValueError, "assign_strategies.results['']"),
        ([("A1", "A")], InvalidTypeError, "assign_strategies.results"),
        ("A", InvalidTypeError, "assign_strategies.results"),
    ],
)
def test_bad_results_name_the_field(results: Any, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as e:
        assign_strategies(results)
    assert e.value.path == path  # type: ignore[attr-defined]  # a kamlib FieldError


def test_a_score_table_with_unknown_classes_names_the_row() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
    keyed = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)  # key / not_key
    with pytest.raises(InvalidValueError) as e:
        assign_strategies(keyed)
    assert e.value.path == "assign_strategies.results.labels[0]"
    assert e.value.value == "not_key"
    with pytest.raises(InvalidValueError) as e:
        assign_strategies(labelled(["A2", "A1"], ["A", "strategic_"]))
    assert e.value.path == "assign_strategies.results.labels[1]"


def test_a_score_table_without_classes_is_refused() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
    unlabelled = WeightedPoints([Criterion("x")]).fit(t).score(t)
    with pytest.raises(InvalidValueError, match="has no classes") as e:
        assign_strategies(unlabelled)
    assert e.value.path == "assign_strategies.results.labels"


def test_bad_previous_table_and_accounts_name_the_field() -> None:
    with pytest.raises(InvalidValueError) as e:
        assign_strategies({"A1": "A"}, previous={"A1": "Z"})
    assert e.value.path == "assign_strategies.previous['A1']"
    with pytest.raises(InvalidTypeError) as e2:
        assign_strategies({"A1": "A"}, previous=["A1"])  # type: ignore[arg-type]  # the point
    assert e2.value.path == "assign_strategies.previous"
    with pytest.raises(InvalidTypeError) as e2:
        assign_strategies({"A1": "A"}, table=DEFAULT_STRATEGIES.as_dict())  # type: ignore[arg-type]
    assert e2.value.path == "assign_strategies.table"
    with pytest.raises(InvalidTypeError) as e2:
        assign_strategies({"A1": "A"}, accounts="A1")
    assert e2.value.path == "assign_strategies.accounts"
    with pytest.raises(InvalidTypeError) as e2:
        assign_strategies({"A1": "A"}, accounts=["A1", 2])  # type: ignore[list-item]  # the point
    assert e2.value.path == "assign_strategies.accounts[1]"


def test_inputs_are_not_mutated() -> None:
    results = {"A2": "B", "A1": None}
    previous = {"A1": "A"}
    assign_strategies(results, previous=previous, accounts=["A1", "A2", "A3"])
    assert results == {"A2": "B", "A1": None}
    assert previous == {"A1": "A"}


# ------------------------------------------------------------------------------ properties
_ids = st.sampled_from([f"A{i}" for i in range(12)])
_classes = st.one_of(st.none(), st.sampled_from(NAMES))
_mappings = st.dictionaries(_ids, _classes, max_size=12)


@given(_mappings, _mappings, st.randoms(use_true_random=False))
def test_order_of_the_input_never_shows(
    results: dict[str, str | None], previous: dict[str, str | None], rnd: Any
) -> None:
    items, before = list(results.items()), list(previous.items())
    rnd.shuffle(items)
    rnd.shuffle(before)
    a = assign_strategies(results, previous=previous)
    b = assign_strategies(dict(items), previous=dict(before))
    assert a == b
    ids = [x.account_id for x in a.accounts]
    assert ids == sorted(ids)
    assert list(a.unplaced) == sorted(a.unplaced)
    assert [c.account_id for c in a.changes] == sorted(c.account_id for c in a.changes)


@given(_mappings)
def test_every_account_is_placed_or_unplaced_exactly_once(results: dict[str, str | None]) -> None:
    r = assign_strategies(results)
    placed = [a.account_id for a in r.accounts]
    assert sorted(placed + list(r.unplaced)) == sorted(results)
    for a in r.accounts:
        assert a.letter == ABCD_NAMES[a.quadrant]
        assert a.strategy is DEFAULT_STRATEGIES.strategy_of(a.quadrant)


@given(_mappings, _mappings)
def test_changes_are_exactly_the_accounts_whose_class_differs(
    results: dict[str, str | None], previous: dict[str, str | None]
) -> None:
    r = assign_strategies(results, previous=previous)
    assert assign_strategies(results, previous=results).changes == ()

    def canon(m: dict[str, str | None], k: str) -> str | None:
        v = m.get(k)
        return None if v is None else _quadrant_of(v)

    expected = {
        k for k in results.keys() | previous.keys() if canon(results, k) != canon(previous, k)
    }
    assert {c.account_id for c in r.changes} == expected
    for c in r.changes:
        assert c.from_class != c.to_class


def _quadrant_of(name: str) -> str:
    return name if name in QUADRANTS else QUADRANTS[LETTERS.index(name)]


@given(st.permutations(range(4)))
def test_row_order_of_a_score_table_never_shows(rows: list[int]) -> None:
    st_ = scored()
    assert assign_strategies(st_.take(rows)) == assign_strategies(st_)


def test_account_strategy_record() -> None:
    a = AccountStrategy("A1", "profit", "C", S)
    assert attrs.asdict(a, recurse=False)["letter"] == "C"


# ------------------------------------------------------------------------------ cadence
def test_strategy_evaluation_is_due_six_months_after_the_last_by_default() -> None:
    last = dt.datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
    due = next_strategy_evaluation(last)
    assert due == dt.datetime(2025, 7, 15, 9, 30, tzinfo=UTC)  # source [002]: every 6 months
    # the boundary: exactly at 6 months is due, a microsecond before is not yet
    assert due - US < due == next_strategy_evaluation(last, months=6)
    assert next_strategy_evaluation(last, months=5) < due < next_strategy_evaluation(last, months=7)


def test_month_end_is_clamped_and_the_offset_kept() -> None:
    tz = dt.timezone(dt.timedelta(hours=8))
    assert next_strategy_evaluation(dt.datetime(2025, 8, 31, tzinfo=tz)) == dt.datetime(
        2026, 2, 28, tzinfo=tz
    )
    assert next_strategy_evaluation(dt.datetime(2023, 8, 31, tzinfo=UTC)).date() == dt.date(
        2024, 2, 29
    )


@pytest.mark.parametrize(("months", "ok"), [(0, False), (1, True), (1200, True), (1201, False)])
def test_months_bounds(months: int, ok: bool) -> None:
    last = dt.datetime(2025, 1, 1, tzinfo=UTC)
    if ok:
        assert next_strategy_evaluation(last, months=months) > last
    else:
        with pytest.raises(InvalidValueError) as e:
            next_strategy_evaluation(last, months=months)
        assert e.value.path == "next_strategy_evaluation.months"


@pytest.mark.parametrize(
    ("last", "months", "error", "path"),
    [
        (dt.datetime(2025, 1, 1), 6, InvalidValueError, "next_strategy_evaluation.last"),
        (dt.date(2025, 1, 1), 6, InvalidTypeError, "next_strategy_evaluation.last"),
        (
            dt.datetime(2025, 1, 1, tzinfo=UTC),
            6.0,
            InvalidTypeError,
            "next_strategy_evaluation.months",
        ),
        (
            dt.datetime(2025, 1, 1, tzinfo=UTC),
            True,
            InvalidTypeError,
            "next_strategy_evaluation.months",
        ),
    ],
)
def test_next_evaluation_bad_input(
    last: Any, months: Any, error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as e:
        next_strategy_evaluation(last, months=months)
    assert e.value.path == path  # type: ignore[attr-defined]  # a kamlib FieldError


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_six_months_is_between_181_and_184_days(last: dt.datetime) -> None:
    gap = next_strategy_evaluation(last) - last
    assert dt.timedelta(days=181) <= gap <= dt.timedelta(days=184)


@pytest.mark.parametrize(
    ("last", "ok"),
    [
        (dt.datetime(9999, 6, 30, 23, 59, tzinfo=UTC), True),  # Dec 30, 9999: still in range
        (dt.datetime(9999, 7, 1, tzinfo=UTC), False),
        (dt.datetime(9999, 10, 1, tzinfo=UTC), False),
    ],
)
def test_a_last_evaluation_too_late_names_last(last: dt.datetime, ok: bool) -> None:
    if ok:
        assert next_strategy_evaluation(last).year == 9999
        return
    with pytest.raises(InvalidValueError) as e:
        next_strategy_evaluation(last)
    assert e.value.path == "next_strategy_evaluation.last"
    assert e.value.value == last
    assert "after year 9999" in e.value.reason


def test_a_long_interval_past_year_9999_names_last() -> None:
    last = dt.datetime(9000, 1, 1, tzinfo=UTC)
    assert next_strategy_evaluation(last, months=1200).year == 9100
    with pytest.raises(InvalidValueError) as e:
        next_strategy_evaluation(dt.datetime(9950, 1, 1, tzinfo=UTC), months=1200)
    assert e.value.path == "next_strategy_evaluation.last"


# ------------------------------------------------------------------------------ error order
_BAD_RESULTS: list[tuple[object, object]] = [
    ("A3", "E"),  # a bad class
    ("", "A"),  # an empty id
    (2, "A"),  # a non-str id
    ("A1", "Z"),  # a bad class
    (1, "B"),  # a non-str id
    (None, "C"),  # a non-str id
    ("A2", "A"),
]


@given(st.permutations(_BAD_RESULTS))
def test_which_bad_entry_is_reported_never_depends_on_the_order(
    entries: list[tuple[object, object]],
) -> None:
    with pytest.raises(InvalidTypeError) as e:
        assign_strategies(dict(entries))  # type: ignore[arg-type]  # bad keys on purpose
    assert e.value.path == "assign_strategies.results[1]"  # repr 1 < repr 2 < repr None
    str_keys = [(k, v) for k, v in entries if isinstance(k, str)]
    with pytest.raises(InvalidValueError) as v:
        assign_strategies(dict(str_keys))  # type: ignore[arg-type]  # the class is checked
    assert v.value.path == "assign_strategies.results['']"  # "" sorts first
    named = [(k, v) for k, v in str_keys if k]
    with pytest.raises(InvalidValueError) as w:
        assign_strategies(dict(named))  # type: ignore[arg-type]  # the class is checked
    assert w.value.path == "assign_strategies.results['A1']"


def test_the_docstring_quotes_the_seed_verbatim_in_its_traditional_script() -> None:
    # source [002], part 4 of the dynamic evaluation, as the page gives it (pinyin left out);
    # the docs page quotes the same sentence
    quote = "策略戰術評估可以6個月評估一次"
    doc = next_strategy_evaluation.__doc__ or ""
    assert f"({quote})" in doc
    assert "策略战术评估可以6个月评估一次" not in doc  # the simplified script is no quote
    page = pathlib.Path(__file__).resolve().parents[2] / "docs" / "planning" / "strategies.md"
    assert quote in page.read_text(encoding="utf-8")
