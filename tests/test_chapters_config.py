"""Chapter files load into a registry, and every mistake names its file and key."""

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.auth.scopes import Scope
from graph.chapters import (
    DIRECTORY_VARIABLE,
    ChapterConfigError,
    ChapterRegistry,
    default_directory,
    load_registry,
)

SHIPPED = Path(__file__).resolve().parent.parent / "chapters_config"

VALID_CHAPTER = """\
name = "Test Chapter"
region = "Europe"
description = "A chapter used by the tests."
countries = ["GB"]
timezone = "Europe/London"
join_policy = "open"
coordinators = ["test-coordinator-lon"]
member_visible_fields = ["city", "positions"]

[features]
forum = true
events = false
mentorship_programmes = true
marketplace = false

[roles.member]
description = "Members."
scopes = ["chapters:read", "profiles:read"]

[roles.coordinator]
description = "Runs the chapter."
scopes = ["chapters:read", "members:manage"]
"""


def write_chapter(directory: Path, slug: str, text: str = VALID_CHAPTER) -> Path:
    """Write one chapter file into `directory` and return its path."""
    path = directory / f"{slug}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_errors(directory: Path) -> list[str]:
    """The error lines loading `directory` produces (the test fails if it loads)."""
    with pytest.raises(ChapterConfigError) as raised:
        load_registry(directory)
    return list(raised.value.errors)


def test_shipped_chapters_load() -> None:
    # given the chapter files in the repository
    # when they are loaded
    registry = load_registry(SHIPPED)
    # then there are at least eight chapters, each with the roles the portal relies on
    assert len(registry) >= 8
    for slug in (
        "gulf-uae",
        "saudi-arabia",
        "uk-ireland",
        "north-america-east",
        "north-america-west",
        "germany-central-europe",
        "australia-new-zealand",
        "east-asia",
    ):
        chapter = registry[slug]
        assert chapter.slug == slug
        assert {"member", "moderator", "events-lead", "coordinator"} <= set(chapter.roles)
        assert chapter.coordinators
        assert Scope.MEMBERS_MANAGE in chapter.scopes_for("coordinator")
        assert Scope.MEMBERS_MANAGE not in chapter.scopes_for("member")


def test_registry_is_an_immutable_mapping(tmp_path: Path) -> None:
    # given a directory with two valid chapters
    write_chapter(tmp_path, "zulu-chapter")
    write_chapter(tmp_path, "alpha-chapter")
    # when it is loaded
    registry = load_registry(tmp_path)
    # then it maps slugs to configs in slug order and cannot be changed
    assert list(registry) == ["alpha-chapter", "zulu-chapter"]
    assert registry.get("alpha-chapter") is registry["alpha-chapter"]
    assert registry.get("missing") is None
    assert registry.coordinators() == {
        "alpha-chapter": ["test-coordinator-lon"],
        "zulu-chapter": ["test-coordinator-lon"],
    }
    with pytest.raises(TypeError):
        registry["new"] = registry["alpha-chapter"]  # type: ignore[index]
    with pytest.raises(ValidationError):
        registry["alpha-chapter"].name = "Renamed"


def test_misspelt_key_names_file_and_key(tmp_path: Path) -> None:
    # given a chapter whose features table has a typo
    text = VALID_CHAPTER.replace("mentorship_programmes = true", "mentorship_programs = true")
    path = write_chapter(tmp_path, "gulf-uae", text)
    # when the directory is loaded
    errors = load_errors(tmp_path)
    # then one error names the file, the key path and the likely intended key,
    # and another says the real key is missing
    assert sorted(errors) == [
        f"{path}: features.mentorship_programmes: required key is missing",
        f"{path}: features.mentorship_programs: unknown key "
        "(did you mean 'mentorship_programmes'?)",
    ]


def test_unknown_scope_names_file_and_key(tmp_path: Path) -> None:
    # given a role that lists a misspelt scope
    text = VALID_CHAPTER.replace('"chapters:read", "profiles:read"', '"profile:reed"')
    path = write_chapter(tmp_path, "gulf-uae", text)
    # when the directory is loaded
    errors = load_errors(tmp_path)
    # then the error names the file, the list position and the closest known scope
    assert errors == [
        f"{path}: roles.member.scopes.0: 'profile:reed' is not a known scope "
        "(did you mean 'profiles:read'?)"
    ]


def test_bad_timezone_is_rejected(tmp_path: Path) -> None:
    # given a chapter whose time zone is not an IANA name
    text = VALID_CHAPTER.replace('"Europe/London"', '"Europe/Lahore"')
    path = write_chapter(tmp_path, "uk-ireland", text)
    # when the directory is loaded
    errors = load_errors(tmp_path)
    # then the error names the file and the timezone key
    assert errors == [f"{path}: timezone: 'Europe/Lahore' is not an IANA time zone"]


def test_errors_of_every_file_are_reported_together(tmp_path: Path) -> None:
    # given one valid file and three broken ones
    write_chapter(tmp_path, "valid-chapter")
    write_chapter(tmp_path, "Bad_Slug")
    write_chapter(tmp_path, "broken-toml", "name = ")
    write_chapter(tmp_path, "bad-country", VALID_CHAPTER.replace('["GB"]', '["GB", "uk"]'))
    # when the directory is loaded
    errors = load_errors(tmp_path)
    # then each broken file contributes its own error, in file-name order
    assert len(errors) == 3
    assert errors[0].startswith(f"{tmp_path / 'Bad_Slug.toml'}: slug: file name 'Bad_Slug'")
    assert errors[1].startswith(f"{tmp_path / 'bad-country.toml'}: countries.1: ")
    assert errors[2].startswith(f"{tmp_path / 'broken-toml.toml'}: ")


def test_required_roles_and_slug_key(tmp_path: Path) -> None:
    # given a chapter without a coordinator role that also declares its own slug
    text = "slug = 'gulf'\n" + VALID_CHAPTER.split("[roles.coordinator]")[0]
    path = write_chapter(tmp_path, "gulf-uae", text)
    # when the directory is loaded
    errors = load_errors(tmp_path)
    # then both mistakes are reported
    assert errors == [
        f"{path}: slug: unknown key (the slug is the file name)",
        f"{path}: roles: must define the role(s) coordinator",
    ]


def test_empty_or_missing_directory_is_an_error(tmp_path: Path) -> None:
    # given an empty directory and a path that does not exist
    # when each is loaded
    # then both are errors rather than an empty registry
    assert load_errors(tmp_path) == [f"{tmp_path}: no chapter files (*.toml)"]
    assert load_errors(tmp_path / "absent") == [f"{tmp_path / 'absent'}: not a directory"]


def test_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the environment variable pointing at a copy of one shipped chapter
    shutil.copy(SHIPPED / "gulf-uae.toml", tmp_path / "gulf-uae.toml")
    monkeypatch.setenv(DIRECTORY_VARIABLE, str(tmp_path))
    # when the registry is loaded without a directory
    registry = load_registry()
    # then the environment's directory is used
    assert default_directory() == tmp_path
    assert list(registry) == ["gulf-uae"]
    assert isinstance(registry, ChapterRegistry)
