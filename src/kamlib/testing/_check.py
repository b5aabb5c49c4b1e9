"""The scorer conformance kit: :func:`check_scorer` runs the Scorer contract on any scorer.

Modelled on scikit-learn's ``check_estimator``: every check is a small named function;
:func:`check_scorer` runs them all and raises :class:`AssertionError` naming the check that
failed. Use it in a third-party scorer's own test suite::

    from kamlib.testing import check_scorer

    def test_my_scorer_conforms() -> None:
        check_scorer(MyScorer())
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib.errors import KamlibError, MissingFeatureError, NotFittedError
from kamlib.scoring._base import Scorer, ScoreTable, config_hash

__all__ = ["CHECKS", "check_scorer", "synthetic_table"]

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
        seed: Seed of the random generator; equal seeds give equal tables.

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


# ---------------------------------------------------------------------------- helpers
@attrs.frozen
class _Ctx:
    """What every check receives."""

    scorer: Any  # as given (may be unfitted)
    fitted: Any  # scorer.fit(table) or scorer itself when it was fitted already
    table: FeatureTable
    result: ScoreTable  # fitted.score(table)
    seed: int


def _fail(check: str, detail: str) -> AssertionError:
    return AssertionError(f"check_scorer[{check}] failed: {detail}")


def _scale(st: ScoreTable) -> float:
    return float(max(1.0, np.abs(st.scores).max(initial=0.0)))


def _close(a: NDArray[Any], b: NDArray[Any], scale: float) -> bool:
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12 * scale))


def _missing_matrix(st: ScoreTable) -> BoolArray:
    """``component_missing``, with ``None`` read as "nothing missing"."""
    cm = st.component_missing
    if cm is None:
        return np.zeros((len(st), len(st.components)), dtype=np.bool_)
    return cm


def _same_result(check: str, got: ScoreTable, want: ScoreTable, what: str) -> None:
    """Assert two ScoreTables agree row by row (ids, scores, labels, margins, reasons...)."""
    if got.ids.tolist() != want.ids.tolist():
        raise _fail(check, f"{what}: ids differ")
    scale = max(_scale(got), _scale(want))
    if not _close(got.scores, want.scores, scale):
        i = int(np.flatnonzero(~np.isclose(got.scores, want.scores, rtol=1e-9))[0])
        raise _fail(
            check,
            f"{what}: score of {got.ids[i]!r} is {got.scores[i]!r}, expected {want.scores[i]!r}",
        )
    if (got.labels is None) != (want.labels is None) or (
        got.labels is not None
        and want.labels is not None
        and got.labels.tolist() != want.labels.tolist()
    ):
        raise _fail(check, f"{what}: labels differ")
    if not _close(got.coverage, want.coverage, 1.0):
        raise _fail(check, f"{what}: coverage differs")
    if (got.margin is None) != (want.margin is None) or (
        got.margin is not None
        and want.margin is not None
        and not _close(got.margin, want.margin, scale)
    ):
        raise _fail(check, f"{what}: margins differ")
    if got.reason_codes != want.reason_codes:
        raise _fail(check, f"{what}: reason codes differ")
    gf, wf = got.reason_flags, want.reason_flags
    if (gf is None) != (wf is None) or (
        gf is not None and wf is not None and not np.array_equal(gf, wf)
    ):
        raise _fail(check, f"{what}: reason flags differ")
    if got.components != want.components:
        raise _fail(check, f"{what}: components differ")
    if not np.array_equal(_missing_matrix(got), _missing_matrix(want)):
        raise _fail(check, f"{what}: component_missing differs")
    if not _close(got.contributions, want.contributions, scale):
        raise _fail(check, f"{what}: contributions differ")
    if got.config_hash != want.config_hash:
        raise _fail(check, f"{what}: config hash differs")


# ---------------------------------------------------------------------------- checks
def check_protocol_shape(ctx: _Ctx) -> None:
    """The scorer satisfies :class:`~kamlib.scoring.Scorer` and is immutable."""
    s: Any = ctx.scorer
    if not isinstance(ctx.scorer, Scorer):
        raise _fail("protocol_shape", f"{type(s).__name__} does not satisfy the Scorer protocol")
    if not isinstance(s.name, str) or not s.name:
        raise _fail("protocol_shape", f"name must be a non-empty str, got {s.name!r}")
    req = s.required_features
    if not isinstance(req, tuple) or not all(isinstance(f, str) and f for f in req):
        raise _fail("protocol_shape", f"required_features must be a tuple of str, got {req!r}")
    if not isinstance(s.is_fitted, bool):
        raise _fail("protocol_shape", f"is_fitted must be a bool, got {s.is_fitted!r}")
    if attrs.has(type(s)) and attrs.fields(type(s)):
        field = attrs.fields(type(s))[0].name
        try:
            setattr(s, field, getattr(s, field))
        except (AttributeError, attrs.exceptions.FrozenInstanceError):
            pass
        else:
            raise _fail("protocol_shape", f"{type(s).__name__} is mutable (set {field!r})")
    if type(ctx.fitted) is not type(s):
        raise _fail("protocol_shape", "fit() must return a scorer of the same type")
    if ctx.result.scorer != s.name:
        raise _fail("protocol_shape", f"ScoreTable.scorer is {ctx.result.scorer!r}, not {s.name!r}")
    if ctx.result.ids.tolist() != ctx.table.ids.tolist():
        raise _fail("protocol_shape", "ScoreTable.ids must equal the table's ids, in order")


def check_fit_contract(ctx: _Ctx) -> None:
    """Unfitted scorers refuse to score; fit returns a new, fitted scorer."""
    s = ctx.scorer
    if not ctx.fitted.is_fitted:
        raise _fail("fit_contract", "fit() returned a scorer with is_fitted == False")
    if not s.is_fitted:
        try:
            s.score(ctx.table)
        except NotFittedError:
            pass
        except Exception as exc:
            raise _fail(
                "fit_contract", f"unfitted score() raised {type(exc).__name__}, not NotFittedError"
            ) from exc
        else:
            raise _fail("fit_contract", "unfitted score() must raise NotFittedError")
        if ctx.fitted is s:
            raise _fail("fit_contract", "fit() must return a new scorer, not mutate self")
    once = s.fit(ctx.table)
    if once.get_config() != s.fit(ctx.table).get_config():
        raise _fail("fit_contract", "fitting twice on the same table gave different parameters")
    if once.fit(ctx.table).get_config() != once.get_config():
        raise _fail("fit_contract", "re-fitting a fitted scorer on the same table changed it")


def check_determinism(ctx: _Ctx) -> None:
    """Scoring the same table twice gives the same result."""
    _same_result("determinism", ctx.fitted.score(ctx.table), ctx.result, "second score()")


def check_inputs_not_mutated(ctx: _Ctx) -> None:
    """Fit and score leave the table and the scorer unchanged."""
    before_values = ctx.table.values.copy()
    before_cfg = json.dumps(ctx.scorer.get_config(), sort_keys=True)
    before_fitted = json.dumps(ctx.fitted.get_config(), sort_keys=True)
    ctx.scorer.fit(ctx.table)
    ctx.fitted.score(ctx.table)
    if not np.array_equal(before_values, ctx.table.values, equal_nan=True):
        raise _fail("inputs_not_mutated", "the FeatureTable's values changed")
    if json.dumps(ctx.scorer.get_config(), sort_keys=True) != before_cfg:
        raise _fail("inputs_not_mutated", "fit() changed the original scorer's config")
    if json.dumps(ctx.fitted.get_config(), sort_keys=True) != before_fitted:
        raise _fail("inputs_not_mutated", "score() changed the scorer's config")


def check_permutation_invariance(ctx: _Ctx) -> None:
    """Scoring rows in another order gives each account the same result."""
    perm = np.random.default_rng(ctx.seed).permutation(len(ctx.table))
    got = ctx.fitted.score(ctx.table.take(perm))
    _same_result("permutation_invariance", got, ctx.result.take(perm), "permuted rows")


def check_partition_invariance(ctx: _Ctx) -> None:
    """Scoring partitions separately and stacking equals scoring the whole table."""
    n = len(ctx.table)
    cuts = sorted({n // 3, (2 * n) // 3})
    parts = [p for p in np.split(np.arange(n), cuts) if p.size]
    pieces = [ctx.fitted.score(ctx.table.take(p)) for p in parts]
    for p, piece in zip(parts, pieces, strict=True):
        _same_result("partition_invariance", piece, ctx.result.take(p), f"partition {p[0]}..")


def _rebuild(
    table: FeatureTable,
    ids: Sequence[str],
    cols: dict[str, FloatArray],
    missing: dict[str, BoolArray],
    rows: NDArray[np.intp],
) -> FeatureTable:
    """A FeatureTable from edited columns, keeping declared-missing cells and categories."""
    return FeatureTable.from_columns(
        list(ids),
        cols,
        missing=missing,
        categorical={k: v[rows].tolist() for k, v in table.categorical.items()},
    )


def _companions(ctx: _Ctx, i: int) -> list[tuple[str, FeatureTable]]:
    """Two-row batches ``[row i, companion]`` whose companion may change the batch's path.

    One companion lies far outside every required column's range (it can switch a scorer
    from a fused fast path to a clipping path); the other has a declared-missing value.
    """
    t = ctx.table
    req = [f for f in ctx.fitted.required_features if f in t]
    rows = np.array([i, i], dtype=np.intp)
    ids = [str(t.ids[i]), "__companion__"]
    if ids[0] == ids[1]:
        ids[1] = "__companion_2__"
    out: list[tuple[str, FeatureTable]] = []
    for kind in ("out_of_range", "missing"):
        if kind == "missing" and not req:
            continue
        cols = {n: t.column(n)[rows].copy() for n in t.names}
        miss = {n: t.mask(n)[rows].copy() for n in t.names}
        if kind == "missing":
            miss[req[0]][1] = True
        else:
            for n in req:
                col = t.column(n)[~t.mask(n)]
                lo, hi = (float(col.min()), float(col.max())) if col.size else (0.0, 0.0)
                cols[n][1] = hi + 100.0 * (hi - lo + 1.0)
                miss[n][1] = False
        out.append((kind, _rebuild(t, ids, cols, miss, rows)))
    return out


def check_single_equals_batch(ctx: _Ctx) -> None:
    """An account scored alone gets exactly its row of the batch result.

    Also against small batches whose other row is out of range or has a missing value
    (which may move the whole batch to another computation path): the labels and reason
    flags must be *equal*, not close; scores, margins and contributions agree to rtol 1e-9.
    """
    n = len(ctx.table)
    for i in sorted({0, n // 2, n - 1}):
        alone = ctx.fitted.score(ctx.table.take([i]))
        _same_result("single_equals_batch", alone, ctx.result.take([i]), f"row {i} alone")
        for kind, batch in _companions(ctx, i):
            try:
                got = ctx.fitted.score(batch)
            except KamlibError:
                continue  # the scorer refuses that companion row: nothing to compare
            _same_result(
                "single_equals_batch",
                got.take([0]),
                alone,
                f"row {i} with an {kind.replace('_', '-')} row in the batch",
            )


def check_picklable(ctx: _Ctx) -> None:
    """The fitted scorer and its ScoreTable survive pickling (for Dask/Spark workers)."""
    try:
        scorer2 = pickle.loads(pickle.dumps(ctx.fitted))
        fresh = ctx.fitted.score(ctx.table)  # contributions possibly still lazy
        table2 = pickle.loads(pickle.dumps(fresh))
    except Exception as exc:
        raise _fail("picklable", f"pickling raised {exc!r}") from exc
    _same_result("picklable", scorer2.score(ctx.table), ctx.result, "unpickled scorer")
    _same_result("picklable", table2, ctx.result, "unpickled ScoreTable")


def check_config_round_trip(ctx: _Ctx) -> None:
    """``from_config(get_config())`` (also through JSON text) rebuilds an equal scorer."""
    cfg = ctx.fitted.get_config()
    if not isinstance(cfg, dict):
        raise _fail("config_round_trip", f"get_config() must return a dict, got {type(cfg)}")
    try:
        text = json.dumps(cfg, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise _fail("config_round_trip", f"config is not JSON-compatible: {exc}") from exc
    if ctx.result.config_hash != config_hash(cfg):
        raise _fail("config_round_trip", "ScoreTable.config_hash != config_hash(get_config())")
    for what, c in (("from_config(get_config())", cfg), ("from_config(JSON)", json.loads(text))):
        rebuilt = type(ctx.fitted).from_config(c)
        if not rebuilt.is_fitted:
            raise _fail("config_round_trip", f"{what} is not fitted")
        if config_hash(rebuilt.get_config()) != config_hash(cfg):
            raise _fail("config_round_trip", f"{what} has another config")
        _same_result("config_round_trip", rebuilt.score(ctx.table), ctx.result, what)
    unfitted_cfg = ctx.scorer.get_config()
    rebuilt_unfitted = type(ctx.scorer).from_config(json.loads(json.dumps(unfitted_cfg)))
    if rebuilt_unfitted.is_fitted != ctx.scorer.is_fitted:
        raise _fail("config_round_trip", "from_config changed is_fitted of the unfitted scorer")


def check_contributions_add_up(ctx: _Ctx) -> None:
    """Each row's contributions add up to its score; scores are finite."""
    st = ctx.result
    if not np.isfinite(st.scores).all():
        raise _fail("contributions_add_up", "a score is not finite")
    c = st.contributions
    if c.shape != (len(st), len(st.components)):
        raise _fail("contributions_add_up", f"contributions have shape {c.shape}")
    total = c.sum(axis=1)
    atol = 1e-9 * float(max(1.0, np.abs(c).max(initial=0.0)))
    if not np.allclose(total, st.scores, rtol=1e-9, atol=atol):
        i = int(np.argmax(np.abs(total - st.scores)))
        raise _fail(
            "contributions_add_up",
            f"row {st.ids[i]!r}: contributions sum to {total[i]!r}, score is {st.scores[i]!r}",
        )
    if not ((st.coverage >= 0.0) & (st.coverage <= 1.0)).all():
        raise _fail("contributions_add_up", "coverage must lie in [0, 1]")
    first = str(st.ids[0])
    e = st.explain(first)
    if e.account_id != first or e.config_hash != st.config_hash:
        raise _fail("contributions_add_up", "explain() does not describe the account asked for")


