"""Spark adapter: fit exactly on a Spark DataFrame, then score it lazily with a pinned scorer.

Needs the ``spark`` extra (``pip install 'kamlib[spark]'``: PySpark with its SQL
dependencies, pyarrow and narwhals) and a Java runtime (JDK 17) for Spark itself. This is
the only kamlib module that imports PySpark; the core never imports it.

- `fit` fits a scorer on a Spark DataFrame **exactly**: through
  [`fit_partitioned`][kamlib.scoring.fit_partitioned], each pass applies a small function
  to every partition (``mapInArrow``) and collects its summary on the driver. The fitted
  scorer has the same configuration, bit for bit, as ``scorer.fit`` on the whole table
  in memory.
- `score` scores a Spark DataFrame with a **pinned** scorer: its configuration is
  broadcast, rebuilt once per partition on the executors, and every Arrow batch is scored
  by [`score_frame`][kamlib.frames.score_frame]'s own reading and kernels. The result is a
  lazy Spark DataFrame: the input columns, then ``score``, ``label``, ``coverage``,
  ``margin`` and ``reason_<code>`` (those the scorer reports), with the names and types
  of [`score_frame`][kamlib.frames.score_frame]'s output.
- `score_schema` is that output schema, computed on the driver without a job.

**Why the answer is the same as on one machine.** A pinned scorer scores each row from
the row's own values and fixed parameters (no reduction over rows), so a row's score
does not depend on which partition or batch it lands in, nor on their order; the
configuration is JSON-like data whose floats travel exactly; Arrow hands the executors
the same float64 bits the driver has. A fit reads order statistics that `fit_partitioned`
finds exactly from per-partition counts. The tests prove it bit for bit for several
partitionings and a shuffled order.

**Arrow, not pandas** (kamlib's own choice): ``mapInArrow`` keeps a null apart from a
NaN (Arrow's validity bitmap), where ``mapInPandas`` would turn a null ``double`` into
NaN and a nullable ``long`` into ``float64``. So a Spark null is a *missing* value, and a
NaN is refused as [`from_frame`][kamlib.frames.from_frame] refuses it (unless
``nan_is_missing=True``).

**Which Spark types are read.** The id column and label (``categorical``) columns must be
``string``; feature columns ``boolean``, ``tinyint``, ``smallint``, ``int``, ``bigint``,
``float``, ``double``, ``decimal`` or ``void`` (all null). Anything else is refused on the
driver, before any job, with [`InvalidTypeError`][kamlib.errors.InvalidTypeError] naming
the column and its Spark type. Columns that are not read pass through unchanged.

**When errors surface.** Everything that can be checked from the schema and the scorer
(an unfitted scorer, a missing column, a wrong type, a clash of output names) raises a
typed kamlib error at the call, before any job. A bad *value* (a NaN, a null id) is
found where the data is: `fit` brings the executor's typed error back and raises it on
the driver; `score` is lazy, so the error surfaces when the result is computed, as
Spark's ``PythonException`` carrying kamlib's message (its path starts with
``spark.score.sdf`` and names the Spark partition). Account ids are checked for
uniqueness within each Arrow batch, not across the DataFrame (that would need a
shuffle).

Examples:
    The output schema is known on the driver, without Spark running:

    >>> from pyspark.sql.types import DoubleType, StringType, StructField, StructType
    >>> from kamlib.scoring import ValueMatrix
    >>> from kamlib.spark import score_schema
    >>> schema = StructType([StructField("account", StringType())] + [
    ...     StructField(c, DoubleType()) for c in ValueMatrix().required_features])
    >>> vm = ValueMatrix(x_cut=5e4, y_cut=5.0)
    >>> score_schema(vm, schema, id="account").fieldNames()[5:9]
    ['score', 'label', 'coverage', 'margin']

    The recipe on Spark itself is on the docs page "Spark" (its code is the test suite's).
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, TypeVar

import attrs
import numpy as np

try:
    import pyarrow as pa
    from pyspark import TaskContext
    from pyspark.sql import DataFrame
    from pyspark.sql import types as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "kamlib.spark needs pyspark and pyarrow: install the extra with pip install 'kamlib[spark]'"
    ) from exc

from kamlib._table import FeatureTable
from kamlib._validators import check_flag, check_name
from kamlib.errors import (
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    MissingFeatureError,
)
from kamlib.frames import (
    _check_missing_label,
    _check_prefix,
    _name_list,
    _outputs,
    from_frame,
)
from kamlib.scoring import Scorer, fit_partitioned
from kamlib.scoring._protocol import pinned_config

_FIT_FIRST: Final = "kamlib.spark.fit, or scorer.fit on a table"

__all__ = ["fit", "score", "score_schema"]

S = TypeVar("S", bound=Scorer)

_NUMERIC: Final = (
    st.BooleanType,
    st.ByteType,
    st.ShortType,
    st.IntegerType,
    st.LongType,
    st.FloatType,
    st.DoubleType,
    st.DecimalType,
    st.NullType,
)
_SUMMARY: Final = "summary"
_SHOWN_COLUMNS: Final = 8
# pyspark's pandas-UDF machinery (which mapInArrow shares) warns about pandas >= 3 on
# every call; mapInArrow converts nothing through pandas, so the warning is not ours.
_PANDAS_WARNING: Final = "PySpark does not yet fully support pandas"


# ---------------------------------------------------------------------------- the driver
def _check_scorer(where: str, scorer: object) -> Scorer:
    if not isinstance(scorer, Scorer):
        raise InvalidTypeError(
            f"{where}.scorer",
            type(scorer).__name__,
            "must be a kamlib scorer (see kamlib.scoring.Scorer)",
        )
    return scorer


def _check_sdf(where: str, sdf: object) -> DataFrame:
    if not isinstance(sdf, DataFrame):
        raise InvalidTypeError(f"{where}.sdf", type(sdf).__name__, "must be a Spark DataFrame")
    return sdf


def _quoted(name: str) -> str:
    """A column reference Spark reads literally (dots and backticks are not syntax)."""
    return "`" + name.replace("`", "``") + "`"


@attrs.frozen
class _Read:
    """What an executor reads from an Arrow batch, and how (``from_frame``'s options).

    Built on the driver by `_plan`, after every check the schema allows; shipped to the
    executors with the job.
    """

    where: str
    id: str
    names: tuple[str, ...]
    categorical: tuple[str, ...]
    nan_is_missing: bool
    missing_label: str | None

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.id, *self.names, *self.categorical)

    def empty(self) -> FeatureTable:
        """The 0-row table of these columns (an empty partition)."""
        return FeatureTable.from_columns(
            [],
            {name: np.empty(0) for name in self.names},
            categorical={name: [] for name in self.categorical},
        )

    def table(self, batches: Sequence[Any]) -> FeatureTable:
        """Read Arrow record batches (one or more, one schema) into a FeatureTable."""
        if not batches:
            return self.empty()
        arrow = pa.Table.from_batches(list(batches)).select(list(self.columns))
        try:
            return from_frame(
                arrow,
                id=self.id,
                columns=list(self.names),
                categorical=list(self.categorical),
                nan_is_missing=self.nan_is_missing,
                missing_label=self.missing_label,
            )
        except FieldError as err:  # name the Spark frame and partition, not from_frame's
            err = err.renamed("from_frame.df", f"{self.where}.sdf")
            ctx = TaskContext.get()
            where = f"Spark partition {ctx.partitionId()}" if ctx is not None else "the driver"
            reason = f"{err.reason} [{where}; a row index counts within its Arrow batch]"
            raise type(err)(err.path, err.value, reason) from None


def _plan(
    where: str,
    scorer: Scorer,
    schema: st.StructType,
    *,
    id: object,
    columns: object,
    categorical: object,
    nan_is_missing: object,
    missing_label: object,
) -> _Read:
    """Check the arguments against the schema and the scorer; return what to read."""
    id_name = check_name(f"{where}.id", id)
    nan_ok = check_flag(f"{where}.nan_is_missing", nan_is_missing)
    label = _check_missing_label(where, missing_label)
    cats = _name_list(f"{where}.categorical", categorical)
    wanted = tuple(scorer.required_features)
    if columns is None:
        names = [c for c in wanted if c not in cats]
    else:
        names = _name_list(f"{where}.columns", columns)
        for feature in wanted:
            if feature not in names and feature not in cats:
                raise MissingFeatureError(
                    f"{where}.columns",
                    feature,
                    f"leaves out a feature the scorer reads (it reads {list(wanted)})",
                )
    if id_name in names or id_name in cats:
        raise InvalidValueError(f"{where}.columns", id_name, "is the id column, not a feature")
    both = [c for c in names if c in set(cats)]
    if both:
        raise InvalidValueError(
            f"{where}.categorical", both[0], "is also listed as a numeric column"
        )
    fields = schema.fields
    have = [f.name for f in fields]
    shown = ", ".join(repr(n) for n in have[:_SHOWN_COLUMNS])
    shown += f", ... ({len(have)} columns)" if len(have) > _SHOWN_COLUMNS else ""
    for arg, group in (("id", [id_name]), ("categorical", cats), ("columns", names)):
        for name in group:
            count = have.count(name)
            if count == 0:
                raise MissingFeatureError(
                    f"{where}.{arg}", name, f"is not a column of the DataFrame; have [{shown}]"
                )
            if count > 1:
                raise InvalidValueError(
                    f"{where}.{arg}", name, f"names {count} columns of the DataFrame"
                )
    types = {f.name: f.dataType for f in fields}
    if not isinstance(types[id_name], st.StringType):
        raise InvalidTypeError(
            f"{where}.sdf[{id_name!r}]",
            types[id_name].simpleString(),
            "must be a string column of account ids",
        )
    for name in cats:
        if not isinstance(types[name], st.StringType):
            raise InvalidTypeError(
                f"{where}.sdf[{name!r}]",
                types[name].simpleString(),
                "must be a string column of labels",
            )
    for name in names:
        if not isinstance(types[name], _NUMERIC):
            raise InvalidTypeError(
                f"{where}.sdf[{name!r}]",
                types[name].simpleString(),
                "must be a numeric or boolean column (list a string column in categorical=)",
            )
    return _Read(where, id_name, tuple(names), tuple(cats), nan_ok, label)


# score_frame's output dtypes (narwhals names) as Spark and as Arrow types
_SPARK_TYPES: Final = {
    "Float64": st.DoubleType(),
    "String": st.StringType(),
    "Boolean": st.BooleanType(),
}
_ARROW_TYPES: Final = {"Float64": pa.float64(), "String": pa.string(), "Boolean": pa.bool_()}
Outputs = tuple[tuple[str, str], ...]  # (name, narwhals dtype name)


def _output_columns(
    where: str, scorer: Scorer, read: _Read, prefix: str, taken: Sequence[str]
) -> Outputs:
    """The output columns of ``scorer`` (found by scoring a 0-row table on the driver)."""
    outputs = _outputs(scorer.score(read.empty()), prefix)
    existing = {name.casefold() for name in taken}
    for name, _, _ in outputs:
        if name.casefold() in existing:
            raise InvalidValueError(
                f"{where}.prefix",
                name,
                "gives an output column that is already a column of the DataFrame (Spark "
                "compares names case-insensitively); pass a prefix= that names kamlib's "
                "columns apart",
            )
    return tuple((name, str(dtype)) for name, _, dtype in outputs)


# ---------------------------------------------------------------------------- the executors
@attrs.frozen
class _ScoreBatches:
    """``mapInArrow``'s function for `score`: every Arrow batch in, the same batch scored out."""

    scorer_class: type[Any]
    config: Any  # a pyspark Broadcast of the scorer's config
    read: _Read
    prefix: str
    outputs: Outputs  # as found on the driver

    def __call__(self, batches: Iterable[Any]) -> Iterator[Any]:
        scorer = self.scorer_class.from_config(self.config.value)
        names = [name for name, _ in self.outputs]
        for batch in batches:
            result = scorer.score(self.read.table([batch]))
            outputs = _outputs(result, self.prefix)
            got = [name for name, _, _ in outputs]
            if got != names:  # a scorer whose output columns depend on its data
                raise InvalidValueError(
                    f"{self.read.where}.scorer",
                    got,
                    f"gave other output columns than its schema {names}",
                )
            arrays = [
                pa.array(values, type=_ARROW_TYPES[dtype])
                for (_, values, _), (_, dtype) in zip(outputs, self.outputs, strict=True)
            ]
            yield pa.RecordBatch.from_arrays(
                [*batch.columns, *arrays], names=[*batch.schema.names, *names]
            )


@attrs.frozen
class _Summarise:
    """``mapInArrow``'s function for `fit`: a partition in, its pickled summary out.

    A kamlib error (a NaN, a null id) is pickled in the summary's place and raised again
    on the driver, so `fit` raises the typed error ``scorer.fit`` would.
    """

    fn: Callable[[FeatureTable], Any]
    read: _Read

    def __call__(self, batches: Iterable[Any]) -> Iterator[Any]:
        payload: tuple[str, Any]
        try:
            payload = ("summary", self.fn(self.read.table(list(batches))))
        except KamlibError as err:
            payload = ("error", err)
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        yield pa.RecordBatch.from_arrays([pa.array([data], type=pa.binary())], names=[_SUMMARY])


@attrs.frozen
class _Pieces:
    """The ``map_pieces`` of `fit_partitioned` on a Spark DataFrame: one job per pass."""

    sdf: DataFrame  # only the columns read
    read: _Read

    def __call__(self, fn: Callable[[FeatureTable], Any]) -> list[Any]:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _PANDAS_WARNING, FutureWarning)
            job = self.sdf.mapInArrow(_Summarise(fn, self.read), f"{_SUMMARY} binary")
        summaries = []
        for row in job.collect():  # in partition order: the first bad partition is raised
            kind, value = pickle.loads(row[0])
            if kind == "error":
                raise value
            summaries.append(value)
        return summaries


