"""The DataFrame door: pandas, polars (any eager frame narwhals reads) in, the same kind out.

Needs the ``dataframe`` extra (``pip install 'kamlib[dataframe]'``, which brings
[narwhals](https://narwhals-dev.github.io/narwhals/)). The core never imports this module,
and this is the only kamlib module that imports narwhals; pandas and polars are never
imported by kamlib at all (narwhals reads whichever frame it is given).

- `from_frame` reads a frame into a [`FeatureTable`][kamlib.FeatureTable];
- `score_frame` scores a frame and returns the same kind of frame with the result's
  columns added (pandas in, pandas out; polars in, polars out);
- `to_frame` turns a [`ScoreTable`][kamlib.scoring.ScoreTable] into a frame;
- `purchases_from_frame` reads a transaction table into
  [`PurchaseColumns`][kamlib.features.PurchaseColumns], the column door of RFM.

**Null and NaN.** A *null* (``None``, ``pd.NA``, a polars null) is a missing value: it is
declared in the table's missing mask. A *NaN* is refused with
[`InvalidValueError`][kamlib.errors.InvalidValueError] naming the column and the account,
unless ``nan_is_missing=True``: a NaN is usually the trace of a computation that went
wrong (``0 / 0``), and kamlib never scores one silently. This is kamlib's own choice. A
NumPy-backed pandas ``float64`` column cannot hold a null apart from NaN, so its NaN are
NaN: use a nullable dtype (``Float64``, ``Int64``, ``boolean``) or polars for real nulls,
or pass ``nan_is_missing=True``.

The numbers reach the kernels unchanged, so a score from `score_frame` has the same bits
as the score of the same rows built with
[`FeatureTable.from_columns`][kamlib.FeatureTable.from_columns].

Examples:
    >>> import pandas as pd
    >>> from kamlib.frames import from_frame
    >>> df = pd.DataFrame({"id": ["A1", "A2"], "nps": pd.array([40, None], dtype="Int64")})
    >>> table = from_frame(df, id="id")
    >>> table.column("nps").tolist(), table.is_missing("nps").tolist()
    ([40.0, nan], [False, True])
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

try:
    import narwhals
    import narwhals.stable.v2 as nw
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "kamlib.frames needs narwhals: install the extra with pip install 'kamlib[dataframe]'"
    ) from exc

from kamlib._ids import check_id_list
from kamlib._purchases import PurchaseColumns
from kamlib._table import FeatureTable
from kamlib._validators import check_flag, check_name
from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError, MissingFeatureError
from kamlib.scoring._result import ScoreTable

if TYPE_CHECKING:
    from narwhals.stable.v2.typing import IntoDataFrameT

    from kamlib.scoring._protocol import Scorer

__all__ = ["from_frame", "purchases_from_frame", "score_frame", "to_frame"]

BoolArray = NDArray[np.bool_]

_EAGER = frozenset(
    {
        nw.Implementation.PANDAS,
        nw.Implementation.POLARS,
        nw.Implementation.PYARROW,
        nw.Implementation.MODIN,
        nw.Implementation.CUDF,
    }
)
_SHOWN_COLUMNS = 8


# ---------------------------------------------------------------------------- arguments
def _eager(df: object, where: str) -> nw.DataFrame[Any]:
    """Return ``df`` as an eager narwhals frame, or raise a kamlib error naming its type."""
    try:
        return nw.from_native(df, eager_only=True)
    except TypeError:
        raise InvalidTypeError(
            f"{where}.df",
            type(df).__name__,
            "must be an eager DataFrame that narwhals reads (pandas, polars, pyarrow, ...); "
            "collect a lazy frame first",
        ) from None
    except ValueError as err:  # narwhals refuses e.g. repeated column names
        reason = str(err).replace("\n", " ")
        raise InvalidValueError(
            f"{where}.df", type(df).__name__, f"cannot be read: {reason[:160]}"
        ) from None


def _have(frame: nw.DataFrame[Any]) -> str:
    names = frame.columns
    shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
    more = f", ... ({len(names)} columns)" if len(names) > _SHOWN_COLUMNS else ""
    return f"[{shown}{more}]"


def _name_list(path: str, value: object) -> list[str]:
    """Check a sequence of distinct column names; return it as a list."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidTypeError(path, value, "must be a list of column names")
    names = [check_name(f"{path}[{i}]", v) for i, v in enumerate(value)]
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise InvalidValueError(f"{path}[{i}]", name, "repeats a column")
        seen.add(name)
    return names


