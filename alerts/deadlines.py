"""Escalation deadlines per kind and urgency, read from a TOML settings file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT = "default"  # the key of the deadline of kinds not named
BUILT_IN = Path(__file__).with_name("deadlines.toml")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")


class DeadlineError(ValueError):
    """A deadlines file that cannot be used, with where and why in the message."""


def parse_duration(text: object, where: str) -> timedelta:
    """Read "15m", "24h" or "3d" as a positive duration.

    :raise DeadlineError: when the value is not such a duration.
    """
    found = DURATION.match(text) if isinstance(text, str) else None
    if found is None:
        raise DeadlineError(f"{where}: expected a duration such as \"15m\", \"24h\" or \"3d\", "
                            f"got {text!r}")
    value = timedelta(**{UNITS[found.group(2)]: float(found.group(1))})
    if value <= timedelta(0):
        raise DeadlineError(f"{where}: a deadline must be longer than zero")
    return value


def compact(value: timedelta) -> str:
    """Write a duration the way the deadlines file does: "15m", "24h" or "3d"."""
    minutes = round(value.total_seconds() / 60)
    if minutes and minutes % (24 * 60) == 0 and minutes >= 7 * 24 * 60:
        return f"{minutes // (24 * 60)}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


@dataclass(frozen=True)
class Deadlines:
    """The escalation deadline of each kind, normal and urgent, with a default for the rest."""

    default: timedelta = timedelta(hours=24)
    normal: Mapping[str, timedelta] = field(default_factory=dict)
    urgent: Mapping[str, timedelta] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Deadlines:
        """Read a deadlines file; None or "" reads the built-in defaults.

        :raise DeadlineError: when the file is missing, not TOML, or holds a bad value.
        """
        source = Path(path) if path else BUILT_IN
        try:
            with source.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError as error:
            raise DeadlineError(f"{source}: the escalation deadlines file does not exist") \
                from error
        except tomllib.TOMLDecodeError as error:
            raise DeadlineError(f"{source}: not valid TOML: {error}") from error
        return cls.from_mapping(data, str(source))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "deadlines") -> Deadlines:
        """Build deadlines from parsed TOML: `default`, then one table per kind."""
        default = parse_duration(data.get("default", "24h"), f"{where}: default")
        normal: dict[str, timedelta] = {}
        urgent: dict[str, timedelta] = {}
        for kind, table in data.items():
            if kind == "default":
                continue
            if not isinstance(table, dict):
                raise DeadlineError(f"{where}: [{kind}] must be a table with normal/urgent")
            unknown = set(table) - {"normal", "urgent"}
            if unknown:
                raise DeadlineError(f"{where}: [{kind}] has unknown keys {sorted(unknown)}; "
                                    "use normal and urgent")
            if "normal" in table:
                normal[kind] = parse_duration(table["normal"], f"{where}: {kind}.normal")
            if "urgent" in table:
                urgent[kind] = parse_duration(table["urgent"], f"{where}: {kind}.urgent")
        return cls(default, normal, urgent)

    def overridden(self, settings: Iterable[tuple[str, bool, timedelta]]) -> Deadlines:
        """Return these deadlines with some replaced: (kind or "default", urgent, duration)."""
        default, normal, urgent = self.default, dict(self.normal), dict(self.urgent)
        for kind, is_urgent, value in settings:
            if kind == DEFAULT:
                default = value
            else:
                (urgent if is_urgent else normal)[kind] = value
        return Deadlines(default, normal, urgent)

    def deadline_for(self, kind: str, urgent: bool) -> timedelta:
        """Return how long an alert of this kind may go unacknowledged."""
        if urgent and kind in self.urgent:
            return self.urgent[kind]
        return self.normal.get(kind, self.default)

    def shortest(self) -> timedelta:
        """Return the shortest deadline of all, to narrow the search for due routes."""
        return min([self.default, *self.normal.values(), *self.urgent.values()])
