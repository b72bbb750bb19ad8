"""Signed-in engineers: every case answers as strawberry does for each kind of viewer.

The authorization suite's denied/allowed pairs come down to these relationships: nobody, an
engineer whose token lacks profiles:read, the engineer themselves, a fellow active member of
a chapter that shares fields, a coordinator (members:read in one chapter) and a council admin.
"""

import pytest

from db.enums import GlobalRole
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, ChapterRole, Viewer
from graph.compiler.reads import serves
from tests.compiler.conftest import BothPaths, World
from tests.compiler.test_equality import cases, forum_cases

VIEWERS = ("anonymous", "no-scope", "self", "fellow", "coordinator", "council-admin")


def viewer(name: str, world: World) -> Viewer:
    """The viewer called `name` in the world."""
    gulf = world.pks["gulf-uae"]
    if name == "anonymous":
        return ANONYMOUS
    if name == "no-scope":
        return Viewer(engineer_id=world.pks["cmp-0"], scopes=frozenset({Scope.CHAPTERS_READ}))
    if name == "self":
        return Viewer(engineer_id=world.pks["cmp-1"], scopes=MEMBER_SCOPES)
    if name == "fellow":
        role = ChapterRole(gulf, "gulf-uae", "member", frozenset())
        return Viewer(
            engineer_id=world.pks["cmp-0"], scopes=MEMBER_SCOPES, chapter_roles={gulf: role}
        )
    if name == "coordinator":
        role = ChapterRole(gulf, "gulf-uae", "coordinator", frozenset({Scope.MEMBERS_READ}))
        return Viewer(
            engineer_id=world.pks["cmp-6"],
            scopes=MEMBER_SCOPES | {Scope.MEMBERS_READ},
            chapter_roles={gulf: role},
        )
    assert name == "council-admin"
    return Viewer(
        engineer_id=world.pks["cmp-2"],
        scopes=frozenset(Scope),
        global_role=GlobalRole.COUNCIL_ADMIN,
    )


@pytest.mark.parametrize("name", VIEWERS)
async def test_every_case_matches_strawberry_for_the_viewer(
    both: BothPaths, world: World, name: str
) -> None:
    # Given a viewer the compiled path serves
    who = viewer(name, world)
    assert serves(who)
    # When every case runs through both paths, then each answers alike in one statement
    for document, variables in cases(world):
        await both.compare(document, variables, who)
        assert both.last_statement_count == 1


async def test_clients_and_institutions_are_left_to_strawberry() -> None:
    assert not serves(Viewer(client_id="partner", scopes=frozenset({Scope.PROFILES_READ})))
    assert not serves(
        Viewer(client_id="uni", institution_id=1, scopes=frozenset({Scope.PROFILES_READ}))
    )


def forum_viewer(name: str, world: World) -> Viewer:
    """Viewers whose chapter roles grant forum rights: a member and a moderator of gulf-uae
    (whose lounge is members-only), and a moderator of uk-ireland."""
    chapter = world.pks["uk-ireland" if name == "uk-moderator" else "gulf-uae"]
    slug = "uk-ireland" if name == "uk-moderator" else "gulf-uae"
    scopes = {Scope.CHAPTERS_READ, Scope.FORUM_WRITE}
    if name != "gulf-member":
        scopes.add(Scope.FORUM_MODERATE)
    role = ChapterRole(chapter, slug, "moderator", frozenset(scopes))
    return Viewer(
        engineer_id=world.pks["cmp-3"],
        scopes=MEMBER_SCOPES | scopes,
        chapter_roles={chapter: role},
    )


@pytest.mark.parametrize("name", ["gulf-member", "gulf-moderator", "uk-moderator"])
async def test_forum_cases_match_strawberry_for_chapter_roles(
    both: BothPaths, world: World, name: str
) -> None:
    who = forum_viewer(name, world)
    assert serves(who)
    for document, variables in forum_cases(world):
        await both.compare(document, variables, who)
        assert both.last_statement_count == 1
