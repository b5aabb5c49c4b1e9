"""The health model: a 0-100 score over a measure tree, with a three-colour light.

`HealthModel` validates its parts once (measures, nodes, rules), compiles the tree
and drives the kernels: measure points (`._measures`), tree aggregation
(`._tree`) and light rules (`._lights`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._hysteresis import HysteresisBands, hysteresis_steps, initial_states
from kamlib._table import FeatureTable, rows_of_ids
from kamlib._validators import (
    as_float,
    as_tuple,
    instance_of,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidTypeError, InvalidValueError, NotFittedError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._mappings import PointsFn, mapping_need
from kamlib.scoring._population import Need, Sample, canonical, fit_in_memory
from kamlib.scoring._protocol import require_columns
from kamlib.scoring._result import ExplainDetails, ScoreTable, fmt_value, owned_readonly
from kamlib.scoring.health._lights import (
    DEFAULT_HEALTH_BANDS,
    DEFAULT_LIGHT_RULES,
    LIGHTS,
    RESCUE_CODE,
    RULE_LIGHTS,
    SEVERITY,
    LightRule,
    _light_levels,
    band_codes,
    band_texts,
    check_bands,
    check_rules,
    evaluate_rules,
    rescue_fired,
)
from kamlib.scoring.health._measures import DEFAULT_MEASURES, HEALTH_MAX, Measure
from kamlib.scoring.health._tree import (
    DEFAULT_NODES,
    BlockFn,
    Coef,
    Node,
    TreeContributions,
    TreePlan,
    aggregate,
    compile_tree,
    tree_weights,
    weighted_sum_into,
)

__all__ = ["HealthModel"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _tuple_of(cls: type, path: str) -> Any:
    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        p = f"HealthModel.{attr.name}"
        if not isinstance(value, tuple):
            raise InvalidTypeError(p, value, f"must be a sequence of {cls.__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise InvalidTypeError(f"{p}[{i}]", item, f"must be a {cls.__name__}")

    return check


@attrs.frozen(eq=False)
class MeasureContributions:
    """Lazy contributions of a tree of means: each measure's points times its weight.

    Holds the table's (read-only) measure columns, not the points, and maps them again
    when the contributions are first read, with the same compiled mappings that the
    score's blocked kernel used: the same bits, without an ``(n, m)`` matrix of points
    kept in memory. Picklable (measures and arrays only).
    """

    measures: tuple[Measure, ...]
    inside: tuple[bool, ...]
    columns: tuple[FloatArray, ...]
    masks: tuple[BoolArray | None, ...]
    fill: tuple[float | None, ...]
    weights: tuple[Coef, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, m)``: rows and measures."""
        return (self.columns[0].shape[0], len(self.columns))

    def _block(self, j: int, fn: PointsFn, rows: slice, out: FloatArray) -> FloatArray:
        fn(self.columns[j][rows], out)
        gap, value = self.masks[j], self.fill[j]
        if gap is not None and value is not None:
            np.copyto(out, value, where=gap[rows])
        return out

    def points_into(self, j: int, rows: slice, out: FloatArray) -> FloatArray:
        """Write measure ``j``'s health points for ``rows`` into ``out`` (missing: filled)."""
        return self._block(j, self.measures[j].compiled(inside=self.inside[j]), rows, out)

    def makers(self) -> list[BlockFn]:
        """One block function per measure, each compiled once, for `weighted_sum_into`."""
        return [
            functools.partial(self._block, j, ms.compiled(inside=self.inside[j]))
            for j, ms in enumerate(self.measures)
        ]

    def compute(self) -> FloatArray:
        """Return the ``(n, m)`` Fortran-ordered contributions."""
        n, m = self.shape
        out = np.empty((n, m), dtype=np.float64, order="F")
        every = slice(None)
        for j in range(m):
            col = self.points_into(j, every, out[:, j])
            w = self.weights[j]
            col *= w
        return out

    def take(self, rows: NDArray[np.intp]) -> MeasureContributions:
        """Return the recipe for ``rows`` only."""
        return MeasureContributions(
            measures=self.measures,
            inside=self.inside,
            columns=tuple(c[rows] for c in self.columns),
            masks=tuple(None if g is None else g[rows] for g in self.masks),
            fill=self.fill,
            weights=tuple(w if isinstance(w, float) else w[rows] for w in self.weights),
        )


