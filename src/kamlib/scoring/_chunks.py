"""Chunked scoring: a table scored piece by piece, the same bits as scored in one piece.

A pinned scorer's ``score`` is row-local: an account's scores, label, coverage, margin,
reasons, missing flags, contributions and explanation depend only on its own row and the
fixed parameters (see [`Scorer`][kamlib.scoring.Scorer] and `kamlib.scoring._kernel`).
So scoring the rows in chunks and stacking the results
([`ScoreTable.concat`][kamlib.scoring.ScoreTable.concat]) gives the one-piece result
bit for bit, while the scorer's working memory (its per-row intermediates) is bounded by a
chunk instead of the table.

Two doors:

- [`score_chunks`][kamlib.scoring.score_chunks]: one result per input table, lazily, for
  inputs fed as a stream (larger than memory: read, score, write, drop);
- [`score_chunked`][kamlib.scoring.score_chunked]: one table in memory, cut into row
  ranges by ``chunk_size`` or a byte budget, the results stacked into one.

How rows are cut (contiguous row ranges, the byte budget read as the table's own bytes per
row, the default budget) is kamlib's own choice; no source gives a chunking rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kamlib._ids import mark_checked
from kamlib._table import FeatureTable
from kamlib._validators import check_int
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.scoring._protocol import Scorer
from kamlib.scoring._result import ScoreTable, concat_checked

__all__ = ["DEFAULT_CHUNK_BYTES", "chunk_rows", "score_chunked", "score_chunks"]

DEFAULT_CHUNK_BYTES = 32 * 2**20
"""The byte budget of a chunk when neither ``chunk_size`` nor ``max_bytes`` is given: 32 MiB
of the table's own bytes (kamlib's own choice).

Large enough that the per-chunk cost (a few small arrays and one result object) is lost in
the rows (about 290,000 rows of a 12-column table), small enough that a scorer's
intermediates (a few float64 columns per row) stay within a few hundred MiB.

Examples:
    >>> from kamlib.scoring._chunks import DEFAULT_CHUNK_BYTES
    >>> DEFAULT_CHUNK_BYTES // 2**20  # MiB
    32
"""

_ID_BYTES = 8  # one object pointer per id (the strings themselves are shared, not copied)
_FLOAT_BYTES = 8


def _check_scorer(scorer: object) -> Scorer:
    if not callable(getattr(scorer, "score", None)):
        raise InvalidTypeError("scorer", scorer, "must be a scorer (with a score method)")
    return scorer  # type: ignore[return-value]


def _score(scorer: Scorer, table: FeatureTable, kwargs: Mapping[str, Any]) -> ScoreTable:
    if not kwargs:
        return scorer.score(table)
    score: Any = scorer.score  # keyword arguments go beyond the protocol's signature
    result: ScoreTable = score(table, **kwargs)
    return result


def score_chunks(
    scorer: Scorer, tables: Iterable[FeatureTable], **score_kwargs: Any
) -> Iterator[ScoreTable]:
    """Score each table of a stream, lazily: one result per table, in order.

    For inputs larger than memory: feed the tables one at a time (read from files, a
    database cursor, a frame's batches), keep or write each result, and drop it; only
    the table being scored and its result are held at once. Stack the results with
    [`ScoreTable.concat`][kamlib.scoring.ScoreTable.concat] when they fit in memory: a
    pinned scorer's stacked results equal scoring the stacked tables in one piece, bit
    for bit (its score is row-local).

    The scorer and ``tables`` are checked when this is called; each table when it is
    reached (its scoring errors are raised then too, e.g. `NotFittedError` on the first).

    Args:
        scorer: A fitted (pinned) scorer; it is never fitted here.
        tables: The tables, any iterable (a list, a generator).
        **score_kwargs: Passed to every ``scorer.score`` call unchanged, e.g.
            ``previous=`` of [`HealthModel.score`][kamlib.scoring.HealthModel.score]
            (looked up by account id, so one result serves every chunk). A keyword whose
            value is aligned with the rows of one table would be wrong for the others:
            such scorers cannot be scored in chunks this way.

    Returns:
        An iterator of ScoreTable, one per table.

    Raises:
        InvalidTypeError: ``scorer`` has no ``score`` method; ``tables`` is a single
            FeatureTable or not iterable; an item is not a FeatureTable (``tables[i]``,
            raised when it is reached).

    Examples:
        >>> import numpy as np
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, MinMax, ScoreTable, WeightedPoints
        >>> from kamlib.scoring import score_chunks
        >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))])
        >>> def stream():  # e.g. batches read from a file, one at a time
        ...     yield FeatureTable.from_columns(["A", "B"], {"x": [1.0, 4.0]})
        ...     yield FeatureTable.from_columns(["C"], {"x": [9.0]})
        >>> results = score_chunks(wp, stream())
        >>> [r.scores.tolist() for r in results]
        [[1.0, 4.0], [9.0]]
        >>> whole = FeatureTable.from_columns(["A", "B", "C"], {"x": [1.0, 4.0, 9.0]})
        >>> stacked = ScoreTable.concat(score_chunks(wp, stream()))
        >>> np.array_equal(stacked.scores, wp.score(whole).scores)
        True
    """
    checked = _check_scorer(scorer)
    if isinstance(tables, FeatureTable | str | bytes | Mapping) or not isinstance(tables, Iterable):
        raise InvalidTypeError(
            "tables",
            tables,
            "must be an iterable of FeatureTable (for one table use score_chunked)",
        )
    return _scored(checked, tables, dict(score_kwargs))


def _scored(
    scorer: Scorer, tables: Iterable[FeatureTable], kwargs: Mapping[str, Any]
) -> Iterator[ScoreTable]:
    for i, table in enumerate(tables):
        if not isinstance(table, FeatureTable):
            raise InvalidTypeError(f"tables[{i}]", table, "must be a FeatureTable")
        yield _score(scorer, table, kwargs)


def _row_bytes(table: FeatureTable) -> int:
    """The table's own bytes per row: values, missing flags, id and label pointers."""
    k = len(table.names)
    per_row = k * _FLOAT_BYTES + _ID_BYTES + len(table.categorical) * _ID_BYTES
    if table.missing is not None:
        per_row += k  # one bool per cell
    return per_row