# ---------------------------------------------------------------------------- public API
def score_schema(
    scorer: Scorer,
    schema: st.StructType,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    prefix: str = "",
) -> st.StructType:
    """Return the schema of `score`'s result: the input's fields, then the scorer's outputs.

    The outputs are those of [`score_frame`][kamlib.frames.score_frame], with their
    types: ``score`` (``double``), ``label`` (``string``, when the scorer has classes),
    ``coverage`` and ``margin`` (``double``, the margin when the scorer reports one), and
    one ``reason_<code>`` (``boolean``) per reason code; each name after ``prefix``, none
    nullable. It is found on the driver, by scoring a 0-row table: no Spark job runs, and
    the checks are `score`'s.

    Args:
        scorer: The scorer.
        schema: The input DataFrame's schema (``sdf.schema``).
        id: Name of the account-id column (``string``).
        columns: Numeric feature columns read. Default: the scorer's
            ``required_features``.
        categorical: String columns read as label columns.
        prefix: Put in front of every output column's name.

    Returns:
        The output schema.

    Raises:
        NotFittedError: The scorer is not fitted.
        InvalidTypeError: ``scorer`` is not a kamlib scorer; a column of a type kamlib
            does not read (see the module docstring); ``prefix`` is not a ``str``.
        InvalidValueError: An output name is already a column (compared
            case-insensitively, as Spark resolves names); a read column appears twice.
        MissingFeatureError: A column is not in ``schema``, or ``columns`` leaves out a
            feature the scorer reads.

    Examples:
        >>> from pyspark.sql.types import DoubleType, StringType, StructField, StructType
        >>> from kamlib.scoring import HealthModel
        >>> from kamlib.spark import score_schema
        >>> from kamlib.testing import synthetic_table
        >>> hm = HealthModel().fit(synthetic_table(HealthModel().required_features))
        >>> schema = StructType([StructField("id", StringType())] + [
        ...     StructField(c, DoubleType()) for c in hm.required_features])
        >>> out = score_schema(hm, schema, id="id", prefix="health_")
        >>> n = len(schema.fields)
        >>> [f.simpleString() for f in out.fields[n : n + 4]]  # doctest: +NORMALIZE_WHITESPACE
        ['health_score:double', 'health_label:string', 'health_coverage:double',
         'health_reason_key_decision_maker_left:boolean']
        >>> len(out.fields) - n  # score, label, coverage and 8 reason codes
        11
        >>> score_schema(hm, StructType(schema.fields[:3]), id="id")
        Traceback (most recent call last):
        ...
        kamlib.errors.MissingFeatureError: spark.score_schema.columns: is not a column of \
the DataFrame; have ['id', 'purchase_stability', 'revenue_growth']; got 'interaction_frequency'
    """
    where = "spark.score_schema"
    scorer = _check_scorer(where, scorer)
    pinned_config(scorer, where, _FIT_FIRST)
    if not isinstance(schema, st.StructType):
        raise InvalidTypeError(
            f"{where}.schema", type(schema).__name__, "must be a Spark StructType"
        )
    return _schema(where, scorer, schema, id, columns, categorical, prefix)[1]


