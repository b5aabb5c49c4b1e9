"""kamlib.spark on a real local Spark session: the same bits as one machine, however split.

One session-scoped ``local[2]`` session serves every test. Without pyspark or a Java
runtime the module is skipped; under CI (``CI`` set) a missing pyspark or Java fails it
instead, so the Spark tests cannot silently stop running there. The recipe between the
``--8<--`` markers is the code shown on the docs page ``docs/scale/spark.md``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from kamlib.errors import InvalidTypeError, InvalidValueError, MissingFeatureError, NotFittedError
from kamlib.frames import from_frame, score_frame
from kamlib.scoring import EmpiricalEstimate, Scorer, ValueMatrix, WeightedPoints
from kamlib.testing import synthetic_table

try:
    import pyarrow as pa
    import pyspark
    from pyspark.errors import PythonException
except ImportError:
    if os.environ.get("CI"):
        raise  # CI installs the spark extra: a missing pyspark is a failure, not a skip
    pytest.skip("pyspark (the spark extra) is not installed", allow_module_level=True)

# --8<-- [start:recipe]
from pyspark.sql import DataFrame, SparkSession

import kamlib.spark as kspark
from kamlib.scoring import HealthModel


def local_session() -> SparkSession:
    """A local Spark session: two cores, small shuffles, no web UI, Arrow on."""
    return (
        SparkSession.builder.master("local[2]")
        .appName("kamlib")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def health_on_spark(accounts: DataFrame) -> tuple[HealthModel, DataFrame]:
    """Fit the health model exactly on every account, pin it, score every account lazily."""
    accounts = accounts.cache()  # the fit reads the accounts once per pass
    model = kspark.fit(HealthModel(), accounts, id="account_id")
    # model.get_config() is plain JSON-like data: store it to pin the parameters
    scored = kspark.score(model, accounts, id="account_id", prefix="health_")
    return model, scored  # lazy: nothing is scored until an action (write, collect, ...)


# --8<-- [end:recipe]

pytestmark = pytest.mark.filterwarnings(
    # pyspark 4 warns about pandas >= 3 when pandas-UDF machinery is set up; the Arrow
    # path kamlib uses converts nothing through pandas
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

N = 480
ID = "account_id"
SCORERS: dict[str, Callable[[], Scorer]] = {
    "weighted_points": WeightedPoints,
    "health_model": HealthModel,
    "value_matrix": ValueMatrix,
}
FEATURES = sorted({f for make in SCORERS.values() for f in make().required_features})
FLAGS = {f for f in FEATURES if f.startswith("risk_") or f == "renewal_unclear"}
GAPPY = {"satisfaction", "revenue_growth", "nps"}  # nullable doubles; value matrix reads none


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    if _java() is None:
        why = "no Java runtime (java on PATH or JAVA_HOME) for Spark"
        if os.environ.get("CI"):
            pytest.fail(f"{why}: .ci/run installs one", pytrace=False)
        pytest.skip(why)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors run this Python
    session = local_session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _accounts(n: int = N, seed: int = 13) -> pa.Table:
    """Accounts with every built-in's features: doubles, a bigint, booleans; some nulls."""
    table = synthetic_table(FEATURES, n=n, seed=seed)
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {
        ID: pa.array([str(i) for i in table.ids], pa.string()),
        "name": pa.array([f"Account {i}" for i in range(n)], pa.string()),
    }
    for f in FEATURES:
        v = table.column(f)
        if f in FLAGS:
            cols[f] = pa.array(v.astype(np.bool_), mask=rng.random(n) < 0.1)
        elif f == "cooperation_breadth":
            cols[f] = pa.array(v.astype(np.int64), mask=rng.random(n) < 0.1)
        elif f in GAPPY:
            cols[f] = pa.array(v, mask=rng.random(n) < 0.15)
        else:
            cols[f] = pa.array(v, pa.float64())
    return pa.table(cols)


@pytest.fixture(scope="module")
def accounts() -> pa.Table:
    return _accounts()


@pytest.fixture(scope="module")
def sdf(spark: SparkSession, accounts: pa.Table) -> DataFrame:
    return spark.createDataFrame(accounts).cache()


def _fit_here(scorer: Scorer, table: pa.Table) -> Scorer:
    return scorer.fit(from_frame(table, id=ID, columns=list(scorer.required_features)))


