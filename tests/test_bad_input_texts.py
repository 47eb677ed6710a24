"""Text the GUI writes: too long or holding a NUL is one message, the same on SQLite and PostgreSQL
(issue 10, item 2). Every test runs on both backends with the same expected line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from noc_app.admin import NotificationsAdmin, NotifList, PeopleAdmin, PersonInfo, TeamInfo, ValidationError
from noc_app.incidents import IncidentService
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.storage.text_fit import TextDoesNotFitError
from noc_app.workspace import open_workspace

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"


@pytest.fixture
def ws(db_url):
    workspace = open_workspace(TOPOLOGY, db_url)
    yield workspace
    workspace.close()


def refused(call) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and len(message) < 300, message
    return message


# -- admin records ------------------------------------------------------------------------------

def test_admin_people_and_teams(ws):
    people = PeopleAdmin(ws.sessions)
    assert refused(lambda: people.create_person(PersonInfo("kim", "N" * 201))) == "name: 201 characters, at most 200"
    assert refused(lambda: people.create_person(PersonInfo("kim", "Kim", email="k\x00@x.example"))) == (
        "email: contains a NUL character, which cannot be stored")
    assert refused(lambda: people.create_person(PersonInfo("kim", "Kim", team_id="plat\x00"))) == (
        "team: unknown team plat\\u0000")
    assert refused(lambda: people.create_person(PersonInfo("kim", "Kim", team_id="t" * 1_000_000))).startswith(
        "team: unknown team " + "t" * 60 + "…")
    assert refused(lambda: people.create_team(TeamInfo("ops", "Ops\x00"))) == (
        "name: contains a NUL character, which cannot be stored")


def test_admin_notification_list_webhook(ws):
    lists = NotificationsAdmin(ws.sessions)
    # passes the form's URL check; the column net refuses the NUL on both backends alike
    assert refused(lambda: lists.create_list(NotifList("l1", "L", ("P1",), (), (), "https://h/\x00x"))) == (
        "webhook_url: contains a NUL character, which cannot be stored")
    assert refused(lambda: lists.create_list(NotifList("l1", "L", ("P1",), (), (), "https://h/" + "p" * 1_000_000))
                   ).startswith("webhook: 'https://h/ppp")


# -- incident fields ----------------------------------------------------------------------------

def test_incident_texts(ws):
    service = IncidentService(ws.sessions, author="tester")
    assert refused(lambda: service.open_incident("T" * 301, "customer_call")) == (
        "title is 301 characters long; at most 300")
    assert refused(lambda: service.open_incident("DB down", "customer_call", manifestation="a\x00b")) == (
        "manifestation contains a NUL character, which cannot be stored")
    assert refused(lambda: service.open_incident("DB down", "customer_call", component_ids=["x" * 1_000_000])) == (
        "component id is 1,000,000 characters long; an id has at most 100")
    assert refused(lambda: service.open_incident("DB down", "customer_call", customer_ids=["ac\x00me"])) == (
        "customer id contains a NUL character, which no id has")
    change = service.open_incident("DB down", "customer_call", component_ids=["db-main"])
    assert refused(lambda: service.add_participant(change.incident_id, "al\x00ice")) == (
        "person_id contains a NUL character, which no id has")
    assert refused(lambda: service.assign_manager(change.incident_id, "a" * 101, change.version)) == (
        "person_id is 101 characters long; an id has at most 100")
    assert refused(lambda: service.add_note(change.incident_id, "note \x00")) == (
        "note contains a NUL character, which cannot be stored")
    assert refused(lambda: service.status_page_update("g" * 101, "degraded", "slow")) == (
        "service_group is 101 characters long; at most 100")
    assert refused(lambda: service.close(change.incident_id, "disk", [], "bob\x00", None, change.version)) == (
        "owner contains a NUL character, which no id has")


# -- the net under every ORM write --------------------------------------------------------------

@pytest.mark.parametrize(("values", "expected"), [
    ({"name": "N" * 201}, "name: 201 characters, at most 200"),
    ({"name": "ok", "description": "a\x00b"}, "description: contains a NUL character, which cannot be stored"),
    ({"name": "ok", "group_name": "g" * 1_000_000}, "group_name: 1,000,000 characters, at most 100"),
])
def test_every_orm_write_is_measured_against_its_column(ws, values, expected):
    with pytest.raises(TextDoesNotFitError) as info:
        with transaction(ws.sessions) as session:
            session.add(db.Component(id="extra", **values))
    assert str(info.value) == expected
    with transaction(ws.sessions) as session:
        assert session.get(db.Component, "extra") is None


def test_an_update_is_measured_too_but_only_what_it_changes(ws):
    with transaction(ws.sessions) as session:
        session.get(db.Component, "api").description = "fine"
    with pytest.raises(TextDoesNotFitError, match="^name: 201 characters, at most 200$"):
        with transaction(ws.sessions) as session:
            session.get(db.Component, "api").name = "N" * 201
