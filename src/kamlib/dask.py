"""Scoring and portfolio analyses on Dask, with the bits one machine gives.

Needs the ``dask`` extra (``pip install 'kamlib[dask]'``: Dask's DataFrame, pandas,
pyarrow and narwhals). The core never imports this module, and it is the only kamlib
module that imports dask.

The recipe:

1. **fit once**: `fit` learns a scorer's population parameters from the whole Dask frame
   through [`fit_partitioned`][kamlib.scoring.fit_partitioned] (per-partition summaries
   that merge exactly): the same ``get_config()`` as ``scorer.fit`` on the whole table;
2. **pin**: the fitted scorer's parameters are fixed; its config is plain, versioned data;
3. **score** with `score`: the config is shipped to the workers, each partition is scored
   by [`score_frame`][kamlib.frames.score_frame] through ``map_partitions`` with a
   ``meta`` computed on the frame's empty ``_meta``, so nothing runs until you compute;
4. **portfolio analyses by account**: `extract_features`, `features_frame`,
   `relationship_features` and `portfolio_red_flags` split a
   [`Portfolio`][kamlib.model.Portfolio] into parts by account (`split_portfolio`) and
   run kamlib's own function on each part, one Dask task a part.

**The guarantee.** Every row is the row one machine gives, to the bit, whatever the
partitioning and the scheduler: a pinned score reads one row and fixed parameters
(kamlib's kernels add in a fixed order within a row, never across rows), and every
per-account feature reads that account's own records only (the network kernels compute
each account's block on its own). Account ids are checked unique within each partition,
as [`from_frame`][kamlib.frames.from_frame] does; across partitions kamlib does not look
(a Dask frame has no cheap global check). These scale-out rules are kamlib's own choice;
no source gives them.

Examples:
    >>> import dask
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> import kamlib.dask as kd
    >>> from kamlib.scoring import ValueMatrix
    >>> df = pd.DataFrame({"account": ["A1", "A2", "A3", "A4"],
    ...                    "profit": [900.0, 100.0, 800.0, 50.0], "fit": [9.0, 8.0, 2.0, 1.0]})
    >>> ddf = dd.from_pandas(df, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vm = kd.fit(ValueMatrix("profit", ["fit"]), ddf, id="account")
    ...     out = kd.score(vm, ddf, id="account").compute()
    >>> vm.x_cut, out["label"].tolist()
    (450.0, ['strategic', 'potential', 'profit', 'ordinary'])
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs
import numpy as np

try:
    import dask.base
    import dask.dataframe as dd
    import pandas as pd
    from dask.delayed import delayed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "kamlib.dask needs dask's DataFrame: install the extra with pip install 'kamlib[dask]'"
    ) from exc

from kamlib import features as _features
from kamlib import frames as _frames
from kamlib._table import FeatureTable
from kamlib._validators import check_int, check_name
from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError
from kamlib.model import Account, Portfolio
from kamlib.network import (
    DEFAULT_PORTRAIT_WEIGHTS,
    DEFAULT_ROLE_WEIGHTS,
    DEFAULT_SINGLE_THREAD_SHARE,
    RedFlags,
    RelationshipFeatures,
    SupportRule,
)
from kamlib.network import portfolio_red_flags as _portfolio_red_flags
from kamlib.network import relationship_features as _relationship_features
from kamlib.scoring import Scorer, fit_partitioned
from kamlib.scoring._protocol import pinned_config

__all__ = [
    "fit",
    "score",
    "PortfolioPart",
    "split_portfolio",
    "extract_features",
    "features_frame",
    "relationship_features",
    "portfolio_red_flags",
]

S = TypeVar("S")
T = TypeVar("T")
# dask's own functions, typed here (dask's annotations leave them untyped)
_compute: Callable[..., tuple[Any, ...]] = dask.base.compute


# ---------------------------------------------------------------------------- arguments
def _check_frame(where: str, ddf: object) -> dd.DataFrame:
    if not isinstance(ddf, dd.DataFrame):
        raise InvalidTypeError(
            f"{where}.ddf",
            type(ddf).__name__,
            "must be a Dask DataFrame (dask.dataframe.from_pandas(df, npartitions=...) "
            "makes one from pandas)",
        )
    return ddf


def _check_scorer(where: str, scorer: object) -> Scorer:
    if not isinstance(scorer, Scorer):
        raise InvalidTypeError(
            f"{where}.scorer",
            type(scorer).__name__,
            "must be a kamlib scorer (the Scorer protocol)",
        )
    return scorer


def _names(path: str, value: object) -> tuple[str, ...]:
    """A sequence of names as a tuple (checked again, fully, by from_frame)."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidTypeError(path, value, "must be a list of column names")
    return tuple(value)


