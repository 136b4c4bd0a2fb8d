"""Fixtures shared by the command tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import import_sample


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive holding the fictional outlet's captures and its mirror's."""
    path = tmp_path / "archive"
    import_sample(tmp_path, path)
    return path
