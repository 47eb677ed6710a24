"""A webhook URL is a secret: it is named by env:NAME, sent from the environment, and never stored.

Real SMTP and a real local webhook receiver; the database is read back
row by row (every table, SQLite and PostgreSQL) for the URL's token.
"""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, select

from noc_app.incidents import ChannelConfig, IncidentService
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.webhook_address import check_webhook, scrub
from noc_app.workspace import open_workspace
from smtp_server import SmtpServer, WebhookReceiver
from test_incidents_flow import START, TOPOLOGY, Clock, make_outage

TOKEN = "T0KEN-c4f3-b00c-in-the-path"


def _every_value(engine) -> list[str]:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as connection:
        return [str(value) for table in meta.sorted_tables for row in connection.execute(select(table))
                for value in row if value is not None]


@pytest.mark.parametrize("value", ["https://hooks.slack.com/services/T1/B2/abc",
                                   "https://discord.com/api/webhooks/1/xyz",
                                   "https://acme.webhook.office.com/webhookb2/x",
                                   "https://user:pw@relay.example/hook"])
def test_token_bearing_urls_are_refused_in_plain_form(value):
    with pytest.raises(ValueError, match='env:NAME'):
        check_webhook(value)
    assert check_webhook("env:OPS_CHAT_HOOK") == "env:OPS_CHAT_HOOK"
    assert check_webhook("http://relay.internal:8080/hook") == "http://relay.internal:8080/hook"
    with pytest.raises(ValueError, match="environment variable reference"):
        check_webhook("env:not a name")


def test_topology_with_a_slack_url_is_one_line_exit_2(tmp_path):
    from bad_input import one_line_error, run_cli

    topology = tmp_path / "t.toml"
    topology.write_text(TOPOLOGY.read_text().replace(
        '[[notification_list]]', '[[notification_list]]\nwebhook_url = "https://hooks.slack.com/services/T/B/Z"', 1))
    result = run_cli("poll", "--once", "--config", str(topology), "--db", f"sqlite:///{tmp_path}/n.db")
    line = one_line_error(result, 2)
    assert "hooks.slack.com webhook URLs carry their token" in line
    assert "T/B/Z" not in result.stdout + result.stderr


def test_sent_from_the_environment_and_never_stored(db_url, monkeypatch):
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        workspace = open_workspace(TOPOLOGY, db_url)
        make_outage(workspace.sessions, "env:VIGIL_TEST_WAR_ROOM")
        monkeypatch.setenv("VIGIL_TEST_WAR_ROOM", hook.url(f"/hook/{TOKEN}"))
        service = IncidentService(workspace.sessions, "alice", clock=Clock(START),
                                  channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                         smtp_from="noc@vigil.example"))
        iid = service.open_incident("Checkout failing", "internal_monitoring",
                                    component_ids={"db-main": "cause"}).incident_id
        version = service.get(iid).version
        version = service.classify(iid, "high", "high", version).version
        sent = service.send(iid, "internal", "internal-initial")
        webhook = [d for d in sent.deliveries if d.message.channel == "webhook"]
        assert [(d.ok, d.message.recipient) for d in webhook] == [(True, "list:internal-major")]
        assert len(hook.posts) == 1  # it really went out, to the URL from the environment

        monkeypatch.delenv("VIGIL_TEST_WAR_ROOM")  # another desktop without the variable: says why
        again = service.send(iid, "internal", "internal-initial")
        failed = [d for d in again.deliveries if d.message.channel == "webhook"]
        assert failed[0].ok is False and "VIGIL_TEST_WAR_ROOM is not set on this machine" in failed[0].error

        monkeypatch.setenv("VIGIL_TEST_WAR_ROOM", f"http://127.0.0.1:9/hook/{TOKEN}")  # nothing listens
        refused = [d for d in service.send(iid, "internal", "internal-initial").deliveries if d.message.channel == "webhook"]
        assert refused[0].ok is False and "Connection" in refused[0].error and TOKEN not in refused[0].error

        with transaction(workspace.sessions) as s:
            assert s.get(db.NotificationList, "internal-major").webhook_url == "env:VIGIL_TEST_WAR_ROOM"
        stored = _every_value(workspace.engine)
        assert stored and not [v for v in stored if TOKEN in v]
        workspace.close()


def test_scrub_takes_out_the_url_and_its_path():
    url = f"https://relay.example/hook/{TOKEN}?sig=abc"
    error = f"HTTPSConnectionPool(host='relay.example', port=443): Max retries exceeded with url: /hook/{TOKEN}?sig=abc"
    assert TOKEN not in scrub(error, url) and "relay.example" in scrub(error, url)
