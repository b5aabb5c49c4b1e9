"""Scale-out on Dask: rows per second per core against single-process kamlib.

Pinned weighted points (the default eleven criteria) and the pinned default health model
(ten columns), each fitted once outside every timing, score one frame of ``n`` accounts
(full: 1 500 000; smoke: 5 000) holding both scorers' columns (sixteen float64 columns
and a string id column, nothing missing):

- candidate: ``kamlib.dask.score(scorer, ddf, id="id").compute()`` on the local Dask
  scheduler with ``WORKERS`` (2) workers, the frame already in memory (``persist``ed in
  ``PARTITIONS`` (8) partitions); ``threads`` and ``processes`` (a spawned two-process
  pool, reused: the partitions are pickled to the workers and the results back, which
  is part of the cost a process scheduler has);
- baseline: single-process ``kamlib.frames.score_frame(scorer, df, id="id")`` on the same
  rows as one pandas frame (the persisted partitions, concatenated: the same dtypes).

Informative companions: the **floor**, ``ddf.map_partitions(pd.DataFrame.copy)`` (no kamlib
code: what moving the partitions through each scheduler costs), against the same
baseline; and the **exact fit**, ``kamlib.dask.fit(HealthModel(), ddf)`` on threads
against ``HealthModel().fit(table)`` in memory (the table built outside the timing).

Interleaved best of ``k`` each (:func:`_timing.compare`); ``ratio`` = Dask seconds /
single-process seconds. Extra fields: ``rows_per_s_per_core`` (``n / seconds / WORKERS``),
``baseline_rows_per_s_per_core`` (``n / baseline_seconds``, one core) and
``per_core_ratio`` (their ratio: 1.0 is perfect scaling); the three are in the ``note``
too. Informative rows (no target): on two shared cores the figures say what the local
schedulers cost, not what a cluster gives. Before any timing the Dask result is checked
equal to the baseline, float columns bit for bit; a difference raises ``AssertionError``.
Run alone with ``python benchmarks/run.py --only dask [--smoke]``.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from typing import Any

import numpy as np

from _timing import Row, compare, main
from kamlib.scoring import HealthModel, WeightedPoints
from kamlib.testing import synthetic_table

BENCH = "dask"
WORKERS = 2
PARTITIONS = 8


def _check_identical(got: Any, want: Any, what: str) -> None:
    """Fail loudly unless ``got`` equals ``want``, float64 columns to the bit."""
    if list(got.columns) != list(want.columns) or not got.dtypes.equals(want.dtypes):
        raise AssertionError(f"{what}: columns or dtypes differ")
    for name in want.columns:
        a, b = got[name].to_numpy(), want[name].to_numpy()
        if a.dtype == np.float64:
            same = np.array_equal(a.view(np.uint64), b.view(np.uint64))
        else:
            same = a.tolist() == b.tolist()
        if not same:
            raise AssertionError(f"{what}: column {name!r} differs from single-process kamlib")


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time kamlib.dask.score against score_frame (full: 1.5M rows; smoke: 5k)."""
    try:
        import dask
        import dask.dataframe as dd

        import kamlib.dask as kd
        from kamlib.frames import score_frame
    except ImportError:  # the dask extra is not installed: nothing to measure
        return []
    n = 5_000 if smoke else 1_500_000
    k = k or (2 if smoke else 3)
    wp, hm = WeightedPoints(), HealthModel()
    names = list(dict.fromkeys([*wp.required_features, *hm.required_features]))
    table = synthetic_table(names, n, seed=0).select(names)
    scorers = {"weighted_points": wp.fit(table), "health_model": hm.fit(table)}
    import pandas as pd

    data: dict[str, Any] = {"id": pd.array(table.ids.tolist(), dtype="string")}
    data.update({name: np.array(table.column(name)) for name in names})
    ctx = multiprocessing.get_context("spawn")
    rows: list[Row] = []
    with concurrent.futures.ProcessPoolExecutor(WORKERS, mp_context=ctx) as pool:
        with dask.config.set(scheduler="threads", num_workers=WORKERS):
            ddf = dd.from_pandas(pd.DataFrame(data), npartitions=PARTITIONS).persist()
            df = ddf.compute()  # one pandas frame of the same rows and dtypes
        del data
        schedulers: dict[str, dict[str, Any]] = {
            "threads": {"scheduler": "threads", "num_workers": WORKERS},
            "processes": {"scheduler": "processes", "pool": pool},
        }
        for label, scorer in scorers.items():
            want = score_frame(scorer, df, id="id")
            for sched, options in schedulers.items():
                with dask.config.set(**options):
                    lazy = kd.score(scorer, ddf, id="id")
                    _check_identical(lazy.compute(), want, f"{label} on {sched}")
                    row = compare(
                        BENCH,
                        f"{label} pinned: kamlib.dask.score, {sched} x{WORKERS}",
                        n,
                        lazy.compute,
                        lambda s=scorer: score_frame(s, df, id="id"),
                        baseline_name="score_frame, one process",
                        k=k,
                        verdict=not smoke,
                    )
                per_core = n / row["seconds"] / WORKERS
                base_per_core = n / row["baseline_seconds"]
                row["rows_per_s_per_core"] = per_core
                row["baseline_rows_per_s_per_core"] = base_per_core
                row["per_core_ratio"] = per_core / base_per_core
                row["note"] = (
                    f"rows/s/core: dask {per_core:,.0f}, one process {base_per_core:,.0f} "
                    f"(per-core ratio {per_core / base_per_core:.2f}); {PARTITIONS} "
                    "persisted partitions, informative"
                )
                rows.append(row)
        for sched, options in schedulers.items():  # the floor: moving partitions, no kamlib
            with dask.config.set(**options):
                floor = ddf.map_partitions(pd.DataFrame.copy, meta=ddf._meta)
                rows.append(
                    compare(
                        BENCH,
                        f"floor: map_partitions(DataFrame.copy), {sched} x{WORKERS}",
                        n,
                        floor.compute,
                        lambda s=scorers["weighted_points"]: score_frame(s, df, id="id"),
                        baseline_name="score_frame (weighted points), one process",
                        k=k,
                        verdict=not smoke,
                        note="informative: what the scheduler costs with no kamlib code",
                    )
                )
        with dask.config.set(scheduler="threads", num_workers=WORKERS):
            if kd.fit(hm, ddf, id="id").get_config() != scorers["health_model"].get_config():
                raise AssertionError("health_model: the fit on Dask differs from the fit here")
            rows.append(
                compare(
                    BENCH,
                    f"health_model: exact fit on Dask, threads x{WORKERS}",
                    n,
                    lambda: kd.fit(hm, ddf, id="id"),
                    lambda: hm.fit(table),
                    baseline_name="HealthModel().fit(table), in memory",
                    k=k,
                    verdict=not smoke,
                    note="informative: a few passes (one dask.compute each), summaries only",
                )
            )
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
