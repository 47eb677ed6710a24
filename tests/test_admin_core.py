"""The admin services (Qt-free) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from noc_app.admin import (
    Article, Change, ChangesAdmin, InUseError, KnowledgeBase, Level, MaintenanceAdmin, NotFoundError,
    NotificationsAdmin, NotifList, PeopleAdmin, PersonInfo, Policy, TeamInfo, Template, ValidationError,
    Window, parse_when, preview,
)
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.workspace import open_workspace

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
NASTY = [
    "it's \"quoted\" and 'single'",
    "emoji 🔥🚒 and 中文 and ünïcödé",
    "'); DROP TABLE changes;--",
    "  leading and trailing spaces kept  \n\nsecond paragraph\ttab\r\nCRLF",
    "{not_a_placeholder} and % and \\ backslash",
]
BIG = ("x" * 1023 + "\n") * 100  # 100 KiB


@pytest.fixture
def ws(db_url):
    workspace = open_workspace(TOPOLOGY, db_url)
    yield workspace
    workspace.close()


def refused(call, field_start: str) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and message.startswith(field_start), message
    return message


# -- changes ---------------------------------------------------------------------
def test_changes_crud_filters_and_exact_text(ws):
    admin = ChangesAdmin(ws.sessions)
    assert [c.id for c in admin.list()] == ["chg-101"]
    for n, text in enumerate(NASTY + [BIG]):
        admin.create(Change(f"c-{n}", NOW - dt.timedelta(hours=n), text, "me 🙂", ("api",)))
    for n, text in enumerate(NASTY + [BIG]):
        assert admin.get(f"c-{n}").summary == text
    listed = admin.list()
    assert [c.at for c in listed] == sorted((c.at for c in listed), reverse=True)
    assert admin.get("c-0").source == "manual" and admin.get("c-0").components == ("api",)
    assert [c.id for c in admin.list(hours=2.5, now=NOW)] == ["c-0", "c-1", "c-2"]
    assert [c.id for c in admin.list(component_ids=["db-main"])] == ["chg-101"]
    updated = admin.update(Change("c-0", NOW, "new", "", ("web", "db-main")))
    assert updated.summary == "new" and updated.components == ("db-main", "web")
    admin.delete("c-0")
    with pytest.raises(NotFoundError):
        admin.get("c-0")


def test_changes_validation_names_the_field(ws):
    admin = ChangesAdmin(ws.sessions)
    refused(lambda: admin.create(Change("Bad Id", NOW, "x")), "id:")
    refused(lambda: admin.create(Change("chg-101", NOW, "x")), "id:")
    refused(lambda: admin.create(Change("c1", NOW.replace(tzinfo=None), "x")), "at:")
    refused(lambda: admin.create(Change("c1", NOW, "   ")), "summary:")
    refused(lambda: admin.create(Change("c1", NOW, "x", components=("nope",))), "components:")
    refused(lambda: admin.create(Change("c1", NOW, "nul \x00")), "summary:")
    refused(lambda: admin.create(Change("c1", NOW, "x", "a" * 201)), "author:")
    refused(lambda: parse_when("yesterday", "start"), "start:")
    assert [c.id for c in admin.list()] == ["chg-101"]


def test_changes_import_csv_is_the_cli_import(ws, tmp_path):
    admin = ChangesAdmin(ws.sessions)
    good = tmp_path / "good.csv"
    good.write_text('id,at,author,summary,components\n'
                    'chg-200,2026-11-23T05:00:00+00:00,bob,"Deploy ""v2"" 🚀",api;web\n', encoding="utf-8")
    result = admin.import_csv(good)
    assert result.ok and (result.added, result.updated, result.unchanged) == (1, 0, 0)
    assert admin.get("chg-200").summary == 'Deploy "v2" 🚀' and admin.get("chg-200").source == "csv"
    assert admin.import_csv(good).unchanged == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("id,at,author,summary,components\nchg-201,not-a-date,bob,x,api\n", encoding="utf-8")
    result = admin.import_csv(bad)
    assert not result.ok and "column at" in result.errors[0] and "nothing imported" in result.summary()
    assert "chg-201" not in [c.id for c in admin.list()]


# -- knowledge base -----------------------------------------------------------------
def test_kb_crud_and_exact_text(ws):
    kb = KnowledgeBase(ws.sessions)
    article = kb.create(Article("kb-2", NASTY[0], tuple(NASTY[:3]), BIG, NASTY[3], ("api",)))
    assert article.title == NASTY[0] and article.symptoms == tuple(NASTY[:3])
    assert article.solution == BIG and article.script == NASTY[3] and article.components == ("api",)
    kb.update(Article("kb-2", "Renamed", ("x",), "s", None, ()))
    assert kb.get("kb-2") == Article("kb-2", "Renamed", ("x",), "s", None, (), kb.get("kb-2").updated_at)
    refused(lambda: kb.create(Article("kb-3", "", ())), "title:")
    refused(lambda: kb.create(Article("kb-3", "t", ("two\nlines",))), "symptoms:")
    kb.delete("kb-2")
    assert [a.id for a in kb.list()] == ["kb-1"]


def test_kb_search_ranks_all_words_case_insensitive(ws):
    kb = KnowledgeBase(ws.sessions)
    kb.create(Article("kb-2", "Web returns 503", ("checkout slow",), "Scale the API pool", None, ("web",)))
    kb.create(Article("kb-3", "Certificate expired", ("TLS handshake failure",), "Renew the cert", None))
    hits = kb.search("POOL")
    assert [h.article.id for h in hits] == ["kb-1", "kb-2"]  # title+symptom beats solution only
    assert "pool" in hits[0].snippet.lower() and "\n" not in hits[0].snippet
    assert [h.article.id for h in kb.search("api 503")] == ["kb-1", "kb-2"]
    assert [h.article.id for h in kb.search("pool exhausted")] == ["kb-1"]  # all words, not any
    assert [h.article.id for h in kb.search("handsh")] == ["kb-3"]  # word prefixes, as typed live
    assert kb.search("ool") == []
    assert [h.article.id for h in kb.search("pool", component_ids=["web"])] == ["kb-2"]
    assert {h.article.id for h in kb.search("")} == {"kb-1", "kb-2", "kb-3"}
    assert kb.search("'); DROP TABLE kb_articles;--") == []


# -- maintenance --------------------------------------------------------------------
def test_maintenance_active_upcoming_and_validation(ws):
    admin = MaintenanceAdmin(ws.sessions)
    # mw-1 from the topology: 2026-11-24 02:00–03:00 UTC.
    assert [w.id for w in admin.upcoming(NOW, hours=2)] == ["mw-1"]
    assert admin.upcoming(NOW, hours=0.5) == []
    assert [w.id for w in admin.active(NOW + dt.timedelta(hours=1, minutes=30))] == ["mw-1"]
    assert admin.active(NOW + dt.timedelta(hours=2)) == []  # the end is not inside the window
    window = admin.create(Window("mw-2", NOW, NOW + dt.timedelta(hours=4), BIG + NASTY[2], ("api", "web")))
    assert window.reason == BIG + NASTY[2] and window.components == ("api", "web")
    assert [w.id for w in admin.active(NOW)] == ["mw-2"]
    refused(lambda: admin.create(Window("mw-3", NOW, NOW - dt.timedelta(minutes=1), "r", ("api",))), "end:")
    refused(lambda: admin.create(Window("mw-3", NOW, NOW, "r", ("api",))), "end:")
    refused(lambda: admin.create(Window("mw-3", NOW.replace(tzinfo=None), NOW, "r", ("api",))), "start:")
    refused(lambda: admin.create(Window("mw-3", NOW, NOW + dt.timedelta(hours=1), "r", ())), "components:")
    refused(lambda: admin.create(Window("mw-3", NOW, NOW + dt.timedelta(hours=1), "r", ("zzz",))), "components:")
    admin.update(Window("mw-2", NOW, NOW + dt.timedelta(hours=1), "shorter", ("db-main",)))
    assert admin.get("mw-2").components == ("db-main",)
    admin.delete("mw-2")
    assert [w.id for w in admin.list()] == ["mw-1"]


# -- people, teams, policies ----------------------------------------------------------
def test_people_teams_policies(ws):
    admin = PeopleAdmin(ws.sessions)
    admin.create_team(TeamInfo("db-team", "Databases 🐘", "platform-oncall"))
    carol = admin.create_person(PersonInfo("carol", NASTY[2], "carol@x.example", "+33 1", "db-team"))
    assert carol.name == NASTY[2]
    refused(lambda: admin.create_person(PersonInfo("dave", "Dave", "dave.example")), "email:")
    refused(lambda: admin.create_person(PersonInfo("dave", "Dave", team_id="nope")), "team:")
    refused(lambda: admin.create_person(PersonInfo("Dave!", "Dave")), "id:")
    policy = admin.create_policy(Policy("db-oncall", "DB on-call",
                                        (Level(0, ("carol",)), Level(600, ("alice", "bob"))), ("db-main",)))
    assert policy.levels == (Level(0.0, ("carol",)), Level(600.0, ("alice", "bob")))
    refused(lambda: admin.create_policy(Policy("p2", "P", (Level(0, ("ghost",)),))), "level 1:")
    refused(lambda: admin.create_policy(Policy("p2", "P", (Level(-5, ("bob",)),))), "level 1:")
    refused(lambda: admin.create_policy(Policy("p2", "P", ())), "levels:")
    admin.update_policy(Policy("db-oncall", "DB on-call", (Level(60, ("bob",)),), ()))
    assert admin.get_policy("db-oncall").levels == (Level(60.0, ("bob",)),)

    # Referenced records are kept, with the reason.
    assert "alice" in refused(lambda: admin.delete_person("alice"), "cannot delete person 'alice'")
    with pytest.raises(InUseError, match="notification list internal-major"):
        admin.delete_person("bob")
    assert "team db-team" in refused(lambda: admin.delete_policy("platform-oncall"), "cannot delete")
    refused(lambda: admin.delete_team("db-team"), "cannot delete team 'db-team': still used by person carol")
    with transaction(ws.sessions) as session:
        session.add(db.Incident(title="t", incident_manager_id="carol"))
    assert "incident manager" in refused(lambda: admin.delete_person("carol"), "cannot delete")
    admin.create_person(PersonInfo("temp", "Temp"))
    admin.delete_person("temp")
    assert "temp" not in [p.id for p in admin.people()]


# -- notifications ------------------------------------------------------------------
def test_notification_lists_and_templates(ws):
    admin = NotificationsAdmin(ws.sessions)
    nl = admin.create_list(NotifList("minor", "Minor", ("p3", "P4"), ("bob",), ("x@y.example",),
                                     "https://hooks.example/abc"))
    assert nl.priorities == ("P3", "P4")
    refused(lambda: admin.create_list(NotifList("l2", "L", ("P9",), ("bob",))), "priorities:")
    refused(lambda: admin.create_list(NotifList("l2", "L", ("P1",), ("ghost",))), "people:")
    refused(lambda: admin.create_list(NotifList("l2", "L", ("P1",), (), ("nobody",))), "emails:")
    refused(lambda: admin.create_list(NotifList("l2", "L", ("P1",), ("bob",), (), "ftp://x")), "webhook:")

    body = BIG + "".join(NASTY).replace("{not_a_placeholder}", "{{literal}}") + " {incident_title}"
    template = admin.create_template(Template("t1", "Update 😀", "customers", "update", "[{priority}] it's", body))
    assert template.body == body
    refused(lambda: admin.create_template(Template("t2", "T", "customers", "update", "s", "{nope}")),
            "template body: unknown placeholder {nope}")
    refused(lambda: admin.create_template(Template("t2", "T", "customers", "update", "{", "b")),
            "template subject:")
    refused(lambda: admin.create_template(Template("t2", "T", "everyone", "update", "s", "b")), "audience:")
    shown = preview("[{priority}] {incident_title}", "Hi {customer_name}, {{braces}}")
    assert shown.subject.startswith("[P1] ") and shown.body == "Hi ACME Corp, {braces}" and shown.error is None
    assert preview("{bad}", "").error.startswith("template subject:")
    admin.delete_template("t1")
    admin.delete_list("minor")
    assert [t.id for t in admin.templates()] == ["customer-initial"]
