#!/usr/bin/env python3
"""Write data/demo/topology.toml: the bundled demo SaaS ("Vigil Cloud").

Deterministic (seeded random), so re-running gives the same file byte for
byte; change this script, not the TOML, and re-run it:

    python data/demo/generate_topology.py            # writes topology.toml here
    python data/demo/generate_topology.py --out FILE

The components, people and policies are written out by hand below because
they are the story; only the customers (160 of them) are generated. Every
check points at the simulated fleet (``noc_app.demo.fleet``) on one port; the
URL path names the component and the wire format the fleet answers in. The
fixed dates (changes, maintenance) sit around 2026-11-23, the demo's "today".
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SEED = 20261123
FLEET = "http://127.0.0.1:47800"

#: Wire format -> path after /<component-id>/ (mirrors noc_app.demo.formats.CHECK_PATHS;
#: kept literal so this script runs without the package on the path).
FORMAT_PATHS = {
    "plain": "health",
    "health+json": "health+json",
    "spring": "actuator/health",
    "k8s": "readyz?verbose",
    "elasticsearch": "_cluster/health",
}

TEAMS = [
    ("noc", "NOC", "noc-major"),
    ("platform", "Platform", "platform-oncall"),
    ("data", "Data & databases", "data-oncall"),
    ("payments", "Payments", "payments-oncall"),
    ("network", "Network & edge", "network-oncall"),
    ("customer-success", "Customer success", None),
]

PEOPLE = [
    ("grace", "Grace Okafor", "noc", "+44 20 7946 0101"),
    ("frank", "Frank Delaney", "noc", "+44 20 7946 0102"),
    ("alice", "Alice Martin", "platform", "+44 20 7946 0000"),
    ("bob", "Bob Lindqvist", "platform", "+44 20 7946 0001"),
    ("carol", "Carol Nakamura", "data", "+44 20 7946 0002"),
    ("heidi", "Heidi Brandt", "data", "+49 30 5557 0103"),
    ("olivia", "Olivia Santos", "payments", "+44 20 7946 0104"),
    ("peggy", "Peggy Moreau", "payments", "+33 1 7091 0105"),
    ("ivan", "Ivan Petrov", "network", "+44 20 7946 0106"),
    ("niaj", "Niaj Rahman", "network", "+1 212 555 0107"),
    ("dave", "Dave Whitfield", "customer-success", "+1 212 555 0108"),
    ("erin", "Erin O'Brien", "customer-success", "+353 1 555 0109"),
    ("judy", "Judy Chen", "customer-success", "+1 415 555 0110"),
    ("kim", "Kim Johansson", "customer-success", "+46 8 555 0111"),
]
ACCOUNT_MANAGERS = ["dave", "erin", "judy", "kim"]

ESCALATION_POLICIES = [
    ("noc-major", "Major incident bridge", [], [("0s", ["grace"]), ("10m", ["frank", "alice"])]),
    ("platform-oncall", "Platform on-call", ["api", "auth", "workers", "k8s-eu", "k8s-us"],
     [("0s", ["alice"]), ("10m", ["bob"]), ("20m", ["grace"])]),
    ("data-oncall", "Data on-call", ["db-main", "db-replica", "db-reporting", "search"],
     [("0s", ["carol"]), ("10m", ["heidi"]), ("30m", ["alice", "grace"])]),
    ("payments-oncall", "Payments on-call", ["billing", "payment-gateway"],
     [("0s", ["olivia"]), ("15m", ["peggy"]), ("30m", ["grace"])]),
    ("network-oncall", "Network on-call",
     ["dns", "dns-2", "cdn", "lb-eu", "lb-eu-b", "lb-us", "lb-us-b", "uplink-eu", "uplink-us"],
     [("0s", ["ivan"]), ("10m", ["niaj"]), ("20m", ["grace"])]),
]

NOTIFICATION_LISTS = [
    dict(id="internal-major", name="Major incident list", priorities=["P1", "P2"],
         people=["grace", "alice", "carol", "olivia", "ivan"], emails=["noc@vigil.example"],
         webhook_url=f"{FLEET}/__hooks__/chat-major-incidents"),
    dict(id="internal-minor", name="Minor incident list", priorities=["P3", "P4", "P5"],
         people=["frank"], emails=["noc@vigil.example"]),
    dict(id="executives", name="Executive briefing", priorities=["P1"],
         emails=["exec@vigil.example"]),
    dict(id="customer-success", name="Customer success desk", priorities=["P1", "P2", "P3"],
         people=ACCOUNT_MANAGERS, emails=["success@vigil.example"]),
    dict(id="partner-desk", name="Partner and channel desk", priorities=["P1", "P2"],
         emails=["partners@vigil.example"]),
]

_SIGNATURE = "The Vigil Cloud operations team"
TEMPLATES = [
    ("customer-initial", "Customer: initial notice", "customers", "initial",
     "[Vigil Cloud] Service disruption: {incident_title}",
     "Hello,\n\nWe are investigating a problem affecting {components}.\n"
     "You may see errors or slow responses. Our engineers are working on it and we expect\n"
     "to restore service by {eta}.\n\nWe will send the next update by {next_update}.\n"
     "Live status: {status_url}\n\n" + _SIGNATURE),
    ("customer-update", "Customer: progress update", "customers", "update",
     "[Vigil Cloud] Update: {incident_title}",
     "Hello,\n\nWork continues on the problem affecting {components}.\n"
     "Current estimate for full restoration: {eta}.\n\nNext update by {next_update}.\n"
     "Live status: {status_url}\n\n" + _SIGNATURE),
    ("customer-resolved", "Customer: resolved", "customers", "resolved",
     "[Vigil Cloud] Resolved: {incident_title}",
     "Hello,\n\nThe problem affecting {components} has been resolved and service is back to\n"
     "normal. A summary of the cause and of what we are doing to prevent it will follow.\n"
     "History: {status_url}\n\nWe apologise for the disruption.\n" + _SIGNATURE),
    ("internal-initial", "Internal: incident declared", "internal", "initial",
     "INCIDENT: {incident_title}",
     "Incident declared: {incident_title}\nAffected: {components}\nETA: {eta}\n"
     "Next customer update due: {next_update}\nStatus page: {status_url}\n"
     "Join the bridge in the war room channel."),
    ("internal-update", "Internal: incident update", "internal", "update",
     "UPDATE: {incident_title}",
     "Update on {incident_title}\nAffected: {components}\nETA: {eta}\n"
     "Next customer update due: {next_update}\nStatus page: {status_url}"),
    ("internal-resolved", "Internal: incident resolved", "internal", "resolved",
     "RESOLVED: {incident_title}",
     "Resolved: {incident_title}\nAffected: {components}\n"
     "Post-mortem to be scheduled; add follow-ups to the incident record.\nStatus page: {status_url}"),
    ("partner-initial", "Partner: initial notice", "partners", "initial",
     "[Vigil Cloud partners] Disruption: {incident_title}",
     "Dear partner,\n\nWe are handling an incident affecting {components}; your customers may\n"
     "contact you about errors or delays. Expected restoration: {eta}.\n"
     "Next update by {next_update}. Suggested wording for your customers and live status:\n"
     "{status_url}\n\n" + _SIGNATURE),
    ("partner-update", "Partner: progress update", "partners", "update",
     "[Vigil Cloud partners] Update: {incident_title}",
     "Dear partner,\n\nUpdate on the incident affecting {components}.\nExpected restoration: {eta}.\n"
     "Next update by {next_update}.\nLive status: {status_url}\n\n" + _SIGNATURE),
    ("partner-resolved", "Partner: resolved", "partners", "resolved",
     "[Vigil Cloud partners] Resolved: {incident_title}",
     "Dear partner,\n\nThe incident affecting {components} is resolved. A post-incident summary\n"
     "you can share with your customers will follow.\nHistory: {status_url}\n\n" + _SIGNATURE),
]


def check(fmt: str, **extra) -> dict:
    """A check on the fleet in wire format ``fmt``; ``answer_as`` is the file's ``format``."""
    return {"format": fmt, **extra}


