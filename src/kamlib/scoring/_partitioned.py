"""Fit on pieces: the exact population parameters of data split across pieces or machines.

[`fit_partitioned`][kamlib.scoring.fit_partitioned] fits a scorer on data that is never in
one place (the partitions of a Dask or Spark frame, the chunks of a file) and gives the
fitted scorer that ``scorer.fit`` gives on all of it at once: the same configuration, bit
for bit. kamlib's adapters ([`kamlib.dask`][kamlib.dask], [`kamlib.spark`][kamlib.spark])
run it; anything that can apply a function to every piece can.

How (kamlib's own method; no source gives one): a fit reads a few order statistics of a
few quantities (its `Reading`: a min-max range reads the minimum and maximum, percentile
knots and quantile cuts read the values at two ranks per quantile). Each value is found
**exactly** by a radix selection over the bits of its float64 key, 16 bits per pass: every
piece counts its values per next 16-bit digit, among those that share the digits found so
far; the counts add up across pieces (integers: exact, in any order); the digit where the
wanted rank falls is fixed, and the next pass looks only inside it. A bucket small enough
(`GATHER_LIMIT` values) is gathered whole instead and the rank read off its sorted keys.
The first pass also brings each piece's count and extreme keys, so a minimum or maximum
(a min-max range) is known after one pass. At most four passes over the pieces; what
crosses the network per pass is counts and a few small buckets, never the data. The
values are then interpolated by the kernel's own quantile arithmetic, so they are the
bits ``fit`` computes in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.scoring._population import Need, RankedSample

__all__ = ["DIGIT_BITS", "GATHER_LIMIT", "MAX_PASSES", "PieceSummary", "fit_partitioned"]

S = TypeVar("S")
U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]

DIGIT_BITS = 16
"""Bits of the float64 key fixed per pass of `fit_partitioned` (kamlib's own choice).

Examples:
    >>> from kamlib.scoring._partitioned import DIGIT_BITS
    >>> DIGIT_BITS
    16
"""

MAX_PASSES = 64 // DIGIT_BITS
"""Most passes `fit_partitioned` makes over the pieces per stage of a fit.

Examples:
    >>> from kamlib.scoring import MAX_PASSES
    >>> MAX_PASSES  # 64 bits of a float64 key, 16 per pass
    4
"""

GATHER_LIMIT = 1 << 14
"""A bucket holding at most this many values (over all pieces) is gathered whole.

Kamlib's own trade: a gathered bucket ends a search one or two passes early, for at most
this many 8-byte keys sent to the driver.

Examples:
    >>> from kamlib.scoring import GATHER_LIMIT
    >>> GATHER_LIMIT
    16384
"""

_DIGITS = 1 << DIGIT_BITS
_DENSE_CELLS = 1 << 22  # counting into a dense array up to this many cells, else np.unique
_SIGN = np.uint64(1 << 63)


def _keys(values: NDArray[np.float64]) -> U64:
    """Unsigned keys in the order of the (canonical, non-NaN) float64 values."""
    bits = values.view(np.uint64)
    neg = (bits & _SIGN) != 0
    out: U64 = np.where(neg, ~bits, bits | _SIGN)
    return out


def _value(key: int) -> float:
    """The float64 of a key made by `_keys`."""
    k = np.uint64(key)
    bits = (k & ~_SIGN) if (k & _SIGN) else ~k
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])


def _top(keys: U64, bits: int) -> U64:
    out: U64 = keys >> np.uint64(64 - bits)
    return out


@attrs.frozen
class _Group:
    """Values of one quantity whose top ``bits`` bits are one of ``prefixes``."""

    quantity: int
    bits: int
    prefixes: U64  # sorted, unique
    gather: bool  # send the matching keys (else: counts per next digit)
    count: bool = False  # the first pass: also the count and the extreme keys
    digits: bool = True  # count per next digit (the first pass of extremes alone: no)


def _members(keys: U64, g: _Group) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    if g.bits == 0:
        return np.zeros(keys.shape[0], dtype=np.intp), np.ones(keys.shape[0], dtype=np.bool_)
    top = _top(keys, g.bits)
    at = np.searchsorted(g.prefixes, top)
    at_c = np.minimum(at, g.prefixes.shape[0] - 1)
    return at_c, g.prefixes[at_c] == top


@attrs.frozen
class PieceSummary:
    """What one piece answers to one pass of `fit_partitioned` (small, picklable).

    ``parts[g]`` answers group ``g`` of the pass: ``(codes, counts)`` (code = prefix
    index x 2**16 + next digit) for a counting group, ``(prefix index, keys)`` for a
    gathering one. ``firsts[g]``, on a quantity's first pass, is its ``(count, smallest
    key, largest key)`` in the piece (keys ``-1`` when it has none), else ``None``.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import PieceSummary
        >>> PieceSummary(parts=(), firsts=()).parts
        ()
    """

    parts: tuple[tuple[I64, NDArray[Any]], ...]
    firsts: tuple[tuple[int, int, int] | None, ...]


@attrs.frozen
class _Ask:
    """One pass, as a picklable function of a piece: ``ask(table) -> PieceSummary``."""

    scorer: Any
    groups: tuple[_Group, ...]

    def __call__(self, table: FeatureTable) -> PieceSummary:
        if not isinstance(table, FeatureTable):
            raise InvalidTypeError("fit_partitioned.piece", table, "must be a FeatureTable")
        reading = self.scorer._fit_reading()
        asked = {g.quantity for g in self.groups}  # quantities whose searches are still open
        keys = {j: _keys(v) for j, v in enumerate(reading.values(table)) if j in asked}
        parts: list[tuple[I64, NDArray[Any]]] = []
        firsts: list[tuple[int, int, int] | None] = []
        for g in self.groups:
            k = keys[g.quantity]
            firsts.append(
                None
                if not g.count
                else (int(k.size), int(k.min()), int(k.max()))
                if k.size
                else (0, -1, -1)
            )
            if not g.digits:
                parts.append((np.zeros(0, np.int64), np.zeros(0, np.int64)))
                continue
            at, member = _members(k, g)
            if g.gather:
                parts.append((at[member].astype(np.int64), k[member]))
                continue
            shift = np.uint64(64 - g.bits - DIGIT_BITS)
            digit = ((k[member] >> shift) & np.uint64(_DIGITS - 1)).astype(np.int64)
            code = at[member].astype(np.int64) * _DIGITS + digit
            cells = g.prefixes.shape[0] * _DIGITS
            if cells <= _DENSE_CELLS:
                dense = np.bincount(code, minlength=cells)
                nz = np.flatnonzero(dense)
                parts.append((nz.astype(np.int64), dense[nz].astype(np.int64)))
            else:
                codes, counts = np.unique(code, return_counts=True)
                parts.append((codes.astype(np.int64), counts.astype(np.int64)))
        return PieceSummary(parts=tuple(parts), firsts=tuple(firsts))


@attrs.define
class _Target:
    """The search for the value at one rank of one quantity."""

    rank: int  # wanted rank within the bucket (prefix) found so far
    prefix: int = 0
    bits: int = 0
    bucket: int = -1  # values in the bucket (-1: unknown)
    key: int | None = None  # found


def _summaries(map_pieces: Callable[[_Ask], Iterable[object]], ask: _Ask) -> list[PieceSummary]:
    got = map_pieces(ask)
    try:
        out = list(got)
    except TypeError:
        raise InvalidTypeError(
            "fit_partitioned.map_pieces", got, "must return an iterable of the pieces' results"
        ) from None
    checked: list[PieceSummary] = []
    for i, s in enumerate(out):
        if not isinstance(s, PieceSummary) or len(s.firsts) != len(ask.groups):
            raise InvalidValueError(
                f"fit_partitioned.map_pieces[{i}]",
                s,
                "must be what the function it was given returned for a piece",
            )
        checked.append(s)
    return checked


def _merge_counts(parts: Sequence[tuple[I64, NDArray[Any]]]) -> tuple[I64, I64]:
    codes = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    counts = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    if codes.size == 0:
        return codes, counts
    order = np.argsort(codes, kind="stable")
    codes, counts = codes[order], counts[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return codes[starts], np.add.reduceat(counts, starts)


def _stage(
    scorer: Any, reading: Any, map_pieces: Callable[[_Ask], Iterable[object]]
) -> tuple[list[RankedSample], int]:
    """Answer one reading from the pieces: a `RankedSample` per quantity; passes made."""
    needs: tuple[Need, ...] = reading.needs
    names: tuple[str, ...] = reading.names
    q = len(needs)
    sizes: list[int | None] = [None] * q
    targets: list[dict[int, _Target]] = [{} for _ in range(q)]
    passes = 0
    while True:
        groups: list[_Group] = []
        members: list[list[_Target]] = []
        # Open searches, grouped by quantity, depth and mode (one group per kind of question)
        for j in range(q):
            if sizes[j] is None:
                digits = bool(needs[j].probs)  # extremes alone come with the counts
                first = _Group(
                    j, 0, np.zeros(1, np.uint64), gather=False, count=True, digits=digits
                )
                groups.append(first)
                members.append([])
                continue
            open_ = [t for t in targets[j].values() if t.key is None]
            for gather in (False, True):
                for bits in sorted({t.bits for t in open_}):
                    ts = [
                        t
                        for t in open_
                        if t.bits == bits and (0 <= t.bucket <= GATHER_LIMIT) == gather
                    ]
                    if ts:
                        prefixes = np.unique(np.array([t.prefix for t in ts], dtype=np.uint64))
                        groups.append(_Group(j, bits, prefixes, gather))
                        members.append(ts)
        if not groups:
            break
        passes += 1
        ask = _Ask(scorer, tuple(groups))
        pieces = _summaries(map_pieces, ask)
        for gi, (g, ts) in enumerate(zip(groups, members, strict=True)):
            parts = [p.parts[gi] for p in pieces]
            if g.gather:
                at = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
                ks = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.uint64)
                by = np.lexsort((ks, at))  # one sort: by bucket, then by key
                at, ks = at[by], ks[by]
                for t in ts:
                    i = int(np.searchsorted(g.prefixes, np.uint64(t.prefix)))
                    start = int(np.searchsorted(at, i))
                    t.key = int(ks[start + t.rank])
                continue
            codes, counts = _merge_counts(parts)
            if g.count:  # the first pass: the size, every target, and the extremes found
                firsts = [f for p in pieces if (f := p.firsts[gi]) is not None and f[0]]
                n = sum(f[0] for f in firsts)
                sizes[g.quantity] = n
                ranks = needs[g.quantity].ranks(n)
                targets[g.quantity] = {int(r): _Target(rank=int(r)) for r in ranks}
                ts = []
                for r, t in targets[g.quantity].items():
                    if r == 0:
                        t.key = min(f[1] for f in firsts)
                    elif r == n - 1:
                        t.key = max(f[2] for f in firsts)
                    else:
                        ts.append(t)
            sums: dict[int, tuple[int, I64]] = {}  # per bucket: where its digits start, cumsum
            for t in ts:
                i = int(np.searchsorted(g.prefixes, np.uint64(t.prefix)))
                if i not in sums:
                    lo, hi = np.searchsorted(codes, [i * _DIGITS, (i + 1) * _DIGITS])
                    sums[i] = (int(lo), np.cumsum(counts[lo:hi]))
                lo, cum = sums[i]
                d = int(np.searchsorted(cum, t.rank, side="right"))
                before = int(cum[d - 1]) if d else 0
                t.rank -= before
                t.bucket = int(counts[lo + d])
                t.prefix = (t.prefix << DIGIT_BITS) | int(codes[lo + d] - i * _DIGITS)
                t.bits += DIGIT_BITS
                if t.bits == 64:
                    t.key = t.prefix
    samples = []
    for j in range(q):
        size = sizes[j]
        assert size is not None
        order = {r: _value(t.key) for r, t in targets[j].items() if t.key is not None}
        samples.append(RankedSample(size, order, names[j]))
    return samples, passes


def fit_partitioned(
    scorer: S, map_pieces: Callable[[Callable[[FeatureTable], Any]], Iterable[Any]]
) -> S:
    """Fit ``scorer`` on data split into pieces, exactly as ``scorer.fit`` on all of it.

    ``map_pieces(fn)`` applies ``fn`` to the [`FeatureTable`][kamlib.FeatureTable] of every
    piece (a partition, a chunk: on workers or in a loop) and returns the results, in any
    order. ``fn`` is a picklable callable and returns a small picklable
    [`PieceSummary`][kamlib.scoring.PieceSummary]; a piece may be empty. The fit calls
    ``map_pieces`` at most `MAX_PASSES` times per stage of the scorer's fit (pieces are
    read again each time: persist a Dask or Spark frame first) and never gathers the data:
    see the module docstring for the method.

    The result is what ``scorer.fit(FeatureTable.concat(pieces))`` returns: the same
    configuration, bit for bit, for every built-in scorer whose fit learns ranges,
    percentile knots or quantile cuts: `WeightedPoints`, `HealthModel`, `ValueMatrix`,
    `CustomerLifetimeValue` and `RFM` (whose top cut, a quantile of the score under the
    learned cuts, is a second stage: a fit reads the pieces once more per stage).
    Pinned means pinned: a scorer with nothing to learn comes back as it is, and no piece is
    read.

    Args:
        scorer: A scorer that can be fitted on pieces.
        map_pieces: Applies a function to every piece's table; returns the results.

    Returns:
        The fitted scorer (a new object; ``scorer`` is unchanged).

    Raises:
        InvalidTypeError: ``scorer`` has no fit on pieces (its fit reads more than order
            statistics: fit it on one machine and pin it), or ``map_pieces`` misbehaves.
        InvalidValueError: A quantity with no observed value (as ``fit`` raises).
        MissingFeatureError: A piece lacks a column the scorer reads.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, Percentile, WeightedPoints, fit_partitioned
        >>> pieces = [
        ...     FeatureTable.from_columns(["A", "B"], {"x": [1.0, 7.0]}),
        ...     FeatureTable.from_columns([], {"x": []}),
        ...     FeatureTable.from_columns(["C"], {"x": [4.0]}),
        ... ]
        >>> wp = WeightedPoints([Criterion("x", mapping=Percentile(n_knots=3))])
        >>> fitted = fit_partitioned(wp, lambda fn: [fn(t) for t in pieces])
        >>> fitted.criteria[0].mapping.knots
        (1.0, 4.0, 7.0)
        >>> fitted == wp.fit(FeatureTable.concat(pieces))
        True
    """
    if not callable(getattr(scorer, "_fit_reading", None)):
        raise InvalidTypeError(
            "fit_partitioned.scorer",
            type(scorer).__name__,
            "has no fit on pieces (its fit reads more than ranges and quantiles): fit it on "
            "one machine, on the columns it learns from, and pin it",
        )
    if not callable(map_pieces):
        raise InvalidTypeError("fit_partitioned.map_pieces", map_pieces, "must be callable")
    current: Any = scorer
    reading = current._fit_reading()
    while reading is not None:
        samples, _ = _stage(current, reading, map_pieces)
        current = reading.learn(samples)
        reading = current._fit_reading()
    out: S = current
    return out