def _renamed(err: FieldError, old: str, where: str, partition: int | None) -> FieldError:
    """``err`` of kamlib.frames named as ``where``'s (and the partition's, for a cell)."""
    frame = f"{where}.ddf" if partition is None else f"{where}.ddf.partitions[{partition}]"
    return err.renamed(f"{old}.df", frame).renamed(old, where)


# ---------------------------------------------------------------------------- reading
@attrs.frozen
class _Reader:
    """How `fit` reads a partition into a FeatureTable (picklable: shipped to workers)."""

    where: str
    id: str
    columns: tuple[str, ...] | None
    categorical: tuple[str, ...]
    nan_is_missing: bool
    missing_label: str | None

    def read(self, df: Any, partition: int | None) -> FeatureTable:
        try:
            return _frames.from_frame(
                df,
                id=self.id,
                columns=self.columns,
                categorical=self.categorical,
                nan_is_missing=self.nan_is_missing,
                missing_label=self.missing_label,
            )
        except FieldError as err:
            raise _renamed(err, "from_frame", self.where, partition) from None


def _apply_piece(df: Any, partition: int, reader: _Reader, fn: Callable[[FeatureTable], T]) -> T:
    return fn(reader.read(df, partition))


@attrs.frozen
class _MapPieces:
    """``map_pieces`` of ``fit_partitioned``: ``fn`` on every partition, one compute."""

    ddf: dd.DataFrame
    reader: _Reader

    def __call__(self, fn: Callable[[FeatureTable], T]) -> list[T]:
        to_delayed: Callable[[], list[Any]] = self.ddf.to_delayed
        apply = delayed(_apply_piece, pure=True)
        tasks = [apply(piece, k, self.reader, fn) for k, piece in enumerate(to_delayed())]
        return list(_compute(*tasks))


def fit(
    scorer: S,
    ddf: dd.DataFrame,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    nan_is_missing: bool = False,
    missing_label: str | None = None,
) -> S:
    """Fit ``scorer`` once on a whole Dask frame: the scorer one machine would fit.

    Each partition is read as by [`from_frame`][kamlib.frames.from_frame] and reduced on
    its worker to a small summary, which
    [`fit_partitioned`][kamlib.scoring.fit_partitioned] merges exactly (a few passes
    over the partitions, each one ``dask.compute`` under the scheduler you configured).
    The result has the same ``get_config()`` as ``scorer.fit`` on the concatenated
    table, for every partitioning. A scorer with nothing left to learn is returned as it
    is, without a task. Persist an expensive frame first
    (``ddf.persist()``): each pass reads every partition.

    Args:
        scorer: The scorer to fit (anything satisfying [`Scorer`][kamlib.scoring.Scorer]
            that [`fit_partitioned`][kamlib.scoring.fit_partitioned] can fit).
        ddf: The Dask DataFrame, one row an account.
        id: Name of the account-id column.
        columns: Numeric feature columns to read. Default: the scorer's
            ``required_features``.
        categorical: Label columns to read.
        nan_is_missing: Read NaN as missing too, instead of refusing it.
        missing_label: Label given to a null in a ``categorical`` column.

    Returns:
        The fitted scorer (same type as ``scorer``).

    Raises:
        InvalidTypeError: ``ddf`` is not a Dask DataFrame, ``scorer`` not a scorer; a
            column of the wrong dtype (found on the frame's ``_meta``, before any task).
        MissingFeatureError: ``id`` or a column is not in the frame (before any task).
        InvalidValueError: A bad cell (NaN, infinity, null id), named by partition, row
            and account, e.g. ``dask.fit.ddf.partitions[1]['nps'][0]``; a quantity with
            no observed value (as ``scorer.fit`` raises).
        DuplicateIdError: An id repeats within a partition.

    A scorer whose fit cannot be done on pieces (``EmpiricalEstimate``, ``ParetoABC``)
    is refused with an ``InvalidTypeError`` at ``dask.fit.scorer`` before any task: fit
    it on one machine and pin it.

    Examples:
        >>> import dask
        >>> import dask.dataframe as dd
        >>> import pandas as pd
        >>> from kamlib.frames import from_frame
        >>> from kamlib.dask import fit
        >>> from kamlib.scoring import Criterion, WeightedPoints
        >>> df = pd.DataFrame({"id": ["A1", "A2", "A3"], "profit": [5.0, 9.0, 1.0]})
        >>> wp = WeightedPoints([Criterion("profit", 1.0)])
        >>> with dask.config.set(scheduler="synchronous"):
        ...     fitted = fit(wp, dd.from_pandas(df, npartitions=2), id="id")
        >>> fitted.get_config() == wp.fit(from_frame(df, id="id")).get_config()
        True
        >>> fitted.criteria[0].mapping.lo, fitted.criteria[0].mapping.hi
        (1.0, 9.0)
        >>> fit(wp, dd.from_pandas(df, npartitions=2), id="account")
        Traceback (most recent call last):
        ...
        kamlib.errors.MissingFeatureError: dask.fit.id: is not a column of the frame; \
have ['id', 'profit']; got 'account'
    """
    where = "dask.fit"
    frame = _check_frame(where, ddf)
    model = _check_scorer(where, scorer)
    names = (
        tuple(model.required_features) if columns is None else _names(f"{where}.columns", columns)
    )
    reader = _Reader(
        where,
        id,
        names,
        _names(f"{where}.categorical", categorical),
        nan_is_missing,
        missing_label,
    )
    reader.read(frame._meta, None)  # every argument and dtype check, before any task
    try:
        return fit_partitioned(scorer, _MapPieces(frame, reader))
    except FieldError as err:  # e.g. a scorer without a fit on pieces, named as ours
        raise err.renamed("fit_partitioned", where) from None