# (id, name, group, team, kind, criticality, description, depends_on, check or None)
COMPONENTS = [
    # -- Global ---------------------------------------------------------------
    ("dns", "DNS provider A", "Global", "network", "dns", "critical",
     "Authoritative DNS for vigil.example, first of two providers", [],
     check("plain", keyword="OK", interval="30s")),
    ("dns-2", "DNS provider B", "Global", "network", "dns", "critical",
     "Authoritative DNS for vigil.example, second provider (same zone)", [],
     check("plain", keyword="OK", interval="30s")),
    ("cdn", "Web front door (CDN)", "Global", "network", "cdn", "critical",
     "app.vigil.example: static assets, and the app routed to the nearest web region "
     "(origin failover to the other)",
     ["dns-providers", {"any_of": ["web-eu", "web-us"], "need": 1}],
     check("plain", answer_as="auto")),
    ("object-storage", "Object storage", "Global", "platform", "storage", "high",
     "Attachments, exports and backups (S3-compatible)", [], check("plain")),
    ("email-provider", "E-mail provider (MailRelay)", "Global", "platform", "vendor", "medium",
     "Transactional e-mail vendor", [], check("health+json", interval="30s", timeout="10s")),
    ("sms-provider", "SMS provider (TextPort)", "Global", "platform", "vendor", "low",
     "SMS for two-factor codes and alerts", [], check("plain", interval="1m")),
    ("payment-gateway", "Payment gateway (PayFlow)", "Global", "payments", "vendor", "critical",
     "Card payments and mandates", [], check("health+json", interval="30s", timeout="10s")),
    ("status-page", "Public status page", "Global", "noc", "service", "low",
     "status.vigil.example, hosted outside our data centres", ["dns-providers"],
     check("plain", interval="1m")),
    # -- EU-West --------------------------------------------------------------
    ("uplink-eu", "EU-West uplinks", "EU-West", "network", "network", "critical",
     "Transit and peering links of the EU-West data centre", [],
     check("plain", interval="5s", retries=3)),
    ("dc-eu-west", "EU-West data centre", "EU-West", "network", "datacenter", "critical",
     "Derived: no check of its own; reflects its uplinks", ["uplink-eu"], None),
    ("lb-eu", "EU-West LB A", "EU-West", "network", "lb", "critical",
     "HAProxy in front of the EU-West services (active)", ["dc-eu-west", "dns-providers"],
     check("plain")),
    ("lb-eu-b", "EU-West LB B", "EU-West", "network", "lb", "critical",
     "HAProxy in front of the EU-West services (standby, shared VIP)",
     ["dc-eu-west", "dns-providers"], check("plain")),
    ("k8s-eu", "EU-West Kubernetes cluster", "EU-West", "platform", "cluster", "critical",
     "Runs every EU-West service", ["dc-eu-west"], check("k8s")),
    ("cache-eu", "EU-West Redis cache", "EU-West", "platform", "cache", "high",
     "Sessions, rate limits and hot objects", ["dc-eu-west"], check("plain", degraded_ms=200)),
    ("queue", "Message queue (RabbitMQ)", "EU-West", "platform", "queue", "high",
     "Jobs, events and outbound notifications", ["dc-eu-west"],
     check("health+json", answer_as="auto")),
    ("db-main", "Primary database (PostgreSQL)", "EU-West", "data", "database", "critical",
     "The transactional database: accounts, projects, invoices", ["dc-eu-west"],
     check("health+json", interval="5s", degraded_ms=800)),
    ("db-replica", "Read replica", "EU-West", "data", "database", "high",
     "Streaming standby of db-main, promoted on failover; feeds the reporting ETL",
     ["dc-eu-west"], check("health+json")),
    ("db-reporting", "Reporting database", "EU-West", "data", "database", "medium",
     "Analytics warehouse, loaded nightly and hourly", ["dc-eu-west"], check("health+json")),
    ("search", "Search (Elasticsearch)", "EU-West", "data", "search", "medium",
     "Full-text search over projects and documents", ["k8s-eu"], check("elasticsearch")),
    ("auth", "Authentication (SSO)", "EU-West", "platform", "service", "critical",
     "Logins, SSO and API tokens", ["k8s-eu", "cache-eu", "db-failover"],
     check("spring", json={"path": "status", "equals": "UP"})),
    ("api", "Public API", "EU-West", "platform", "service", "critical",
     "REST API used by the web app, mobile apps and integrations",
     ["lb-eu-pair", "k8s-eu", "auth", "db-failover", "cache-eu", "queue"], check("spring")),
    ("web-eu", "Web app (EU-West)", "EU-West", "platform", "service", "high",
     "The customer web application for EU and APAC (an origin of the front door; "
     "browsers call the API directly)",
     ["lb-eu-pair", "k8s-eu", "auth"],
     check("health+json")),
    ("workers", "Background workers", "EU-West", "platform", "service", "high",
     "Imports, exports, recurring jobs", ["k8s-eu", "queue", "db-failover", "object-storage"],
     check("k8s")),
    ("scheduler", "Job scheduler", "EU-West", "platform", "service", "medium",
     "Cron-like scheduling of recurring jobs", ["k8s-eu", "db-failover", "queue"], check("k8s")),
    ("billing", "Billing", "EU-West", "payments", "service", "high",
     "Subscriptions, invoices and payment collection",
     ["k8s-eu", "db-failover", "payment-gateway", "queue"],
     check("spring", json={"path": "status", "equals": "UP"})),
    ("notifications", "Notifications", "EU-West", "platform", "service", "medium",
     "E-mail, SMS and in-app notifications",
     ["k8s-eu", "queue", "email-provider", "sms-provider"], check("health+json")),
    ("webhooks", "Outbound webhooks", "EU-West", "platform", "service", "medium",
     "Event delivery to customer and partner endpoints", ["k8s-eu", "queue"],
     check("plain", answer_as="auto")),
    ("reporting", "Reporting service", "EU-West", "data", "service", "medium",
     "Dashboards and scheduled reports", ["k8s-eu", "db-reporting", "object-storage"],
     check("spring", answer_as="auto")),
    ("reporting-etl", "Reporting ETL", "EU-West", "data", "service", "low",
     "Copies from the replica into the reporting database",
     ["k8s-eu", "db-replica", "db-reporting"], check("k8s", interval="30s")),
    ("search-indexer", "Search indexer", "EU-West", "data", "service", "low",
     "Keeps the search index in step with the database", ["k8s-eu", "queue", "search"],
     check("k8s", interval="30s")),
    ("file-service", "File uploads", "EU-West", "platform", "service", "medium",
     "Upload and download of attachments", ["k8s-eu", "object-storage", "auth"], check("plain")),
    ("admin-portal", "Customer admin portal", "EU-West", "platform", "service", "low",
     "Account administration for customer admins", ["lb-eu-pair", "api", "auth"],
     check("plain", answer_as="auto")),
    # -- US-East --------------------------------------------------------------
    ("uplink-us", "US-East uplinks", "US-East", "network", "network", "critical",
     "Transit and peering links of the US-East data centre", [],
     check("plain", interval="5s", retries=3)),
    ("dc-us-east", "US-East data centre", "US-East", "network", "datacenter", "critical",
     "Derived: no check of its own; reflects its uplinks", ["uplink-us"], None),
    ("lb-us", "US-East LB A", "US-East", "network", "lb", "critical",
     "HAProxy in front of the US-East edge (active)", ["dc-us-east", "dns-providers"],
     check("plain")),
    ("lb-us-b", "US-East LB B", "US-East", "network", "lb", "critical",
     "HAProxy in front of the US-East edge (standby, shared VIP)",
     ["dc-us-east", "dns-providers"], check("plain")),
    ("k8s-us", "US-East Kubernetes cluster", "US-East", "platform", "cluster", "high",
     "Runs the US-East edge services", ["dc-us-east"], check("k8s")),
    ("cache-us", "US-East Redis cache", "US-East", "platform", "cache", "medium",
     "Edge cache for US-East", ["dc-us-east"], check("plain", degraded_ms=200)),
    ("api-edge-us", "API edge (US-East)", "US-East", "platform", "service", "high",
     "Regional API edge; proxies writes to the EU-West API",
     ["lb-us-pair", "k8s-us", "cache-us", "api"],
     check("spring", answer_as="auto")),
    ("web-us", "Web app (US-East)", "US-East", "platform", "service", "high",
     "The customer web application for the Americas (an origin of the front door; "
     "browsers call the US API edge directly)",
     ["lb-us-pair", "k8s-us", "auth"], check("health+json")),
]

