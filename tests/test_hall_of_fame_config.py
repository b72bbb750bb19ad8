"""contributions_config/hall_of_fame.toml is validated strictly; quorum and majority decide."""

from pathlib import Path

import pytest

from db.hall_of_fame_config import (
    HallOfFameConfig,
    HallOfFameConfigError,
    default_path,
    load_hall_of_fame_config,
)


def test_the_shipped_file_asks_for_a_quorum_of_three_and_a_simple_majority() -> None:
    config = load_hall_of_fame_config()
    assert (config.quorum, config.majority_percent) == (3, 50)


@pytest.mark.parametrize(
    ("in_favour", "against", "inducted"),
    [(3, 0, True), (2, 1, True), (2, 0, False), (2, 2, False), (1, 2, False), (3, 2, True)],
)
def test_quorum_and_majority_decide(in_favour: int, against: int, inducted: bool) -> None:
    assert HallOfFameConfig(quorum=3, majority_percent=50).inducts(in_favour, against) is inducted


def test_a_larger_majority_is_configurable() -> None:
    config = HallOfFameConfig(quorum=3, majority_percent=67)
    assert not config.inducts(4, 2)
    assert config.inducts(5, 2)


def test_a_typo_names_the_file_and_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "hall_of_fame.toml"
    broken.write_text(
        default_path().read_text(encoding="utf-8").replace("quorum = 3", "quorom = 3")
    )
    with pytest.raises(HallOfFameConfigError) as error:
        load_hall_of_fame_config(broken)
    assert f"{broken}: quorom: unknown key" in error.value.errors
    assert f"{broken}: quorum: Field required" in error.value.errors


def test_out_of_range_values_are_errors(tmp_path: Path) -> None:
    broken = tmp_path / "hall_of_fame.toml"
    broken.write_text("quorum = 0\nmajority_percent = 100\n")
    with pytest.raises(HallOfFameConfigError) as error:
        load_hall_of_fame_config(broken)
    assert [line.split(": ")[1] for line in error.value.errors] == ["quorum", "majority_percent"]


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(HallOfFameConfigError) as error:
        load_hall_of_fame_config(tmp_path / "missing.toml")
    assert str(tmp_path / "missing.toml") in error.value.errors[0]