# ---------------------------------------------------------------------------- scoring
class _ScorePartition:
    """Scores one partition with a scorer rebuilt from its config (shipped to workers).

    Pickles as the scorer's class (by reference) and its plain config; the scorer is
    rebuilt once per copy of this object, on first use, through the class's own
    ``from_config`` (the config is validated there like any input).
    """

    __slots__ = ("_lock", "_scorer", "config", "options", "scorer_type")

    def __init__(
        self, scorer_type: type[Any], config: Mapping[str, Any], options: Mapping[str, Any]
    ) -> None:
        self.scorer_type = scorer_type
        self.config = dict(config)
        self.options = dict(options)
        self._scorer: Any = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.scorer_type, self.config, self.options))

    def scorer(self) -> Any:
        with self._lock:  # the threads scheduler shares this object between tasks
            if self._scorer is None:
                self._scorer = self.scorer_type.from_config(self.config)
            return self._scorer

    def __call__(self, df: Any, partition_info: Mapping[str, Any] | None = None) -> Any:
        part = None if partition_info is None else int(partition_info["number"])
        try:
            return _frames.score_frame(self.scorer(), df, **self.options)
        except FieldError as err:
            raise _renamed(err, "score_frame", "dask.score", part) from None


def score(
    scorer: Scorer,
    ddf: dd.DataFrame,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    prefix: str = "",
    nan_is_missing: bool = False,
    missing_label: str | None = None,
) -> dd.DataFrame:
    """Score a Dask frame with a fitted scorer: a lazy frame, each partition `score_frame`'s.

    Nothing runs on the data here. The scorer must be fitted (pinned); its config
    (``get_config()``, plain data) is what the workers receive, with its class: each
    worker rebuilds the scorer with ``type(scorer).from_config``. Each partition of the
    result is exactly [`score_frame`][kamlib.frames.score_frame] of that partition (every
    original column, same index, then ``score``, ``label``, ``coverage``, ``margin``,
    ``reason_<code>``), so the computed frame has the rows, order and bits one machine
    gives for the concatenated frame. ``meta`` (the output's columns and dtypes) is
    `score_frame` of the frame's empty ``_meta``, which also runs every argument, column
    and dtype check before you compute.

    Args:
        scorer: A fitted scorer (``scorer.is_fitted``).
        ddf: The Dask DataFrame.
        id: Name of the account-id column.
        columns: Numeric feature columns to read (default: the scorer's
            ``required_features``).
        categorical: Label columns to read.
        prefix: Put in front of every output column's name.
        nan_is_missing: Read NaN as missing too, instead of refusing it.
        missing_label: Label given to a null in a ``categorical`` column.

    Returns:
        A lazy Dask DataFrame with the same partitions and divisions.

    Raises:
        NotFittedError: The scorer needs ``fit`` first (before any task).
        InvalidTypeError: ``ddf`` is not a Dask DataFrame, ``scorer`` not a scorer; a
            column of the wrong dtype (found on ``_meta``).
        MissingFeatureError: ``id`` or a column is not in the frame (found on ``_meta``).
        InvalidValueError: The scorer's config does not rebuild an equal config; an output
            column clashes with a frame column (pass ``prefix=``); when computed, a bad
            cell, named by partition, row and account
            (``dask.score.ddf.partitions[1]['nps'][0]``).

    Examples:
        >>> import dask
        >>> import dask.dataframe as dd
        >>> import pandas as pd
        >>> from kamlib.dask import score
        >>> from kamlib.frames import score_frame
        >>> from kamlib.scoring import ValueMatrix
        >>> df = pd.DataFrame({"account": ["A1", "A2", "A3"],
        ...                    "profit": [900.0, 100.0, 800.0], "fit": [9.0, 8.0, 2.0]})
        >>> vm = ValueMatrix("profit", ["fit"], x_cut=450.0, y_cut=5.0)
        >>> ddf = dd.from_pandas(df, npartitions=2)
        >>> lazy = score(vm, ddf, id="account")
        >>> lazy.columns.tolist()[:5]
        ['account', 'profit', 'fit', 'score', 'label']
        >>> with dask.config.set(scheduler="synchronous"):
        ...     out = lazy.compute()
        ...     whole = ddf.compute()  # dask's copy: it stores text as its string dtype
        >>> out.equals(score_frame(vm, whole, id="account"))
        True
        >>> score(ValueMatrix("profit", ["fit"]), dd.from_pandas(df, npartitions=2), id="account")
        Traceback (most recent call last):
        ...
        kamlib.errors.NotFittedError: dask.score.scorer: is not fitted: fit it first \
(kamlib.dask.fit), then score with the fitted, pinned scorer; got 'ValueMatrix'
    """
    where = "dask.score"
    frame = _check_frame(where, ddf)
    model = _check_scorer(where, scorer)
    config = pinned_config(model, where, "kamlib.dask.fit")
    cls = type(model)
    options: dict[str, Any] = {
        "id": id,
        "columns": None if columns is None else _names(f"{where}.columns", columns),
        "categorical": _names(f"{where}.categorical", categorical),
        "prefix": prefix,
        "nan_is_missing": nan_is_missing,
        "missing_label": missing_label,
    }
    fn = _ScorePartition(cls, config, options)
    meta = fn(frame._meta)  # every check on the empty frame, before any task
    map_partitions: Callable[..., dd.DataFrame] = frame.map_partitions
    return map_partitions(fn, meta=meta)