def _schema(
    where: str,
    scorer: Scorer,
    schema: st.StructType,
    id: object,
    columns: object,
    categorical: object,
    prefix: object,
    nan_is_missing: object = False,
    missing_label: object = None,
) -> tuple[_Read, st.StructType, Outputs]:
    pre = _check_prefix(where, prefix)
    read = _plan(
        where,
        scorer,
        schema,
        id=id,
        columns=columns,
        categorical=categorical,
        nan_is_missing=nan_is_missing,
        missing_label=missing_label,
    )
    outputs = _output_columns(where, scorer, read, pre, schema.fieldNames())
    fields = [st.StructField(name, _SPARK_TYPES[dtype], nullable=False) for name, dtype in outputs]
    return read, st.StructType([*schema.fields, *fields]), outputs


def score(
    scorer: Scorer,
    sdf: DataFrame,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    prefix: str = "",
    nan_is_missing: bool = False,
    missing_label: str | None = None,
) -> DataFrame:
    """Score a Spark DataFrame with a pinned scorer; return a lazy Spark DataFrame.

    The scorer's config is broadcast (``sparkContext.broadcast(scorer.get_config())``) and
    rebuilt once per partition on the executors (``type(scorer).from_config``); each
    Arrow batch is read as [`from_frame`][kamlib.frames.from_frame] reads a frame (a
    null is missing; a NaN is refused unless ``nan_is_missing=True``) and scored. The
    result keeps every input column and row, in the input's partitions and order, and
    adds the output columns of [`score_frame`][kamlib.frames.score_frame] (see
    `score_schema`), with the same bits ``score_frame`` gives on the same rows in one
    process. Nothing runs until an action (``collect``, ``write``, ...).

    Args:
        scorer: A fitted scorer (pinned: `fit`, or ``scorer.fit`` on a table).
        sdf: The Spark DataFrame (classic Spark; its ``sparkContext`` broadcasts).
        id: Name of the account-id column (``string``, no nulls; unique within each
            Arrow batch).
        columns: Numeric feature columns read. Default: the scorer's
            ``required_features``; other columns pass through unread.
        categorical: String columns read as label columns.
        prefix: Put in front of every output column's name.
        nan_is_missing: Read NaN as missing too, instead of refusing it.
        missing_label: Label given to a null in a ``categorical`` column.

    Returns:
        A lazy Spark DataFrame with the schema of `score_schema`.

    Raises:
        NotFittedError: The scorer is not fitted (before any job).
        InvalidTypeError: As `score_schema`; ``sdf`` is not a Spark DataFrame.
        InvalidValueError: As `score_schema`; the scorer does not rebuild from its config.
        MissingFeatureError: As `score_schema`.

    Examples:
        >>> from pyspark.sql import SparkSession
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib import spark as kspark
        >>> spark = SparkSession.builder.master("local[1]").getOrCreate()
        >>> sdf = spark.createDataFrame(
        ...     [("A1", 900.0, 9.0), ("A2", 100.0, 8.0), ("A3", 50.0, 1.0)],
        ...     "account string, profit double, fit double")
        >>> vm = ValueMatrix("profit", ["fit"], x_cut=450.0, y_cut=5.0)
        >>> out = kspark.score(vm, sdf, id="account")  # lazy: no job yet
        >>> out.columns[3:6]
        ['score', 'label', 'coverage']
        >>> [(r.account, r.label) for r in out.orderBy("account").collect()]
        [('A1', 'strategic'), ('A2', 'potential'), ('A3', 'ordinary')]
        >>> kspark.score(ValueMatrix("profit", ["fit"]), sdf, id="account")
        Traceback (most recent call last):
        ...
        kamlib.errors.NotFittedError: spark.score.scorer: is not fitted: fit it first ...
    """
    where = "spark.score"
    scorer = _check_scorer(where, scorer)
    sdf = _check_sdf(where, sdf)
    config = pinned_config(scorer, where, _FIT_FIRST)
    read, schema, outputs = _schema(
        where,
        scorer,
        sdf.schema,
        id,
        columns,
        categorical,
        prefix,
        nan_is_missing,
        missing_label,
    )
    broadcast = sdf.sparkSession.sparkContext.broadcast(config)
    fn = _ScoreBatches(type(scorer), broadcast, read, _check_prefix(where, prefix), outputs)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _PANDAS_WARNING, FutureWarning)
        return sdf.mapInArrow(fn, schema)