def _assert_same(got: pa.Table, want: pa.Table, key: str = ID) -> None:
    """``got`` (collected from Spark, any row order) has ``want``'s rows, bit for bit."""
    assert got.column_names == want.column_names
    assert got.num_rows == want.num_rows
    where = {v: i for i, v in enumerate(got.column(key).to_pylist())}
    order = np.array([where[v] for v in want.column(key).to_pylist()], dtype=np.intp)
    got = got.take(pa.array(order))
    for name in want.column_names:
        g, w = got.column(name), want.column(name)
        if pa.types.is_floating(w.type):  # the bits, not merely the values
            gv = np.asarray(g.fill_null(0.0).to_numpy(), dtype=np.float64)
            wv = np.asarray(w.fill_null(0.0).to_numpy(), dtype=np.float64)
            assert np.array_equal(gv.view(np.uint64), wv.view(np.uint64)), name
            assert g.is_null().to_pylist() == w.is_null().to_pylist(), name
        else:
            assert g.to_pylist() == w.to_pylist(), name


PARTITIONINGS: dict[str, Callable[[DataFrame], DataFrame]] = {
    "repartition(1)": lambda d: d.repartition(1),
    "repartition(2)": lambda d: d.repartition(2),
    "repartition(3)": lambda d: d.repartition(3),
    "repartition(7)": lambda d: d.repartition(7),
    "by id into 3, shuffled within": lambda d: d.repartition(3, ID).sortWithinPartitions("name"),
}


# ---------------------------------------------------------------------------- scoring
@pytest.mark.parametrize("how", PARTITIONINGS)
@pytest.mark.parametrize("name", SCORERS)
def test_score_is_score_frame_bit_for_bit(
    sdf: DataFrame, accounts: pa.Table, name: str, how: str
) -> None:
    pinned = _fit_here(SCORERS[name](), accounts)
    want = score_frame(pinned, accounts, id=ID)
    out = kspark.score(pinned, PARTITIONINGS[how](sdf), id=ID)
    _assert_same(out.toArrow(), want)


def test_score_of_a_shuffled_frame(spark: SparkSession, accounts: pa.Table) -> None:
    perm = np.random.default_rng(5).permutation(accounts.num_rows)
    shuffled = spark.createDataFrame(accounts.take(pa.array(perm))).repartition(4)
    for name in ("weighted_points", "health_model"):
        pinned = _fit_here(SCORERS[name](), accounts)
        want = score_frame(pinned, accounts, id=ID, prefix="k_")
        _assert_same(kspark.score(pinned, shuffled, id=ID, prefix="k_").toArrow(), want)


def test_label_columns_are_read_as_score_frame_reads_them(spark: SparkSession) -> None:
    rng = np.random.default_rng(3)
    n = 200
    labels = {
        "industry": rng.choice(["retail", "energy", "banking"], n).tolist(),
        "size_band": rng.choice(["small", "large"], n).tolist(),
    }
    labels["industry"][11] = None  # a null label: read as missing_label=
    table = pa.table(
        {
            "id": [f"E{i}" for i in range(n)],
            **{k: pa.array(v, pa.string()) for k, v in labels.items()},
            "revenue": rng.lognormal(10.0, 1.0, n),
        }
    )
    kw: dict[str, Any] = {"categorical": ["industry", "size_band"], "missing_label": "unknown"}
    pinned = EmpiricalEstimate().fit(from_frame(table, id="id", **kw))
    got = kspark.score(pinned, spark.createDataFrame(table).repartition(3), id="id", **kw)
    want = score_frame(pinned, table, id="id", **kw)
    _assert_same(got.toArrow(), want, key="id")


def test_score_schema_is_the_result_schema_and_score_frame_types(
    sdf: DataFrame, accounts: pa.Table
) -> None:
    pinned = _fit_here(HealthModel(), accounts)
    out = kspark.score(pinned, sdf, id=ID, prefix="h_")
    assert out.schema == kspark.score_schema(pinned, sdf.schema, id=ID, prefix="h_")
    assert out.schema.fields[: len(sdf.schema.fields)] == sdf.schema.fields
    want = score_frame(pinned, accounts.slice(0, 3), id=ID, prefix="h_").schema
    types = {"double": pa.float64(), "string": pa.string(), "boolean": pa.bool_()}
    added = out.schema.fields[len(sdf.schema.fields) :]
    assert [f.name for f in added] == want.names[accounts.num_columns :]
    assert [types[f.dataType.simpleString()] for f in added] == want.types[accounts.num_columns :]


