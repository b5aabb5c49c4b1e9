"""kamlib.dask: one machine's bits on Dask, for every partitioning and scheduler.

Scores of pinned scorers equal ``score_frame`` / ``scorer.score`` bitwise for several
partitionings (1, 2, 3 and 7 partitions, uneven and empty ones, shuffled rows); ``fit`` on
the Dask frame gives the configuration ``fit`` gives on the whole table; scorers and their
configs pickle, and a process scheduler gives the same bits; errors are typed and raised
before any task; the portfolio analyses split by account equal the one-machine ones,
including for a portfolio whose records name people of other accounts.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
import json
import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest

from kamlib import FeatureTable
from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.features import extract_features
from kamlib.frames import from_frame, score_frame
from kamlib.model import KeyPerson, Money, PeriodFigures, Quarter, Relationship
from kamlib.network import portfolio_red_flags, relationship_features
from kamlib.scoring import (
    EmpiricalEstimate,
    Scorer,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.synthetic import synthetic_portfolio

try:
    import dask
    import dask.dataframe
    from dask.delayed import delayed
except ImportError:  # the dask extra is not installed: nothing to test
    pytest.skip("dask (the dask extra) is not installed", allow_module_level=True)

# --8<-- [start:recipe]
import dask.dataframe as dd

import kamlib.dask as kd
from kamlib.model import Portfolio
from kamlib.scoring import HealthModel


def features_on_dask(portfolio: Portfolio, as_of: dt.datetime) -> dd.DataFrame:
    """Every account's features, computed on Dask in parts of whole accounts."""
    return kd.features_frame(portfolio, npartitions=8, as_of=as_of, id="account")


def health_on_dask(accounts: dd.DataFrame) -> tuple[HealthModel, dd.DataFrame]:
    """Fit the health model exactly on every account, pin it, score every account lazily.

    Pass a persisted frame (``accounts.persist()``): the fit reads every partition once
    per pass.
    """
    model = kd.fit(HealthModel(), accounts, id="account")
    # model.get_config() is plain JSON-like data: store it to pin the parameters
    scored = kd.score(model, accounts, id="account", prefix="health_")
    return model, scored  # lazy: nothing is scored until you compute (or write)


# --8<-- [end:recipe]

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CATS = ("industry", "size_band", "region")
ID = "account"
PRE = "kam_"  # the features have a coverage column of their own


_from_pandas: Callable[..., Any] = dd.from_pandas  # dask leaves it unannotated


@pytest.fixture(autouse=True)
def _synchronous() -> Iterator[None]:
    with dask.config.set(scheduler="synchronous"):
        yield


# ---------------------------------------------------------------------------- data
@cache
def _table() -> FeatureTable:
    """120 synthetic accounts with strategic data (the value matrix refuses the others)."""
    t = extract_features(synthetic_portfolio(120, seed=1, as_of=AS_OF), as_of=AS_OF)
    return t.observed("strategic_fit")


def _pandas(t: FeatureTable) -> pd.DataFrame:
    """Nullable Float64 features (null where missing), string labels."""
    data: dict[str, Any] = {ID: pd.array(t.ids.tolist(), dtype="string")}
    for name in t.names:
        col = pd.array(t.column(name).tolist(), dtype="Float64")
        col[t.is_missing(name)] = pd.NA
        data[name] = col
    for name in CATS:
        data[name] = pd.array(t.category(name).tolist(), dtype="string")
    return pd.DataFrame(data)


@cache
def _frame() -> pd.DataFrame:
    return _pandas(_table())


@cache
def _pinned() -> tuple[Scorer, ...]:
    t = _table()
    return (WeightedPoints().fit(t), HealthModel().fit(t), ValueMatrix().fit(t))


def _unfitted() -> tuple[Scorer, ...]:
    return (WeightedPoints(), HealthModel(), ValueMatrix())


