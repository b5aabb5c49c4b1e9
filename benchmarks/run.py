"""Run every ``benchmarks/bench_*.py`` and print its figures as a table and as JSON.

Usage::

    python benchmarks/run.py            # full sizes
    python benchmarks/run.py --smoke    # tiny sizes, for CI
    python benchmarks/run.py --only scoring --json out.json

Each ``bench_*.py`` module defines ``run(smoke: bool) -> list[dict[str, object]]``; every
row has ``bench``, ``case``, ``n`` and ``seconds`` and, where a baseline was measured in the
same run, ``baseline`` and ``ratio`` (time / baseline time). Ratios, not absolute times, are
the figures to compare across machines.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the bench modules share benchmarks/_timing.py


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _table(rows: list[dict[str, Any]]) -> str:
    cols = ["bench", "case", "n", "seconds", "baseline", "ratio", "note"]
    cells = [[_fmt(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (CI)")
    parser.add_argument("--only", help="run only bench_<ONLY>.py")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if args.only and path.stem != f"bench_{args.only}":
            continue
        rows.extend(_load(path).run(smoke=args.smoke))
    print(_table(rows))
    print(json.dumps(rows, indent=2))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