def test_empty_partitions_score_and_fit(spark: SparkSession, accounts: pa.Table) -> None:
    few = accounts.slice(0, 5)
    sparse = spark.createDataFrame(few).repartition(9)  # most partitions hold no row
    assert sparse.rdd.getNumPartitions() == 9
    pinned = _fit_here(WeightedPoints(), few)
    _assert_same(kspark.score(pinned, sparse, id=ID).toArrow(), score_frame(pinned, few, id=ID))
    fitted = kspark.fit(WeightedPoints(), sparse, id=ID)
    assert fitted.get_config() == pinned.get_config()


def test_nan_is_refused_on_the_executor_or_read_as_missing(
    spark: SparkSession, accounts: pa.Table
) -> None:
    i = accounts.column_names.index("profit")
    profit = accounts.column("profit").to_numpy().copy()
    profit[7] = np.nan
    with_nan = accounts.set_column(i, "profit", pa.array(profit))
    sdf = spark.createDataFrame(with_nan).repartition(2)
    pinned = _fit_here(WeightedPoints(), accounts)
    lazy = kspark.score(pinned, sdf, id=ID)  # a value error waits for the job
    with pytest.raises(PythonException, match=r"InvalidValueError: spark\.score\.sdf\['profit'\]"):
        lazy.collect()
    with pytest.raises(InvalidValueError, match=r"spark\.fit\.sdf\['profit'\]\[\d+\]: is NaN"):
        kspark.fit(WeightedPoints(), sdf, id=ID)  # fit brings the typed error back
    got = kspark.score(pinned, sdf, id=ID, nan_is_missing=True).toArrow()
    _assert_same(got, score_frame(pinned, with_nan, id=ID, nan_is_missing=True))


def test_a_null_id_is_a_typed_error_of_fit(spark: SparkSession, accounts: pa.Table) -> None:
    ids = accounts.column(ID).to_pylist()
    ids[3] = None
    bad = accounts.set_column(0, ID, pa.array(ids, pa.string()))
    with pytest.raises(InvalidValueError, match=r"spark\.fit\.sdf\['account_id'\]\[\d+\]: is null"):
        kspark.fit(ValueMatrix(), spark.createDataFrame(bad), id=ID)


# ---------------------------------------------------------------------------- fitting
@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("weighted_points", "repartition(3)"),
        ("health_model", "repartition(7)"),
        ("value_matrix", "by id into 3, shuffled within"),
    ],
)
def test_fit_is_fit_on_the_whole_table(
    sdf: DataFrame, accounts: pa.Table, name: str, how: str
) -> None:
    fitted = kspark.fit(SCORERS[name](), PARTITIONINGS[how](sdf), id=ID)
    assert fitted.get_config() == _fit_here(SCORERS[name](), accounts).get_config()


def test_the_recipe(spark: SparkSession, accounts: pa.Table) -> None:
    model, scored = health_on_spark(spark.createDataFrame(accounts).repartition(3))
    assert model.get_config() == _fit_here(HealthModel(), accounts).get_config()
    want = score_frame(model, accounts, id=ID, prefix="health_")
    _assert_same(scored.toArrow(), want)


def test_a_scorer_without_a_fit_on_pieces_is_refused_before_any_job(
    spark: SparkSession,
) -> None:
    sdf = spark.createDataFrame(
        [("A1", "retail", "large", 100.0), ("A2", "energy", "small", 50.0)],
        "id string, industry string, size_band string, revenue double",
    )
    with _no_job(spark), pytest.raises(InvalidTypeError, match=r"^spark\.fit\.scorer: has no"):
        kspark.fit(EmpiricalEstimate(), sdf, id="id", categorical=["industry", "size_band"])


def test_a_pinned_scorer_is_fitted_without_a_job(spark: SparkSession, sdf: DataFrame) -> None:
    pinned = ValueMatrix(x_cut=1e5, y_cut=5.0)
    with _no_job(spark):
        assert kspark.fit(pinned, sdf, id=ID) is pinned