def check_labels_in_classes(ctx: _Ctx) -> None:
    """Every label is one of the declared classes; margins are finite and non-negative."""
    st = ctx.result
    if st.labels is not None:
        unknown = set(st.labels.tolist()) - set(st.classes)
        if unknown:
            raise _fail("labels_in_classes", f"labels {sorted(unknown)} not in {st.classes}")
    if st.margin is not None and not (np.isfinite(st.margin) & (st.margin >= 0)).all():
        raise _fail("labels_in_classes", "margins must be finite and >= 0")


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
        raise _fail(
            "missing_feature", f"scoring without {req[0]!r} raised {type(exc).__name__}"
        ) from exc
    raise _fail("missing_feature", f"scoring without {req[0]!r} did not raise")


def check_non_finite_input(ctx: _Ctx) -> None:
    """NaN/inf are rejected at the table door; declared-missing values follow a policy.

    The scorer either refuses the row with a KamlibError or returns finite scores, with
    every other row unchanged.
    """
    req = ctx.fitted.required_features
    if not req:
        return
    t = ctx.table
    cols = {n: t.column(n).copy() for n in t.names}
    # Keep the table's own declared-missing cells: only the injected cell is new.
    missing = {n: t.mask(n).copy() for n in t.names}
    everything = np.arange(len(t), dtype=np.intp)
    for bad in (np.nan, np.inf):
        broken = dict(cols)
        arr = cols[req[0]].copy()
        arr[0] = bad
        broken[req[0]] = arr
        undeclared = dict(missing)
        undeclared[req[0]] = missing[req[0]].copy()
        undeclared[req[0]][0] = False  # the bad value is not declared missing
        try:
            _rebuild(t, t.ids.tolist(), broken, undeclared, everything)
        except KamlibError:
            continue
        raise _fail("non_finite_input", f"FeatureTable accepted {bad!r}")
    declared_mask = dict(missing)
    declared_mask[req[0]] = missing[req[0]].copy()
    declared_mask[req[0]][0] = True
    declared = _rebuild(t, t.ids.tolist(), cols, declared_mask, everything)
    try:
        st = ctx.fitted.score(declared)
    except KamlibError:
        return  # policy: refuse missing values with a typed error
    except Exception as exc:
        raise _fail(
            "non_finite_input", f"a declared-missing value raised {type(exc).__name__}: {exc}"
        ) from exc
    if not np.isfinite(st.scores).all():
        raise _fail("non_finite_input", "a declared-missing value gave a non-finite score")
    rest = np.arange(1, len(ctx.table))
    _same_result(
        "non_finite_input", st.take(rest), ctx.result.take(rest), "rows without missing values"
    )


