"""Placeholder: filled in by issue 12 work."""

from __future__ import annotations

__all__: list[str] = []
