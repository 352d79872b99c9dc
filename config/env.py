"""Read settings from the environment, healthchecks-style.

Every secret may also come from a file: for ``SECRET_KEY`` the variable ``SECRET_KEY_FILE``
names a file whose stripped contents win. That is how container orchestrators and systemd
credentials hand secrets over without putting them in the process environment.
"""

from __future__ import annotations

import os
from pathlib import Path


def env(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = env(name, "")
    return int(value) if value else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = env(name, "")
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