#: Redundancy groups named once and used by id in depends_on (issue 14). The
#: web tier's two regions are written inline on "cdn" (the front door) instead,
#: to show both forms.
#: Honest single points of failure stay: each data centre (both halves of its
#: load-balancer pair and both databases live in it), the EU Kubernetes cluster,
#: the cache, the queue, auth and the API itself.
REDUNDANCY = [
    ("dns-providers", ["dns", "dns-2"], 1, "Two DNS providers serving the same zone"),
    ("lb-eu-pair", ["lb-eu", "lb-eu-b"], 1, "HAProxy pair with a shared virtual IP"),
    ("lb-us-pair", ["lb-us", "lb-us-b"], 1, "HAProxy pair with a shared virtual IP"),
    ("db-failover", ["db-main", "db-replica"], 1,
     "Primary database and its standby (promoted on failover)"),
]

# What the public status page shows: public names over internal components (never the internal list).
STATUS_PAGE = {"name": "Vigil Cloud Status", "url": "https://status.vigil-cloud.example", "time_zone": "Europe/Paris"}
PUBLIC_COMPONENTS = [
    ("app", "Web application", "app.vigil-cloud.example in Europe and North America",
     ["web-eu", "web-us", "lb-eu", "lb-us", "cdn"]),
    ("api", "API", "The public REST API and sign-in", ["api", "api-edge-us", "auth"]),
    ("payments", "Payments and billing", "", ["billing", "payment-gateway"]),
    ("reports", "Reports and exports", "", ["reporting", "reporting-etl", "file-service"]),
    ("search", "Search", "", ["search", "search-indexer"]),
    ("notifications", "E-mail, SMS and webhooks", "", ["notifications", "email-provider", "sms-provider", "webhooks"]),
    ("jobs", "Background jobs", "Imports, scheduled jobs", ["workers", "scheduler", "queue"]),
]