def fit(
    scorer: S,
    sdf: DataFrame,
    *,
    id: str,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    nan_is_missing: bool = False,
    missing_label: str | None = None,
) -> S:
    """Fit a scorer on a Spark DataFrame, exactly as ``scorer.fit`` on the whole table.

    Runs [`fit_partitioned`][kamlib.scoring.fit_partitioned]: each of its passes (a few;
    none for a pinned scorer) is one Spark job that reads every partition's rows of the
    read columns as [`from_frame`][kamlib.frames.from_frame] reads a frame and sends a
    small pickled summary to the driver; the data never leaves the executors. The result
    has the same ``get_config()``, bit for bit, as ``scorer.fit`` on all the rows in one
    process. Each pass reads ``sdf`` again: persist it first (``sdf.cache()``) when it
    is costly to compute.

    Args:
        scorer: The scorer to fit (the built-ins whose fit learns ranges, percentile
            knots or quantile cuts: `WeightedPoints`, `HealthModel`, `ValueMatrix`).
        sdf: The Spark DataFrame.
        id: Name of the account-id column (``string``, no nulls).
        columns: Numeric feature columns read. Default: the scorer's
            ``required_features``.
        categorical: String columns read as label columns.
        nan_is_missing: Read NaN as missing too, instead of refusing it.
        missing_label: Label given to a null in a ``categorical`` column.

    Returns:
        The fitted scorer (a new object; ``scorer`` is unchanged).

    Raises:
        InvalidTypeError: As `score_schema`; ``sdf`` is not a Spark DataFrame; the
            scorer cannot be fitted on pieces (fit it on one machine and pin it).
        InvalidValueError: A bad value in the data (a NaN, a null id: the executor's
            error, raised on the driver); a quantity with no observed value.
        MissingFeatureError: As `score_schema`.

    Examples:
        >>> from pyspark.sql import SparkSession
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib import spark as kspark
        >>> spark = SparkSession.builder.master("local[1]").getOrCreate()
        >>> sdf = spark.createDataFrame(
        ...     [("A1", 900.0, 9.0), ("A2", 100.0, 8.0), ("A3", 50.0, 1.0)],
        ...     "account string, profit double, fit double").repartition(2)
        >>> vm = kspark.fit(ValueMatrix("profit", ["fit"]), sdf, id="account")
        >>> vm.x_cut, vm.y_cut
        (100.0, 8.0)
        >>> kspark.fit(ValueMatrix("profit", ["fit", "reach"]), sdf, id="account")
        Traceback (most recent call last):
        ...
        kamlib.errors.MissingFeatureError: spark.fit.columns: is not a column of the \
DataFrame; have ['account', 'profit', 'fit']; got 'reach'
    """
    where = "spark.fit"
    _check_scorer(where, scorer)
    frame = _check_sdf(where, sdf)
    read = _plan(
        where,
        scorer,
        frame.schema,
        id=id,
        columns=columns,
        categorical=categorical,
        nan_is_missing=nan_is_missing,
        missing_label=missing_label,
    )
    pieces = _Pieces(frame.select(*(_quoted(c) for c in read.columns)), read)
    try:
        return fit_partitioned(scorer, pieces)
    except FieldError as err:  # fit_partitioned's own refusal, under this function's name
        raise err.renamed("fit_partitioned", where) from None
