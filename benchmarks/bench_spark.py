"""Scoring on Spark (``kamlib.spark``, ``local[2]``) against single-process kamlib.

The scale-out figure of the benchmark report: rows per second per core for a pinned
scorer on ``n`` accounts (full: 1M; smoke: 2k), for the default weighted points (11
criteria, learned ranges) and the default health model, fitted once outside the timing.

- candidate: ``kamlib.spark.score`` on a cached Spark DataFrame of the accounts in 4
  partitions, run to the end by Spark's ``noop`` sink (every row scored and written
  back to the JVM, nothing stored), on a ``local[2]`` session: **2 cores**;
- baseline: ``kamlib.frames.score_frame`` on the same rows as one pyarrow Table, in this
  process: **1 core**.

``rows_per_s_per_core`` is ``n / seconds / cores`` (2 for Spark, 1 for the baseline), and
``per_core_ratio`` is Spark's per-core rate over the baseline's: what a core does on
Spark, Arrow transport and Python workers included, against what it does alone. The
ratio of times (``ratio``) says whether two local Spark cores beat one plain process at
all. Informative rows (no target); a missed Spark or Java outside CI gives a row that
says so instead of figures (under ``CI`` it is an error).

An informative floor row times the same Spark job with an identity function in place of
the scoring (Arrow batches to the Python workers and back, no kamlib code): how much of
Spark's time is transport. An informative ``fit`` row times ``kamlib.spark.fit`` (exact,
a few Spark jobs) against ``scorer.fit`` on the whole table in memory, and checks that
both give the same configuration.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from typing import Any

from _timing import Row, compare, main, single
from kamlib.frames import from_frame, score_frame
from kamlib.scoring import HealthModel, WeightedPoints
from kamlib.testing import synthetic_table

BENCH = "spark"
CORES = 2  # local[2]
PARTITIONS = 4
ID = "account_id"


def _missing() -> str | None:
    """Why Spark cannot run here (None when it can); under CI a missing piece is an error."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        why = "pyspark is not installed (the spark extra)"
    else:
        why = "" if shutil.which("java") else "no java on PATH"
    if why and os.environ.get("CI"):
        raise RuntimeError(f"bench_spark: {why}; CI installs both")
    return why or None


def _session() -> Any:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(f"local[{CORES}]")
        .appName("kamlib-bench")
        .config("spark.sql.shuffle.partitions", str(PARTITIONS))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _accounts(n: int) -> Any:
    import pyarrow as pa

    features = sorted({*WeightedPoints().required_features, *HealthModel().required_features})
    table = synthetic_table(features, n=n, seed=13)
    cols: dict[str, Any] = {ID: pa.array([str(i) for i in table.ids], pa.string())}
    cols.update({f: pa.array(table.column(f), pa.float64()) for f in features})
    return pa.table(cols)


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time pinned scoring on Spark against one process (full: 1M rows; smoke: 2k)."""
    why = _missing()
    if why is not None:
        return [single(BENCH, f"skipped: {why}", 0, 0.0, note="no figures: Spark cannot run")]
    import kamlib.spark as kspark

    n = 2_000 if smoke else 1_000_000
    k = k or (1 if smoke else 3)
    with warnings.catch_warnings():  # pyspark's note on pandas >= 3 (not used here)
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        return _run(kspark, n, k, smoke)


def _run(kspark: Any, n: int, k: int, smoke: bool) -> list[Row]:
    spark = _session()
    accounts = _accounts(n)
    sdf = spark.createDataFrame(accounts).repartition(PARTITIONS).cache()
    sdf.count()  # materialise the cache outside every timing
    rows: list[Row] = []
    for name, make in (("weighted_points", WeightedPoints), ("health_model", HealthModel)):
        scorer = make()
        pinned = scorer.fit(from_frame(accounts, id=ID, columns=list(scorer.required_features)))

        def on_spark(pinned: Any = pinned) -> None:
            kspark.score(pinned, sdf, id=ID).write.format("noop").mode("overwrite").save()

        def here(pinned: Any = pinned) -> object:
            return score_frame(pinned, accounts, id=ID)

        row = compare(
            BENCH,
            f"{name} pinned: kamlib.spark.score, local[{CORES}]",
            n,
            on_spark,
            here,
            baseline_name="score_frame on one pyarrow Table, 1 process",
            k=k,
            verdict=not smoke,
        )
        spark_rate = n / row["seconds"] / CORES
        base_rate = n / row["baseline_seconds"]
        row.update(
            cores=CORES,
            rows_per_s_per_core=spark_rate,
            baseline_rows_per_s_per_core=base_rate,
            per_core_ratio=spark_rate / base_rate,
            note=(
                f"informative: {spark_rate:,.0f} rows/s/core on Spark ({CORES} cores, "
                f"{PARTITIONS} partitions) vs {base_rate:,.0f} in one process "
                f"(per core {spark_rate / base_rate:.2f}x)"
            ),
        )
        rows.append(row)

    def same_batches(batches: Any) -> Any:
        """The identity of ``mapInArrow``: every batch back as it came (the floor).

        Local, so that cloudpickle ships it by value: the executors' Python cannot import
        this bench module (``run.py`` loads it from ``benchmarks/``).
        """
        yield from batches

    def transport() -> None:
        sdf.mapInArrow(same_batches, sdf.schema).write.format("noop").mode("overwrite").save()

    pinned = WeightedPoints().fit(
        from_frame(accounts, id=ID, columns=list(WeightedPoints().required_features))
    )
    floor = compare(
        BENCH,
        f"floor: identity mapInArrow (Arrow transport only), local[{CORES}]",
        n,
        transport,
        lambda: score_frame(pinned, accounts, id=ID),
        baseline_name="score_frame (weighted_points) on one pyarrow Table, 1 process",
        k=k,
        verdict=not smoke,
    )
    floor["note"] = (
        "informative: the same job with every batch handed back unscored; what Spark "
        "spends moving the rows through Python workers, with no kamlib code"
    )
    rows.append(floor)

    hm = HealthModel()
    table = from_frame(accounts, id=ID, columns=list(hm.required_features))
    fitted: list[Any] = []
    row = compare(
        BENCH,
        f"health_model: kamlib.spark.fit (exact), local[{CORES}]",
        n,
        lambda: fitted.append(kspark.fit(hm, sdf, id=ID)),
        lambda: hm.fit(table),
        baseline_name="HealthModel().fit(table) in memory, 1 process",
        k=1 if smoke else 2,
        warmup=0,
        verdict=not smoke,
    )
    same = all(f.get_config() == hm.fit(table).get_config() for f in fitted)
    row["note"] = f"informative: the fitted configs {'equal' if same else 'DIFFER FROM'} fit's"
    if not same:
        raise AssertionError("kamlib.spark.fit gave another config than HealthModel.fit")
    rows.append(row)
    sdf.unpersist()
    spark.stop()
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
