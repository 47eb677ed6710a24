"""Bad topology files get one line naming file and line (issue 10, items 1, 2, 3, 9).

Through the real command line, on SQLite and PostgreSQL: what reached the
database before (a foreign key, a VARCHAR overflow) is refused or handled
before anything is written, identically on both backends.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bad_input import one_line_error, run_cli
from noc_app.storage import models as db
from noc_app.topology import TopologyError, limits, parse_topology
from noc_app.topology.schema import TopologyFile

COMPONENT = '[[component]]\nid = "{id}"\nname = "{name}"\n{extra}\n'


def component(id="api", name="API", extra="") -> str:  # noqa: A002 - the file's key
    return COMPONENT.format(id=id, name=name, extra=extra)


def write(tmp_path, body: str):
    path = tmp_path / "topology.toml"
    path.write_text(body, encoding="utf-8")
    return path


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


# -- item 1: a team named only on a component ------------------------------------------

def test_a_team_named_only_on_components_is_created_at_sync(tmp_path, db_url):
    body = (component("api", extra='team = "platform"') + component("db", "DB", 'team = "platform"')
            + component("web", "Web", 'team = ""'))
    proc = run_cli("poll", "--once", "--config", str(write(tmp_path, body)), "--db", db_url)
    assert proc.returncode == 0, proc.stderr
    assert rows(db_url, "SELECT id, name FROM teams") == [("platform", "platform")]
    assert sorted(rows(db_url, "SELECT id, team_id FROM components")) == [
        ("api", "platform"), ("db", "platform"), ("web", None)]


def test_a_declared_team_adds_its_name_and_a_later_file_keeps_it(tmp_path, db_url):
    body = '[[team]]\nid = "platform"\nname = "Platform engineering"\n' + component(
        extra='team = "platform"') + component("db", "DB", 'team = "storage"')
    assert run_cli("poll", "--once", "--config", str(write(tmp_path, body)), "--db", db_url).returncode == 0
    assert sorted(rows(db_url, "SELECT id, name FROM teams")) == [
        ("platform", "Platform engineering"), ("storage", "storage")]


def test_other_references_keep_their_one_line_errors(tmp_path):
    person = '[[person]]\nid = "kim"\nname = "Kim"\nteam = "plat"\n'
    line = one_line_error(run_cli("poll", "--once", "--config",
                                  str(write(tmp_path, component(extra='team = "platform"') + person))), 2)
    assert line.endswith('team "plat", which is not a known team; did you mean "platform"?')
    assert ":8: " in line  # the person's team line


# -- item 2: text longer than its column, NUL characters ---------------------------------

@pytest.mark.parametrize(("body", "line_no", "expected"), [
    (component(name="N" * 201), 3, 'component "api" > name: 201 characters, longer than the 200 that fit'),
    (component(name="N" * 1_000_000), 3, "1,000,000 characters, longer than the 200 that fit"),
    (component(id="a" * 1_000_000), 2, "> id: 1,000,000 characters, longer than the 100 that fit"),
    (component(name="A\\u0000B"), 3, 'component "api" > name: contains a NUL character'),
    (component(extra='group = "' + "g" * 101 + '"'), 4, "group: 101 characters, longer than the 100 that fit"),
    (component(extra='  [[component.check]]\n  url = "http://h/' + "p" * 500 + '"'), 5,
     "url: 509 characters, longer than the 500 that fit"),
    (component(extra='depends_on = ["' + "d" * 1_000_000 + '"]'), 4, "longer than the 100 that fit"),
], ids=["201-name", "1mb-name", "1mb-id", "nul-name", "long-group", "long-url", "1mb-reference"])
def test_text_that_does_not_fit_is_refused_with_line_and_limit(body, line_no, expected):
    with pytest.raises(TopologyError) as info:
        parse_topology(body, "t.toml")
    line = str(info.value)
    assert line.startswith(f"t.toml:{line_no}: "), line
    assert expected in line
    assert len(line) < 300  # a 1 MB value is never echoed whole


def test_same_message_on_both_backends_and_nothing_written(tmp_path, pg_url):
    path = write(tmp_path, component(name="N" * 201))
    sqlite_url = f"sqlite:///{tmp_path}/n.db"
    sqlite = run_cli("poll", "--once", "--config", str(path), "--db", sqlite_url)
    postgres = run_cli("poll", "--once", "--config", str(path), "--db", pg_url)
    line = one_line_error(sqlite, 2)
    assert line == one_line_error(postgres, 2)
    assert line.startswith(f"error: {path}:3: component \"api\" > name: 201 characters")
    assert rows(pg_url, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'components'") == [(0,)]


# Each limited text of the file, and the column it is synced into.
SYNCED_COLUMNS = {
    ("ComponentTable", "id"): db.Component.id, ("ComponentTable", "name"): db.Component.name,
    ("ComponentTable", "group"): db.Component.group_name, ("ComponentTable", "kind"): db.Component.kind,
    ("ComponentTable", "team"): db.Team.id,
    ("CustomerTable", "name"): db.Customer.name, ("CustomerTable", "tier"): db.Customer.tier,
    ("CustomerTable", "timezone"): db.Customer.timezone, ("CustomerTable", "email"): db.Customer.email,
    ("CustomerTable", "account_manager"): db.Customer.account_manager,
    ("TeamTable", "name"): db.Team.name, ("PersonTable", "name"): db.Person.name,
    ("PersonTable", "email"): db.Person.email, ("PersonTable", "phone"): db.Person.phone,
    ("EscalationPolicyTable", "name"): db.EscalationPolicy.name,
    ("NotificationListTable", "name"): db.NotificationList.name,
    ("NotificationListTable", "webhook_url"): db.NotificationList.webhook_url,
    ("TemplateTable", "name"): db.MessageTemplate.name,
    ("TemplateTable", "subject"): db.MessageTemplate.subject,
    ("ChangeTable", "author"): db.ChangeRecord.author, ("KbTable", "title"): db.KbArticle.title,
    ("CheckTable", "url"): db.Check.target,
}


@pytest.mark.parametrize(("field", "column"), SYNCED_COLUMNS.items(), ids=lambda v: str(v))
def test_the_schema_knows_each_column_width(field, column):
    table, name = field
    model = next(m for m in _tables(TopologyFile) if m.__name__ == table)
    assert _max_length(model.model_fields[name]) == column.type.length, field


def test_tier_names_fit_their_column():
    assert limits.TIER == db.Tier.name.type.length
    with pytest.raises(TopologyError, match="41 characters, longer than the 40"):
        parse_topology("[tiers]\n" + "t" * 41 + " = 2\n", "t.toml")


def _tables(model, seen=None):
    seen = seen if seen is not None else {}
    seen[model.__name__] = model
    for field in model.model_fields.values():
        for inner in _models_in(field.annotation):
            if inner.__name__ not in seen:
                _tables(inner, seen)
    return list(seen.values())


def _models_in(annotation):
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(arg)


def _max_length(node) -> int | None:
    """The max_length pydantic enforces on a field, wherever the annotation keeps it."""
    if getattr(node, "max_length", None):
        return node.max_length
    inner = list(getattr(node, "metadata", ()) or ()) + list(getattr(node, "__metadata__", ()) or ())
    inner += list(getattr(node, "__args__", ()) or ())
    if hasattr(node, "annotation"):
        inner.append(node.annotation)
    for child in inner:
        found = _max_length(child)
        if found:
            return found
    return None


# -- item 3: nesting no parser should follow ----------------------------------------------

def test_deeply_nested_toml_is_one_line_naming_the_file(tmp_path):
    path = write(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    line = one_line_error(run_cli("poll", "--once", "--config", str(path),
                                  "--db", f"sqlite:///{tmp_path}/n.db"), 2)
    assert line.startswith(f"error: {path}: ") and "nested too deeply" in line


# -- item 9: tcp:// and tls:// URLs -------------------------------------------------------

CHECK = '  [[component.check]]\n  kind = "{kind}"\n  {where}\n'


def check_of(kind: str, where: str):
    topo = parse_topology(component(extra=CHECK.format(kind=kind, where=where)), "t.toml")
    return topo.components[0].checks[0]


@pytest.mark.parametrize(("kind", "url", "host", "port"), [
    ("tcp", "tcp://db.internal:5432", "db.internal", 5432),
    ("tls", "tls://api.example.com:8443", "api.example.com", 8443),
    ("tls", "tls://api.example.com", "api.example.com", 443),
    ("tls", "https://api.example.com", "api.example.com", 443),
])
def test_tcp_and_tls_urls_are_accepted(kind, url, host, port):
    check = check_of(kind, f'url = "{url}"')
    assert (check.host, check.port) == (host, port)
    assert check_of(kind, f'host = "{host}"\n  port = {port}').port == port  # host/port still work


@pytest.mark.parametrize(("kind", "where", "expected"), [
    ("http", 'url = "tcp://db:5432"', 'for a tcp check set kind = "tcp", or write e.g. "https://host:8443/health"'),
    ("tcp", 'url = "http://db:5432/"', 'is not a tcp:// URL; write e.g. "tcp://host:5432"'),
    ("tcp", 'url = "tcp://db"', 'has no port; write e.g. "tcp://host:5432"'),
    ("tls", 'url = "tcp://db:443"', 'is not a tls:// (or https://) URL; for a tcp check set kind = "tcp"'),
    ("tcp", 'port = 5432', 'a tcp check needs host = "..." and port = N, or url = "tcp://host:5432"'),
    ("tls", 'port = 443', 'a tls check needs host = "..." and port = N, or url = "tls://host:443"'),
    ("http", 'port = 443', 'an http check needs url = "http(s)://host:port/path"'),
    ("tcp", 'url = "tcp://db:1"\n  host = "db"', 'a tcp check takes url = "tcp://host:5432" or host/port, not both'),
])
def test_each_kind_names_its_own_keys(kind, where, expected):
    with pytest.raises(TopologyError) as info:
        check_of(kind, where)
    assert expected in str(info.value)
    assert str(info.value).startswith("t.toml:")


def test_a_tcp_url_check_runs_against_a_real_listener(tmp_path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        body = component(extra=CHECK.format(kind="tcp", where=f'url = "tcp://127.0.0.1:{port}"'))
        proc = run_cli("poll", "--once", "--json", "--config", str(write(tmp_path, body)),
                       "--db", f"sqlite:///{tmp_path}/n.db")
    assert proc.returncode == 0, proc.stderr
    assert '"status": "OK"' in proc.stdout