def _check_present(path: str, names: Sequence[str], frame: nw.DataFrame[Any]) -> None:
    present = set(frame.columns)
    for name in names:
        if name not in present:
            raise MissingFeatureError(
                path, name, f"is not a column of the frame; have {_have(frame)}"
            )


def _check_prefix(where: str, prefix: object) -> str:
    if not isinstance(prefix, str):
        raise InvalidTypeError(f"{where}.prefix", prefix, "must be a str")
    return prefix


def _check_missing_label(where: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidTypeError(f"{where}.missing_label", value, "must be a str or None")
    return value


# ---------------------------------------------------------------------------- reading
def _cell(where: str, name: str, i: int) -> str:
    return f"{where}.df[{name!r}][{i}]"


def _is_text(dtype: Any) -> bool:
    """String, categorical or enum; or pandas ``object``, whose cells are checked one by one."""
    return any(dtype == t for t in (nw.String, nw.Categorical, nw.Enum, nw.Object))


def _read_ids(where: str, frame: nw.DataFrame[Any], id: str) -> list[str]:
    s = frame.get_column(id)
    dtype = s.dtype
    if not _is_text(dtype):
        raise InvalidTypeError(
            f"{where}.df[{id!r}]", str(dtype), "must be a column of str account ids"
        )
    null = np.array(s.is_null().to_numpy(), dtype=np.bool_)
    if null.any():
        i = int(np.flatnonzero(null)[0])
        raise InvalidValueError(
            _cell(where, id, i), None, "is null; every row needs a non-empty str account id"
        )
    ids: list[Any] = s.to_list()
    check_id_list(f"{where}.df[{id!r}]", ids)
    return ids


def _read_numeric(
    where: str,
    frame: nw.DataFrame[Any],
    name: str,
    ids: Sequence[str],
    nan_is_missing: bool,
) -> tuple[NDArray[np.float64], BoolArray]:
    """Return a column as float64 values and its missing mask (nulls, and NaN if allowed)."""
    s = frame.get_column(name)
    dtype = s.dtype
    n = len(s)
    null = np.array(s.is_null().to_numpy(), dtype=np.bool_)
    if dtype == nw.Unknown and bool(null.all()):  # e.g. polars' Null dtype: nothing known
        return np.zeros(n), null
    if not (dtype.is_numeric() or dtype.is_boolean()):
        raise InvalidTypeError(
            f"{where}.df[{name!r}]",
            str(dtype),
            "must be a numeric or boolean column (list a label column in categorical=)",
        )
    if dtype.is_float():
        nan = np.asarray(s.is_nan().fill_null(False).to_numpy(), dtype=np.bool_)
        # pandas' NumPy float64 reports a NaN as null too: a cell that is NaN is a NaN.
        null &= ~nan
        if nan.any():
            if not nan_is_missing:
                i = int(np.flatnonzero(nan)[0])
                raise InvalidValueError(
                    _cell(where, name, i),
                    float("nan"),
                    f"is NaN (account {ids[i]!r}); kamlib reads only a null as missing: "
                    "use a null (polars, or a nullable dtype such as pandas' Float64) "
                    "or pass nan_is_missing=True",
                )
            null |= nan
    values = s.cast(nw.Float64()).fill_null(0.0).to_numpy()
    return np.asarray(values, dtype=np.float64), null


def _read_labels(
    where: str,
    frame: nw.DataFrame[Any],
    name: str,
    ids: Sequence[str],
    missing_label: str | None,
) -> list[str]:
    s = frame.get_column(name)
    dtype = s.dtype
    if not _is_text(dtype):
        raise InvalidTypeError(
            f"{where}.df[{name!r}]", str(dtype), "must be a string or categorical column of labels"
        )
    null = np.array(s.is_null().to_numpy(), dtype=np.bool_)
    labels: list[Any] = s.to_list()
    if null.any():
        if missing_label is None:
            i = int(np.flatnonzero(null)[0])
            raise InvalidValueError(
                _cell(where, name, i),
                None,
                f"is null (account {ids[i]!r}); a label must be a str: fill the column "
                "or pass missing_label=",
            )
        for i in np.flatnonzero(null).tolist():
            labels[i] = missing_label
    for i, v in enumerate(labels):
        if not isinstance(v, str):
            raise InvalidTypeError(_cell(where, name, i), v, "must be a str label")
    return labels


def _table(
    where: str,
    frame: nw.DataFrame[Any],
    *,
    id: object,
    columns: object,
    categorical: object,
    nan_is_missing: object,
    missing_label: object,
    default_columns: Sequence[str] | None = None,
) -> FeatureTable:
    """Read ``frame`` into a FeatureTable; every error path starts with ``where``."""
    id_name = check_name(f"{where}.id", id)
    nan_ok = check_flag(f"{where}.nan_is_missing", nan_is_missing)
    label = _check_missing_label(where, missing_label)
    cats = _name_list(f"{where}.categorical", categorical)
    _check_present(f"{where}.id", [id_name], frame)
    _check_present(f"{where}.categorical", cats, frame)
    if columns is None and default_columns is None:
        every: list[object] = list(frame.columns)  # pandas allows names of any type
        names = []
        for c in every:
            if c == id_name or c in cats:
                continue
            if not isinstance(c, str) or not c.strip():
                raise InvalidTypeError(f"{where}.df", c, "column names must be non-empty str")
            names.append(c)
    else:
        names = _name_list(f"{where}.columns", default_columns if columns is None else columns)
        _check_present(f"{where}.columns", names, frame)
    if id_name in names or id_name in cats:
        raise InvalidValueError(f"{where}.columns", id_name, "is the id column, not a feature")
    both = [c for c in names if c in set(cats)]
    if both:
        raise InvalidValueError(
            f"{where}.categorical", both[0], "is also listed as a numeric column"
        )
    ids = _read_ids(where, frame, id_name)
    values: dict[str, object] = {}
    missing: dict[str, object] = {}
    for name in names:
        col, mask = _read_numeric(where, frame, name, ids, nan_ok)
        values[name] = col
        if mask.any():
            missing[name] = mask
    labels = {name: _read_labels(where, frame, name, ids, label) for name in cats}
    try:
        return FeatureTable.from_columns(ids, values, missing=missing, categorical=labels)
    except FieldError as err:  # an infinity or a magnitude too large: name the frame's cell
        head = "FeatureTable.columns"
        if err.path.startswith(head):
            raise type(err)(f"{where}.df{err.path[len(head) :]}", err.value, err.reason) from None
        raise


# ---------------------------------------------------------------------------- writing
def _outputs(st: ScoreTable, prefix: str) -> list[tuple[str, Any, Any]]:
    """Return ``(name, values, narwhals dtype)`` for each output column of ``st``.

    Values are fresh, contiguous copies: nothing of the frozen ScoreTable is shared with
    a frame that its owner may write.
    """
    out: list[tuple[str, Any, Any]] = [
        (f"{prefix}score", np.array(st.scores, dtype=np.float64), nw.Float64())
    ]
    labels = st.labels
    if labels is not None:
        out.append((f"{prefix}label", labels.tolist(), nw.String()))
    out.append((f"{prefix}coverage", np.array(st.coverage, dtype=np.float64), nw.Float64()))
    if st.margin is not None:
        out.append((f"{prefix}margin", np.array(st.margin, dtype=np.float64), nw.Float64()))
    flags = st.reason_flags
    for j, code in enumerate(st.reason_codes):
        col = np.zeros(len(st), dtype=np.bool_) if flags is None else np.array(flags[:, j])
        out.append((f"{prefix}reason_{code}", col, nw.Boolean()))
    return out


def _check_clash(where: str, names: Sequence[str], taken: Sequence[object]) -> None:
    existing = set(taken)
    for name in names:
        if name in existing:
            raise InvalidValueError(
                f"{where}.prefix",
                name,
                "gives an output column that is already a column of the frame; "
                "pass a prefix= that names kamlib's columns apart",
            )


# ---------------------------------------------------------------------------- public API
def from_frame(
    df: object,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    nan_is_missing: bool = False,
    missing_label: str | None = None,
) -> FeatureTable:
    """Read a DataFrame (pandas, polars, or any eager frame narwhals reads) into a table.

    Numeric and boolean columns become float64 features (``True`` is ``1.0``); a null is
    a declared missing value; a NaN is an error unless ``nan_is_missing=True`` (see the
    module docstring). Nullable pandas dtypes (``Int64``, ``Float64``, ``boolean``) keep
    their nulls apart from NaN. The frame's index (pandas) plays no part; rows are read in
    order. The frame is only read, never changed.

    Args:
        df: The frame.
        id: Name of the column of account ids: non-null, non-empty, unique ``str``.
        columns: Numeric feature columns, in table order. Default: every column but
            ``id`` and ``categorical``, in frame order (each must then be numeric or
            boolean).
        categorical: String or categorical (pandas ``category``, polars ``Categorical`` /
            ``Enum``) columns, read as the table's label columns.
        nan_is_missing: Read NaN as missing too, instead of refusing it.
        missing_label: Label given to a null in a ``categorical`` column; by default a
            null label is refused (a label column has no missing mask).

    Returns:
        A validated [`FeatureTable`][kamlib.FeatureTable].

    Raises:
        InvalidTypeError: ``df`` is not an eager frame; a feature column is not numeric or
            boolean, a label column not string or categorical, the id column not string
            (each named with its dtype); a label is not a ``str``.
        InvalidValueError: A NaN (without ``nan_is_missing``), an infinity or a value
            above ``1e15`` in magnitude (named by column, row and account); a null id or
            label; a column listed twice or as both kinds.
        MissingFeatureError: ``id``, a ``columns`` or a ``categorical`` name is not a
            column of the frame.
        DuplicateIdError: Two rows share an id.

    Examples:
        >>> import pandas as pd
        >>> from kamlib.frames import from_frame
        >>> df = pd.DataFrame({
        ...     "account": ["A1", "A2", "A3"],
        ...     "revenue": [120.0, 80.0, 95.5],
        ...     "nps": pd.array([40, None, 10], dtype="Int64"),
        ...     "industry": pd.Categorical(["retail", "energy", "retail"]),
        ... })
        >>> t = from_frame(df, id="account", categorical=["industry"])
        >>> t.names, t.ids.tolist()
        (('revenue', 'nps'), ['A1', 'A2', 'A3'])
        >>> t.is_missing("nps").tolist()
        [False, True, False]
        >>> t.category("industry").tolist()
        ['retail', 'energy', 'retail']
        >>> from_frame(pd.DataFrame({"id": ["A1"], "nps": [float("nan")]}), id="id")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: from_frame.df['nps'][0]: is NaN (account 'A1'); ...
        >>> from_frame(df, id="account", columns=["profit"])
        Traceback (most recent call last):
        ...
        kamlib.errors.MissingFeatureError: from_frame.columns: is not a column of the frame; \
have ['account', 'revenue', 'nps', 'industry']; got 'profit'
    """
    frame = _eager(df, "from_frame")
    return _table(
        "from_frame",
        frame,
        id=id,
        columns=columns,
        categorical=categorical,
        nan_is_missing=nan_is_missing,
        missing_label=missing_label,
    )


def score_frame(
    scorer: Scorer,
    df: IntoDataFrameT,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    prefix: str = "",
    nan_is_missing: bool = False,
    missing_label: str | None = None,
) -> IntoDataFrameT:
    """Score a DataFrame and return the same kind of frame with the result's columns added.

    The rows are read as by `from_frame`, scored with ``scorer.score`` (fixed parameters:
    fit the scorer first), and returned in the same order, with every original column
    (and, for pandas, the same index) followed by:

    - ``score`` (float64) and, when the scorer has classes, ``label`` (str);
    - ``coverage`` (float64) and, when the scorer reports one, ``margin`` (float64);
    - one boolean ``reason_<code>`` per reason code, True where the rule fired.

    Each name is ``prefix`` + the name above. The scores have the same bits as
    ``scorer.score(FeatureTable.from_columns(...))`` on the same rows. The input frame is
    never changed; a new frame is returned (a narwhals frame in, a narwhals frame of the
    same namespace out).

    Args:
        scorer: A fitted scorer (anything satisfying
            [`Scorer`][kamlib.scoring.Scorer]).
        df: The frame.
        id: Name of the account-id column.
        columns: Numeric feature columns to read. Default: the scorer's
            ``required_features``, so other columns (names, notes) are left alone.
        categorical: Label columns to read (e.g. ``industry`` and ``size_band`` for
            [`EmpiricalEstimate`][kamlib.scoring.EmpiricalEstimate]).
        prefix: Put in front of every output column's name, to keep them apart from the
            frame's own columns.
        nan_is_missing: Read NaN as missing too, instead of refusing it.
        missing_label: Label given to a null in a ``categorical`` column.

    Returns:
        A new frame of the input's kind.

    Raises:
        InvalidValueError: An output column name is already a column of the frame (the
            message names it; pass ``prefix=``); and as `from_frame`.
        InvalidTypeError: As `from_frame`.
        MissingFeatureError: As `from_frame`.
        NotFittedError: The scorer needs ``fit`` first.

    Examples:
        >>> import pandas as pd
        >>> from kamlib.frames import score_frame
        >>> from kamlib.scoring import ValueMatrix
        >>> df = pd.DataFrame({
        ...     "account": ["A1", "A2", "A3", "A4"],
        ...     "name": ["Acme", "Birch", "Cobalt", "Dune"],
        ...     "profit": [900.0, 100.0, 800.0, 50.0],
        ...     "fit": [9.0, 8.0, 2.0, 1.0],
        ... })
        >>> vm = ValueMatrix("profit", ["fit"], x_cut=450.0, y_cut=5.0)
        >>> out = score_frame(vm, df, id="account")
        >>> out.columns.tolist()[:6]
        ['account', 'name', 'profit', 'fit', 'score', 'label']
        >>> out["label"].tolist()
        ['strategic', 'potential', 'profit', 'ordinary']
        >>> out["reason_high_contribution"].tolist()
        [True, False, True, False]
        >>> list(df.columns)  # the input is unchanged
        ['account', 'name', 'profit', 'fit']
        >>> score_frame(vm, out, id="account")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: score_frame.prefix: gives an output column that is \
already a column of the frame; pass a prefix= that names kamlib's columns apart; got 'score'
        >>> score_frame(vm, out, id="account", prefix="again_")["again_score"].tolist()
        [9.0, 8.0, 2.0, 1.0]
    """
    where = "score_frame"
    frame = _eager(df, where)
    pre = _check_prefix(where, prefix)
    _check_clash(where, [f"{pre}score", f"{pre}coverage"], frame.columns)  # before the work
    table = _table(
        where,
        frame,
        id=id,
        columns=columns,
        categorical=categorical,
        nan_is_missing=nan_is_missing,
        missing_label=missing_label,
        default_columns=tuple(scorer.required_features),
    )
    result = scorer.score(table)
    outputs = _outputs(result, pre)
    _check_clash(where, [name for name, _, _ in outputs], frame.columns)
    impl = frame.implementation
    out = frame.with_columns(
        *(nw.new_series(name, values, dtype, backend=impl) for name, values, dtype in outputs)
    )
    return _same_kind(df, out)  # type: ignore[no-any-return]


def _same_kind(df: object, out: nw.DataFrame[Any]) -> Any:
    """Return ``out`` as the kind of frame ``df`` is: native, or narwhals of its namespace."""
    if isinstance(df, nw.DataFrame):
        return out
    if isinstance(df, narwhals.DataFrame):  # the main namespace, or stable.v1
        v1 = sys.modules.get("narwhals.stable.v1")  # loaded if df is one of its frames
        ns: Any = v1 if v1 is not None and isinstance(df, v1.DataFrame) else narwhals
        return ns.from_native(out.to_native(), eager_only=True)
    return out.to_native()


def to_frame(
    score_table: ScoreTable,
    *,
    backend: str | ModuleType | nw.Implementation,
    id: str = "id",
    prefix: str = "",
) -> Any:
    """Return a [`ScoreTable`][kamlib.scoring.ScoreTable] as a DataFrame of ``backend``.

    The columns are ``id`` (the account ids) and the output columns of `score_frame`
    (``score``, ``label``, ``coverage``, ``margin``, ``reason_<code>``, each after
    ``prefix``), one row per account, in the table's order.

    Args:
        score_table: A scorer's result.
        backend: The eager DataFrame library to build: ``"pandas"``, ``"polars"``,
            ``"pyarrow"``, ``"modin"``, ``"cudf"``, the module itself, or a narwhals
            ``Implementation``.
        id: Name of the id column.
        prefix: Put in front of every output column's name.

    Returns:
        A native frame of ``backend``.

    Raises:
        InvalidTypeError: ``score_table`` is not a ScoreTable; ``id`` or ``prefix`` is
            not a ``str``.
        InvalidValueError: ``backend`` names no eager library or is not installed;
            ``id`` is also the name of an output column.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.frames import to_frame
        >>> from kamlib.scoring import ValueMatrix
        >>> t = FeatureTable.from_columns(["A1", "A2"], {"profit": [900.0, 50.0],
        ...                                              "fit": [9.0, 1.0]})
        >>> st = ValueMatrix("profit", ["fit"], x_cut=450.0, y_cut=5.0).score(t)
        >>> df = to_frame(st, backend="pandas")
        >>> type(df).__name__, df.columns.tolist()[:4]
        ('DataFrame', ['id', 'score', 'label', 'coverage'])
        >>> df["label"].tolist()
        ['strategic', 'ordinary']
        >>> to_frame(st, backend="spreadsheet")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: to_frame.backend: must name an eager DataFrame \
library: 'pandas', 'polars', 'pyarrow', 'modin' or 'cudf' (or its module); got 'spreadsheet'
    """
    where = "to_frame"
    if not isinstance(score_table, ScoreTable):
        raise InvalidTypeError(
            f"{where}.score_table", type(score_table).__name__, "must be a kamlib ScoreTable"
        )
    id_name = check_name(f"{where}.id", id)
    pre = _check_prefix(where, prefix)
    given: Any = backend  # narwhals types the values it knows; any other is refused below
    try:
        impl: Any = nw.Implementation.from_backend(given)
    except Exception:  # narwhals' own refusal of an odd value: kamlib's error below
        impl = nw.Implementation.UNKNOWN
    if impl not in _EAGER:
        raise InvalidValueError(
            f"{where}.backend",
            backend,
            "must name an eager DataFrame library: 'pandas', 'polars', 'pyarrow', 'modin' "
            "or 'cudf' (or its module)",
        )
    outputs = _outputs(score_table, pre)
    if id_name in {name for name, _, _ in outputs}:
        raise InvalidValueError(
            f"{where}.id", id_name, "is also the name of an output column; pass another id="
        )
    data: dict[str, Any] = {id_name: score_table.ids.tolist()}
    schema: dict[str, Any] = {id_name: nw.String()}
    for name, values, dtype in outputs:
        data[name] = values
        schema[name] = dtype
    try:
        frame = nw.from_dict(data, schema=schema, backend=impl)
    except ImportError:
        raise InvalidValueError(f"{where}.backend", backend, "is not installed") from None
    return frame.to_native()


def purchases_from_frame(
    df: Any,
    *,
    account_id: str = "account_id",
    at: str = "at",
    amount: str = "amount",
    currency: str | None = None,
) -> PurchaseColumns:
    """Read a transaction table (one row a purchase) into `PurchaseColumns`.

    The frame door of
    [`PurchaseColumns.from_columns`][kamlib.features.PurchaseColumns.from_columns]: the
    same checks and the same columns, then
    [`purchase_features`][kamlib.features.purchase_features] gives the RFM inputs. The
    time column must be a timezone-aware datetime column (a naive one says nothing about
    when in UTC a purchase happened, so it is refused: kamlib's rule for every moment);
    amounts are numbers ``>= 0`` (a refund is netted into the purchase it reverses). The
    frame is only read, never changed; rows are read in order, and the index (pandas)
    plays no part.

    Args:
        df: An eager frame narwhals reads (pandas, polars, pyarrow, ...).
        account_id: Name of the column of account ids (``str``, non-null).
        at: Name of the column of purchase moments (timezone-aware datetimes, non-null).
        amount: Name of the column of amounts (numeric, non-null).
        currency: The amounts' currency (ISO 4217), if it should be checked against a
            portfolio's.

    Returns:
        The validated [`PurchaseColumns`][kamlib.features.PurchaseColumns].

    Raises:
        InvalidTypeError: ``df`` is not an eager frame; a column of the wrong dtype
            (named with it).
        InvalidValueError: A null cell (named by column and row); a naive time column;
            a negative, NaN or too large amount (as in ``from_columns``).
        MissingFeatureError: A named column is not in the frame.

    Examples:
        >>> import datetime as dt
        >>> import pandas as pd
        >>> from kamlib.features import purchase_features
        >>> from kamlib.frames import purchases_from_frame
        >>> df = pd.DataFrame({
        ...     "account_id": ["A1", "A1", "A2"],
        ...     "at": pd.to_datetime(["2025-11-02", "2025-12-01", "2025-06-30"], utc=True),
        ...     "amount": [1200.0, 300.0, 80.0],
        ... })
        >>> cols = purchases_from_frame(df)
        >>> t = purchase_features(cols, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        >>> t.ids.tolist(), t.column("purchase_total").tolist()
        (['A1', 'A2'], [1500.0, 80.0])
        >>> purchases_from_frame(df.assign(at=df["at"].dt.tz_localize(None)))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: purchases_from_frame.df['at']: must be a \
timezone-aware datetime column (a naive time says nothing of when in UTC); got \
"Datetime(time_unit=..., time_zone=None)"
    """
    where = "purchases_from_frame"
    frame = _eager(df, where)
    names = []
    for arg, value in (("account_id", account_id), ("at", at), ("amount", amount)):
        names.append(check_name(f"{where}.{arg}", value))
        _check_present(f"{where}.{arg}", names[-1:], frame)
    for name in names:
        null = np.array(frame.get_column(name).is_null().to_numpy(), dtype=np.bool_)
        if null.any():
            raise InvalidValueError(
                _cell(where, name, int(np.flatnonzero(null)[0])), None, "is null"
            )
    ids = frame.get_column(names[0])
    if not _is_text(ids.dtype):
        raise InvalidTypeError(
            f"{where}.df[{names[0]!r}]", str(ids.dtype), "must be a column of str account ids"
        )
    times = frame.get_column(names[1])
    if not isinstance(times.dtype, nw.Datetime):
        raise InvalidTypeError(
            f"{where}.df[{names[1]!r}]", str(times.dtype), "must be a datetime column"
        )
    if times.dtype.time_zone is None:
        raise InvalidValueError(
            f"{where}.df[{names[1]!r}]",
            str(times.dtype),
            "must be a timezone-aware datetime column (a naive time says nothing of when in UTC)",
        )
    amounts = frame.get_column(names[2])
    if not amounts.dtype.is_numeric():
        raise InvalidTypeError(
            f"{where}.df[{names[2]!r}]", str(amounts.dtype), "must be a numeric column"
        )
    return PurchaseColumns.from_columns(
        ids.to_list(),
        times.to_list(),
        np.asarray(amounts.to_numpy(), dtype=np.float64),
        currency=currency,
    )