MAINTENANCE = [
    ("mw-1", ["db-replica"], "2026-11-24T02:00:00Z", "2026-11-24T03:00:00Z",
     "PostgreSQL minor upgrade on the read replica (16.4 to 16.6)"),
    ("mw-2", ["search", "search-indexer"], "2026-11-29T01:00:00Z", "2026-11-29T02:30:00Z",
     "Elasticsearch rolling restart for a JVM security patch"),
    ("mw-3", ["cdn"], "2026-11-20T03:00:00Z", "2026-11-20T03:30:00Z",
     "CDN certificate rotation (completed)"),
]

CHANGES = [
    ("chg-101", "Lower pgbouncer default_pool_size from 50 to 25 to cut memory use",
     ["db-main"], "2026-11-23T04:10:00Z", "carol"),
    ("chg-102", "Deploy api 2026.11.3 (new invoice export endpoint)",
     ["api", "billing"], "2026-11-23T07:45:00Z", "bob"),
    ("chg-103", "CDN: cache HTML shell for 60s instead of 10s", ["cdn"],
     "2026-11-22T15:20:00Z", "ivan"),
    ("chg-104", "Kubernetes node pool upgrade to 1.31 in EU-West", ["k8s-eu"],
     "2026-11-21T09:00:00Z", "alice"),
    ("chg-105", "New dunning e-mail schedule", ["billing", "notifications"],
     "2026-11-19T13:30:00Z", "olivia"),
    ("chg-106", "Search: new analyser for project titles (reindex)", ["search", "search-indexer"],
     "2026-11-22T21:05:00Z", "heidi"),
]

