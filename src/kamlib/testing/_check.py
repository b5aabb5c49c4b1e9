"""The scorer conformance kit: every scorer, built-in or yours, runs the Scorer contract.

Modelled on scikit-learn's ``check_estimator`` and ``parametrize_with_checks``: every
check is a small named function (see `CHECKS`). `check_scorer` runs them all
and raises one `ConformanceError` listing *every* failed check;
`parametrize_with_checks` turns them into one pytest test per (scorer, check), with
expected failures declared; `run_check` runs a single check.

The invariance checks are **bitwise**: a pinned score of an account depends only on that
account's row and the fitted parameters, so scores, contributions, coverage, margins,
labels, reason flags and missing flags must be equal (``np.array_equal``, no tolerance)
whether the account is scored alone, in a batch, in any order, on any partition, next to
identical accounts, or next to rows with missing values. They run on a *hostile* table:
the given table plus duplicated accounts, rows at the edges of the observed (fitted)
ranges, one ulp beyond them, far beyond them, and rows with declared-missing values.

Use it in a third-party scorer's own test suite::

    from kamlib.testing import check_scorer, parametrize_with_checks

    def test_my_scorer_conforms() -> None:
        check_scorer(MyScorer())  # one AssertionError listing every broken rule

    @parametrize_with_checks([MyScorer(), MyScorer(option=2)])
    def test_my_scorer(scorer, check) -> None:
        check(scorer)  # one test per (scorer, check)
"""

from __future__ import annotations

import functools
import json
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.scoring._protocol import Scorer
from kamlib.scoring._result import ScoreTable, config_hash
from kamlib.testing._assert import _ROW_FIELDS, _differences, _field_difference, _row_arrays

if TYPE_CHECKING:
    import pytest

__all__ = [
    "CHECKS",
    "ConformanceError",
    "ScorerCheck",
    "check_scorer",
    "parametrize_with_checks",
    "run_check",
    "synthetic_table",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# Plausible ranges of the canonical feature columns (notes/FEATURES.md); anything else is
# drawn uniformly from [0, 10]. ``int`` ranges are drawn as integers (counts, 0/1 flags).
_RANGES: dict[str, tuple[float, float] | tuple[int, int]] = {
    "revenue": (1.0e4, 1.0e6),
    "profit": (-2.0e4, 3.0e5),
    "revenue_growth": (-0.5, 0.8),
    "purchase_stability": (0.05, 1.0),
    "revenue_change_last": (-0.5, 0.5),
    "revenue_change_prev": (-0.5, 0.5),
    "interaction_frequency": (0.0, 8.0),
    "satisfaction": (0.0, 100.0),
    "nps": (-100.0, 100.0),
    "cooperation_breadth": (0, 8),
    "commitment_fulfilment": (0.0, 1.0),
    "open_risks": (0, 4),
    "coverage": (0.0, 1.0),
    "support": (0.0, 1.0),
    "portrait_closeness": (0.0, 1.0),
    "portrait_solution": (0.0, 1.0),
    "portrait_price": (0.0, 1.0),
    "interaction_recency_days": (0.0, 180.0),
}
_FLAG_PREFIXES = ("risk_", "renewal_")
# Every canonical column goes into the synthetic table, so a scorer whose ``fit`` learns
# from a column it does not score with (e.g. EmpiricalEstimate's ``revenue``) can be fitted.
_CANONICAL = (
    *_RANGES,
    "strategic_fit",
    "value_potential",
    "resource_complementarity",
    "risk_key_decision_maker_left",
    "risk_budget_frozen",
    "risk_competitor_entered",
    "risk_late_delivery",
    "renewal_unclear",
    "renewal_no",
)
_INDUSTRIES = ("manufacturing", "retail", "finance")
_SIZE_BANDS = ("small", "medium", "large", "enterprise")
_REGIONS = ("east", "north", "south", "west")


def synthetic_table(features: Sequence[str], n: int = 64, *, seed: int = 0) -> FeatureTable:
    """Build a seeded random FeatureTable holding ``features`` plus categorical columns.

    The table holds ``features`` first, then every other canonical feature column (see
    ``notes/FEATURES.md``), then an ``unused`` column (a scorer must ignore columns it does
    not need), and the categorical columns ``industry``, ``size_band`` and ``region``.
    Canonical names get plausible ranges (``satisfaction`` in 0..100, ``risk_*`` flags 0/1,
    strategic attributes 0..10, ...); other names are uniform on [0, 10].

    Args:
        features: Float columns to create.
        n: Number of rows (accounts ``S0000``, ``S0001``, ...).
        seed: Seed of the random generator; equal sources give equal tables.

    Returns:
        A validated FeatureTable without missing values.

    Examples:
        >>> from kamlib.testing._check import synthetic_table
        >>> t = synthetic_table(["satisfaction", "risk_budget_frozen"], n=5, seed=1)
        >>> len(t), t.names[:2], t.names[-1]
        (5, ('satisfaction', 'risk_budget_frozen'), 'unused')
        >>> set(t.column("risk_budget_frozen").tolist()) <= {0.0, 1.0}
        True
    """
    rng = np.random.default_rng(seed)
    cols: dict[str, FloatArray] = {}
    for name in [*features, *_CANONICAL, "unused"]:
        if name in cols:
            continue
        lo, hi = _RANGES.get(name, (0.0, 10.0))
        if name.startswith(_FLAG_PREFIXES):
            cols[name] = rng.integers(0, 2, n).astype(np.float64)
        elif isinstance(lo, int) and isinstance(hi, int):
            cols[name] = rng.integers(lo, hi + 1, n).astype(np.float64)
        else:
            cols[name] = rng.uniform(lo, hi, n)
    cats = {
        "industry": [_INDUSTRIES[i] for i in rng.integers(0, len(_INDUSTRIES), n)],
        "size_band": [_SIZE_BANDS[i] for i in rng.integers(0, len(_SIZE_BANDS), n)],
        "region": [_REGIONS[i] for i in rng.integers(0, len(_REGIONS), n)],
    }
    ids = [f"S{i:04d}" for i in range(n)]
    return FeatureTable.from_columns(ids, cols, categorical=cats)


# ---------------------------------------------------------------------------- failures
class ConformanceError(KamlibError, AssertionError):
    """A scorer broke one or more rules of the conformance kit.

    An `AssertionError` (pytest shows it as a plain test failure) and a
    [`KamlibError`][kamlib.errors.KamlibError]. The message holds one line per failed check,
    ``check_scorer[<check>] failed: <detail>``.

    Args:
        scorer: Name of the scorer's type, e.g. ``"WeightedPoints"``.
        failures: Check name to what went wrong, in the order the checks ran.
        total: How many checks ran.

    Attributes:
        scorer: As given.
        failures: As given (a dict).
        total: As given.

    Examples:
        >>> from kamlib.testing import ConformanceError
        >>> e = ConformanceError("Mine", {"check_determinism": "scores differ"}, total=16)
        >>> isinstance(e, AssertionError), sorted(e.failures)
        (True, ['check_determinism'])
        >>> print(e)
        check_scorer[check_determinism] failed: scores differ
        >>> print(ConformanceError("Mine", {"check_a": "x", "check_b": "y"}, total=16))
        Mine failed 2 of 16 conformance checks:
        check_scorer[check_a] failed: x
        check_scorer[check_b] failed: y
    """

    def __init__(self, scorer: str, failures: Mapping[str, str], total: int) -> None:
        self.scorer = scorer
        self.failures = dict(failures)
        self.total = total
        lines = [f"check_scorer[{name}] failed: {detail}" for name, detail in failures.items()]
        if len(lines) > 1:
            lines.insert(0, f"{scorer} failed {len(lines)} of {total} conformance checks:")
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.scorer, self.failures, self.total))


