"""Statistics settings (contributions_config/stats.toml) and chapter scorecard targets
([scorecard] in chapters_config/) are validated strictly: errors name the file and the key."""

from pathlib import Path

import pytest

from db.stats_config import StatsConfigError, default_path, load_stats_config
from graph.chapters import ChapterConfigError, ScorecardConfig, load_chapter, load_registry

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters_config"


def test_the_shipped_file_sets_the_minimum_cell_and_the_series() -> None:
    config = load_stats_config()
    assert config.minimum_cell_size == 5
    assert config.months == 36


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("minimum_cell = 5\n", "minimum_cell: unknown key"),
        ("minimum_cell_size = 0\n", "minimum_cell_size: Input should be greater than or equal"),
        ("months = 'many'\n", "months: Input should be a valid integer"),
    ],
)
def test_a_bad_setting_names_the_file_and_the_key(tmp_path: Path, text: str, error: str) -> None:
    broken = tmp_path / "stats.toml"
    broken.write_text(text)
    with pytest.raises(StatsConfigError) as raised:
        load_stats_config(broken)
    assert any(line.startswith(f"{broken}: {error}") for line in raised.value.errors), raised


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StatsConfigError):
        load_stats_config(tmp_path / "missing.toml")
    assert default_path().name == "stats.toml"


def test_chapters_without_a_scorecard_table_take_the_defaults() -> None:
    registry = load_registry(CHAPTERS)
    assert registry["gulf-uae"].scorecard.events_held == 12
    assert registry["east-asia"].scorecard.window_days == 730
    assert registry["saudi-arabia"].scorecard == ScorecardConfig()


def test_a_misspelt_scorecard_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "gulf-uae.toml"
    text = (CHAPTERS / "gulf-uae.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace("events_held = 12", "events = 12"))
    with pytest.raises(ChapterConfigError) as raised:
        load_chapter(broken)
    assert any("scorecard.events: unknown key" in line for line in raised.value.errors)
