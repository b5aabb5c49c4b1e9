"""The reliability catalogue outside scoring: bad input always gets a typed kamlib error.

Huge integers, numpy scalars, fractions, strings where numbers belong, deep nesting: each
either works exactly or raises an error from :mod:`kamlib.errors` naming the field path
and the value; never a bare ``OverflowError``/``TypeError``/``RecursionError``.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib._validators import (
    aware_datetime,
    check_aware_datetime,
    check_choice,
    check_flag,
    check_int,
    check_name,
    check_real,
    check_real_tuple,
    each,
    flag,
    instance_of,
    integer,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import (
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    KamlibValidationError,
)
from kamlib.features import MAX_NPS_WINDOW_DAYS, MAX_PERIODS, extract_features
from kamlib.model import Account, Portfolio
from kamlib.network import (
    RelationshipFeatures,
    coverage,
    graph_red_flags,
    indirect_key_persons,
    influence_reach,
    meeting_priorities,
    red_flags,
    relationship_features,
    support_scores,
    weighted_support,
    who_to_meet_next,
)
from kamlib.serde import from_dict, to_dict
from kamlib.synthetic import synthetic_portfolio
from kamlib.testing import strategies as ks

AS_OF = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
HUGE = 10**400


# ------------------------------------------------------------------ the shared checks


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3.0),
        (0.5, 0.5),
        (Fraction(1, 4), 0.25),
        (np.float32(0.5), 0.5),
        (np.float64(0.25), 0.25),
        (np.int64(7), 7.0),
        (np.uint8(7), 7.0),
    ],
)
def test_check_real_accepts_every_real_number(value: object, expected: float) -> None:
    out = check_real("x", value)
    assert out == expected
    assert type(out) is float


@pytest.mark.parametrize(
    ("value", "error", "reason"),
    [
        (True, InvalidTypeError, "must be a real number"),
        (np.bool_(True), InvalidTypeError, "must be a real number"),
        ("0.5", InvalidTypeError, "must be a real number"),
        (None, InvalidTypeError, "must be a real number"),
        (HUGE, InvalidValueError, "is too large for a float"),
        (-HUGE, InvalidValueError, "is too large for a float"),
        (Fraction(HUGE, 3), InvalidValueError, "is too large for a float"),
        (Fraction(1, 10**5000), InvalidValueError, "has a numerator or denominator too long"),
        (float("nan"), InvalidValueError, "must be finite"),
        (np.float64("inf"), InvalidValueError, "must be finite"),
    ],
)
def test_check_real_refusals_are_typed(value: object, error: type, reason: str) -> None:
    with pytest.raises(error, match=rf"^P\.q: {reason}") as info:
        check_real("P.q", value)
    assert isinstance(info.value, FieldError)
    assert info.value.path == "P.q"
    assert info.value.value is value


@pytest.mark.parametrize(
    ("bounds", "value", "text"),
    [
        ({"ge": 0}, -1, "[0, inf)"),
        ({"gt": 0}, 0, "(0, inf)"),
        ({"le": 1}, 2, "(-inf, 1]"),
        ({"lt": 1}, 1, "(-inf, 1)"),
        ({"ge": 0, "lt": 1}, 1.0, "[0, 1)"),
        ({"gt": 0.5, "le": 1e12}, 0.5, "(0.5, 1e+12]"),
    ],
)
def test_bounds_read_one_way(bounds: dict[str, float], value: float, text: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        check_real("x", value, **bounds)
    assert info.value.reason == f"must be a real number in {text}"


def test_check_int() -> None:
    assert check_int("n", np.int64(2), ge=1) == 2
    assert type(check_int("n", np.int64(2))) is int
    assert check_int("n", HUGE) == HUGE
    for bad in (True, np.bool_(False), 2.0, "2", None, Fraction(2)):
        with pytest.raises(InvalidTypeError, match=r"^n: must be an int"):
            check_int("n", bad)
    with pytest.raises(InvalidValueError, match=r"^n: must be an int in \[1, 10\]; got 11"):
        check_int("n", 11, ge=1, le=10)


def test_check_choice_name_flag_and_datetime() -> None:
    assert check_choice("m", "b", ["a", "b"]) == "b"
    with pytest.raises(InvalidValueError, match="must be one of 'a', 'b'"):
        check_choice("m", "c", ["a", "b"])
    with pytest.raises(InvalidTypeError, match="must be a str, one of 'a', 'b'"):
        check_choice("m", None, ["a", "b"])
    assert check_name("id", "A1") == "A1"
    for blank in ("", " ", "\t"):
        with pytest.raises(InvalidValueError, match="must be a non-empty string"):
            check_name("id", blank)
    with pytest.raises(InvalidTypeError, match="must be a str"):
        check_name("id", 1)
    assert check_flag("f", np.bool_(False)) is False
    for bad in ("no", 1, 0, None, np.int64(1)):
        with pytest.raises(InvalidTypeError, match=r"^f: must be a bool"):
            check_flag("f", bad)
    with pytest.raises(InvalidValueError, match="timezone-aware"):
        check_aware_datetime("at", dt.datetime(2024, 1, 1))
    with pytest.raises(InvalidTypeError, match=r"must be a datetime\.datetime"):
        check_aware_datetime("at", dt.date(2024, 1, 1))


def test_check_real_tuple() -> None:
    assert check_real_tuple("w", np.array([1, 2])) == (1.0, 2.0)
    assert check_real_tuple("w", (x for x in [Fraction(1, 2)])) == (0.5,)
    for bad in ("12", b"12", {"a": 1}, {1.0}, 3, None):
        with pytest.raises(InvalidTypeError, match=r"^w: must be a sequence of real numbers"):
            check_real_tuple("w", bad)
    with pytest.raises(InvalidValueError, match=r"^w\[2\]: is too large for a float"):
        check_real_tuple("w", [1, 2, HUGE], ge=0)


@attrs.frozen
class _Box:
    x: float = attrs.field(default=0.0, validator=real(ge=0, lt=1))
    n: int = attrs.field(default=1, validator=integer(ge=1))
    mode: str = attrs.field(default="a", validator=one_of("a", "b"))
    on: bool = attrs.field(default=True, validator=flag())
    name: str = attrs.field(default="x", validator=non_empty_str())
    at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime()))
    xs: tuple[float, ...] = attrs.field(default=(), validator=each(real(ge=0)))
    k: int = attrs.field(default=0, validator=instance_of(int))


@pytest.mark.parametrize(
    ("field", "value", "check"),
    [
        ("x", 1.0, lambda v: check_real("_Box.x", v, ge=0, lt=1)),
        ("x", HUGE, lambda v: check_real("_Box.x", v, ge=0, lt=1)),
        ("n", 0, lambda v: check_int("_Box.n", v, ge=1)),
        ("n", np.float64(2), lambda v: check_int("_Box.n", v, ge=1)),
        ("mode", "c", lambda v: check_choice("_Box.mode", v, ("a", "b"))),
        ("mode", 3, lambda v: check_choice("_Box.mode", v, ("a", "b"))),
        ("on", "no", lambda v: check_flag("_Box.on", v)),
        ("name", " ", lambda v: check_name("_Box.name", v)),
        ("at", dt.datetime(2024, 1, 1), lambda v: check_aware_datetime("_Box.at", v)),
    ],
)
def test_attrs_validators_raise_what_the_function_form_raises(
    field: str, value: object, check: Callable[[object], object]
) -> None:
    with pytest.raises(FieldError) as by_function:
        check(value)
    kwargs: dict[str, Any] = {field: value}
    with pytest.raises(FieldError) as by_validator:
        _Box(**kwargs)
    assert type(by_validator.value) is type(by_function.value)
    assert str(by_validator.value) == str(by_function.value)


def test_validators_have_readable_reprs_and_accept_numpy() -> None:
    assert repr(real(ge=0, lt=1)) == "<real validator in [0, 1)>"
    assert repr(integer(ge=1)) == "<integer validator in [1, inf)>"
    assert repr(one_of("a", "b")) == "<one_of validator for 'a', 'b'>"
    assert repr(flag()) == "<flag validator>"
    numpy_values: dict[str, Any] = {
        "x": np.float32(0.5),
        "n": np.int64(3),
        "on": np.bool_(False),
        "xs": (Fraction(1, 3),),
    }
    box = _Box(**numpy_values)
    assert box.n == 3
    with pytest.raises(InvalidValueError, match=r"_Box\.xs\[1\]: must be a real number"):
        _Box(xs=(1.0, -1.0))


# ------------------------------------------------------------------ network parameters


def _graph(**edge: object) -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("U1", side="our_staff")
    G.add_node("CEO", side="customer", role="decision_maker", closeness=5)
    G.nodes["CEO"].update(solution_acceptance=6, price_acceptance=7)
    G.add_node("CTO", side="customer", role="influencer")
    G.add_edge("U1", "CTO", kind="influences", strength=0.5)
    G.add_edge("CTO", "CEO", **{"kind": "influences", "strength": 0.8, **edge})
    return G


#: every analysis that reads the edge strengths of a user's graph
STRENGTH_READERS: dict[str, Callable[[nx.DiGraph[str]], object]] = {
    "coverage": coverage,
    "meeting_priorities": meeting_priorities,
    "who_to_meet_next": who_to_meet_next,
    "indirect_key_persons": indirect_key_persons,
    "influence_reach": influence_reach,
    "weighted_support": weighted_support,
    "graph_red_flags": lambda G: graph_red_flags(G, as_of=AS_OF),
}


@pytest.mark.parametrize("name", sorted(STRENGTH_READERS))
@pytest.mark.parametrize(
    ("strength", "error"),
    [
        (HUGE, InvalidValueError),
        (Fraction(HUGE, 7), InvalidValueError),
        (float("nan"), InvalidValueError),
        (1.5, InvalidValueError),
        ("0.5", InvalidTypeError),
        (None, InvalidTypeError),
        (True, InvalidTypeError),
        (b"1", InvalidTypeError),
    ],
)
def test_edge_strength_errors_are_typed_and_consistent(
    name: str, strength: object, error: type
) -> None:
    with pytest.raises(error, match=r"G\.edges\['CTO', 'CEO'\]\['strength'\]: "):
        STRENGTH_READERS[name](_graph(strength=strength))


@pytest.mark.parametrize("name", sorted(STRENGTH_READERS))
def test_numpy_and_fraction_strengths_are_read(name: str) -> None:
    plain = STRENGTH_READERS[name](_graph(strength=0.5))
    for strength in (np.float64(0.5), np.float32(0.5), Fraction(1, 2)):
        assert STRENGTH_READERS[name](_graph(strength=strength)) == plain


@pytest.mark.parametrize(
    ("attr", "value", "error"),
    [
        ("closeness", "5", InvalidTypeError),
        ("closeness", HUGE, InvalidValueError),
        ("closeness", 11, InvalidValueError),
        ("active", "yes", InvalidTypeError),
        ("active", 1, InvalidTypeError),
        ("side", 3, InvalidTypeError),
        ("side", "alien", InvalidValueError),
        ("role", 3, InvalidTypeError),
        ("role", "ceo", InvalidValueError),
    ],
)
def test_node_attribute_errors_are_typed(attr: str, value: object, error: type) -> None:
    G = _graph()
    G.nodes["CEO"][attr] = value
    reader = support_scores if attr == "closeness" else coverage
    with pytest.raises(error, match=rf"G\.nodes\['CEO'\]\['{attr}'\]: "):
        reader(G)


@pytest.mark.parametrize(
    ("attr", "value", "error"),
    [
        ("kind", 3, InvalidTypeError),
        ("kind", "influence", InvalidValueError),
        ("reports_to", 1, InvalidTypeError),
        ("reports_to", "no", InvalidTypeError),
    ],
)
def test_edge_attribute_errors_are_typed(attr: str, value: object, error: type) -> None:
    with pytest.raises(error, match=rf"G\.edges\['CTO', 'CEO'\]\['{attr}'\]: "):
        coverage(_graph(**{attr: value}))


PF = synthetic_portfolio(3, seed=2, as_of=AS_OF)

#: (call, parameter) for every numeric parameter of the network analyses
NUMERIC_PARAMETERS: list[tuple[str, Callable[..., object], str]] = [
    ("indirect_key_persons", lambda **k: indirect_key_persons(_graph(), **k), "max_depth"),
    ("indirect_key_persons", lambda **k: indirect_key_persons(_graph(), **k), "min_strength"),
    ("influence_reach", lambda **k: influence_reach(_graph(), **k), "alpha"),
    ("influence_reach", lambda **k: influence_reach(_graph(), **k), "tol"),
    ("influence_reach", lambda **k: influence_reach(_graph(), **k), "max_iter"),
    ("meeting_priorities", lambda **k: meeting_priorities(_graph(), **k), "target"),
    ("who_to_meet_next", lambda **k: who_to_meet_next(_graph(), **k), "target"),
    ("weighted_support", lambda **k: weighted_support(_graph(), **k), "alpha"),
    (
        "graph_red_flags",
        lambda **k: graph_red_flags(_graph(), as_of=AS_OF, **k),
        "single_thread_share",
    ),
    (
        "red_flags",
        lambda **k: red_flags(PF, account_id=PF.accounts[0].id, as_of=AS_OF, **k),
        "single_thread_share",
    ),
    ("relationship_features", lambda **k: relationship_features(PF, as_of=AS_OF, **k), "alpha"),
    (
        "relationship_features",
        lambda **k: relationship_features(PF, as_of=AS_OF, **k),
        "window_days",
    ),
]
_IDS = [f"{n}.{p}" for n, _, p in NUMERIC_PARAMETERS]


@pytest.mark.parametrize(("name", "call", "param"), NUMERIC_PARAMETERS, ids=_IDS)
@pytest.mark.parametrize("value", [HUGE, -HUGE])
def test_huge_numeric_parameters_raise_typed_errors(
    name: str, call: Callable[..., object], param: str, value: int
) -> None:
    if param in ("max_depth", "max_iter") and value > 0:
        call(**{param: value})  # a huge depth or iteration budget is merely generous
        return
    with pytest.raises(InvalidValueError, match=rf"^{name}\.{param}: "):
        call(**{param: value})


@pytest.mark.parametrize(("name", "call", "param"), NUMERIC_PARAMETERS, ids=_IDS)
@pytest.mark.parametrize("value", ["1", None, True])
def test_wrong_type_numeric_parameters_raise_invalid_type(
    name: str, call: Callable[..., object], param: str, value: object
) -> None:
    with pytest.raises(InvalidTypeError, match=rf"^{name}\.{param}: "):
        call(**{param: value})


_DEFAULTS = {
    "max_depth": 2,
    "min_strength": 0.25,
    "alpha": 0.5,
    "tol": 1e-6,
    "max_iter": 100,
    "target": 0.5,
    "single_thread_share": 0.5,
    "window_days": 30,
}


@pytest.mark.parametrize(("name", "call", "param"), NUMERIC_PARAMETERS, ids=_IDS)
def test_numpy_scalars_are_accepted_like_python_numbers(
    name: str, call: Callable[..., object], param: str
) -> None:
    plain = _DEFAULTS[param]
    expected = call(**{param: plain})
    as_numpy = np.int64(plain) if isinstance(plain, int) else np.float64(plain)
    assert _same(call(**{param: as_numpy}), expected)


def _same(a: object, b: object) -> bool:
    """Equality that also compares the arrays of feature results."""
    if isinstance(a, RelationshipFeatures | FeatureTable):
        assert isinstance(b, type(a))
        cols_a, cols_b = _columns(a), _columns(b)
        return (
            list(a.ids) == list(b.ids)
            and cols_a.keys() == cols_b.keys()
            and all(_equal_arrays(cols_a[k], cols_b[k]) for k in cols_a)
        )
    return a == b


def _equal_arrays(a: Any, b: Any) -> bool:
    np.testing.assert_array_equal(a, b)  # NaN equals NaN here
    return True


def _columns(t: RelationshipFeatures | FeatureTable) -> dict[str, Any]:
    if isinstance(t, FeatureTable):
        return dict(t.to_columns())
    return {**t.columns, **{f"{k}?": v for k, v in t.missing.items()}}


def test_role_weights_and_portrait_weights_refuse_huge_numbers() -> None:
    with pytest.raises(InvalidValueError, match=r"coverage\.role_weights\['user'\]: is too large"):
        coverage(_graph(), role_weights={"decision_maker": 1, "user": HUGE})
    with pytest.raises(
        InvalidValueError, match=r"support_scores\.portrait_weights\[1\]: is too large"
    ):
        support_scores(_graph(), portrait_weights=(1, HUGE, 1))
    with pytest.raises(InvalidValueError, match=r"personalization\['CEO'\]: is too large"):
        influence_reach(_graph(), personalization={"CEO": HUGE})
    assert coverage(_graph(), role_weights={"decision_maker": np.float64(1)}) == coverage(
        _graph(), role_weights={"decision_maker": 1.0}
    )


def test_empty_attribute_name_is_a_value_error() -> None:
    with pytest.raises(InvalidValueError, match=r"coverage\.weight: must be a non-empty"):
        coverage(_graph(), weight="")
    with pytest.raises(InvalidTypeError, match=r"coverage\.weight: must be a str"):
        coverage(_graph(), weight=3)  # type: ignore[arg-type]


# ------------------------------------------------------------------ extract_features


@pytest.mark.parametrize(
    ("param", "value", "error"),
    [
        ("periods", 10**5, InvalidValueError),
        ("periods", HUGE, InvalidValueError),
        ("periods", MAX_PERIODS + 1, InvalidValueError),
        ("periods", 0, InvalidValueError),
        ("periods", 4.0, InvalidTypeError),
        ("periods", True, InvalidTypeError),
        ("nps_window_days", 10**6, InvalidValueError),
        ("nps_window_days", HUGE, InvalidValueError),
        ("nps_window_days", MAX_NPS_WINDOW_DAYS + 1, InvalidValueError),
        ("nps_window_days", "365", InvalidTypeError),
        ("network", "no", InvalidTypeError),
        ("network", 1, InvalidTypeError),
        ("as_of", AS_OF.date(), InvalidTypeError),
        ("as_of", AS_OF.replace(tzinfo=None), InvalidValueError),
    ],
)
def test_extract_features_parameters_are_named(param: str, value: object, error: type) -> None:
    kwargs: dict[str, Any] = {"as_of": AS_OF, param: value}
    with pytest.raises(error, match=rf"^extract_features\.{param}: "):
        extract_features(PF, **kwargs)


def test_extract_features_accepts_numpy_and_the_documented_maxima() -> None:
    base = extract_features(PF, as_of=AS_OF, periods=2, nps_window_days=30, network=False)
    same = extract_features(
        PF, as_of=AS_OF, periods=np.int64(2), nps_window_days=np.int32(30), network=np.bool_(False)
    )
    assert _same(base, same)
    wide = extract_features(
        PF, as_of=AS_OF, periods=MAX_PERIODS, nps_window_days=MAX_NPS_WINDOW_DAYS, network=False
    )
    assert len(wide) == len(PF.accounts)


def test_windows_that_reach_before_year_1() -> None:
    early = dt.datetime(50, 6, 30, tzinfo=dt.UTC)
    extract_features(PF, as_of=early, nps_window_days=MAX_NPS_WINDOW_DAYS, network=False)
    relationship_features(PF, as_of=early, window_days=36_525)
    with pytest.raises(InvalidValueError, match=r"^extract_features\.periods: reaches before"):
        extract_features(PF, as_of=early, periods=MAX_PERIODS, network=False)


# ------------------------------------------------------------------ error messages


def _nested_list(depth: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(depth):
        out = [out]
    return out


def _nested_dict(depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(depth):
        out = {"a": out}
    return out


class _BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class _DeepRepr:
    def __repr__(self) -> str:
        return repr(self)  # endless recursion


@pytest.mark.parametrize(
    "value",
    [
        _nested_list(100_000),
        _nested_dict(100_000),
        10**5000,  # more digits than int -> str allows
        "x" * 1_000_000,
        list(range(1_000_000)),
        _BadRepr(),
        _DeepRepr(),
    ],
    ids=["deep-list", "deep-dict", "int-5000-digits", "long-str", "long-list", "bad", "deep"],
)
def test_error_messages_are_bounded_and_never_fail(value: object) -> None:
    err = InvalidValueError("x", value, "is bad")
    text = str(err)
    assert text.startswith("x: is bad; got ")
    assert len(text) < 120
    assert err.value is value


@pytest.mark.parametrize("deep", [_nested_list(100_000), _nested_dict(100_000)])
@pytest.mark.parametrize("where", ["top", "accounts", "name", "bogus", "figures"])
def test_from_dict_on_deep_nesting_raises_a_typed_error(deep: object, where: str) -> None:
    doc: Any = to_dict(PF)
    if where == "top":
        doc = deep
    elif where in ("accounts", "bogus"):
        doc[where] = deep
    else:
        account = dict(doc["accounts"][0])
        account[where] = [deep] if where == "figures" else deep
        doc["accounts"] = [account]
    with pytest.raises(KamlibError) as info:
        from_dict(Portfolio, doc)
    assert len(str(info.value)) < 2_000


def test_validation_error_str_shows_its_first_causes() -> None:
    errs = [InvalidValueError(f"rows[{i}]", i, "is bad") for i in range(5)]
    group = KamlibValidationError("5 invalid rows", errs)
    text = str(group)
    assert text.startswith("5 invalid rows (5 sub-exceptions): ")
    assert "rows[0]: is bad; got 0 | rows[1]: is bad; got 1 | rows[2]: is bad; got 2" in text
    assert text.endswith("... and 2 more")
    assert "rows[3]" not in text
    one = KamlibValidationError("1 failure", errs[:1])
    assert str(one) == "1 failure (1 sub-exception): rows[0]: is bad; got 0"
    again = pickle.loads(pickle.dumps(group))
    assert type(again) is KamlibValidationError
    assert str(again) == text
    assert [e.path for e in again.exceptions if isinstance(e, FieldError)] == [e.path for e in errs]


def test_integrity_failure_message_names_the_cause() -> None:
    acc = Account(
        "A1",
        "Acme",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=dt.date(2023, 1, 1),
    )
    sponsored = attrs.evolve(acc, executive_sponsor_id="U9")
    with pytest.raises(KamlibValidationError) as info:
        Portfolio([sponsored], [])
    assert "executive_sponsor_id: names no person" in str(info.value)


# ------------------------------------------------------------------ model constructors

MODEL_STRATEGIES = [
    ks.money(),
    ks.quarters(),
    ks.period_figures(),
    ks.strategic_attributes(),
    ks.portraits(),
    ks.satisfaction_surveys(),
    ks.nps_responses(),
    ks.risk_signals(),
    ks.needs(),
    ks.accounts(),
    ks.key_people(),
    ks.relationships(),
    ks.transitions(),
    ks.risk_warnings(),
    ks.acceptances(),
    ks.commitments(),
    ks.interactions(),
    ks.opportunities(),
]
ADVERSARIAL: list[object] = [
    HUGE,
    -HUGE,
    Fraction(HUGE, 3),
    float("nan"),
    float("inf"),
    np.int64(3),
    np.float64(0.5),
    np.bool_(True),
    "str",
    "",
    " ",
    None,
    True,
    b"x",
    [],
    {},
    [HUGE],
    object(),
    dt.date(2024, 1, 1),
    dt.datetime(2024, 1, 1),
    -1,
]


@pytest.mark.parametrize("strategy", MODEL_STRATEGIES, ids=lambda s: repr(s).split("(")[0])
@settings(max_examples=5, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_model_constructors_raise_only_kamlib_errors(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    obj = data.draw(strategy)
    for field in attrs.fields(type(obj)):
        if not field.init:
            continue
        for bad in ADVERSARIAL:
            try:
                attrs.evolve(obj, **{field.alias or field.name: bad})
            except KamlibError as err:
                caught = err
            else:
                continue
            assert isinstance(caught, TypeError | ValueError | LookupError)
            assert str(caught)  # the message can always be built


@pytest.mark.parametrize(
    "strategy",
    [
        ks.accounts(),
        ks.key_people(),
        ks.relationships(),
        ks.commitments(),
        ks.interactions(),
        ks.opportunities(),
        ks.needs(),
        ks.nps_responses(),
        ks.acceptances(),
    ],
    ids=lambda s: repr(s).split("(")[0],
)
@settings(max_examples=3, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_every_id_check_is_one_fault_one_error_class(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    obj = data.draw(strategy)
    id_fields = [
        f
        for f in attrs.fields(type(obj))
        if f.init and (f.name == "id" or f.name.endswith("_id") or f.name.endswith("_ids"))
    ]
    for field in id_fields:
        many = field.name.endswith("_ids")
        for bad, error in (
            ("", InvalidValueError),
            ("  ", InvalidValueError),
            (3, InvalidTypeError),
        ):
            value = (bad,) if many else bad
            with pytest.raises(error, match=rf"{type(obj).__name__}\.{field.name}"):
                attrs.evolve(obj, **{field.alias or field.name: value})