@attrs.frozen(eq=False)
class _Why:
    """Explanation details: raw values, measure points, dimension scores, rule evidence."""

    model: HealthModel
    table: FeatureTable
    rows: NDArray[np.intp] | None = None

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        m = self.model
        r = row if self.rows is None else int(self.rows[row])
        one = self.table.take(np.array([r]))
        inputs: list[tuple[str, float | None]] = []
        points: list[tuple[str, float]] = []
        for ms in m.measures:
            gone = one.missing is not None and bool(one.is_missing(ms.feature)[0])
            x = None if gone else float(one.column(ms.feature)[0])
            inputs.append((ms.name, x))
            if x is not None:
                points.append((ms.name, float(ms.points(np.array([x]))[0])))
        values = m.node_scores(one)
        nodes = tuple((nd.name, float(values[nd.name][0])) for nd in m.nodes if nd.name != m.root)
        evidence: list[tuple[str, str]] = []
        for rule in m.rules:
            vals = []
            for f in rule.feature:
                gone = one.missing is not None and bool(one.is_missing(f)[0])
                vals.append(
                    f"{f} {'missing' if gone else '= ' + fmt_value(float(one.column(f)[0]))}"
                )
            evidence.append(
                (rule.code, f"{', '.join(vals)} ({rule.comparison} {rule.threshold:g})")
            )
        if m.bands is not None:
            for code, band, enter in zip(
                band_codes(m.bands), m.bands.labels, m.bands.enter, strict=False
            ):
                evidence.append((code, f"health score {score:.3g} ({band} band: below {enter:g})"))
        proof = dict(evidence)
        texts = {r.code: r.reason.split(": ", 1)[-1] for r in m.rules}
        if m.bands is not None:
            for code, band in zip(band_codes(m.bands), m.bands.labels, strict=False):
                texts[code] = f"the score is in the {band} band"
        why = [
            f"{texts.get(c, c.replace('_', ' '))} [{proof[c]}]" if c in proof else c
            for c in reasons
        ]
        dims = ", ".join(f"{name} {v:.3g}" for name, v in nodes)
        summary = f"health {score:.3g} of 100" + (f" ({dims})" if dims else "")
        summary += f" -> {label}" if label is not None else ""
        summary += ": " + "; ".join(why) if why else ": no warning rule fired"
        return ExplainDetails(
            inputs=tuple(inputs), points=tuple(points), nodes=nodes, evidence=tuple(evidence),
            summary=summary,
        )  # fmt: skip

    def take(self, rows: NDArray[np.intp]) -> _Why:
        return _Why(self.model, self.table, rows if self.rows is None else self.rows[rows])


