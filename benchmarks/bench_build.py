"""Building a Portfolio: record objects and integrity checks, per record, against plain attrs.

The records are those of ``bench_network.build`` (about 27 customers, 2 of our staff,
sometimes a competitor, ~51 relationships and ~3.5 interactions per account): its
generator is run once with the model classes swapped for recorders, so the draws are
identical and the generator itself (numpy, f-strings) is outside every timed region.
The recorded calls are then replayed:

* **objects**: every record built through the real model classes (validators, converters,
  nested ``Portrait`` objects included);
* **Portfolio checks**: ``Portfolio(...)`` on the prebuilt records (indexes and integrity);
* **total**: both, i.e. what a caller pays from plain values to a checked portfolio;
* **serde**: ``serde.from_dict(Portfolio, serde.to_dict(portfolio))`` of a tenth of the
  accounts (the dict is built once, untimed): the untrusted-data door.

The baseline of every row is the **floor**: the same replay into plain frozen, slotted
attrs classes with the same fields and no validators or converters, timed in the same
run, interleaved (:func:`_timing.compare`, best of ``k``). Per-record figures divide by
the top-level records (accounts, people, relationships, interactions; a nested
``Portrait`` is part of its person). Target: the total within 2.5 x the floor, i.e.
about 2 µs per record where a plain frozen attrs object costs about 0.8 µs.

The recorded calls and the prebuilt inputs are frozen out of the garbage collector's
sight (``gc.freeze``): its full collections walk every tracked object, and the bench's
own millions of inputs would otherwise be charged, by chance, to whichever side
triggered a collection. The objects each side makes are collected as usual.

Full size: 20 000 accounts (~1.7M records; best of ``k = 2``, no warm-up: about two
minutes on a quiet machine, a third of it the generator); smoke: 200 accounts (~3 s).
Run alone with ``python benchmarks/run.py --only build [--smoke]``.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

import bench_network
from _timing import Row, compare, main, single
from kamlib import serde
from kamlib.model import Account, Interaction, KeyPerson, Portfolio, Portrait, Relationship

BENCH = "build"
RECORDED = (Account, KeyPerson, Relationship, Interaction, Portrait)
TARGET = 2.5  # total / floor: ~2 µs per record against the ~0.8 µs of a plain attrs object


@attrs.frozen
class _Spec:
    """One recorded constructor call."""

    cls: type
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


# one op: (class, positional args, keyword args, nested specs among the keyword args)
Op = tuple[type, tuple[Any, ...], dict[str, Any], tuple[tuple[str, _Spec], ...]]


@attrs.frozen
class _Records:
    """The recorded portfolio: one op list per record kind, in portfolio order."""

    accounts: list[Op]
    people: list[Op]
    relationships: list[Op]
    interactions: list[Op]

    @property
    def n(self) -> int:
        return (
            len(self.accounts) + len(self.people) + len(self.relationships) + len(self.interactions)
        )


def _op(spec: _Spec) -> Op:
    if any(isinstance(a, _Spec) for a in spec.args):
        raise TypeError("nested records are only supported as keyword arguments")
    nested = tuple((k, v) for k, v in spec.kwargs.items() if isinstance(v, _Spec))
    flat = {k: v for k, v in spec.kwargs.items() if not isinstance(v, _Spec)}
    return (spec.cls, spec.args, flat, nested)


@contextmanager
def _recording(out: list[_Records]) -> Iterator[None]:
    """Swap bench_network's model classes for recorders while its generator runs."""
    saved = {cls.__name__: getattr(bench_network, cls.__name__) for cls in (*RECORDED, Portfolio)}

    def recorder(cls: type) -> Callable[..., _Spec]:
        return lambda *args, **kwargs: _Spec(cls, args, kwargs)

    def portfolio(
        accounts: Sequence[_Spec],
        people: Sequence[_Spec],
        relationships: Sequence[_Spec],
        *,
        interactions: Sequence[_Spec],
    ) -> None:
        out.append(
            _Records(
                [_op(s) for s in accounts],
                [_op(s) for s in people],
                [_op(s) for s in relationships],
                [_op(s) for s in interactions],
            )
        )

    try:
        for cls in RECORDED:
            setattr(bench_network, cls.__name__, recorder(cls))
        bench_network.Portfolio = portfolio  # type: ignore[assignment]
        yield
    finally:
        for name, value in saved.items():
            setattr(bench_network, name, value)


def record(n_accounts: int, seed: int = 0) -> _Records:
    """The constructor calls of ``bench_network.build(n_accounts, seed)``, recorded."""
    out: list[_Records] = []
    with _recording(out):
        bench_network.build(n_accounts, seed)
    (records,) = out
    return records


def _plain(cls: type) -> type:
    """A frozen slotted attrs class with ``cls``'s init fields and no checks: the floor."""
    fields = {
        a.name: attrs.field(default=a.default, kw_only=a.kw_only, alias=a.alias)
        for a in attrs.fields(cls)
        if a.init
    }
    return attrs.make_class(f"Plain{cls.__name__}", fields, frozen=True, slots=True)