class _Broken(AssertionError):
    """Raised inside a check: the detail of one broken rule (the runner adds the name)."""


def _same_result(got: ScoreTable, want: ScoreTable, what: str) -> None:
    """Assert two results agree bitwise in every per-row field (and in their metadata)."""
    diffs = _differences(got, want)
    if diffs:
        raise _Broken(f"{what}: " + "; ".join(diffs))


def _score(scorer: Any, table: FeatureTable) -> ScoreTable:
    """Score and materialise lazy contributions (so later ``take`` slices, not recomputes)."""
    st = scorer.score(table)
    if not isinstance(st, ScoreTable):
        raise _Broken(f"score() returned {type(st).__name__}, not ScoreTable")
    _ = st.contributions
    return st


# ---------------------------------------------------------------------------- tables
def _rows_table(
    table: FeatureTable,
    ids: Sequence[str],
    X: FloatArray,
    M: BoolArray,
    source: NDArray[np.intp],
) -> FeatureTable:
    """A FeatureTable of ``table``'s columns from a value matrix and a missing mask.

    ``source[r]`` is the row of ``table`` whose categorical labels row ``r`` copies.
    """
    return FeatureTable.from_columns(
        list(ids),
        {n: X[:, j] for j, n in enumerate(table.names)},
        missing={n: M[:, j] for j, n in enumerate(table.names)},
        categorical={k: v[source].tolist() for k, v in table.categorical.items()},
    )


def _matrices(table: FeatureTable) -> tuple[FloatArray, BoolArray]:
    """Writable copies of the values (missing cells as NaN) and of the missing mask."""
    X = np.array(table.values, dtype=np.float64)
    M = (
        np.zeros(X.shape, dtype=np.bool_)
        if table.missing is None
        else np.array(table.missing, dtype=np.bool_)
    )
    return X, M


def _with_missing(table: FeatureTable, cells: Iterable[tuple[int, str]]) -> FeatureTable:
    """``table`` with the ``(row, column)`` cells declared missing as well."""
    X, M = _matrices(table)
    for i, name in cells:
        M[i, table.names.index(name)] = True
    return _rows_table(table, table.ids.tolist(), X, M, np.arange(len(table), dtype=np.intp))


@attrs.frozen
class _Hostile:
    """The hostile table, its result, and which rows are identical accounts."""

    table: FeatureTable
    result: ScoreTable
    groups: tuple[tuple[int, ...], ...]  # positions of rows with identical inputs
    originals: NDArray[np.intp]  # positions of the given table's rows, in its order


def _fresh_id(base: str, taken: set[str]) -> str:
    out = base
    while out in taken:
        out = f"_{out}"
    taken.add(out)
    return out