@attrs.frozen
class HealthModel:
    """Health score (0-100) over a measure tree, with a three-colour light from rules.

    Source rule [000]: three dimensions reported quarterly, business, relationship and
    ecosystem health, combined into an overall score; the three-colour warning (三色灯)
    gives red / yellow / green-watch / green. ``fit`` learns what the measures' mappings
    still lack (min-max ranges, percentile knots) and nothing else; a fitted model is
    pinned (its `get_config` holds every parameter), so an account's score depends
    only on its own row: alone, in a batch, in any order or partition, the same bits.

    The [`ScoreTable`][kamlib.scoring.ScoreTable] holds the overall score, one contribution per
    measure (they add up to the score), ``coverage`` (the nominal weight share of the
    measures actually observed), the light as ``labels`` (classes ``green``,
    ``green_watch``, ``yellow``, ``red``) and every fired rule as a reason. An account with
    no observed measure (all left out under ``"renormalise"``) scores 0 with coverage 0.

    Attributes:
        measures: The leaves, default `DEFAULT_MEASURES`.
        nodes: The inner nodes, default `DEFAULT_NODES`.
        rules: The light rules, default `DEFAULT_LIGHT_RULES`.
        root: Name of the node holding the overall score.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import HealthModel, Measure, MinMax, Node
        >>> model = HealthModel(
        ...     measures=(Measure("satisfaction", mapping=MinMax(0, 100)),
        ...               Measure("nps", mapping=MinMax(-100, 100))),
        ...     nodes=(Node("overall", ("satisfaction", "nps"), (3, 1)),),
        ...     rules=(),
        ... )
        >>> t = FeatureTable.from_columns(["A", "B"], {"satisfaction": [80, 60], "nps": [0, None]})
        >>> st = model.score(t)
        >>> st.scores.tolist(), st.coverage.tolist()
        ([72.5, 60.0], [1.0, 0.75])
        >>> st.contributions.tolist()
        [[60.0, 12.5], [60.0, 0.0]]
    """

    name: ClassVar[str] = "health_model"
    config_version: ClassVar[int] = 2

    measures: tuple[Measure, ...] = attrs.field(
        default=DEFAULT_MEASURES, converter=as_tuple, validator=_tuple_of(Measure, "measures")
    )
    nodes: tuple[Node, ...] = attrs.field(
        default=DEFAULT_NODES, converter=as_tuple, validator=_tuple_of(Node, "nodes")
    )
    rules: tuple[LightRule, ...] = attrs.field(
        default=DEFAULT_LIGHT_RULES, converter=as_tuple, validator=_tuple_of(LightRule, "rules")
    )
    root: str = attrs.field(default="overall", validator=non_empty_str())
    bands: HysteresisBands | None = attrs.field(
        default=DEFAULT_HEALTH_BANDS, validator=optional(instance_of(HysteresisBands))
    )
    rescue_drop: float | None = attrs.field(
        default=None, converter=as_float, validator=optional(real(gt=0.0, lt=1.0))
    )
    rescue_light: str = attrs.field(default="red", validator=one_of(*RULE_LIGHTS))
    _plan: TreePlan = attrs.field(init=False, eq=False, repr=False, alias="_plan")

    def __attrs_post_init__(self) -> None:
        if not self.measures:
            raise InvalidValueError("HealthModel.measures", (), "must hold at least one measure")
        check_rules(self.rules, "HealthModel.rules")
        taken = {r.code for r in self.rules}
        if self.bands is not None:
            check_bands(self.bands, "HealthModel.bands")
            for code in band_codes(self.bands):
                if code in taken:
                    raise InvalidValueError(
                        "HealthModel.rules", code, "is the reason code of a score band"
                    )
        if self.rescue_drop is not None and RESCUE_CODE in taken:
            raise InvalidValueError("HealthModel.rules", RESCUE_CODE, "is the rescue's reason code")
        plan = compile_tree([m.name for m in self.measures], self.nodes, self.root)
        object.__setattr__(self, "_plan", plan)

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when every measure's mapping has its range or knots.

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> HealthModel().is_fitted
            False
        """
        return all(m.is_fitted for m in self.measures)

    @property
    def required_features(self) -> tuple[str, ...]:
        """Columns read by `score`: measure features, then rule features.

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> HealthModel().required_features[:2]
            ('purchase_stability', 'revenue_growth')
        """
        names = [m.feature for m in self.measures] + [f for r in self.rules for f in r.feature]
        return tuple(dict.fromkeys(names))

    def fit(self, table: FeatureTable) -> Self:
        """Learn what the measures' mappings still lack from the observed values of ``table``.

        Pinned means pinned: a mapping with a given (or already fitted) range or knots is
        kept as it is. Returns a new model; ``self`` is unchanged.

        Raises:
            MissingFeatureError: A required column is absent.
            InvalidValueError: A measure to fit has no observed value.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import HealthModel, Measure, Node
            >>> m = HealthModel(measures=(Measure("x"),), nodes=(Node("overall", ("x",)),),
            ...                 rules=())
            >>> fitted = m.fit(FeatureTable.from_columns(["A", "B"], {"x": [2, 6]}))
            >>> fitted.measures[0].mapping
            MinMax(lo=2.0, hi=6.0, clip=True)
        """
        require_columns(table, self.required_features, "HealthModel")
        fitted: Self = fit_in_memory(self, table)
        return fitted

    def _fit_reading(self) -> _MeasuresReading | None:
        """What `fit` reads: each learning measure's observed values (None: all pinned)."""
        todo = tuple(i for i, m in enumerate(self.measures) if not m.is_fitted)
        return _MeasuresReading(self, todo) if todo else None

    def score(self, table: FeatureTable, *, previous: ScoreTable | None = None) -> ScoreTable:
        """Score every row with the pinned parameters (vectorised), and give it a light.

        The light is the most severe of the fired light rules (the source's events) and
        the account's score band (`bands`), and of the rescue alert when it is on; the
        reasons name every one that fired, so a red light always says why.

        Args:
            table: The accounts.
            previous: This model's result for the previous period. Accounts found in it
                (by id) move between score bands with hysteresis (``enter`` to move up,
                ``exit`` to move down), so a light does not flap; new accounts take their
                first band. The rescue alert (``rescue_drop``) compares with its scores.
                A band's ``min_dwell`` needs each account's periods in its band, which a
                result does not hold: step [`hysteresis_steps`][kamlib.signals.hysteresis_steps]
                over your own history for that.

        Raises:
            NotFittedError: A measure still needs `fit`.
            MissingFeatureError: A required column is absent.
            InvalidValueError: A ``missing="raise"`` measure is missing for an account (the
                message names the account and the measure); ``previous`` is not a result
                of a model with the same bands.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import HealthModel, Measure, Node
            >>> m = HealthModel(measures=(Measure("x", missing="raise"),),
            ...                 nodes=(Node("overall", ("x",)),), rules=())
            >>> m = m.fit(FeatureTable.from_columns(["A", "B"], {"x": [0, 10]}))
            >>> m.score(FeatureTable.from_columns(["C"], {"x": [2.5]})).scores.tolist()
            [25.0]
            >>> m.score(FeatureTable.from_columns(["C"], {"x": [None]}))
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: HealthModel.measures['x']: is missing for \
account 'C' and the measure's policy is missing='raise'; got 'C'

            Score bands: 28 is red on a first score, but an account that was yellow stays
            yellow until it falls below 25 (kamlib's default bands):

            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [2.8, 4.0]})
            >>> first = m.score(t)
            >>> first.labels.tolist(), first.reasons_of("A")
            (['red', 'yellow'], ('score_band_red',))
            >>> before = m.score(FeatureTable.from_columns(["A"], {"x": [3.5]}))
            >>> m.score(t, previous=before).labels.tolist()
            ['yellow', 'yellow']
        """
        score, contributions, coverage, _ = self._run(table, with_nodes=False)
        flags = evaluate_rules(table, self.rules)
        missing = None
        if table.missing is not None:
            missing = np.column_stack([table.is_missing(m.feature) for m in self.measures])
            if not missing.any():
                missing = None
        codes = [r.code for r in self.rules]
        texts = {r.code: r.reason for r in self.rules}
        severities = [SEVERITY[r.light] for r in self.rules]
        columns = [flags]
        prev_rows = self._previous_rows(table, previous)
        if self.bands is not None:
            states = self._band_states(score, previous, prev_rows)
            for i, (code, label) in enumerate(
                zip(band_codes(self.bands), self.bands.labels, strict=False)
            ):
                columns.append((states == i).reshape(-1, 1))
                codes.append(code)
                severities.append(SEVERITY[label])
            texts.update(band_texts(self.bands))
        if self.rescue_drop is not None:
            columns.append(self._rescue(score, previous, prev_rows).reshape(-1, 1))
            codes.append(RESCUE_CODE)
            severities.append(SEVERITY[self.rescue_light])
            texts[RESCUE_CODE] = (
                f"{self.rescue_light.replace('_', ' ').capitalize()}: health score fell at "
                f"least {self.rescue_drop:.0%} since the previous period, a rescue (挽回) [003] "
                "(the source gives it no colour; the light is kamlib's choice)"
            )
        all_flags = flags if len(columns) == 1 else np.asfortranarray(np.hstack(columns))
        # the light, as a code into LIGHTS (0 green .. 3 red): the most severe of every
        # fired rule, band and rescue, by the one rule of light_levels
        labels = _light_levels(all_flags, severities)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(score),
            components=tuple(m.name for m in self.measures),
            contributions=contributions,  # lazy: computed on first read
            coverage=owned_readonly(coverage),
            labels=owned_readonly(labels),
            classes=LIGHTS,
            margin=None,
            reason_codes=tuple(codes),
            reason_flags=owned_readonly(all_flags),
            reason_texts=texts,
            component_missing=owned_readonly(missing),
            details=_Why(self, table),
        )

    def _previous_rows(
        self, table: FeatureTable, previous: ScoreTable | None
    ) -> NDArray[np.intp] | None:
        """Each account's row in ``previous`` (-1: not there), or ``None`` without one."""
        if previous is None:
            return None
        if not isinstance(previous, ScoreTable):
            raise InvalidTypeError("HealthModel.score.previous", previous, "must be a ScoreTable")
        if previous.scorer != self.name:
            raise InvalidValueError(
                "HealthModel.score.previous", previous.scorer, "must be a health_model result"
            )
        if previous.ids.shape == table.ids.shape and np.array_equal(previous.ids, table.ids):
            return np.arange(len(table), dtype=np.intp)
        return rows_of_ids(previous, table.ids.tolist())  # previous's cached id index

    def _band_states(
        self, score: FloatArray, previous: ScoreTable | None, rows: NDArray[np.intp] | None
    ) -> NDArray[np.int64]:
        """Each account's score band: first bands, or a hysteresis step from ``previous``."""
        assert self.bands is not None
        first, _ = initial_states(self.bands, score)
        if previous is None or rows is None:
            return first
        codes = band_codes(self.bands)
        if not set(codes) <= set(previous.reason_codes):
            raise InvalidValueError(
                "HealthModel.score.previous",
                previous.reason_codes,
                f"must hold this model's score bands {list(codes)}",
            )
        top = len(self.bands.labels) - 1
        flags = previous.reason_flags
        assert flags is not None  # it holds the band codes
        before = np.full(len(previous), top, dtype=np.int64)  # per row of previous
        for i, code in enumerate(codes):
            before[flags[:, previous.reason_codes.index(code)]] = i
        known = rows >= 0
        prev_state = np.where(known, before[np.where(known, rows, 0)], first)
        stepped, _ = hysteresis_steps(
            attrs.evolve(self.bands, min_dwell=1), prev_state, np.ones_like(prev_state), score
        )
        return np.where(known, stepped, first)

    def _rescue(
        self, score: FloatArray, previous: ScoreTable | None, rows: NDArray[np.intp] | None
    ) -> NDArray[np.bool_]:
        """Rescue alerts against ``previous``'s scores (none without a previous score)."""
        assert self.rescue_drop is not None
        if previous is None or rows is None:
            return np.zeros(score.shape, dtype=np.bool_)
        known = rows >= 0
        before = np.where(known, previous.scores[np.where(known, rows, 0)], np.nan)
        return rescue_fired(before, score, self.rescue_drop)

    def node_scores(self, table: FeatureTable) -> dict[str, FloatArray]:
        """Return every node's 0-100 value per account, e.g. the three dimension scores.

        A dimension with no observed measure is 0 for that account.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import HealthModel, Measure, MinMax, Node
            >>> m = HealthModel(
            ...     measures=(Measure("a", mapping=MinMax(0, 10)),
            ...               Measure("b", mapping=MinMax(0, 10))),
            ...     nodes=(Node("worst", ("a", "b"), aggregator="min"),), root="worst", rules=())
            >>> m.node_scores(FeatureTable.from_columns(["X"], {"a": [3], "b": [9]}))
            {'worst': array([30.])}
        """
        _, _, _, nodes = self._run(table, with_nodes=True)
        return nodes

    def get_config(self) -> dict[str, Any]:
        """Return the whole model (options and fitted parameters) as JSON-compatible data.

        The one config form of every scorer (``{"scorer", "version", <field>: ...}``),
        written by the one converter.

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> cfg = HealthModel().get_config()
            >>> cfg["scorer"], cfg["version"], [n["name"] for n in cfg["nodes"]]
            ('health_model', 2, ['business', 'relationship', 'ecosystem', 'overall'])
            >>> HealthModel.from_config(cfg) == HealthModel()
            True
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Self:
        """Rebuild a model from `get_config` output, validating it as untrusted input.

        Raises:
            InvalidTypeError: A part has the wrong type.
            InvalidValueError: Unknown keys, a wrong version or scorer name, or any invalid
                field (the path starts at the class and names the list entry, e.g.
                ``HealthModel.measures[1].mapping.lo``).

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> cfg = HealthModel().get_config()
            >>> cfg["nodes"][0]["aggregator"] = "max"
            >>> HealthModel.from_config(cfg)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: HealthModel.nodes[0].aggregator: must be one of \