PLAIN = {cls: _plain(cls) for cls in RECORDED}


def _swap(ops: list[Op], table: dict[type, type]) -> list[Op]:
    def spec(s: _Spec) -> _Spec:
        return _Spec(table[s.cls], s.args, s.kwargs)

    return [(table[c], a, k, tuple((n, spec(s)) for n, s in nested)) for c, a, k, nested in ops]


def plain_records(records: _Records) -> _Records:
    """The same ops, building the plain classes."""
    return _Records(*(_swap(getattr(records, f.name), PLAIN) for f in attrs.fields(_Records)))


def _make(ops: list[Op]) -> list[Any]:
    out = []
    append = out.append
    for cls, args, kwargs, nested in ops:
        if nested:
            kwargs = kwargs.copy()
            for key, spec in nested:
                kwargs[key] = spec.cls(*spec.args, **spec.kwargs)
        append(cls(*args, **kwargs))
    return out


def objects(records: _Records) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Replay every recorded call: the four record lists of the portfolio."""
    return (
        _make(records.accounts),
        _make(records.people),
        _make(records.relationships),
        _make(records.interactions),
    )


def portfolio(built: tuple[list[Any], list[Any], list[Any], list[Any]]) -> Portfolio:
    """``Portfolio(...)`` on prebuilt records."""
    accounts, people, relationships, interactions = built
    return Portfolio(accounts, people, relationships, interactions=interactions)


def _per_record(row: Row, n: int) -> Row:
    """Add µs per record (candidate and floor) to a row, and to its note."""
    us, floor = row["seconds"] / n * 1e6, row["baseline_seconds"] / n * 1e6
    row["us_per_record"], row["floor_us_per_record"] = us, floor
    row["note"] = f"{us:.2f} µs/record vs floor {floor:.2f} µs/record; {row['note']}"
    return row


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time record objects, Portfolio checks, the total and serde, against the floor."""
    n_accounts = 200 if smoke else 20_000
    k = k or 2  # full size: each run is seconds long, and the whole bench must stay short
    warmup = 1 if smoke else 0  # a full-size run is warm enough on its own
    verdict = not smoke
    t0 = time.perf_counter()
    records = record(n_accounts)
    plain = plain_records(records)
    generate = time.perf_counter() - t0
    n = records.n
    built = objects(records)
    # The recorded calls and the prebuilt records are this bench's scaffolding: out of
    # the collector's sight, so that its full collections (which walk every tracked
    # object) charge each side for the objects it makes, not for millions of inputs.
    gc.collect()
    gc.freeze()
    try:
        return _rows(records, plain, built, n, n_accounts, generate, k, warmup, verdict)
    finally:
        gc.unfreeze()


def _rows(
    records: _Records,
    plain: _Records,
    built: tuple[list[Any], list[Any], list[Any], list[Any]],
    n: int,
    n_accounts: int,
    generate: float,
    k: int,
    warmup: int,
    verdict: bool,
) -> list[Row]:
    """The rows of `run`, its inputs built (and frozen out of the collector's sight)."""
    floor_name = "the same records as plain frozen attrs objects (no validators)"
    rows = [
        single(
            BENCH,
            "generate and record the constructor calls",
            n,
            generate,
            note=f"bench_network's generator, {n_accounts} accounts, for scale (timed once)",
        ),
        _per_record(
            compare(
                BENCH,
                "record objects vs plain attrs",
                n,
                lambda: objects(records),
                lambda: objects(plain),
                baseline_name=floor_name,
                k=k,
                warmup=warmup,
                note="validators and converters of every record",
            ),
            n,
        ),
        _per_record(
            compare(
                BENCH,
                "Portfolio checks on prebuilt records vs plain attrs",
                n,
                lambda: portfolio(built),
                lambda: objects(plain),
                baseline_name=floor_name,
                k=k,
                warmup=warmup,
                note="indexes and integrity rules",
            ),
            n,
        ),
        _per_record(
            compare(
                BENCH,
                "total: objects + Portfolio vs plain attrs",
                n,
                lambda: portfolio(objects(records)),
                lambda: objects(plain),
                baseline_name=floor_name,
                k=k,
                target=TARGET,
                verdict=verdict,
                warmup=warmup,
                note=f"target {TARGET} x floor (~2 µs/record)",
            ),
            n,
        ),
    ]
    small = record(max(n_accounts // 10, 20), seed=1)
    small_plain = plain_records(small)
    data = serde.to_dict(portfolio(objects(small)))
    gc.collect()
    gc.freeze()
    rows.append(
        _per_record(
            compare(
                BENCH,
                "serde.from_dict(Portfolio) vs plain attrs",
                small.n,
                lambda: serde.from_dict(Portfolio, data),
                lambda: objects(small_plain),
                baseline_name=floor_name,
                k=k,
                warmup=warmup,
                note=f"{small.n} records (a tenth of the accounts); dict built once, untimed",
            ),
            small.n,
        )
    )
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
