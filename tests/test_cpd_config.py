"""contributions_config/cpd.toml is validated strictly: errors name the file and the key."""

from decimal import Decimal
from pathlib import Path

import pytest

from db.cpd import CpdConfigError, default_path, load_cpd_config


def test_the_shipped_file_covers_every_kind_and_orders_badges() -> None:
    config = load_cpd_config()
    assert config.points("RESEARCH_GUIDANCE", Decimal(2), milestone=False) == Decimal("3.00")
    assert config.points("MENTORSHIP", Decimal(1), milestone=True) == Decimal("3.00")
    earned = config.badges_for(Decimal(60), 3, Decimal(10))
    assert [badge.slug for badge in earned] == ["first-contribution", "committed-contributor"]


def test_a_typo_names_the_file_and_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "cpd.toml"
    broken.write_text(
        default_path().read_text(encoding="utf-8").replace("min_hours = 50", "min_hour = 50")
    )
    with pytest.raises(CpdConfigError) as error:
        load_cpd_config(broken)
    assert f"{broken}: badges.1.min_hour: unknown key" in error.value.errors


def test_a_missing_kind_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "cpd.toml"
    broken.write_text(default_path().read_text(encoding="utf-8").replace("INVESTMENT = 0.25\n", ""))
    with pytest.raises(CpdConfigError) as error:
        load_cpd_config(broken)
    assert any("points_per_hour: missing kinds INVESTMENT" in line for line in error.value.errors)
    assert all(line.startswith(str(broken)) for line in error.value.errors)


def test_an_unknown_kind_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "cpd.toml"
    broken.write_text(
        default_path().read_text(encoding="utf-8").replace("MENTORSHIP = 1.0", "MENTORING = 1.0")
    )
    with pytest.raises(CpdConfigError) as error:
        load_cpd_config(broken)
    assert any("points_per_hour.MENTORING" in line for line in error.value.errors)