# ---------------------------------------------------------------------------- early errors
class _no_job:
    """Assert that no Spark job starts inside the block."""

    def __init__(self, spark: SparkSession) -> None:
        self.sc = spark.sparkContext
        self.group = f"kamlib-no-job-{id(self)}"

    def __enter__(self) -> None:
        self.sc.setJobGroup(self.group, "must stay empty")

    def __exit__(self, *exc: object) -> None:
        jobs = list(self.sc.statusTracker().getJobIdsForGroup(self.group))
        self.sc.setJobGroup("kamlib-tests", "the other tests' jobs")
        assert jobs == []


def test_an_unfitted_scorer_is_refused_before_any_job(spark: SparkSession, sdf: DataFrame) -> None:
    with _no_job(spark), pytest.raises(NotFittedError, match=r"^spark\.score\.scorer: is not"):
        kspark.score(WeightedPoints(), sdf, id=ID)
    with _no_job(spark), pytest.raises(NotFittedError, match=r"^spark\.score_schema\.scorer"):
        kspark.score_schema(HealthModel(), sdf.schema, id=ID)


@pytest.mark.parametrize("fn", ["fit", "score"])
def test_schema_errors_are_typed_and_early(
    spark: SparkSession, sdf: DataFrame, accounts: pa.Table, fn: str
) -> None:
    pinned = _fit_here(ValueMatrix(), accounts)
    run = getattr(kspark, fn)
    where = f"spark.{fn}"
    renamed = sdf.withColumnRenamed("profit", "Profit")
    cases: list[tuple[type[Exception], str, DataFrame, dict[str, Any]]] = [
        (MissingFeatureError, rf"^{where}\.columns: is not a column", renamed, {}),
        (MissingFeatureError, rf"^{where}\.id: is not a column", sdf, {"id": "acct"}),
        (MissingFeatureError, rf"^{where}\.columns: leaves out", sdf, {"columns": ["profit"]}),
        (
            InvalidTypeError,
            rf"^{where}\.sdf\['name'\]: must be a numeric",
            sdf,
            {"columns": [*pinned.required_features, "name"]},
        ),
        (
            InvalidTypeError,
            rf"^{where}\.sdf\['account_id'\]: must be a string column",
            sdf.withColumn(ID, sdf[ID].cast("bigint")),
            {},
        ),
        (
            InvalidTypeError,
            rf"^{where}\.sdf\['profit'\]: .*got 'timestamp'",
            sdf.withColumn("profit", sdf["profit"].cast("timestamp")),
            {},
        ),
        (
            InvalidTypeError,
            rf"^{where}\.sdf\['name'\]: must be a string column of labels",
            sdf.withColumn("name", sdf["profit"]),
            {"categorical": ["name"]},
        ),
        (
            InvalidValueError,
            rf"^{where}\.columns: is the id column",
            sdf,
            {"columns": [*pinned.required_features, ID]},
        ),
    ]
    for error, match, frame, kwargs in cases:
        with _no_job(spark), pytest.raises(error, match=match):
            run(pinned if fn == "score" else ValueMatrix(), frame, **{"id": ID, **kwargs})
    with pytest.raises(InvalidTypeError, match=rf"^{where}\.sdf: must be a Spark DataFrame"):
        run(pinned, accounts, id=ID)
    with pytest.raises(InvalidTypeError, match=rf"^{where}\.scorer: must be a kamlib scorer"):
        run(object(), sdf, id=ID)


def test_an_output_name_taken_in_any_case_is_refused(
    spark: SparkSession, sdf: DataFrame, accounts: pa.Table
) -> None:
    pinned = _fit_here(ValueMatrix(), accounts)
    taken = sdf.withColumn("Label", sdf["name"])
    with _no_job(spark), pytest.raises(InvalidValueError, match=r"spark\.score\.prefix.*'label'"):
        kspark.score(pinned, taken, id=ID)
    out = kspark.score(pinned, taken, id=ID, prefix="vm_")
    assert out.columns[-7:-4] == ["vm_score", "vm_label", "vm_coverage"]


def test_the_input_frame_is_unchanged(sdf: DataFrame, accounts: pa.Table) -> None:
    before = sdf.schema
    kspark.score(_fit_here(ValueMatrix(), accounts), sdf, id=ID).count()
    assert sdf.schema == before
    assert sorted(sdf.columns) == sorted(accounts.column_names)


def test_pyspark_is_the_extra_s(spark: SparkSession) -> None:
    assert int(pyspark.__version__.split(".")[0]) >= 4
    assert spark.version.split(".")[0] == pyspark.__version__.split(".")[0]