def _hostile(ctx: _Ctx) -> _Hostile:
    """Build and score the hostile table (see the module docstring)."""
    t, fitted = ctx.table, ctx.fitted
    n = len(t)
    if n == 0:
        raise _Broken("the table is empty: nothing to check invariance on")
    X, M = _matrices(t)
    names = list(t.names)
    req = [names.index(f) for f in fitted.required_features if f in t]
    taken = set(t.ids.tolist())
    # candidate kit rows: (id, values, mask, template row)
    kit: list[tuple[str, FloatArray, BoolArray, int]] = []

    def add(
        tag: str, template: int, values: Mapping[int, float], missing: Sequence[int] = ()
    ) -> None:
        x, m = X[template].copy(), M[template].copy()
        for j, v in values.items():
            x[j], m[j] = v, False
        for j in missing:
            x[j], m[j] = np.nan, True
        kit.append((_fresh_id(f"kit:{tag}", taken), x, m, template))

    lo: dict[int, float] = {}
    hi: dict[int, float] = {}
    for j in req:
        obs = X[~M[:, j], j]
        if obs.size:
            lo[j], hi[j] = float(obs.min()), float(obs.max())
    span = {j: hi[j] - lo[j] + 1.0 for j in lo}
    cols = list(lo)
    if cols:
        add("low-edge", 0, lo)
        add("high-edge", (n - 1), hi)
        add("mixed-edges", n // 2, {j: (lo[j] if k % 2 else hi[j]) for k, j in enumerate(cols)})
        add("ulp-below", n // 3, {j: float(np.nextafter(lo[j], -np.inf)) for j in cols})
        add("ulp-above", (2 * n) // 3, {j: float(np.nextafter(hi[j], np.inf)) for j in cols})
        add("beyond-low", 1 % n, {j: lo[j] - span[j] for j in cols})
        add("beyond-high", 2 % n, {j: hi[j] + span[j] for j in cols})
        add("far-beyond", 3 % n, {j: hi[j] + 1e6 * (abs(hi[j]) + span[j]) for j in cols})
        for k, j in enumerate(cols):
            add(f"beyond-high[{names[j]}]", (5 * k + 4) % n, {j: hi[j] + span[j]})
            add(f"beyond-low[{names[j]}]", (5 * k + 6) % n, {j: lo[j] - span[j]})
    if req:
        add(f"missing[{names[req[0]]}]", n // 4, {}, missing=req[:1])
        if len(req) > 1:
            add("missing-all-but-one", (3 * n) // 4, {}, missing=req[:-1])
    accepted: list[tuple[str, FloatArray, BoolArray, int]] = []
    for row in kit:
        try:
            one = _rows_table(
                t, [row[0]], row[1][None, :], row[2][None, :], np.array([row[3]], dtype=np.intp)
            )
            fitted.score(one)
        except KamlibError:
            # the table or the scorer refuses this row even alone: not a batch effect
            continue
        accepted.append(row)

    # identical accounts: copies of the first, middle and first accepted kit row
    def original(i: int) -> tuple[str, FloatArray, BoolArray, int]:
        return (str(t.ids[i]), X[i], M[i], i)

    def copy(
        row: tuple[str, FloatArray, BoolArray, int], k: int
    ) -> tuple[str, FloatArray, BoolArray, int]:
        return (_fresh_id(f"kit:copy{k}-of-{row[0]}", taken), row[1], row[2], row[3])

    firsts = [original(0)]
    if n // 2 != 0:
        firsts.append(original(n // 2))
    if accepted:
        firsts.append(accepted[0])
    copies = {r[0]: [copy(r, k) for k in range(1, 4)] for r in firsts}
    # rows with missing values go last, so that many partitions hold none of them
    accepted.sort(key=lambda r: bool(r[2].any()))
    a, b = accepted[: len(accepted) // 2], accepted[len(accepted) // 2 :]
    seq = [
        *(c[0] for c in copies.values()),  # front
        *a,
        *(original(i) for i in range(n // 2)),
        *(c[1] for c in copies.values()),  # middle
        *(original(i) for i in range(n // 2, n)),
        *b,
        *(c[2] for c in copies.values()),  # end
    ]
    ids = [r[0] for r in seq]
    table = _rows_table(
        t,
        ids,
        np.array([r[1] for r in seq], dtype=np.float64).reshape(len(seq), len(names)),
        np.array([r[2] for r in seq], dtype=np.bool_).reshape(len(seq), len(names)),
        np.array([r[3] for r in seq], dtype=np.intp),
    )
    pos = {rid: p for p, rid in enumerate(ids)}
    groups = tuple((pos[r[0]], *(pos[c[0]] for c in copies[r[0]])) for r in firsts)
    try:
        result = _score(fitted, table)
    except _Broken:
        raise
    except Exception as exc:
        raise _Broken(
            f"the hostile table ({len(table)} rows, every one accepted alone) was refused "
            f"as a batch: {exc!r}"
        ) from exc
    originals = np.array([pos[str(i)] for i in t.ids.tolist()], dtype=np.intp)
    return _Hostile(table, result, groups, originals)


class _Ctx:
    """What every check receives; the hostile table is built on first use."""

    def __init__(
        self, scorer: Any, table: FeatureTable, seed: int, fitted: Any, result: ScoreTable
    ) -> None:
        self.scorer = scorer  # as given (may be unfitted)
        self.fitted = fitted  # scorer.fit(table), or scorer itself when it was fitted
        self.table = table
        self.seed = seed
        self.result = result  # fitted.score(table), contributions materialised

    @functools.cached_property
    def hostile(self) -> _Hostile:
        return _hostile(self)

    def tables(self) -> list[tuple[str, FeatureTable, ScoreTable]]:
        """``(label, table, result)`` of the table and of the hostile table."""
        h = self.hostile
        return [("the table", self.table, self.result), ("the hostile table", h.table, h.result)]

    @property
    def required(self) -> list[str]:
        """Required features that are columns of the table."""
        return [f for f in self.fitted.required_features if f in self.table]


def _setup(scorer: Any, table: FeatureTable | None, seed: int) -> _Ctx:
    """Fit (unless fitted) and score; a failure here is reported as ``fit`` or ``score``."""
    if table is None:
        table = synthetic_table(tuple(scorer.required_features), seed=seed)
    try:
        fitted = scorer if scorer.is_fitted else scorer.fit(table)
    except Exception as exc:
        raise _SetupError("fit", f"fit() raised {exc!r}") from exc
    try:
        result = fitted.score(table)
    except Exception as exc:
        raise _SetupError("score", f"score() raised {exc!r}") from exc
    if not isinstance(result, ScoreTable):
        raise _SetupError("score", f"score() returned {type(result).__name__}, not ScoreTable")
    _ = result.contributions
    return _Ctx(scorer, table, seed, fitted, result)


class _SetupError(Exception):
    def __init__(self, step: str, detail: str) -> None:
        super().__init__(detail)
        self.step = step
        self.detail = detail


# ---------------------------------------------------------------------------- checks
def check_protocol_shape(ctx: _Ctx) -> None:
    """The scorer satisfies the Scorer protocol, is immutable, and names its result."""
    s: Any = ctx.scorer
    if not isinstance(ctx.scorer, Scorer):
        raise _Broken(f"{type(s).__name__} does not satisfy the Scorer protocol")
    if not isinstance(s.name, str) or not s.name:
        raise _Broken(f"name must be a non-empty str, got {s.name!r}")
    req = s.required_features
    if not isinstance(req, tuple) or not all(isinstance(f, str) and f for f in req):
        raise _Broken(f"required_features must be a tuple of str, got {req!r}")
    if not isinstance(s.is_fitted, bool):
        raise _Broken(f"is_fitted must be a bool, got {s.is_fitted!r}")
    if attrs.has(type(s)) and attrs.fields(type(s)):
        field = attrs.fields(type(s))[0].name
        try:
            setattr(s, field, getattr(s, field))
        except (AttributeError, attrs.exceptions.FrozenInstanceError):
            pass
        else:
            raise _Broken(f"{type(s).__name__} is mutable (set {field!r})")
    if type(ctx.fitted) is not type(s):
        raise _Broken("fit() must return a scorer of the same type")
    if ctx.result.scorer != s.name:
        raise _Broken(f"ScoreTable.scorer is {ctx.result.scorer!r}, not {s.name!r}")
    if ctx.result.ids.tolist() != ctx.table.ids.tolist():
        raise _Broken("ScoreTable.ids must equal the table's ids, in order")


def check_fit_contract(ctx: _Ctx) -> None:
    """Unfitted scorers refuse to score; fit returns a new, fitted scorer, deterministically."""
    s = ctx.scorer
    if not ctx.fitted.is_fitted:
        raise _Broken("fit() returned a scorer with is_fitted == False")
    if not s.is_fitted:
        try:
            s.score(ctx.table)
        except NotFittedError:
            pass
        except Exception as exc:
            raise _Broken(
                f"unfitted score() raised {type(exc).__name__}, not NotFittedError"
            ) from exc
        else:
            raise _Broken("unfitted score() must raise NotFittedError")
        if ctx.fitted is s:
            raise _Broken("fit() must return a new scorer, not mutate self")
    once = s.fit(ctx.table)
    if once.get_config() != s.fit(ctx.table).get_config():
        raise _Broken("fitting twice on the same table gave different parameters")
    if once.fit(ctx.table).get_config() != once.get_config():
        raise _Broken("re-fitting a fitted scorer on the same table changed it")


def _set_leaves(config: object, path: str = "") -> Iterable[tuple[str, object]]:
    """``(path, value)`` of every leaf of a plain-data config that is not ``None``.

    ``None`` means "unset, to be learned"; everything else was given (or defaulted).
    Lists are walked item by item; a list's length is a leaf of its own (``path.len``).
    """
    if isinstance(config, Mapping):
        for k, v in config.items():
            yield from _set_leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(config, list | tuple):
        yield f"{path}.len", len(config)
        for i, v in enumerate(config):
            yield from _set_leaves(v, f"{path}[{i}]")
    elif config is not None:
        yield path, config


def _same_leaf(a: object, b: object) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _changed_pins(pins: Sequence[tuple[str, object]], config: object) -> list[str]:
    """Pinned leaves whose value ``config`` does not hold (``<absent>`` if it lost them)."""
    now = dict(_set_leaves(config))
    return [
        f"{path!r} from {v!r} to {now.get(path, '<absent>')!r}"
        for path, v in pins
        if not _same_leaf(now.get(path, _ABSENT), v)
    ]


_ABSENT = object()


def check_fit_keeps_pinned(ctx: _Ctx) -> None:
    """Pinned means pinned: fit never overwrites a parameter the scorer was given.

    Every config value of the scorer as given that is not ``None`` (an option, a pinned
    cut, range or weight; ``None`` means "learn it") must be unchanged by ``fit`` on the
    table, and by fitting the round-tripped fitted scorer
    (``from_config(fitted.get_config())``) again on other tables: two overlapping
    two-thirds of the table and the hostile table. Tables the scorer cannot learn from
    (it raises a KamlibError) are skipped.
    """
    pins = list(_set_leaves(ctx.scorer.get_config()))
    n = len(ctx.table)
    others: list[tuple[str, FeatureTable]] = [
        ("its first two thirds", ctx.table.take(np.arange(0, max(1, (2 * n) // 3)))),
        ("its last two thirds", ctx.table.take(np.arange(n // 3, n))),
        ("the hostile table", ctx.hostile.table),
    ]
    changed = _changed_pins(pins, ctx.scorer.fit(ctx.table).get_config())
    if changed:
        raise _Broken("fit() on the table changed pinned parameters: " + ", ".join(changed[:3]))
    again = type(ctx.fitted).from_config(ctx.fitted.get_config())
    for what, other in others:
        for who, s in (("the scorer", ctx.scorer), ("from_config(fitted.get_config())", again)):
            try:
                cfg = s.fit(other).get_config()
            except KamlibError:
                continue  # cannot learn from that table: nothing to compare
            changed = _changed_pins(pins, cfg)
            if changed:
                raise _Broken(
                    f"fitting {who} on {what} changed pinned parameters: " + ", ".join(changed[:3])
                )


def check_determinism(ctx: _Ctx) -> None:
    """Scoring the same table twice gives the same bits (the table and the hostile table)."""
    _same_result(_score(ctx.fitted, ctx.table), ctx.result, "second score() of the table")
    h = ctx.hostile
    _same_result(_score(ctx.fitted, h.table), h.result, "second score() of the hostile table")


def check_inputs_not_mutated(ctx: _Ctx) -> None:
    """Fit and score leave the table and the scorer unchanged."""
    before_values = ctx.table.values.copy()
    before_cfg = json.dumps(ctx.scorer.get_config(), sort_keys=True)
    before_fitted = json.dumps(ctx.fitted.get_config(), sort_keys=True)
    ctx.scorer.fit(ctx.table)
    ctx.fitted.score(ctx.table)
    if not np.array_equal(before_values, ctx.table.values, equal_nan=True):
        raise _Broken("the FeatureTable's values changed")
    if json.dumps(ctx.scorer.get_config(), sort_keys=True) != before_cfg:
        raise _Broken("fit() changed the original scorer's config")
    if json.dumps(ctx.fitted.get_config(), sort_keys=True) != before_fitted:
        raise _Broken("score() changed the scorer's config")


def check_permutation_invariance(ctx: _Ctx) -> None:
    """Rows in another order (shuffled, reversed) get bitwise the same results."""
    for label, table, result in ctx.tables():
        m = len(table)
        orders = {
            "shuffled rows": np.random.default_rng(ctx.seed).permutation(m),
            "reversed rows": np.arange(m)[::-1].copy(),
        }
        for what, perm in orders.items():
            got = _score(ctx.fitted, table.take(perm))
            _same_result(got, result.take(perm), f"{what} of {label} ({m} rows)")


def _partitions(m: int, seed: int) -> dict[str, list[NDArray[np.intp]]]:
    rows = np.arange(m, dtype=np.intp)
    rng = np.random.default_rng(seed + 1)
    uneven = np.sort(rng.choice(np.arange(1, m), size=min(5, m - 1), replace=False))
    out = {
        "first row | rest": np.split(rows, [1]),
        "all but the last | last": np.split(rows, [m - 1]),
        "thirds": np.split(rows, sorted({m // 3, (2 * m) // 3})),
        "chunks of 7": np.split(rows, np.arange(7, m, 7)),
        "chunks of 16": np.split(rows, np.arange(16, m, 16)),
        "uneven cuts": np.split(rows, uneven),
    }
    return {k: [p for p in v if p.size] for k, v in out.items()}


def check_partition_invariance(ctx: _Ctx) -> None:
    """Scoring partitions separately gives bitwise the rows of scoring the whole.

    Partitions of the table and of the hostile table (first row alone, last row alone,
    thirds, chunks of 7 and 16, uneven cuts), the table as a part of the hostile one, and
    ``take`` on a result whose contributions are still lazy.
    """
    for label, table, result in ctx.tables():
        for how, parts in _partitions(len(table), ctx.seed).items():
            for p in parts:
                got = _score(ctx.fitted, table.take(p))
                _same_result(
                    got, result.take(p), f"partition of {label} ({how}) rows {p[0]}..{p[-1]}"
                )
    h = ctx.hostile
    _same_result(
        ctx.result,
        h.result.take(h.originals),
        "the table vs its rows inside the larger hostile table",
    )
    lazy = ctx.fitted.score(h.table)  # contributions not read yet
    rows = np.arange(0, len(h.table), 3)
    _same_result(lazy.take(rows), h.result.take(rows), "take() before reading contributions")


def _companions(ctx: _Ctx, i: int) -> list[tuple[str, FeatureTable]]:
    """Two-row batches ``[row i, companion]`` whose companion may change the batch's path.

    One companion lies far outside every required column's range (it can switch a scorer
    from a fused fast path to a clipping path); the other has a declared-missing value.
    """
    t = ctx.table
    X, M = _matrices(t)
    req = [t.names.index(f) for f in ctx.required]
    rows = np.array([i, i], dtype=np.intp)
    taken = {str(t.ids[i])}
    ids = [str(t.ids[i]), _fresh_id("kit:companion", taken)]
    out: list[tuple[str, FeatureTable]] = []
    for kind in ("out-of-range", "missing"):
        if not req:
            break
        x, m = X[rows].copy(), M[rows].copy()
        if kind == "missing":
            m[1, req[0]] = True
        else:
            for j in req:
                col = X[~M[:, j], j]
                lo, hi = (float(col.min()), float(col.max())) if col.size else (0.0, 0.0)
                x[1, j], m[1, j] = hi + 100.0 * (hi - lo + 1.0), False
        out.append((kind, _rows_table(t, ids, x, m, rows)))
    return out


def check_single_equals_batch(ctx: _Ctx) -> None:
    """An account scored alone gets bitwise its row of the batch result.

    Every row of the hostile table alone (up to 160 rows), and rows of the table in
    two-row batches whose other row is far out of range or has a missing value (which
    may move a whole batch to another computation path).
    """
    h = ctx.hostile
    m = len(h.table)
    rows = np.arange(m) if m <= 160 else np.unique(np.linspace(0, m - 1, 160).astype(np.intp))
    for i in rows.tolist():
        alone = _score(ctx.fitted, h.table.take([i]))
        _same_result(alone, h.result.take([i]), f"row {h.table.ids[i]!r} alone")
    n = len(ctx.table)
    for i in sorted({0, n // 2, n - 1}):
        alone = ctx.result.take([i])
        for kind, batch in _companions(ctx, i):
            try:
                got = _score(ctx.fitted, batch)
            except KamlibError:
                continue  # the scorer refuses that companion row: nothing to compare
            _same_result(got.take([0]), alone, f"row {i} next to a {kind} row")


def check_identical_accounts(ctx: _Ctx) -> None:
    """Accounts with identical rows (different ids) get bitwise identical results.

    Copies sit at the front, the middle and the end of the hostile table, and in the
    shuffled table: the position of a row in a batch must not change its result.
    """
    h = ctx.hostile
    perm = np.random.default_rng(ctx.seed + 2).permutation(len(h.table))
    where = np.argsort(perm)  # position of each hostile row in the shuffled table
    shuffled = _score(ctx.fitted, h.table.take(perm))
    for what, st, groups in (
        ("hostile table", h.result, h.groups),
        (
            "shuffled hostile table",
            shuffled,
            tuple(tuple(where[list(g)].tolist()) for g in h.groups),
        ),
    ):
        arrays = _row_arrays(st)
        for group in groups:
            first, rest = group[0], list(group[1:])
            for field in _ROW_FIELDS:
                a = arrays[field]
                if a is None:
                    continue
                want = np.repeat(a[[first]], len(rest), axis=0)
                diff = _field_difference(
                    field, a[rest], want, st.ids[rest], st.components, st.reason_codes
                )
                if diff is not None:
                    raise _Broken(
                        f"copies of {st.ids[first]!r} at positions {list(group)} of the "
                        f"{what} ({len(st)} rows): {diff}"
                    )


def check_missing_elsewhere(ctx: _Ctx) -> None:
    """Declaring another row's cell missing leaves every other row bitwise unchanged.

    On the table and on the hostile table: for each required feature, one cell of one row
    is declared missing (in the FeatureTable's missing mask); then the first required
    feature is declared missing on every row but three. A scorer whose missing-value
    policy refuses such a batch with a KamlibError has nothing to compare for that batch.
    """
    for label, t, base in ctx.tables():
        m = len(t)
        M = np.zeros((m, len(t.names)), dtype=np.bool_) if t.missing is None else t.missing
        trials: list[tuple[str, list[tuple[int, str]], NDArray[np.intp]]] = []
        for k, f in enumerate(ctx.required):
            j = t.names.index(f)
            free = np.flatnonzero(~M[:, j])
            if free.size < 2:
                continue
            i = int(free[(3 + 11 * k) % free.size])
            trials.append((f"{f!r} of {t.ids[i]!r}", [(i, f)], np.delete(np.arange(m), i)))
        if ctx.required and m > 3:
            f = ctx.required[0]
            keep = sorted({0, m // 2, m - 1})
            cells = [(i, f) for i in range(m) if i not in keep]
            trials.append(
                (f"{f!r} of every row but {len(keep)}", cells, np.array(keep, dtype=np.intp))
            )
        for what, cells, rest in trials:
            try:
                got = _score(ctx.fitted, _with_missing(t, cells))
            except KamlibError:
                continue  # the policy refuses the batch: nothing to compare
            _same_result(
                got.take(rest), base.take(rest), f"{label}, after declaring {what} missing"
            )


def check_picklable(ctx: _Ctx) -> None:
    """The fitted scorer and its ScoreTable survive pickling (for Dask/Spark workers)."""
    try:
        scorer2 = pickle.loads(pickle.dumps(ctx.fitted))
        fresh = ctx.fitted.score(ctx.table)  # contributions possibly still lazy
        table2 = pickle.loads(pickle.dumps(fresh))
    except Exception as exc:
        raise _Broken(f"pickling raised {exc!r}") from exc
    _same_result(_score(scorer2, ctx.table), ctx.result, "unpickled scorer")
    _same_result(table2, ctx.result, "unpickled ScoreTable")


def check_config_round_trip(ctx: _Ctx) -> None:
    """``from_config(get_config())``, also through JSON, is fitted and scores the same bits."""
    cfg = ctx.fitted.get_config()
    if not isinstance(cfg, dict):
        raise _Broken(f"get_config() must return a dict, got {type(cfg)}")
    try:
        text = json.dumps(cfg, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise _Broken(f"config is not JSON-compatible: {exc}") from exc
    if ctx.result.config_hash != config_hash(cfg):
        raise _Broken("ScoreTable.config_hash != config_hash(get_config())")
    h = ctx.hostile
    for what, c in (("from_config(get_config())", cfg), ("from_config(JSON)", json.loads(text))):
        rebuilt = type(ctx.fitted).from_config(c)
        if not rebuilt.is_fitted:
            raise _Broken(f"{what} is not fitted")
        if config_hash(rebuilt.get_config()) != config_hash(cfg):
            raise _Broken(f"{what} has another config")
        _same_result(_score(rebuilt, ctx.table), ctx.result, what)
        _same_result(_score(rebuilt, h.table), h.result, f"{what} on the hostile table")
    unfitted_cfg = ctx.scorer.get_config()
    rebuilt_unfitted = type(ctx.scorer).from_config(json.loads(json.dumps(unfitted_cfg)))
    if rebuilt_unfitted.is_fitted != ctx.scorer.is_fitted:
        raise _Broken("from_config changed is_fitted of the unfitted scorer")


def check_contributions_add_up(ctx: _Ctx) -> None:
    """Each row's contributions add up to its score (to rounding); coverage in [0, 1].

    The only check with a tolerance (``rtol=1e-9``, ``atol=1e-9 * max |contribution|``):
    a scorer may compute its score by another expression than the left-to-right sum of
    the parts shown (a dot product, a tree of weighted means, a clip), and floating-point
    addition is not associative. This is about the explanation adding up, not about
    invariance: the parts themselves must be bitwise invariant (the other checks).
    """
    h = ctx.hostile
    for what, st in (("the table", ctx.result), ("the hostile table", h.result)):
        if not np.isfinite(st.scores).all():
            raise _Broken(f"{what}: a score is not finite")
        c = st.contributions
        if c.shape != (len(st), len(st.components)):
            raise _Broken(f"{what}: contributions have shape {c.shape}")
        total = c.sum(axis=1)
        atol = 1e-9 * float(max(1.0, np.abs(c).max(initial=0.0)))
        if not np.allclose(total, st.scores, rtol=1e-9, atol=atol):
            i = int(np.argmax(np.abs(total - st.scores)))
            raise _Broken(
                f"{what}: row {st.ids[i]!r}: contributions sum to {total[i]!r}, "
                f"score is {st.scores[i]!r}"
            )
        if not ((st.coverage >= 0.0) & (st.coverage <= 1.0)).all():
            raise _Broken(f"{what}: coverage must lie in [0, 1]")
    first = str(ctx.result.ids[0])
    e = ctx.result.explain(first)
    if e.account_id != first or e.config_hash != ctx.result.config_hash:
        raise _Broken("explain() does not describe the account asked for")


def check_labels_in_classes(ctx: _Ctx) -> None:
    """Every label is one of the declared classes; margins are finite and non-negative."""
    for what, st in (("the table", ctx.result), ("the hostile table", ctx.hostile.result)):
        if st.labels is not None:
            unknown = set(st.labels.tolist()) - set(st.classes)
            if unknown:
                raise _Broken(f"{what}: labels {sorted(unknown)} not in {st.classes}")
        if st.margin is not None and not (np.isfinite(st.margin) & (st.margin >= 0)).all():
            raise _Broken(f"{what}: margins must be finite and >= 0")


def check_missing_feature(ctx: _Ctx) -> None:
    """A table without a required column is refused with MissingFeatureError."""
    req = ctx.fitted.required_features
    if not req:
        return
    keep = [n for n in ctx.table.names if n != req[0]]
    try:
        ctx.fitted.score(ctx.table.select(keep))
    except MissingFeatureError:
        return
    except Exception as exc:
        raise _Broken(f"scoring without {req[0]!r} raised {type(exc).__name__}") from exc
    raise _Broken(f"scoring without {req[0]!r} did not raise")


def check_non_finite_input(ctx: _Ctx) -> None:
    """Undeclared NaN/inf raise InvalidValueError; a declared-missing value follows a policy.

    ``FeatureTable.from_columns`` and ``FeatureTable.with_values`` must refuse a NaN,
    ``inf`` or ``-inf`` in a required column that is not declared missing with
    [`InvalidValueError`][kamlib.errors.InvalidValueError] (no other error class). Declared missing,
    the scorer either refuses the batch with a KamlibError or scores it finitely with
    every other row bitwise unchanged.
    """
    if not ctx.required:
        return
    t = ctx.table
    f = ctx.required[0]
    j = t.names.index(f)
    X, M = _matrices(t)
    everything = np.arange(len(t), dtype=np.intp)
    for bad in (np.nan, np.inf, -np.inf):
        x, mask = X.copy(), M.copy()
        x[0, j], mask[0, j] = bad, False  # not declared missing
        builds: dict[str, Callable[[], object]] = {
            "from_columns": functools.partial(_rows_table, t, t.ids.tolist(), x, mask, everything),
            "with_values": functools.partial(t.with_values, x, missing=mask),
        }
        for how, build in builds.items():
            try:
                build()
            except InvalidValueError:
                continue
            except Exception as exc:
                raise _Broken(
                    f"FeatureTable.{how} with an undeclared {bad!r} in {f!r} raised "
                    f"{type(exc).__name__}, not InvalidValueError"
                ) from exc
            raise _Broken(f"FeatureTable.{how} accepted an undeclared {bad!r} in {f!r}")
    declared = _with_missing(t, [(0, f)])
    try:
        st = _score(ctx.fitted, declared)
    except KamlibError:
        return  # policy: refuse missing values with a typed error
    if not np.isfinite(st.scores).all():
        raise _Broken("a declared-missing value gave a non-finite score")
    rest = np.arange(1, len(t))
    _same_result(st.take(rest), ctx.result.take(rest), "rows without the new missing value")


# ---------------------------------------------------------------------------- running
@attrs.frozen
class ScorerCheck:
    """One named rule of the conformance kit, callable on a scorer.

    The items of `CHECKS`; `parametrize_with_checks` hands them to your test
    with its table and seed bound, so the test body is ``check(scorer)``.

    Attributes:
        name: The check's name, e.g. ``"check_permutation_invariance"``.
        table: Data to fit and score, or ``None`` for `synthetic_table`.
        seed: Seed for the synthetic table and the permutations.

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.testing import CHECKS
        >>> check = next(c for c in CHECKS if c.name == "check_identical_accounts")
        >>> check.summary
        'Accounts with identical rows (different ids) get bitwise identical results.'
        >>> check(ValueMatrix())  # passes silently, raises ConformanceError otherwise
    """

    name: str
    _func: Callable[[_Ctx], None] = attrs.field(eq=False, repr=False, alias="func")
    table: FeatureTable | None = attrs.field(default=None, eq=False, repr=False)
    seed: int = 0

    @property
    def summary(self) -> str:
        """The first line of the check's description: what it promises.

        Examples:
            >>> from kamlib.testing import CHECKS
            >>> CHECKS[0].name, CHECKS[0].summary
            ('check_protocol_shape', 'The scorer satisfies the Scorer protocol, ...')
        """
        return (self._func.__doc__ or "").strip().splitlines()[0]

    def __call__(self, scorer: Scorer) -> None:
        """Run this check on ``scorer`` (fitted on `table` first if it is unfitted).

        Raises:
            ConformanceError: The check failed (or fitting or scoring failed).

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> from kamlib.testing import CHECKS
            >>> CHECKS[-1](ValueMatrix())
        """
        run_check(scorer, self, self.table, seed=self.seed)


CHECKS: tuple[ScorerCheck, ...] = tuple(
    ScorerCheck(f.__name__, func=f)
    for f in (
        check_protocol_shape,
        check_fit_contract,
        check_fit_keeps_pinned,
        check_determinism,
        check_inputs_not_mutated,
        check_permutation_invariance,
        check_partition_invariance,
        check_single_equals_batch,
        check_identical_accounts,
        check_missing_elsewhere,
        check_picklable,
        check_config_round_trip,
        check_contributions_add_up,
        check_labels_in_classes,
        check_missing_feature,
        check_non_finite_input,
    )
)
"""Every check, in the order `check_scorer` runs them."""

_BY_NAME = {c.name: c for c in CHECKS}


def _check_named(name: object, path: str) -> ScorerCheck:
    """Resolve a check name; the ``check_`` prefix may be left out."""
    if isinstance(name, ScorerCheck):
        return name
    if not isinstance(name, str):
        raise InvalidTypeError(path, name, "must be a check name (str)")
    found = _BY_NAME.get(name) or _BY_NAME.get(f"check_{name}")
    if found is None:
        raise InvalidValueError(path, name, f"must name a check, one of {sorted(_BY_NAME)}")
    return found


def _reasons(given: object, path: str) -> dict[str, str]:
    """Validate a ``{check name: reason}`` mapping; keys become full check names."""
    if not isinstance(given, Mapping):
        raise InvalidTypeError(path, given, "must be a mapping of check name to reason")
    out: dict[str, str] = {}
    for name, reason in given.items():
        check = _check_named(name, f"{path} key")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidValueError(f"{path}[{name!r}]", reason, "must be a non-empty reason")
        out[check.name] = reason
    return out


def _run(ctx: _Ctx, check: ScorerCheck) -> tuple[str, BaseException] | None:
    """Run one check; return ``(detail, exception)`` if it failed."""
    try:
        check._func(ctx)
    except _Broken as exc:
        return str(exc), exc
    except Exception as exc:  # any other error is a failure of this check, not of the kit
        return f"raised {exc!r}", exc
    return None


def run_check(
    scorer: Scorer,
    check: str | ScorerCheck,
    table: FeatureTable | None = None,
    *,
    seed: int = 0,
) -> None:
    """Run one named check of the conformance kit on ``scorer``.

    Args:
        scorer: The scorer, fitted or not (an unfitted scorer is fitted on ``table``).
        check: A check's name (``"check_determinism"``; the ``check_`` prefix may be left
            out) or an item of `CHECKS`.
        table: Data to fit and score; ``None`` builds `synthetic_table`.
        seed: Seed for the synthetic table and the permutations.

    Raises:
        ConformanceError: The check failed, or fitting or scoring the table failed.
        InvalidValueError: No check has that name.

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.testing import run_check
        >>> run_check(ValueMatrix(), "check_partition_invariance")
        >>> run_check(ValueMatrix(), "no_such")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: run_check.check: must name a check, ...; got 'no_such'
    """
    found = _check_named(check, "run_check.check")
    label = type(scorer).__name__
    try:
        ctx = _setup(scorer, table, seed)
    except _SetupError as exc:
        raise ConformanceError(label, {found.name: f"({exc.step}) {exc.detail}"}, 1) from exc
    failed = _run(ctx, found)
    if failed is not None:
        raise ConformanceError(label, {found.name: failed[0]}, 1) from failed[1]


def check_scorer(
    scorer: Scorer,
    table: FeatureTable | None = None,
    *,
    seed: int = 0,
    skip: Sequence[str] | Mapping[str, str] = (),
    expected_failed_checks: Mapping[str, str] | None = None,
) -> None:
    """Run every check of the conformance kit on ``scorer``; report every broken rule.

    All checks of `CHECKS` run, even after a failure; one `ConformanceError`
    (an `AssertionError`) then lists each failed check with its detail. The
    invariance checks compare bitwise (``np.array_equal``, no tolerance); see
    ``docs/testing.md`` for what each check promises.

    Args:
        scorer: The scorer to check, fitted or not. An unfitted scorer is fitted on
            ``table`` first; a fitted one is scored as given.
        table: Data to fit and score. ``None`` builds `synthetic_table` over
            ``scorer.required_features`` (plus ``industry``/``size_band``/``region``).
            Tables with declared-missing values are supported: the checks keep the mask.
        seed: Seed for the synthetic table and the permutations.
        skip: Checks not to run: names, or a mapping of name to the reason (say why).
        expected_failed_checks: Check name to the reason it is known to fail. Such a
            check still runs; its failure is not reported, but passing is (strict: remove
            the entry once the scorer is fixed).

    Raises:
        ConformanceError: One or more checks failed (or fitting or scoring the table
            failed, which stops the run).
        InvalidValueError: ``skip`` or ``expected_failed_checks`` names no check.

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.testing import check_scorer
        >>> check_scorer(ValueMatrix())  # passes silently
        >>> import attrs
        >>> @attrs.frozen
        ... class Broken:
        ...     name = "broken"
        ...     is_fitted = True
        ...     required_features = ("x",)
        ...     def fit(self, table): return self
        ...     def score(self, table): raise RuntimeError("boom")
        ...     def get_config(self): return {}
        ...     @classmethod
        ...     def from_config(cls, config): return cls()
        >>> check_scorer(Broken())
        Traceback (most recent call last):
        ...
        kamlib.testing._check.ConformanceError: check_scorer[score] failed: score() raised ...
    """
    skipped = (
        _reasons(skip, "check_scorer.skip")
        if isinstance(skip, Mapping)
        else {_check_named(s, "check_scorer.skip").name: "skipped" for s in skip}
    )
    expected = _reasons(expected_failed_checks or {}, "check_scorer.expected_failed_checks")
    label = type(scorer).__name__
    try:
        ctx = _setup(scorer, table, seed)
    except _SetupError as exc:
        raise ConformanceError(label, {exc.step: exc.detail}, 1) from exc
    failures: dict[str, str] = {}
    causes: list[BaseException] = []
    ran = 0
    for check in CHECKS:
        if check.name in skipped:
            continue
        ran += 1
        failed = _run(ctx, check)
        if check.name in expected:
            if failed is None:
                failures[check.name] = (
                    f"expected to fail ({expected[check.name]}) but passed: "
                    "remove it from expected_failed_checks"
                )
            continue
        if failed is not None:
            failures[check.name] = failed[0]
            causes.append(failed[1])
    if failures:
        raise ConformanceError(label, failures, ran) from (causes[0] if len(causes) == 1 else None)


def _cases(
    scorers: Iterable[Scorer | tuple[Scorer, FeatureTable]]
    | Mapping[str, Scorer | tuple[Scorer, FeatureTable]],
) -> list[tuple[str, Scorer, FeatureTable | None]]:
    """``(id, scorer, table)`` per case; ids are type names, made unique with ``_2``..."""
    items = list(scorers.items()) if isinstance(scorers, Mapping) else [(None, s) for s in scorers]
    out: list[tuple[str, Scorer, FeatureTable | None]] = []
    seen: dict[str, int] = {}
    for label, case in items:
        scorer, table = case if isinstance(case, tuple) else (case, None)
        if table is not None and not isinstance(table, FeatureTable):
            raise InvalidTypeError(
                "parametrize_with_checks.scorers", table, "must pair a scorer with a FeatureTable"
            )
        if label is None:  # a mapping's keys are unique already
            label = type(scorer).__name__
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                label = f"{label}_{seen[label]}"
        out.append((label, scorer, table))
    return out


def parametrize_with_checks(
    scorers: Iterable[Scorer | tuple[Scorer, FeatureTable]]
    | Mapping[str, Scorer | tuple[Scorer, FeatureTable]],
    *,
    expected_failed_checks: Callable[[Scorer], Mapping[str, str]] | None = None,
    seed: int = 0,
) -> pytest.MarkDecorator:
    """Parametrize a pytest test with one case per (scorer, check).

    The decorated test takes ``scorer`` and ``check`` (a `ScorerCheck` with the
    case's table and seed bound) and runs ``check(scorer)``. Ids read
    ``<TypeName>-<check name>`` (e.g. ``WeightedPoints-check_permutation_invariance``),
    so ``pytest -k check_permutation_invariance`` runs one check on every scorer. Needs
    pytest (imported here, not by [`kamlib.testing`][kamlib.testing]).

    Args:
        scorers: Scorers, or ``(scorer, table)`` pairs to check on a table of your own.
            A mapping gives each case its id (for several variants of one type);
            otherwise repeated type names get ``_2``, ``_3``, ...
        expected_failed_checks: Called with each scorer, returns check name to the reason
            it is known to fail. Those cases are marked
            ``pytest.mark.xfail(strict=True, reason=...)``: they fail the run once fixed.
        seed: Seed for the synthetic tables and the permutations.

    Returns:
        A ``pytest.mark.parametrize("scorer, check", ...)`` decorator.

    Raises:
        InvalidValueError: ``expected_failed_checks`` names no check.
        InvalidTypeError: A case pairs a scorer with something other than a FeatureTable.

    Examples:
        >>> from kamlib.scoring import ValueMatrix, WeightedPoints
        >>> from kamlib.testing import parametrize_with_checks
        >>> mark = parametrize_with_checks(
        ...     [ValueMatrix(), WeightedPoints()],
        ...     expected_failed_checks=lambda s: {"check_picklable": "demo"}
        ...     if isinstance(s, WeightedPoints) else {},
        ... )
        >>> cases = mark.args[1]
        >>> cases[0].id, cases[-1].id
        ('ValueMatrix-check_protocol_shape', 'WeightedPoints-check_non_finite_input')
        >>> [c.id for c in cases if c.marks]
        ['WeightedPoints-check_picklable']

        In a test module::

            @parametrize_with_checks([ValueMatrix(), WeightedPoints(threshold=4.0)])
            def test_conforms(scorer, check):
                check(scorer)
    """
    import pytest

    params = []
    for label, scorer, table in _cases(scorers):
        expected = (
            {}
            if expected_failed_checks is None
            else _reasons(
                expected_failed_checks(scorer),
                f"parametrize_with_checks.expected_failed_checks({label})",
            )
        )
        for check in CHECKS:
            marks = (
                [pytest.mark.xfail(strict=True, reason=expected[check.name])]
                if check.name in expected
                else []
            )
            bound = attrs.evolve(check, table=table, seed=seed)
            params.append(pytest.param(scorer, bound, id=f"{label}-{check.name}", marks=marks))
    return pytest.mark.parametrize(("scorer", "check"), params)