def _cut(df: pd.DataFrame, cuts: Sequence[int]) -> Any:
    """A Dask frame whose partitions are ``df[cuts[i]:cuts[i+1]]`` (empty ones allowed)."""
    bounds = [0, *cuts, len(df)]
    parts = [delayed(df.iloc[a:b]) for a, b in itertools.pairwise(bounds)]
    return dd.from_delayed(parts, meta=df.iloc[:0])


def _shuffled() -> pd.DataFrame:
    df = _frame()
    order = np.random.default_rng(7).permutation(len(df))
    return df.iloc[order].reset_index(drop=True)


def _partitionings() -> list[tuple[str, Any, pd.DataFrame]]:
    """(name, dask frame, the pandas frame it holds, in order)."""
    df, shuffled = _frame(), _shuffled()
    n = len(df)
    out = [(f"{k} even", _from_pandas(df, npartitions=k), df) for k in (1, 2, 3, 7)]
    out += [
        ("uneven, empty ones", _cut(df, [0, 1, 1, 40, n, n]), df),
        ("shuffled, 5 uneven", _cut(shuffled, [3, 50, 51, 90]), shuffled),
        ("shuffled, 3 even", _from_pandas(shuffled, npartitions=3, sort=False), shuffled),
    ]
    return out


PARTITIONINGS = _partitionings()
PART_IDS = [name for name, _, _ in PARTITIONINGS]


def _compute(lazy: Any) -> Any:
    """``lazy.compute()`` (dask leaves ``compute`` unannotated)."""
    return lazy.compute()


def _compute_parts(lazy: Any) -> list[Any]:
    return list(lazy.to_delayed())


def _bits(a: Any) -> Any:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64)).view(np.int64)


