"""Run every ``benchmarks/bench_*.py`` and print its figures as a table and as JSON.

Usage::

    python benchmarks/run.py                  # full sizes (about 10 minutes)
    python benchmarks/run.py --smoke          # tiny sizes, for CI (no target verdicts)
    python benchmarks/run.py --only scoring -k 9 --json out.json

Each ``bench_*.py`` module defines ``run(smoke: bool, k: int | None) -> list[dict]``
(``k=None``: the module's default) and builds its rows with ``_timing.compare``: baseline
and candidate interleaved ``k`` times, best of each, ``ratio`` = best candidate / best
baseline, both measured in this run. Ratios, not absolute times, are the figures to
compare across machines; ``spread`` (worst / best of the ``k`` runs) says how noisy they
were. A missed target is reported (``met`` false), and fails the run only with
``--strict``; smoke sizes give no verdict. A module also runs alone:
``python benchmarks/bench_scoring.py [--smoke] [-k K]`` (then set
``OPENBLAS_NUM_THREADS=1`` yourself, see below).

BLAS runs single-threaded here (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and
``MKL_NUM_THREADS`` default to 1 unless already set): kamlib's kernels are single-threaded
element-wise numpy, and on a 2-core machine the worker threads of a multi-threaded BLAS
baseline keep spinning after each ``X @ w`` and steal the core of the candidate timed
next, which inflated the (b) ratios about twofold.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path
from typing import Any

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported: see the docstring

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the bench modules share benchmarks/_timing.py

from _timing import table, to_json  # noqa: E402


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no verdicts (CI)")
    parser.add_argument("--only", help="run only bench_<ONLY>.py")
    parser.add_argument("-k", "--repeats", type=int, help="interleaved runs per side (all)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be >= 1")
    paths = [
        p
        for p in sorted(HERE.glob("bench_*.py"))
        if not args.only or p.stem == f"bench_{args.only}"
    ]
    if not paths:
        parser.error(f"no benchmark bench_{args.only}.py")
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        bench_rows = _load(path).run(smoke=args.smoke, k=args.repeats)
        print(f"== {path.stem} ({time.perf_counter() - t0:.1f} s)", flush=True)
        print(table(bench_rows), end="\n\n", flush=True)
        rows.extend(bench_rows)
    print(to_json(rows))
    if args.json:
        args.json.write_text(to_json(rows) + "\n", encoding="utf-8")
    judged = [r for r in rows if r["met"] is not None]
    missed = [r for r in judged if not r["met"]]
    print(
        f"== {len(rows)} rows in {time.perf_counter() - start:.1f} s; "
        f"targets: {len(judged) - len(missed)} met, {len(missed)} missed"
        + ("" if judged else " (no verdict at smoke sizes)")
        + "".join(
            f"\n   missed: {r['bench']} / {r['case']}: {r['ratio']:.3g} > {r['target']}"
            for r in missed
        ),
        flush=True,
    )
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