KB_ARTICLES = [
    dict(id="kb-1", title="Primary database connection pool exhausted",
         components=["db-main", "api", "billing", "workers"],
         symptoms=["connection pool exhausted", "timeout acquiring connection",
                   "too many clients already", "CannotGetJdbcConnectionException"],
         solution="Find the sessions holding connections (long transactions, idle in "
                  "transaction), cancel the worst offenders, and if a recent change lowered the "
                  "pool size, roll it back. Restart api pods one at a time only after the pool "
                  "has room again.",
         script="psql -h db-main -c \"SELECT pid, state, now() - xact_start AS age, left(query, 60) "
                "FROM pg_stat_activity WHERE state <> 'idle' ORDER BY age DESC LIMIT 20;\""),
    dict(id="kb-2", title="Replica lag grows or replication stops",
         components=["db-replica", "reporting-etl"],
         symptoms=["replication lag", "replication stopped"],
         solution="Check the primary first: lag is usually a symptom of primary load or an "
                  "outage. If the primary is healthy, look for long queries on the replica "
                  "holding back replay.",
         script="psql -h db-replica -c \"SELECT now() - pg_last_xact_replay_timestamp() AS lag;\""),
    dict(id="kb-3", title="Elasticsearch cluster yellow: unassigned replica shards",
         components=["search"], symptoms=["yellow", "unassigned shards", "node restart"],
         solution="Yellow means all primaries are allocated: search still works. Ask the "
                  "cluster why replicas are unassigned; after a node restart they usually "
                  "recover on their own within minutes.",
         script="curl -s 'http://search:9200/_cluster/allocation/explain?pretty'"),
    dict(id="kb-4", title="Job backlog after a database outage",
         components=["workers", "queue", "scheduler"],
         symptoms=["draining backlog", "queue depth", "database not ready"],
         solution="Workers drain the backlog by themselves once the database is back. Scale "
                  "the worker deployment up for an hour if the backlog exceeds 50,000 jobs."),
    dict(id="kb-5", title="Payment gateway timeouts",
         components=["payment-gateway", "billing"],
         symptoms=["payment timeout", "gateway 504"],
         solution="Check the vendor's status page and call their support line. Billing retries "
                  "charges automatically; pause the dunning run if the outage lasts over an hour."),
    dict(id="kb-6", title="API errors right after a deploy",
         components=["api", "api-edge-us"], symptoms=["503 after deploy", "error rate rising"],
         solution="Compare the error start with the deploy time in the change list; if they "
                  "match, roll back first and investigate after.",
         script="kubectl -n api rollout undo deployment/api"),
    dict(id="kb-7", title="Logins failing while sessions keep working",
         components=["auth"], symptoms=["logins failing", "sessions served from cache"],
         solution="Auth validates existing sessions from the cache but needs db-main for new "
                  "logins: treat it as a symptom of a database problem."),
]