CHECKS: tuple[Callable[[_Ctx], None], ...] = (
    check_protocol_shape,
    check_fit_contract,
    check_determinism,
    check_inputs_not_mutated,
    check_permutation_invariance,
    check_partition_invariance,
    check_single_equals_batch,
    check_picklable,
    check_config_round_trip,
    check_contributions_add_up,
    check_labels_in_classes,
    check_missing_feature,
    check_non_finite_input,
)
"""Every check, in the order :func:`check_scorer` runs them."""


def check_scorer(
    scorer: Scorer,
    table: FeatureTable | None = None,
    *,
    seed: int = 0,
    skip: Sequence[str] = (),
) -> None:
    """Run the Scorer contract on ``scorer`` and raise on the first broken rule.

    Checks (names as in the error): ``protocol_shape`` (protocol attributes, immutability),
    ``fit_contract`` (unfitted use raises NotFittedError, fit returns a new fitted scorer,
    fitting is deterministic and re-fitting on the same table changes nothing; a scorer
    given pinned parameters is scored as given, without fitting), ``determinism``,
    ``inputs_not_mutated``,
    ``permutation_invariance``, ``partition_invariance``, ``single_equals_batch`` (also
    next to an out-of-range row and a row with a missing value, which can switch a batch
    to another computation path; labels and reason flags must be exactly equal),
    ``picklable`` (fitted scorer and ScoreTable), ``config_round_trip``
    (``from_config(get_config())``, also through JSON, gives the same scores and config
    hash), ``contributions_add_up`` (rtol 1e-9; finite scores; coverage in [0, 1]),
    ``labels_in_classes``, ``missing_feature`` and ``non_finite_input`` (NaN/inf refused
    by the table; a declared-missing value is refused with a KamlibError or scored finitely
    without changing other rows). Tables with declared-missing values are supported: the
    checks keep their mask.

    Args:
        scorer: The scorer to check, fitted or not. An unfitted scorer is fitted on
            ``table`` first.
        table: Data to fit and score. ``None`` builds :func:`synthetic_table` over
            ``scorer.required_features`` (plus ``industry``/``size_band``/``region``).
        seed: Seed for the synthetic table and the permutation.
        skip: Names of checks not to run (document why in your test).

    Raises:
        AssertionError: ``check_scorer[<check>] failed: <detail>``.

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.testing._check import check_scorer
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
        AssertionError: check_scorer[score] failed: score() raised RuntimeError('boom')
    """
    names = {c.__name__.removeprefix("check_") for c in CHECKS}
    unknown = sorted(set(skip) - names)
    if unknown:
        raise _fail("arguments", f"unknown checks in skip: {unknown}; known: {sorted(names)}")
    if table is None:
        table = synthetic_table(tuple(scorer.required_features), seed=seed)
    try:
        fitted = scorer if scorer.is_fitted else scorer.fit(table)
    except Exception as exc:
        raise _fail("fit", f"fit() raised {exc!r}") from exc
    try:
        result = fitted.score(table)
    except Exception as exc:
        raise _fail("score", f"score() raised {exc!r}") from exc
    if not isinstance(result, ScoreTable):
        raise _fail("score", f"score() returned {type(result).__name__}, not ScoreTable")
    ctx = _Ctx(scorer=scorer, fitted=fitted, table=table, result=result, seed=seed)
    for check in CHECKS:
        if check.__name__.removeprefix("check_") in skip:
            continue
        check(ctx)