# ---------------------------------------------------------------------------- portfolios
_RECORDS: Final = (
    "accounts",
    "people",
    "relationships",
    "commitments",
    "interactions",
    "opportunities",
    "purchases",
    "complaints",
)


@attrs.frozen
class _Records:
    """The records of one part, in portfolio order (picklable: shipped to a worker)."""

    owned: tuple[str, ...]
    records: tuple[tuple[Any, ...], ...]  # one tuple per name of _RECORDS
    context: bool  # stub accounts follow the owned ones

    def build(self) -> Portfolio:
        return Portfolio(**dict(zip(_RECORDS, self.records, strict=True)))


def _stub(account: Account) -> Account:
    """An account holding only its required fields: no figures, answers or references."""
    return Account(
        account.id,
        account.name,
        industry=account.industry,
        region=account.region,
        size_band=account.size_band,
        cooperation_start=account.cooperation_start,
    )


def _references(record: Any, kind: str) -> Iterable[str | None]:
    """The person ids a record names (the references the portfolio checks)."""
    if kind == "accounts":
        yield record.executive_sponsor_id
        for answer in record.nps:
            yield answer.person_id
    elif kind == "commitments":
        yield record.owner_id
        if record.acceptance is not None:
            yield record.acceptance.accepted_by_id
    elif kind == "interactions":
        yield from record.our_people
        yield from record.their_people
    elif kind == "opportunities":
        yield from record.decision_chain
    elif kind == "complaints":
        yield record.owner_id
        yield record.person_id