# -- customers ------------------------------------------------------------------

_NAME_FIRST = [
    "Northwind", "Bluefin", "Cobalt", "Harbor", "Juniper", "Lumen", "Meridian", "Nimbus",
    "Orchid", "Pinnacle", "Quartz", "Redwood", "Sable", "Tidewater", "Umber", "Vantage",
    "Willow", "Zephyr", "Aster", "Birch", "Cinder", "Driftwood", "Ember", "Falcon", "Granite",
    "Heron", "Iris", "Kestrel", "Larch", "Maple", "Nova", "Oakridge", "Polaris", "Riverbend",
    "Summit", "Thistle", "Verity", "Westgate", "Alder", "Beacon",
]
_NAME_SECOND = [
    "Logistics", "Analytics", "Health", "Foods", "Labs", "Retail", "Legal", "Energy",
    "Media", "Robotics", "Travel", "Insurance", "Architects", "Dental", "Brewing", "Studios",
    "Consulting", "Freight", "Pharma", "Education", "Realty", "Motors", "Textiles", "Capital",
]
_SUFFIX = ["", "", "", " Ltd", " Inc", " GmbH", " SA", " BV", " AB", " Group", " & Co"]

_TIMEZONES_AMERICAS = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Toronto", "America/Sao_Paulo", "America/Mexico_City", "America/Vancouver",
]
_TIMEZONES_EMEA_APAC = [
    "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Amsterdam",
    "Europe/Stockholm", "Europe/Warsaw", "Europe/Dublin", "Europe/Zurich", "Africa/Johannesburg",
    "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
    "Pacific/Auckland",
]
_HOURS = ["08:00-17:00", "09:00-18:00", "08:30-17:30", "07:00-16:00", "10:00-19:00"]
TIER_COUNTS = {"enterprise": 20, "business": 40, "standard": 85, "partner": 15}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def make_customers(rng: random.Random) -> list[dict]:
    names = ["ACME Corp"]
    seen = {"acme"}
    while len(names) < sum(TIER_COUNTS.values()):
        first, second = rng.choice(_NAME_FIRST), rng.choice(_NAME_SECOND)
        if _slug(f"{first} {second}") in seen:
            continue
        seen.add(_slug(f"{first} {second}"))
        names.append(f"{first} {second}{rng.choice(_SUFFIX)}")
    tiers = [tier for tier, count in TIER_COUNTS.items() for _ in range(count)]

    customers = []
    for name, tier in zip(names, tiers):
        american = rng.random() < 0.45 or name == "ACME Corp"
        timezone = "America/New_York" if name == "ACME Corp" else rng.choice(
            _TIMEZONES_AMERICAS if american else _TIMEZONES_EMEA_APAC)
        around_the_clock = tier == "enterprise" and rng.random() < 0.35
        customer = {
            "id": _slug(name.replace(" & Co", "")) if name != "ACME Corp" else "acme",
            "name": name,
            "tier": tier,
            "timezone": timezone,
            "business_hours": "00:00-23:59" if around_the_clock else rng.choice(_HOURS),
        }
        if around_the_clock:
            customer["business_days"] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        elif rng.random() < 0.1:
            customer["business_days"] = ["mon", "tue", "wed", "thu", "fri", "sat"]
        if tier != "standard":
            customer["account_manager"] = rng.choice(ACCOUNT_MANAGERS)
        if tier == "partner":
            customer["partner"] = True
        customer["email"] = f"ops@{customer['id']}.example"
        customer["uses"] = _uses(tier, american, rng)
        customers.append(customer)
    return customers