def chunk_rows(
    table: FeatureTable, *, chunk_size: int | None = None, max_bytes: int | None = None
) -> int:
    """Rows per chunk for ``table``: ``chunk_size``, or the rows that fit in ``max_bytes``.

    ``max_bytes`` is read against the table's own bytes per row (8 per float column, 1 per
    column for a missing mask, 8 for the id and for each categorical column's label), at
    least one row; neither given: `DEFAULT_CHUNK_BYTES`. kamlib's own rule.

    Raises:
        InvalidTypeError: ``chunk_size`` or ``max_bytes`` is not an int.
        InvalidValueError: Both are given, or one is not > 0.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring._chunks import chunk_rows
        >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0], "y": [3.0, 4.0]})
        >>> chunk_rows(t, chunk_size=5), chunk_rows(t, max_bytes=240), chunk_rows(t, max_bytes=1)
        (5, 10, 1)
        >>> chunk_rows(t, chunk_size=0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: score_chunked.chunk_size: must be an int in [1, inf); \
got 0
    """
    if chunk_size is not None and max_bytes is not None:
        raise InvalidValueError(
            "score_chunked.max_bytes", max_bytes, "must not be given with chunk_size (give one)"
        )
    if chunk_size is not None:
        return check_int("score_chunked.chunk_size", chunk_size, ge=1)
    budget = (
        DEFAULT_CHUNK_BYTES
        if max_bytes is None
        else check_int("score_chunked.max_bytes", max_bytes, ge=1)
    )
    return max(1, budget // _row_bytes(table))


def _rows_of(table: FeatureTable, start: int, stop: int) -> FeatureTable:
    """Rows ``start:stop`` of ``table`` as views of its read-only arrays (no copy).

    The ids are a slice of checked ids (distinct rows), so they stay checked; a missing
    mask with nothing missing in these rows is dropped, as `FeatureTable.take` does.
    """
    rows = slice(start, stop)
    ids = table.ids[rows]
    mark_checked(ids, table.ids)
    missing = None
    if table.missing is not None:
        part = table.missing[rows]
        missing = part if part.any() else None
    return FeatureTable(
        ids=ids,
        names=table.names,
        values=table.values[rows],
        missing=missing,
        categorical={k: v[rows] for k, v in table.categorical.items()},
    )


def score_chunked(
    scorer: Scorer,
    table: FeatureTable,
    *,
    chunk_size: int | None = None,
    max_bytes: int | None = None,
    **score_kwargs: Any,
) -> ScoreTable:
    """Score ``table`` in chunks of rows: the same result as ``scorer.score(table)``, bit for bit.

    The table is cut into contiguous row ranges (views of its arrays, no copy) of
    ``chunk_size`` rows, or of as many rows as fit in ``max_bytes`` of the table's own
    bytes per row (at least one; see `chunk_rows`); neither given: a budget of 32 MiB
    (`DEFAULT_CHUNK_BYTES`). Each range is scored and the results are stacked with
    [`ScoreTable.concat`][kamlib.scoring.ScoreTable.concat], keeping the table's ids.
    The scorer's working memory is then that of one chunk; the result itself, as in one
    piece, holds a column per row. A table that fits in one chunk is scored in one piece.

    **The guarantee**: for a pinned scorer whose ``score`` is row-local (every built-in:
    fixed parameters applied row by row, element-wise, never a reduction over rows),
    every column equals the one-piece result: ids, scores, labels, coverage, margin,
    reason flags, missing flags, contributions, and `ScoreTable.explain` of every id.
    The chunking rule is kamlib's own choice.

    Args:
        scorer: A fitted (pinned) scorer; it is never fitted here.
        table: The accounts.
        chunk_size: Rows per chunk, an int > 0.
        max_bytes: Byte budget per chunk of the table's own bytes, an int > 0.
        **score_kwargs: Passed to every chunk's ``scorer.score`` unchanged, e.g.
            ``previous=`` of [`HealthModel.score`][kamlib.scoring.HealthModel.score] (an
            earlier result, looked up by account id: the same bits as in one piece). A
            keyword aligned with the table's rows would not follow the chunks: pass such
            a scorer's table in one piece.

    Returns:
        One ScoreTable, equal to ``scorer.score(table, **score_kwargs)`` bit for bit.

    Raises:
        InvalidTypeError: ``table`` is not a FeatureTable; ``scorer`` has no ``score``;
            ``chunk_size`` or ``max_bytes`` is not an int.
        InvalidValueError: Both ``chunk_size`` and ``max_bytes``, or one not > 0.
        KamlibError: Whatever ``scorer.score`` raises, for the first chunk that raises it
            (a built-in names the first offending account, as in one piece).

    Examples:
        >>> import numpy as np
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, WeightedPoints, score_chunked
        >>> t = FeatureTable.from_columns(
        ...     [f"A{i}" for i in range(10)], {"x": np.arange(10.0), "y": np.arange(10.0) ** 2}
        ... )
        >>> wp = WeightedPoints([Criterion("x", 2), Criterion("y")], threshold=5.0).fit(t)
        >>> st = score_chunked(wp, t, chunk_size=3)
        >>> np.array_equal(st.scores, wp.score(t).scores)
        True
        >>> st.labels.tolist() == wp.score(t).labels.tolist()
        True
        >>> score_chunked(wp, t, max_bytes=64).explain("A7") == wp.score(t).explain("A7")
        True
        >>> score_chunked(wp, t, chunk_size=3, max_bytes=64)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: score_chunked.max_bytes: must not be given with \
chunk_size (give one); got 64
    """
    if not isinstance(table, FeatureTable):
        raise InvalidTypeError("score_chunked.table", table, "must be a FeatureTable")
    checked = _check_scorer(scorer)
    size = chunk_rows(table, chunk_size=chunk_size, max_bytes=max_bytes)
    n = len(table)
    if n <= size:
        return _score(checked, table, score_kwargs)
    chunks = [_rows_of(table, start, min(start + size, n)) for start in range(0, n, size)]
    parts = list(_scored(checked, chunks, score_kwargs))
    if all(p.ids is c.ids for p, c in zip(parts, chunks, strict=True)):
        # every part kept its chunk's ids: stacked, they are the table's own (checked) ids
        return concat_checked(parts, table.ids)
    return ScoreTable.concat(parts)