def _split(portfolio: Portfolio, npartitions: int) -> list[_Records]:
    """Contiguous runs of ``portfolio.accounts``, each with everything its accounts read."""
    accounts = portfolio.accounts
    n = len(accounts)
    k = max(1, min(npartitions, n))
    cuts = [(i * n) // k for i in range(k + 1)]
    part_of: dict[str, int] = {}
    for q in range(k):
        for account in accounts[cuts[q] : cuts[q + 1]]:
            part_of[account.id] = q
    people = portfolio.people
    person_at = {p.id: i for i, p in enumerate(people)}
    home: list[int | None] = [
        None if p.account_id is None else part_of[p.account_id] for p in people
    ]
    shared = [i for i, h in enumerate(home) if h is None]  # people of no account: everywhere
    needed: list[set[int]] = [set(shared) for _ in range(k)]
    for i, h in enumerate(home):
        if h is not None:
            needed[h].add(i)
    chosen: dict[str, list[list[int]]] = {kind: [[] for _ in range(k)] for kind in _RECORDS}
    for kind in ("commitments", "interactions", "opportunities", "purchases", "complaints"):
        for j, record in enumerate(getattr(portfolio, kind)):
            chosen[kind][part_of[record.account_id]].append(j)
    opp_part = {o.id: part_of[o.account_id] for o in portfolio.opportunities}
    for j, r in enumerate(portfolio.relationships):
        s, t = person_at[r.source_id], person_at[r.target_id]
        if r.opportunity_id is None:  # the standing network of the account of either end
            touched = {h for h in (home[s], home[t]) if h is not None}
        else:  # an opportunity's own tie belongs to the opportunity's account
            touched = {opp_part[r.opportunity_id]}
        for q in touched:
            chosen["relationships"][q].append(j)
            needed[q].update((s, t))
    for q in range(k):
        chosen["accounts"][q] = list(range(cuts[q], cuts[q + 1]))
    for kind in ("accounts", "commitments", "interactions", "opportunities", "complaints"):
        source = getattr(portfolio, kind)
        for q in range(k):
            for j in chosen[kind][q]:
                for pid in _references(source[j], kind):
                    if pid is not None:
                        needed[q].add(person_at[pid])
    account_at = {a.id: i for i, a in enumerate(accounts)}
    parts = []
    for q in range(k):
        mine = sorted(needed[q])
        owned = range(cuts[q], cuts[q + 1])
        homes = {account_at[a] for i in mine if (a := people[i].account_id) is not None}
        away = sorted(homes.difference(owned))
        records: list[tuple[Any, ...]] = []
        for kind in _RECORDS:
            if kind == "people":
                records.append(tuple(people[i] for i in mine))
                continue
            source = getattr(portfolio, kind)
            got = tuple(source[j] for j in chosen[kind][q])
            if kind == "accounts":  # the accounts of people named from elsewhere, as stubs
                got += tuple(_stub(accounts[i]) for i in away)
            records.append(got)
        ids = tuple(accounts[i].id for i in owned)
        parts.append(_Records(ids, tuple(records), bool(away)))
    return parts


@attrs.frozen
class PortfolioPart:
    """One part of a portfolio split by account: its accounts and what they read.

    Attributes:
        account_ids: The accounts this part answers for, in portfolio order (a
            contiguous run of ``portfolio.accounts``).
        portfolio: A valid [`Portfolio`][kamlib.model.Portfolio] whose first accounts
            are ``account_ids``, each with every record of its own (the same
            ``account``, ``people_of``, ``relationships_of``, ``commitments_of``,
            ``interactions_of``, ``opportunities_of``, ``purchases_of`` and
            ``complaints_of`` as in the whole portfolio), plus what those records name:
            every person with no account, and the people of other accounts that its
            records name, whose accounts follow as *stubs* (their required fields only;
            their rows are not this part's answers).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.dask import split_portfolio
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> p = synthetic_portfolio(5, seed=1, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        >>> part = split_portfolio(p, 2)[1]
        >>> part.account_ids
        ('A00002', 'A00003', 'A00004')
        >>> part.portfolio.people_of("A00003") == p.people_of("A00003")
        True
    """

    account_ids: tuple[str, ...]
    portfolio: Portfolio


def _check_portfolio(where: str, portfolio: object) -> Portfolio:
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    return portfolio


def split_portfolio(portfolio: Portfolio, npartitions: int) -> tuple[PortfolioPart, ...]:
    """Split a portfolio by account into at most ``npartitions`` parts.

    The accounts are cut into contiguous runs of ``portfolio.accounts`` whose sizes differ
    by at most one (``min(npartitions, len(accounts))`` parts, none empty; one empty part
    for a portfolio without accounts). Each part holds every record of its accounts (see
    `PortfolioPart`), so any per-account analysis gives, on a part, the rows it gives on
    the whole portfolio; the parts in order list the accounts in portfolio order.

    Args:
        portfolio: The portfolio.
        npartitions: The most parts wanted (an integer >= 1).

    Returns:
        The parts, in account order.

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio, ``npartitions`` not an integer.
        InvalidValueError: ``npartitions`` below 1.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.dask import split_portfolio
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> p = synthetic_portfolio(5, seed=1, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        >>> [part.account_ids for part in split_portfolio(p, 2)]
        [('A00000', 'A00001'), ('A00002', 'A00003', 'A00004')]
        >>> len(split_portfolio(p, 9))
        5
    """
    where = "split_portfolio"
    pf = _check_portfolio(where, portfolio)
    k = check_int(f"{where}.npartitions", npartitions, ge=1)
    return tuple(PortfolioPart(r.owned, r.build()) for r in _split(pf, k))


# -- what runs on a worker: one analysis of one part, rows of the owned accounts only
def _part_features(part: _Records, kwargs: Mapping[str, Any]) -> FeatureTable:
    table = _features.extract_features(part.build(), **kwargs)
    return table.take(np.arange(len(part.owned))) if part.context else table


def _part_relationships(part: _Records, kwargs: Mapping[str, Any]) -> RelationshipFeatures:
    rf = _relationship_features(part.build(), **kwargs)
    if not part.context:
        return rf
    m = len(part.owned)
    return RelationshipFeatures(
        rf.ids[:m],
        {k: v[:m] for k, v in rf.columns.items()},
        {k: v[:m] for k, v in rf.missing.items()},
    )


def _part_flags(part: _Records, kwargs: Mapping[str, Any]) -> tuple[RedFlags, ...]:
    return _portfolio_red_flags(part.build(), **kwargs)[: len(part.owned)]


def _part_frame(part: _Records, kwargs: Mapping[str, Any], id: str, start: int) -> Any:
    return _table_frame(_part_features(part, kwargs), id, start)


def _table_frame(table: FeatureTable, id: str, start: int) -> Any:
    """A FeatureTable as pandas: ids and labels as strings, nullable Float64 features."""
    n = len(table)
    data: dict[str, Any] = {id: pd.array(table.ids.tolist(), dtype="string")}
    for j, name in enumerate(table.names):
        values = np.array(table.values[:, j])
        mask = (
            np.zeros(n, dtype=np.bool_) if table.missing is None else np.array(table.missing[:, j])
        )
        values[mask] = 0.0
        data[name] = pd.arrays.FloatingArray(values, mask)
    for name, labels in table.categorical.items():
        data[name] = pd.array(labels.tolist(), dtype="string")
    return pd.DataFrame(data, index=pd.RangeIndex(start, start + n))


def _run(
    where: str,
    portfolio: Portfolio,
    npartitions: int,
    task: Callable[[_Records, Mapping[str, Any]], T],
    kwargs: Mapping[str, Any],
) -> list[T]:
    parts = _split(portfolio, check_int(f"{where}.npartitions", npartitions, ge=1))
    run = delayed(task, pure=True)
    return list(_compute(*(run(part, kwargs) for part in parts)))


def _collection(value: object) -> object:
    """A one-shot iterable of names as a tuple (it is read twice); anything else as is."""
    if value is None or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value  # the core function gives its typed error
    return tuple(value)


def _checked(where: str, core: str, call: Callable[[], T]) -> T:
    """Run the core function on an empty portfolio: its checks, under ``where``'s name."""
    try:
        return call()
    except FieldError as err:
        raise err.renamed(core, where) from None


def _feature_kwargs(
    where: str, portfolio: Portfolio, **given: Any
) -> tuple[dict[str, Any], FeatureTable]:
    given["network_columns"] = _collection(given["network_columns"])
    empty = _checked(
        where, "extract_features", lambda: _features.extract_features(Portfolio(), **given)
    )
    # a part has one currency when the portfolio has: check the whole, as one machine does
    _features._check_one_currency(portfolio.accounts)
    return given, empty


def extract_features(
    portfolio: Portfolio,
    *,
    npartitions: int,
    as_of: dt.datetime,
    periods: int = 4,
    nps_window_days: int = 365,
    network: bool = True,
    customer_value: bool = False,
    purchase_window_days: int = 365,
    network_columns: Iterable[str] | None = None,
) -> FeatureTable:
    """[`kamlib.features.extract_features`][kamlib.features.extract_features] on Dask, by account.

    The portfolio is split by account (`split_portfolio`), each part's features are
    computed by kamlib's own ``extract_features`` in one Dask task (one ``dask.compute``
    under your scheduler), and the parts' rows are stacked in part order. The result
    equals ``kamlib.features.extract_features(portfolio, ...)`` to the bit: same ids in
    the same order (``portfolio.accounts``), same values, missing masks and labels.
    Arguments are checked, and a mix of currencies refused, on the caller's side before
    any task runs, with the errors one machine raises (paths start at
    ``dask.extract_features``).

    Args:
        portfolio: The portfolio.
        npartitions: The most parts (Dask tasks); at most one part per account.
        as_of: As in ``kamlib.features.extract_features``.
        periods: As there.
        nps_window_days: As there.
        network: As there.
        customer_value: As there.
        purchase_window_days: As there.
        network_columns: As there.

    Returns:
        The [`FeatureTable`][kamlib.FeatureTable].

    Raises:
        InvalidTypeError: As ``kamlib.features.extract_features``; ``npartitions`` not an
            integer.
        InvalidValueError: As there; ``npartitions`` below 1.
        CurrencyMismatchError: As there.

    Examples:
        >>> import dask
        >>> import datetime as dt
        >>> import numpy as np
        >>> import kamlib.dask as kd
        >>> from kamlib.features import extract_features
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(6, seed=1, as_of=as_of)
        >>> with dask.config.set(scheduler="synchronous"):
        ...     t = kd.extract_features(p, npartitions=2, as_of=as_of)
        >>> one = extract_features(p, as_of=as_of)
        >>> t.ids.tolist() == one.ids.tolist()
        True
        >>> bool(np.array_equal(t.values, one.values, equal_nan=True))
        True
    """
    where = "dask.extract_features"
    pf = _check_portfolio(where, portfolio)
    kwargs, _ = _feature_kwargs(
        where,
        pf,
        as_of=as_of,
        periods=periods,
        nps_window_days=nps_window_days,
        network=network,
        customer_value=customer_value,
        purchase_window_days=purchase_window_days,
        network_columns=network_columns,
    )
    return FeatureTable.concat(_run(where, pf, npartitions, _part_features, kwargs))


def features_frame(
    portfolio: Portfolio,
    *,
    npartitions: int,
    as_of: dt.datetime,
    id: str = "id",
    periods: int = 4,
    nps_window_days: int = 365,
    network: bool = True,
    customer_value: bool = False,
    purchase_window_days: int = 365,
    network_columns: Iterable[str] | None = None,
) -> dd.DataFrame:
    """The features of `extract_features` as a lazy Dask frame, one partition a part.

    Columns: ``id`` (``string``), every feature as nullable ``Float64`` (a missing value
    is a null, kamlib's reading of missing), then the label columns ``industry``,
    ``size_band`` and ``region`` (``string``). Rows follow ``portfolio.accounts``; the
    index is the row's position (divisions known). Reading the computed frame back with
    [`from_frame`][kamlib.frames.from_frame] (``categorical=`` the label columns) gives
    the table ``kamlib.features.extract_features`` gives, to the bit; `score` scores it
    directly. Nothing runs until you compute; the arguments are checked before.

    Args:
        portfolio: The portfolio.
        npartitions: The most partitions; at most one per account.
        as_of: As in ``kamlib.features.extract_features``.
        id: Name of the id column (not a feature's name).
        periods: As there.
        nps_window_days: As there.
        network: As there.
        customer_value: As there.
        purchase_window_days: As there.
        network_columns: As there.

    Returns:
        A lazy Dask DataFrame.

    Raises:
        InvalidTypeError: As `extract_features`; ``id`` not a ``str``.
        InvalidValueError: As `extract_features`; ``id`` is a column name of the table.
        CurrencyMismatchError: As `extract_features`.

    Examples:
        >>> import dask
        >>> import datetime as dt
        >>> import kamlib.dask as kd
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(6, seed=1, as_of=as_of)
        >>> ddf = kd.features_frame(p, npartitions=2, as_of=as_of, id="account")
        >>> ddf.npartitions, ddf.columns[:3].tolist(), str(ddf.dtypes["revenue"])
        (2, ['account', 'revenue', 'quarters_recorded'], 'Float64')
        >>> with dask.config.set(scheduler="synchronous"):
        ...     df = ddf.compute()
        >>> df["account"].tolist() == [a.id for a in p.accounts]
        True
    """
    where = "dask.features_frame"
    pf = _check_portfolio(where, portfolio)
    id_name = check_name(f"{where}.id", id)
    kwargs, empty = _feature_kwargs(
        where,
        pf,
        as_of=as_of,
        periods=periods,
        nps_window_days=nps_window_days,
        network=network,
        customer_value=customer_value,
        purchase_window_days=purchase_window_days,
        network_columns=network_columns,
    )
    if id_name in empty or id_name in empty.categorical:
        raise InvalidValueError(
            f"{where}.id", id_name, "is the name of a feature column; pass another id="
        )
    parts = _split(pf, check_int(f"{where}.npartitions", npartitions, ge=1))
    starts = np.cumsum([0, *(len(p.owned) for p in parts)]).tolist()
    make = delayed(_part_frame, pure=True)
    pieces = [
        make(part, kwargs, id_name, start) for part, start in zip(parts, starts, strict=False)
    ]
    n = starts[-1]
    divisions = (*starts[:-1], n - 1) if n else (None, None)
    from_delayed: Callable[..., dd.DataFrame] = dd.from_delayed
    return from_delayed(pieces, meta=_table_frame(empty, id_name, 0), divisions=divisions)


def relationship_features(
    portfolio: Portfolio,
    *,
    npartitions: int,
    as_of: dt.datetime,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
    portrait_weights: SupportRule = DEFAULT_PORTRAIT_WEIGHTS,
    window_days: int = 90,
    alpha: float = 0.85,
    columns: Iterable[str] | None = None,
) -> RelationshipFeatures:
    """[`kamlib.network.relationship_features`][kamlib.network.relationship_features] on Dask.

    Split by account like `extract_features`: the result equals the one-machine
    ``relationship_features(portfolio, ...)`` to the bit (same ids in portfolio order,
    same columns and missing masks, read-only). Arguments are checked before any task
    (paths start at ``dask.relationship_features``).

    Args:
        portfolio: The portfolio.
        npartitions: The most parts (Dask tasks).
        as_of: As in ``kamlib.network.relationship_features``.
        role_weights: As there.
        portrait_weights: As there (a callable rule must pickle under a process or
            distributed scheduler).
        window_days: As there.
        alpha: As there.
        columns: As there.

    Returns:
        The [`RelationshipFeatures`][kamlib.network.RelationshipFeatures].

    Raises:
        InvalidTypeError: As there; ``npartitions`` not an integer.
        InvalidValueError: As there; ``npartitions`` below 1.

    Examples:
        >>> import dask
        >>> import datetime as dt
        >>> import numpy as np
        >>> import kamlib.dask as kd
        >>> from kamlib.network import relationship_features
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(6, seed=1, as_of=as_of)
        >>> with dask.config.set(scheduler="synchronous"):
        ...     rf = kd.relationship_features(p, npartitions=3, as_of=as_of)
        >>> one = relationship_features(p, as_of=as_of)
        >>> rf.ids == one.ids, bool(np.array_equal(rf.columns["coverage"], one.columns["coverage"]))
        (True, True)
    """
    where = "dask.relationship_features"
    pf = _check_portfolio(where, portfolio)
    kwargs: dict[str, Any] = {
        "as_of": as_of,
        "role_weights": role_weights,
        "portrait_weights": portrait_weights,
        "window_days": window_days,
        "alpha": alpha,
        "columns": _collection(columns),
    }
    _checked(where, "relationship_features", lambda: _relationship_features(Portfolio(), **kwargs))
    if isinstance(role_weights, Mapping):
        kwargs["role_weights"] = dict(role_weights)  # a MappingProxyType does not pickle
    parts = _run(where, pf, npartitions, _part_relationships, kwargs)
    names = list(parts[0].columns)
    ids = tuple(i for part in parts for i in part.ids)
    cols = {k: np.concatenate([part.columns[k] for part in parts]) for k in names}
    miss = {k: np.concatenate([part.missing[k] for part in parts]) for k in names}
    for arr in (*cols.values(), *miss.values()):
        arr.flags.writeable = False
    return RelationshipFeatures(ids, MappingProxyType(cols), MappingProxyType(miss))


def portfolio_red_flags(
    portfolio: Portfolio,
    *,
    npartitions: int,
    as_of: dt.datetime,
    single_thread_share: float = DEFAULT_SINGLE_THREAD_SHARE,
) -> tuple[RedFlags, ...]:
    """[`kamlib.network.portfolio_red_flags`][kamlib.network.portfolio_red_flags] on Dask.

    Split by account like `extract_features`: one `RedFlags` per account in portfolio
    order, equal to the one-machine result (same flags, texts and people). Arguments are
    checked before any task (paths start at ``dask.portfolio_red_flags``).

    Args:
        portfolio: The portfolio.
        npartitions: The most parts (Dask tasks).
        as_of: As in ``kamlib.network.portfolio_red_flags``.
        single_thread_share: As there.

    Returns:
        One [`RedFlags`][kamlib.network.RedFlags] per account.

    Raises:
        InvalidTypeError: As there; ``npartitions`` not an integer.
        InvalidValueError: As there; ``npartitions`` below 1.

    Examples:
        >>> import dask
        >>> import datetime as dt
        >>> import kamlib.dask as kd
        >>> from kamlib.network import portfolio_red_flags
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(6, seed=1, as_of=as_of)
        >>> with dask.config.set(scheduler="synchronous"):
        ...     flags = kd.portfolio_red_flags(p, npartitions=4, as_of=as_of)
        >>> flags == portfolio_red_flags(p, as_of=as_of)
        True
    """
    where = "dask.portfolio_red_flags"
    pf = _check_portfolio(where, portfolio)
    kwargs: dict[str, Any] = {"as_of": as_of, "single_thread_share": single_thread_share}
    _checked(where, "portfolio_red_flags", lambda: _portfolio_red_flags(Portfolio(), **kwargs))
    parts = _run(where, pf, npartitions, _part_flags, kwargs)
    return tuple(flags for part in parts for flags in part)