def _uses(tier: str, american: bool, rng: random.Random) -> list:
    # Everyone enters the web app through the front door, which routes to either
    # region; the API is regional.
    web, api = "cdn", ("api-edge-us" if american else "api")
    uses: list = []

    def add(component: str, criticality: str | None = None, chance: float = 1.0) -> None:
        if rng.random() < chance:
            uses.append(component if criticality is None else
                        {"component": component, "criticality": criticality})

    if tier == "partner":
        add(api, "critical")
        add("webhooks")
        add("billing", "medium")
        add("admin-portal", "low", 0.6)
        add(web, "medium", 0.5)
        return uses
    add(web, "critical" if tier == "enterprise" else None)
    if tier == "enterprise":
        add(api, "critical")
        add("reporting", "medium")
        add("billing")
        add("notifications", "medium")
        add("search", "medium", 0.8)
        add("webhooks", None, 0.5)
        add("file-service", "medium", 0.7)
        add("admin-portal", "low")
    elif tier == "business":
        add(api, None, 0.5)
        add("reporting", "medium", 0.6)
        add("billing", "medium")
        add("notifications", "low", 0.7)
        add("search", "low", 0.5)
        add("file-service", "low", 0.4)
    else:
        add("billing", "medium")
        add("notifications", "low", 0.4)
        add("search", "low", 0.3)
        add("reporting", "low", 0.15)
    return uses


# -- TOML writing (tiny: the values used here only) ------------------------------

def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _table(header: str, fields: dict, indent: str = "") -> list[str]:
    lines = [f"{indent}[[{header}]]"]
    lines += [f"{indent}{_key(k)} = {_value(v)}" for k, v in fields.items() if v is not None]
    return lines