'mean', 'min', 'veto'; got 'max'
        """
        raw: object = config
        if isinstance(raw, Mapping) and raw.get("version") == 1:
            # version 1 had no score bands and no rescue: read back as it scored then
            config = {**raw, "version": 2, "bands": None}
        return scorer_from_config(cls, config)

    # ------------------------------------------------------------------ kernel driver
    def _run(
        self, table: FeatureTable, *, with_nodes: bool
    ) -> tuple[
        FloatArray, TreeContributions | MeasureContributions, FloatArray, dict[str, FloatArray]
    ]:
        require_columns(table, self.required_features, "HealthModel")
        unfitted = [m.name for m in self.measures if not m.is_fitted]
        if unfitted:
            raise NotFittedError(
                "HealthModel.measures", unfitted, "need fitted parameters; call fit() first"
            )
        n, m = len(table), len(self.measures)
        masks: list[BoolArray | None] = [None] * m
        if table.missing is not None:
            for j, ms in enumerate(self.measures):
                miss = table.is_missing(ms.feature)
                if miss.any():
                    masks[j] = miss
        avail: list[BoolArray | None] = [None] * m
        fill: list[float | None] = [None] * m  # the points a missing cell gets, if any
        for j, ms in enumerate(self.measures):
            gap = masks[j]
            if gap is None:
                continue
            if ms.missing == "raise":
                i = int(np.flatnonzero(gap)[0])
                raise InvalidValueError(
                    f"HealthModel.measures[{ms.name!r}]",
                    table.ids[i],
                    f"is missing for account {table.ids[i]!r} and the measure's policy "
                    "is missing='raise'",
                )
            if ms.missing == "renormalise":  # 0 points at weight 0
                fill[j] = 0.0
                avail[j] = ~gap
            elif ms.missing == "fill":
                assert ms.fill_points is not None  # the measure checks it
                fill[j] = ms.fill_points
            else:  # "penalty": the bottom of the scale, weights unchanged
                fill[j] = 0.0
        lo, hi = table.bounds([ms.feature for ms in self.measures])
        recipe = MeasureContributions(
            measures=self.measures,
            # kept bounds inside a MinMax range: its clip is skipped, which changes no bit
            inside=tuple(
                ms.inside(float(a), float(b))
                for ms, a, b in zip(self.measures, lo, hi, strict=True)
            ),
            columns=tuple(table.column(ms.feature) for ms in self.measures),
            masks=tuple(masks),
            fill=tuple(fill),
            weights=(),
        )
        weights = None if with_nodes else tree_weights(avail, self._plan, n)
        by_slot: dict[int, FloatArray] = {}
        contributions: TreeContributions | MeasureContributions
        if weights is None:  # node values are read: whole columns through the tree
            every = slice(None)
            points = [recipe.points_into(j, every, np.empty(n)) for j in range(m)]
            score, contributions, by_slot = aggregate(
                points, avail, self._plan, with_nodes=with_nodes
            )
        else:  # a tree of means: map and add up each block while it is in cache
            contributions = attrs.evolve(recipe, weights=weights)
            score = weighted_sum_into(contributions.makers(), weights, n, clip=(0.0, HEALTH_MAX))
        node_values = {p.name: by_slot[p.slot] for p in self._plan.nodes} if with_nodes else {}
        if weights is None:  # the blocked kernel clipped its blocks already
            np.clip(score, 0.0, HEALTH_MAX, out=score)
        if all(gap is None for gap in masks):  # nothing missing: coverage is the constant 1
            return score, contributions, np.broadcast_to(np.float64(1.0), (n,)), node_values
        lost = np.zeros(n, dtype=np.float64)
        for j, gap in enumerate(masks):
            if gap is not None:
                lost += gap * self._plan.static_weights[j]
        coverage = 1.0 - lost
        np.clip(coverage, 0.0, 1.0, out=coverage)
        return score, contributions, coverage, node_values


# ---------------------------------------------------------------------------- config parsing


@attrs.frozen
class _MeasuresReading:
    """The fit of `HealthModel`, as questions: one quantity per learning measure."""

    scorer: HealthModel
    todo: tuple[int, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"measures[{self.scorer.measures[i].name!r}]" for i in self.todo)

    @property
    def needs(self) -> tuple[Need, ...]:
        return tuple(mapping_need(self.scorer.measures[i].mapping) for i in self.todo)

    def values(self, table: FeatureTable) -> list[NDArray[np.float64]]:
        require_columns(table, self.scorer.required_features, "HealthModel")
        out = []
        for i in self.todo:
            m = self.scorer.measures[i]
            out.append(canonical(table.column(m.feature), table.is_missing(m.feature)))
        return out

    def learn(self, samples: Sequence[Sample]) -> HealthModel:
        new = list(self.scorer.measures)
        for i, sample in zip(self.todo, samples, strict=True):
            new[i] = new[i]._learned(sample)
        return attrs.evolve(self.scorer, measures=tuple(new))
