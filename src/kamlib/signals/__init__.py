"""Signals over time: trend alerts, hysteresis and overrides, pure functions of scores.

A scorer (`kamlib.scoring`) gives each account a score for one period; the signals
turn scores and figures *over time* into decisions, without state of their own:

* trend alerts: `two_quarter_decline` and `quarterly_decline_alerts`
  (purchases down 15% in each of two consecutive quarters [000]) and
  `rescue_alerts` (health score down 20%: start a rescue [003]);
* hysteresis: `HysteresisBands` with `hysteresis_step` /
  `hysteresis_steps` and `initial_states`: enter and exit thresholds and a
  minimum dwell, so that a tier or light does not flap at a boundary;
* overrides: `Override` and `apply_overrides`, giving
  `OverriddenScores` with the machine and the final scores side by side.

Layering: signals import scoring ([`ScoreTable`][kamlib.scoring.ScoreTable]); scoring never
imports signals.

Examples:
    >>> from kamlib.signals import HysteresisBands, hysteresis_step, rescue_alerts
    >>> rescue_alerts([80.0, 80.0], [64.0, 70.0]).tolist()
    [True, False]
    >>> bands = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65))
    >>> hysteresis_step(bands, 2, 1, 70)  # green holds until the score falls below 65
    (2, 2)
"""

from __future__ import annotations

from kamlib._hysteresis import (
    HysteresisBands,
    hysteresis_step,
    hysteresis_steps,
    initial_states,
)
from kamlib.signals._overrides import OverriddenScores, Override, apply_overrides
from kamlib.signals._trends import quarterly_decline_alerts, rescue_alerts, two_quarter_decline

__all__ = [
    # trend alerts
    "quarterly_decline_alerts",
    "rescue_alerts",
    "two_quarter_decline",
    # hysteresis
    "HysteresisBands",
    "hysteresis_step",
    "hysteresis_steps",
    "initial_states",
    # overrides
    "OverriddenScores",
    "Override",
    "apply_overrides",
]