def _multiline(text: str) -> str:
    assert '"""' not in text and "\\" not in text
    return '"""\n' + text + '"""'


def render() -> str:
    rng = random.Random(SEED)
    out = [
        "# Vigil Cloud: the bundled demo topology of Vigil NOC.",
        "# GENERATED by data/demo/generate_topology.py -- edit that script and re-run it.",
        "# Every check points at the simulated fleet (python main.py demo-fleet) on "
        f"{FLEET}.",
        "",
        "[defaults]",
        'interval = "10s"',
        'timeout = "5s"',
        "retries = 2",
        "degraded_ms = 800",
        "",
        "[tiers]",
        "enterprise = 10",
        "business = 5",
        "standard = 1",
        "partner = 3",
        "",
    ]
    for team_id, name, policy in TEAMS:
        out += _table("team", {"id": team_id, "name": name, "escalation_policy": policy}) + [""]
    for person_id, name, team, phone in PEOPLE:
        out += _table("person", {"id": person_id, "name": name,
                                 "email": f"{person_id}@vigil.example",
                                 "phone": phone, "team": team}) + [""]
    for policy_id, name, components, levels in ESCALATION_POLICIES:
        out += _table("escalation_policy",
                      {"id": policy_id, "name": name, "components": components or None})
        for delay, people in levels:
            out += _table("escalation_policy.level", {"delay": delay, "people": people}, "  ")
        out.append("")
    for nlist in NOTIFICATION_LISTS:
        out += _table("notification_list", nlist) + [""]
    for template_id, name, audience, kind, subject, body in TEMPLATES:
        out += _table("template", {"id": template_id, "name": name, "audience": audience,
                                   "kind": kind, "subject": subject})
        out += [f"body = {_multiline(body + chr(10))}", ""]

    out += ["# ---- redundancy groups " + "-" * 48, ""]
    for group_id, members, need, description in REDUNDANCY:
        out += _table("redundancy", {"id": group_id, "any_of": members, "need": need,
                                     "description": description}) + [""]

    group = None
    for (cid, name, grp, team, kind, criticality, description, depends_on, chk) in COMPONENTS:
        if grp != group:
            out += [f"# ---- {grp} " + "-" * (60 - len(grp)), ""]
            group = grp
        out += _table("component", {"id": cid, "name": name, "group": grp, "team": team,
                                    "kind": kind, "criticality": criticality,
                                    "description": description, "depends_on": depends_on})
        if chk is not None:
            chk = dict(chk)
            wire = chk.pop("format")
            fields = {"kind": "http", "url": f"{FLEET}/{cid}/{FORMAT_PATHS[wire]}",
                      "expect_status": [200], "format": chk.pop("answer_as", wire)}
            fields.update(chk)
            out += _table("component.check", fields, "  ")
        out.append("")

    out += ["# ---- customers " + "-" * 56, ""]
    for customer in make_customers(rng):
        out += _table("customer", customer) + [""]

    for mw_id, components, start, end, reason in MAINTENANCE:
        out += [f"[[maintenance]]", f"id = {_value(mw_id)}", f"components = {_value(components)}",
                f"start = {start}", f"end = {end}", f"reason = {_value(reason)}", ""]
    for chg_id, summary, components, at, author in CHANGES:
        out += [f"[[change]]", f"id = {_value(chg_id)}", f"summary = {_value(summary)}",
                f"components = {_value(components)}", f"at = {at}",
                f"author = {_value(author)}", ""]
    for article in KB_ARTICLES:
        out += _table("kb", article) + [""]
    out += ["# ---- public status page " + "-" * 47, "", "[status_page]"]
    out += [f"{k} = {_value(v)}" for k, v in STATUS_PAGE.items()] + [""]
    for pid, name, description, members in PUBLIC_COMPONENTS:
        out += _table("status_page.component", {"id": pid, "name": name, "description": description or None,
                                                "components": members}) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("topology.toml"))
    args = parser.parse_args()
    args.out.write_text(render(), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