def _same_frame(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same columns, dtypes, index and values; every float64 column to the bit."""
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name in want.columns:
        if want[name].dtype == np.float64:
            assert np.array_equal(_bits(got[name]), _bits(want[name])), name


def _same_table(got: FeatureTable, want: FeatureTable) -> None:
    assert got.ids.tolist() == want.ids.tolist()
    assert got.names == want.names
    assert np.array_equal(_bits(got.values), _bits(want.values))
    for name in want.names:
        assert np.array_equal(got.is_missing(name), want.is_missing(name)), name
    assert sorted(got.categorical) == sorted(want.categorical)
    for name in want.categorical:
        assert got.category(name).tolist() == want.category(name).tolist(), name


# ---------------------------------------------------------------------------- score
@pytest.mark.parametrize(("name", "ddf", "df"), PARTITIONINGS, ids=PART_IDS)
@pytest.mark.parametrize("scorer", _pinned(), ids=lambda s: type(s).__name__)
def test_score_equals_one_machine(name: str, ddf: Any, df: pd.DataFrame, scorer: Scorer) -> None:
    lazy = kd.score(scorer, ddf, id=ID, prefix=PRE)
    got = _compute(lazy)
    # each partition is score_frame's; together they are score_frame of the whole frame
    _same_frame(got, score_frame(scorer, ddf.compute(), id=ID, prefix=PRE))
    # and the numbers are the column door's
    st = scorer.score(from_frame(df, id=ID, columns=scorer.required_features))
    assert got[ID].tolist() == st.ids.tolist()
    assert np.array_equal(_bits(got[f"{PRE}score"]), _bits(st.scores))
    assert np.array_equal(_bits(got[f"{PRE}coverage"]), _bits(st.coverage))
    if st.labels is not None:
        assert got[f"{PRE}label"].tolist() == st.labels.tolist()
    # the meta is what the partitions hold
    assert list(lazy.columns) == list(got.columns)
    assert lazy.dtypes.equals(got.dtypes)
    assert lazy.npartitions == ddf.npartitions


def test_score_keeps_partitions_and_divisions() -> None:
    ddf = _from_pandas(_frame(), npartitions=3)
    lazy = kd.score(_pinned()[0], ddf, id=ID, prefix="kam_")
    assert lazy.divisions == ddf.divisions
    parts = [_compute(p) for p in _compute_parts(lazy)]
    for piece, out in zip(ddf.to_delayed(), parts, strict=True):
        _same_frame(out, score_frame(_pinned()[0], piece.compute(), id=ID, prefix="kam_"))


def test_score_threads_scheduler() -> None:
    scorer = _pinned()[1]
    ddf = _from_pandas(_frame(), npartitions=4)
    with dask.config.set(scheduler="threads", num_workers=2):
        got = _compute(kd.score(scorer, ddf, id=ID, prefix=PRE))
    _same_frame(got, score_frame(scorer, ddf.compute(), id=ID, prefix=PRE))


@pytest.fixture(scope="module")
def processes() -> Iterator[concurrent.futures.Executor]:
    """A two-process pool (spawn: nothing shared with this process but pickles)."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        yield pool


def test_process_scheduler_same_bits(processes: concurrent.futures.Executor) -> None:
    ddf = _from_pandas(_frame(), npartitions=4)
    with dask.config.set(scheduler="processes", pool=processes):
        for scorer in _pinned():
            got = _compute(kd.score(scorer, ddf, id=ID, prefix=PRE))
            _same_frame(got, score_frame(scorer, ddf.compute(), id=ID, prefix=PRE))
        fitted = kd.fit(WeightedPoints(), ddf, id=ID)
        flags = kd.portfolio_red_flags(_crossed(), npartitions=3, as_of=AS_OF)
        table = kd.extract_features(_crossed(), npartitions=3, as_of=AS_OF)
    assert fitted.get_config() == WeightedPoints().fit(_table()).get_config()
    assert flags == portfolio_red_flags(_crossed(), as_of=AS_OF)
    _same_table(table, extract_features(_crossed(), as_of=AS_OF))


@pytest.mark.parametrize("scorer", _pinned(), ids=lambda s: type(s).__name__)
def test_scorer_and_config_pickle(scorer: Scorer) -> None:
    table = from_frame(_frame(), id=ID, columns=scorer.required_features)
    want = scorer.score(table)
    again = pickle.loads(pickle.dumps(scorer))
    assert again == scorer
    assert np.array_equal(_bits(again.score(table).scores), _bits(want.scores))
    config = scorer.get_config()
    trip = json.loads(json.dumps(config))
    assert pickle.loads(pickle.dumps(config)) == config == trip
    rebuilt = type(scorer).from_config(trip)
    assert rebuilt.get_config() == config
    assert np.array_equal(_bits(rebuilt.score(table).scores), _bits(want.scores))
    # what score ships: the class and the config, and it pickles to the same function
    lazy = kd.score(scorer, _from_pandas(_frame(), npartitions=2), id=ID, prefix=PRE)
    shipped = kd._ScorePartition(type(scorer), config, {"id": ID, "prefix": PRE})
    copy = pickle.loads(pickle.dumps(shipped))
    assert copy.config == config
    assert copy.scorer_type is type(scorer)
    _same_frame(copy(_frame()), score_frame(scorer, _frame(), id=ID, prefix=PRE))
    assert len(_compute(lazy)) == len(_frame())


# ---------------------------------------------------------------------------- fit
@pytest.mark.parametrize(("name", "ddf", "df"), PARTITIONINGS, ids=PART_IDS)
@pytest.mark.parametrize("scorer", _unfitted(), ids=lambda s: type(s).__name__)
def test_fit_equals_one_machine(name: str, ddf: Any, df: pd.DataFrame, scorer: Scorer) -> None:
    want = scorer.fit(from_frame(df, id=ID, columns=scorer.required_features))
    got = kd.fit(scorer, ddf, id=ID)
    assert type(got) is type(scorer)
    assert got.get_config() == want.get_config()


@pytest.mark.parametrize("k", range(1, 8))
def test_fit_every_count_of_partitions(k: int) -> None:
    ddf = _from_pandas(_shuffled(), npartitions=k, sort=False)
    for scorer in _unfitted():
        want = scorer.fit(_table())
        assert kd.fit(scorer, ddf, id=ID).get_config() == want.get_config()


def test_fit_then_score_is_the_recipe() -> None:
    ddf = _from_pandas(_frame(), npartitions=3)
    hm = kd.fit(HealthModel(), ddf, id=ID)
    got = _compute(kd.score(hm, ddf, id=ID, prefix=PRE))
    _same_frame(got, score_frame(HealthModel().fit(_table()), ddf.compute(), id=ID, prefix=PRE))


def test_fit_pinned_scorer_comes_back_without_a_task() -> None:
    pinned = _pinned()[2]
    assert kd.fit(pinned, _bomb(), id=ID) is pinned


def test_fit_refuses_a_scorer_without_a_fit_on_pieces_before_any_task() -> None:
    with pytest.raises(InvalidTypeError) as info:
        kd.fit(EmpiricalEstimate(), _bomb(), id=ID, categorical=["industry", "size_band"])
    assert info.value.path == "dask.fit.scorer"


# ---------------------------------------------------------------------------- errors
def _boom() -> pd.DataFrame:
    raise AssertionError("a task ran")


def _bomb() -> Any:
    """A Dask frame whose every task fails: errors found on its _meta raise before."""
    return dd.from_delayed([delayed(_boom)()], meta=_frame().iloc[:0])


def test_unfitted_scorer_refused_before_any_task() -> None:
    with pytest.raises(NotFittedError) as info:
        kd.score(ValueMatrix(), _bomb(), id=ID)
    assert info.value.path == "dask.score.scorer"
    assert info.value.value == "ValueMatrix"
    kd.score(_pinned()[2], _bomb(), id=ID, prefix=PRE)  # lazy: nothing ran


@pytest.mark.parametrize("fn", ["fit", "score"])
def test_bad_columns_refused_before_any_task(fn: str) -> None:
    info: pytest.ExceptionInfo[Exception]
    scorer = WeightedPoints() if fn == "fit" else _pinned()[0]
    options = {"prefix": PRE} if fn == "score" else {}

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(kd, fn)(*args, **options, **kwargs)

    with pytest.raises(MissingFeatureError) as info:
        call(scorer, _bomb(), id="customer")
    assert info.value.path == f"dask.{fn}.id"
    assert info.value.value == "customer"
    with pytest.raises(MissingFeatureError) as info:
        call(scorer, _bomb(), id=ID, columns=["profit", "margin_pct"])
    assert info.value.path == f"dask.{fn}.columns"
    assert info.value.value == "margin_pct"
    with pytest.raises(MissingFeatureError) as info:
        call(scorer, _bomb().drop(columns=["nps"]), id=ID)
    assert info.value.value == "nps"
    with pytest.raises(InvalidTypeError) as info:  # a numeric id column
        call(scorer, _bomb(), id="revenue")
    assert info.value.path == f"dask.{fn}.ddf['revenue']"
    with pytest.raises(InvalidTypeError) as info:  # a label column read as a feature
        call(scorer, _bomb(), id=ID, columns=["industry"])
    assert info.value.path == f"dask.{fn}.ddf['industry']"
    with pytest.raises(InvalidTypeError) as info:
        call(scorer, _bomb(), id=ID, columns="profit")
    assert info.value.path == f"dask.{fn}.columns"
    with pytest.raises(InvalidTypeError) as info:
        call(scorer, _frame(), id=ID)
    assert info.value.path == f"dask.{fn}.ddf"
    assert info.value.value == "DataFrame"
    with pytest.raises(InvalidTypeError) as info:
        call(object(), _bomb(), id=ID)
    assert info.value.path == f"dask.{fn}.scorer"


def test_prefix_clash_refused_before_any_task() -> None:
    with pytest.raises(InvalidValueError) as info:
        kd.score(_pinned()[0], _bomb(), id=ID)  # the features' own coverage column
    assert info.value.path == "dask.score.prefix"
    assert info.value.value == "coverage"
    kd.score(_pinned()[0], _bomb(), id=ID, prefix=PRE)


def test_bad_cell_named_by_partition_row_and_account() -> None:
    df = _frame().astype({"nps": "float64"}).copy()
    df.loc[5, "nps"] = float("nan")  # a NumPy float64 NaN: refused, not missing
    df["nps"] = df["nps"].where(df.index == 5, 1.0)
    ddf = _cut(df, [2, 4])
    lazy = kd.score(_pinned()[0], ddf, id=ID, prefix=PRE)
    with pytest.raises(InvalidValueError) as info:
        _compute(lazy)
    assert info.value.path == "dask.score.ddf.partitions[2]['nps'][1]"
    assert str(df.loc[5, ID]) in info.value.reason
    with pytest.raises(InvalidValueError) as info:
        kd.fit(WeightedPoints(), ddf, id=ID)
    assert info.value.path == "dask.fit.ddf.partitions[2]['nps'][1]"
    got = _compute(kd.score(_pinned()[0], ddf, id=ID, prefix=PRE, nan_is_missing=True))
    assert len(got) == len(df)


def test_repeated_id_within_a_partition() -> None:
    df = _frame().copy()
    df.loc[1, ID] = df.loc[0, ID]
    with pytest.raises(DuplicateIdError):
        _compute(kd.score(_pinned()[0], _from_pandas(df, npartitions=1), id=ID, prefix=PRE))


# ---------------------------------------------------------------------------- portfolios
def _person(p: Portfolio, account: str, side: str, k: int = 0) -> str:
    ids = [q.id for q in p.people if q.account_id == account and q.side.value == side]
    return ids[k]


@cache
def _crossed() -> Portfolio:
    """A synthetic portfolio whose records also name people of other accounts.

    Staff of no account (a sponsor, a participant, an influence), staff and a competitor
    homed at one account tied to another account's people, a sponsor and a commitment
    owner homed elsewhere, a tie between two accounts' customers and an opportunity's tie
    to another account's customer: the split must carry each to the part that reads it.
    """
    p = synthetic_portfolio(30, seed=2, as_of=AS_OF)
    acc = [a.id for a in p.accounts]
    rival = next(q for q in p.people if q.side.value == "competitor_staff" and q.account_id)
    assert rival.account_id in acc[:10]
    hq = KeyPerson("U-HQ", "Head office", "our_staff")
    accounts = list(p.accounts)
    accounts[5] = attrs.evolve(accounts[5], executive_sponsor_id="U-HQ")
    accounts[25] = attrs.evolve(accounts[25], executive_sponsor_id=_person(p, acc[0], "our_staff"))
    interactions = list(p.interactions)
    i9 = next(i for i, x in enumerate(interactions) if x.account_id == acc[9])
    interactions[i9] = attrs.evolve(
        interactions[i9], our_people=(*interactions[i9].our_people, "U-HQ")
    )
    i16 = next(i for i, x in enumerate(interactions) if x.account_id == acc[16])
    interactions[i16] = attrs.evolve(
        interactions[i16],
        their_people=(*interactions[i16].their_people, rival.id),
    )
    commitments = list(p.commitments)
    c26 = next(i for i, c in enumerate(commitments) if c.account_id not in acc[:2])
    commitments[c26] = attrs.evolve(commitments[c26], owner_id=_person(p, acc[1], "our_staff"))
    opp = next(o for o in p.opportunities if o.account_id not in acc[27:])
    rels = [
        Relationship("U-HQ", _person(p, acc[7], "customer"), "influences", 0.7),
        Relationship(
            _person(p, acc[0], "our_staff"), _person(p, acc[20], "customer"), "influences", 0.9
        ),
        Relationship(
            _person(p, acc[1], "customer"), _person(p, acc[28], "customer"), "influences", 0.6
        ),
        Relationship(
            rival.id,
            _person(p, acc[15], "customer"),
            "influences",
            0.8,
        ),
        Relationship(
            _person(p, acc[29], "customer"),
            _person(p, opp.account_id, "customer"),
            "influences",
            0.5,
            opportunity_id=opp.id,
        ),
    ]
    return attrs.evolve(
        p,
        accounts=accounts,
        people=(*p.people, hq),
        relationships=(*p.relationships, *rels),
        interactions=interactions,
        commitments=commitments,
    )


PORTFOLIO_PARTS = [1, 2, 3, 7, 29, 30, 100]


@pytest.mark.parametrize("k", PORTFOLIO_PARTS)
def test_split_keeps_every_account_whole(k: int) -> None:
    p = _crossed()
    parts = kd.split_portfolio(p, k)
    assert len(parts) == min(k, len(p.accounts))
    assert [a for part in parts for a in part.account_ids] == [a.id for a in p.accounts]
    sizes = [len(part.account_ids) for part in parts]
    assert max(sizes) - min(sizes) <= 1
    stubs = [len(part.portfolio.accounts) - len(part.account_ids) for part in parts]
    assert (sum(stubs) > 0) == (len(parts) > 1)  # people named across parts need stubs
    for part in parts:
        sub = part.portfolio
        assert [a.id for a in sub.accounts[: len(part.account_ids)]] == list(part.account_ids)
        for a in part.account_ids:
            assert sub.account(a) == p.account(a)
            for look in (
                "people_of",
                "commitments_of",
                "interactions_of",
                "opportunities_of",
                "purchases_of",
                "complaints_of",
                "relationships_of",
            ):
                assert getattr(sub, look)(a) == getattr(p, look)(a), (a, look)
            for o in p.opportunities_of(a):
                assert sub.relationships_of(a, o.id) == p.relationships_of(a, o.id)


@pytest.mark.parametrize("k", PORTFOLIO_PARTS)
def test_portfolio_analyses_equal_one_machine(k: int) -> None:
    p = _crossed()
    _same_table(
        kd.extract_features(p, npartitions=k, as_of=AS_OF), extract_features(p, as_of=AS_OF)
    )
    got = kd.relationship_features(p, npartitions=k, as_of=AS_OF)
    want = relationship_features(p, as_of=AS_OF)
    assert got.ids == want.ids
    assert list(got.columns) == list(want.columns)
    for name in want.columns:
        assert np.array_equal(_bits(got.columns[name]), _bits(want.columns[name])), name
        assert np.array_equal(got.missing[name], want.missing[name]), name
        assert not got.columns[name].flags.writeable
    assert kd.portfolio_red_flags(p, npartitions=k, as_of=AS_OF) == portfolio_red_flags(
        p, as_of=AS_OF
    )


def test_portfolio_features_options_pass_through() -> None:
    p = synthetic_portfolio(25, seed=4, as_of=AS_OF)
    cols = ["coverage", "interaction_frequency"]
    options: dict[str, Any] = {"periods": 2, "customer_value": True, "nps_window_days": 200}
    got = kd.extract_features(p, npartitions=4, as_of=AS_OF, network_columns=iter(cols), **options)
    _same_table(got, extract_features(p, as_of=AS_OF, network_columns=cols, **options))
    off = kd.extract_features(p, npartitions=3, as_of=AS_OF, network=False)
    _same_table(off, extract_features(p, as_of=AS_OF, network=False))
    rf = kd.relationship_features(
        p, npartitions=3, as_of=AS_OF, window_days=30, alpha=0.5, columns=iter(["support"])
    )
    want = relationship_features(p, as_of=AS_OF, window_days=30, alpha=0.5, columns=["support"])
    assert list(rf.columns) == ["support"]
    assert np.array_equal(_bits(rf.columns["support"]), _bits(want.columns["support"]))


@pytest.mark.parametrize("k", [1, 3, 7])
def test_features_frame(k: int) -> None:
    p = _crossed()
    lazy = kd.features_frame(p, npartitions=k, as_of=AS_OF)
    df = _compute(lazy)
    assert lazy.npartitions == min(k, len(p.accounts))
    assert lazy.dtypes.equals(df.dtypes)
    assert list(df.index) == list(range(len(p.accounts)))
    assert lazy.known_divisions
    want = extract_features(p, as_of=AS_OF)
    _same_table(from_frame(df, id="id", categorical=CATS), want)
    # a features frame scores directly: the rows the column door gives
    scorer = HealthModel().fit(want)
    got = _compute(kd.score(scorer, lazy, id="id", prefix=PRE))
    assert np.array_equal(_bits(got[f"{PRE}score"]), _bits(scorer.score(want).scores))
    assert got[f"{PRE}label"].tolist() == list(scorer.score(want).labels)  # type: ignore[arg-type]


def test_empty_portfolio() -> None:
    empty = Portfolio()
    _same_table(
        kd.extract_features(empty, npartitions=3, as_of=AS_OF),
        extract_features(empty, as_of=AS_OF),
    )
    lazy = kd.features_frame(empty, npartitions=3, as_of=AS_OF)
    assert lazy.npartitions == 1
    assert len(_compute(lazy)) == 0
    assert kd.portfolio_red_flags(empty, npartitions=2, as_of=AS_OF) == ()
    assert kd.relationship_features(empty, npartitions=2, as_of=AS_OF).ids == ()
    assert len(kd.split_portfolio(empty, 4)) == 1


def test_portfolio_errors_before_any_task() -> None:
    info: pytest.ExceptionInfo[Exception]
    p = _crossed()
    with pytest.raises(InvalidValueError) as info:
        kd.extract_features(p, npartitions=0, as_of=AS_OF)
    assert info.value.path == "dask.extract_features.npartitions"
    with pytest.raises(InvalidTypeError) as info:
        kd.split_portfolio(p, 2.0)  # type: ignore[arg-type]
    assert info.value.path == "split_portfolio.npartitions"
    with pytest.raises(InvalidValueError) as info:
        kd.extract_features(p, npartitions=2, as_of=AS_OF.replace(tzinfo=None))
    assert info.value.path == "dask.extract_features.as_of"
    with pytest.raises(InvalidValueError) as info:
        kd.extract_features(p, npartitions=2, as_of=AS_OF, network_columns=["charisma"])
    assert info.value.path == "dask.extract_features.network_columns[0]"
    with pytest.raises(InvalidTypeError) as info:
        kd.features_frame("portfolio", npartitions=2, as_of=AS_OF)  # type: ignore[arg-type]
    assert info.value.path == "dask.features_frame.portfolio"
    with pytest.raises(InvalidValueError) as info:
        kd.features_frame(p, npartitions=2, as_of=AS_OF, id="revenue")
    assert info.value.path == "dask.features_frame.id"
    with pytest.raises(InvalidValueError) as info:
        kd.relationship_features(p, npartitions=2, as_of=AS_OF, alpha=1.0)
    assert info.value.path == "dask.relationship_features.alpha"
    with pytest.raises(InvalidValueError) as info:
        kd.portfolio_red_flags(p, npartitions=2, as_of=AS_OF, single_thread_share=2.0)
    assert info.value.path == "dask.portfolio_red_flags.single_thread_share"


def test_mixed_currencies_refused_as_one_machine_does() -> None:
    p = _crossed()
    accounts = list(p.accounts)
    last = accounts[-1]
    figures = (PeriodFigures(Quarter(2025, 3), Money(10, "USD"), Money(1, "USD"), Money(0, "USD")),)
    accounts[-1] = attrs.evolve(last, figures=figures)
    mixed = attrs.evolve(p, accounts=accounts)
    with pytest.raises(CurrencyMismatchError) as one:
        extract_features(mixed, as_of=AS_OF)
    with pytest.raises(CurrencyMismatchError) as spread:  # the two currencies in two parts
        kd.extract_features(mixed, npartitions=2, as_of=AS_OF)
    assert str(spread.value) == str(one.value)


def test_the_recipe() -> None:
    p = synthetic_portfolio(60, seed=5, as_of=AS_OF)
    accounts: Any = features_on_dask(p, AS_OF)
    model, scored = health_on_dask(accounts.persist())
    table = extract_features(p, as_of=AS_OF)
    here = HealthModel().fit(table)
    assert model.get_config() == here.get_config()
    got, want = _compute(scored), here.score(table)
    assert got["account"].tolist() == want.ids.tolist()
    assert np.array_equal(_bits(got["health_score"]), _bits(want.scores))
    assert got["health_label"].tolist() == list(want.labels)  # type: ignore[arg-type]
