"""The compiled path serves notifications to their recipient only, in one statement."""

from graph.auth.roles import MEMBER_SCOPES
from graph.auth.viewer import ANONYMOUS, Viewer
from tests.compiler.conftest import BothPaths, World
from tests.graph.test_notifications import NOTIFICATION_NODE, NOTIFICATION_NODES, NOTIFICATIONS


async def test_the_recipient_reads_their_own_compiled(both: BothPaths, world: World) -> None:
    mine = Viewer(engineer_id=world.pks["cmp-1"], scopes=MEMBER_SCOPES)
    ids = [world.ids[f"notification-{number}"] for number in range(4)]

    listed = await both.compare(NOTIFICATIONS, {"first": 10}, mine)
    node = await both.compare(NOTIFICATION_NODE, {"id": ids[1]}, mine)
    nodes = await both.compare(NOTIFICATION_NODES, {"ids": ids}, mine)

    page = listed["viewer"]["notifications"]
    assert [edge["node"]["id"] for edge in page["edges"]] == ids[2::-1]
    assert listed["viewer"]["unreadNotificationCount"] == 2
    assert page["edges"][2]["node"]["summary"] == 'Cmp "reply" ö'
    assert page["edges"][0]["node"]["summary"] == "Your chapter membership was approved"
    assert page["edges"][1]["node"]["subjectId"] == world.ids["cmp-gulf-thread-2-post-0"]
    assert node["node"]["kind"] == "FORUM_MENTION"
    assert [item and item["id"] for item in nodes["nodes"]] == [*ids[:3], None]
    assert both.last_statement_count == 1


async def test_anothers_notifications_are_null_compiled(both: BothPaths, world: World) -> None:
    ids = [world.ids[f"notification-{number}"] for number in range(4)]
    for viewer in (ANONYMOUS, Viewer(engineer_id=world.pks["cmp-0"], scopes=MEMBER_SCOPES)):
        node = await both.compare(NOTIFICATION_NODE, {"id": ids[0]}, viewer)
        nodes = await both.compare(NOTIFICATION_NODES, {"ids": ids[:3]}, viewer)
        listed = await both.compare(NOTIFICATIONS, {"first": 10}, viewer)
        assert node == {"node": None}
        assert nodes == {"nodes": [None, None, None]}
        assert all(
            edge["node"]["id"] == ids[3] for edge in listed["viewer"]["notifications"]["edges"]
        )
