"""Layers import downward only: alerts/ defines the sender seam and never imports a channel."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ABOVE_ALERTS = ("bot", "sms", "web")


def imported_modules(path: Path) -> set[str]:
    """Return every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_alerts_imports_nothing_from_the_channels_or_the_web() -> None:
    """No module of alerts/ imports bot/, sms/ or web/, not even lazily inside a function."""
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "alerts").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in ABOVE_ALERTS
    }
    assert not offending, "alerts/ reaches up into a channel: " + ", ".join(sorted(offending))


def test_the_walk_sees_lazy_imports(tmp_path: Path) -> None:
    """The check finds an import hidden in a function, as senders_for once had."""
    module = tmp_path / "lazy.py"
    module.write_text("def pick():\n    from sms.sender import TwilioSender\n"
                      "    return TwilioSender\n", encoding="utf-8")
    assert imported_modules(module) == {"sms.sender"}
