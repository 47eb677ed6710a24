"""The internal post-mortem document: everything the team needs to learn from an incident.

Built from ``ReportFacts`` (plain data) into the shared document model
(``noc_app.reports``), so HTML, Markdown and PDF come from one place.  The
customer version is ``customer_report.py``; the JSON contract is
``export_json.py``.
"""

from __future__ import annotations

import datetime as dt

from noc_app.postmortem.definitions import CONTRACT_KEYS, DEFINITIONS, EXTRA_DEFINITIONS
from noc_app.postmortem.facts import ReportFacts
from noc_app.postmortem.formatting import (
    NONE, RESTORE_WORDS, duration, local, local_differs_from_utc, local_zone_name, utc, words,
)
from noc_app.postmortem.record import CUSTOMER_FIELDS, POSTMORTEM_FIELDS
from noc_app.reports import Document, Facts, Image, Paragraph, Rules, Section, Table

IN_PROGRESS = "IN PROGRESS — this incident is still open: figures run to the time of this report"
INTERNAL_FOOTER = "INTERNAL — not for customers"
# Qt's rich text scales images by the printer's dpi over the screen's (144/96): 660 px fits A4's text width.
CHART_WIDTH_PX = 660


def in_progress_banner(facts: ReportFacts) -> str:
    return f"{IN_PROGRESS} ({utc(facts.generated_at)})" if facts.in_progress else ""


def metric_rows(facts: ReportFacts) -> tuple[tuple[str, ...], ...]:
    """(figure with its from → to, value, definition) for the nine contract figures."""
    m = facts.metrics
    rows = []
    for name in CONTRACT_KEYS:
        d = DEFINITIONS[name]
        value = m.value(name)
        shown = utc(value) if name == "impact_started_at" else (
            duration(value) if value is not None else f"not reached: {m.why(name)}")
        label = d.label if name == "impact_started_at" else f"{d.label}\n{d.start} → {d.end}"
        rows.append((label, shown, d.sentence))
    return tuple(rows)


def _text_or_none(text: str) -> tuple[Paragraph, ...]:
    return (Paragraph(text),) if text.strip() else (Paragraph("not written yet", "note"),)


def _person(person: tuple[str, str] | None) -> str:
    return f"{person[1]} ({person[0]})" if person else NONE


def _header(facts: ReportFacts) -> Facts:
    h = facts.header
    return Facts((
        ("Incident", f"#{h.id}"),
        ("Priority", f"{h.priority or 'unclassified'} (impact {words(h.impact)} × urgency {words(h.urgency)})"),
        ("Stage", words(h.stage)),
        ("Incident manager", _person(h.manager)),
        ("Detected by", words(h.detection_means)),
        ("Impact started", utc(facts.metrics.impact_started_at)),
        ("Detected", utc(h.detected_at)),
        ("First recorded", utc(h.first_recorded_at)),
        ("Restored", utc(h.restored_at)),
        ("Closed", utc(h.closed_at)),
        ("Post-mortem owner", _person(h.postmortem_owner)),
        ("Post-mortem due", utc(h.postmortem_due_at)),
        ("Local times in this report", local_zone_name()),
    ))


def _impact(facts: ReportFacts) -> Section:
    m = facts.metrics
    components = Table(("Component", "Name", "Role", "Group", "Team"),
                       tuple((c.id, c.name, c.role, c.group or NONE, c.team or NONE)
                             for c in facts.components), caption="Components")
    direct = [c for c in facts.customers if not c.partner]
    partners = [c for c in facts.customers if c.partner]

    def customer_rows(rows):
        return tuple((c.name, c.id, c.tier, c.timezone, "yes" if c.in_business_hours else "no",
                      c.account_manager or NONE) for c in rows)
    headers = ("Customer", "Id", "Tier", "Timezone", "In business hours", "Account manager")
    tiers = {}
    for c in facts.customers:
        count, hours = tiers.get(c.tier, (0, 0))
        tiers[c.tier] = (count + 1, hours + c.in_business_hours)
    minutes = dict(m.customer_impact_minutes)
    by_tier = Table(("Tier", "Customers", "In business hours", "Impact minutes"),
                    tuple((tier, str(n), str(h), f"{minutes.get(tier, 0):.0f}")
                          for tier, (n, h) in sorted(tiers.items())),
                    caption="Customers by tier", numeric=(1, 2, 3))
    note = ("still counting: not restored yet" if m.impact_ongoing else "impact started → restored")
    return Section("Impact", (
        Paragraph(facts.header.manifestation) if facts.header.manifestation.strip() else Paragraph(
            "no manifestation recorded", "note"),
        components, by_tier,
        Paragraph(f"Weighted customer-impact minutes: {m.customer_impact_weighted_minutes:.0f} ({note}).", "note"),
        Table(headers, customer_rows(direct), caption="Affected customers"),
        Table(headers, customer_rows(partners), caption="Partners and channels"),
    ))


def _how_soon(facts: ReportFacts) -> Section:
    m = facts.metrics
    extra = EXTRA_DEFINITIONS
    return Section("How soon", (
        Table(("Figure (from → to)", "Value", "Definition"), metric_rows(facts)),
        Facts((
            (extra["customer_impact_weighted_minutes"].label, f"{m.customer_impact_weighted_minutes:.0f}"),
            (extra["updates_sent"].label, str(m.updates_sent)),
            (extra["promises"].label, f"{m.promises_kept} of {len(m.promises)} kept"),
        )),
        Rules("How these are measured", tuple(f"{d.label}: {d.sentence}" for d in extra.values())
              + ("A stage recorded before its starting moment counts as 0 s; "
                 "durations are never negative.",)),
    ))


def _chart(facts: ReportFacts, png: bytes | None, omitted: int) -> Section:
    names = ", ".join(f"{c.name} ({c.role})" for c in facts.components[:4])
    if png is None:
        return Section("Latency and availability", (
            Paragraph("chart not drawn: this report was written without the Qt layer "
                      "(run the export through main.py)", "note"),))
    caption = f"{names}; impact started, detected and restored marked."
    if omitted:
        caption += f" {omitted} more linked component{'s' if omitted != 1 else ''} not drawn."
    return Section("Latency and availability", (
        Image(png, f"Latency and availability of {names} over the incident window", caption, CHART_WIDTH_PX),),
        new_page=True)


TIMELINE_CHUNK = 50  # rows per timeline table: Qt lays out many small tables far faster than one long one


def _timeline(facts: ReportFacts) -> Section:
    """Key moments first, then every event: time (★ for a key moment), author, what happened."""
    stars = set(facts.record.key_moments)
    with_local = local_differs_from_utc()
    headers = ("UTC", *(("Local",) if with_local else ()), "Author", "What")
    rows = tuple((("★ " if e.id in stars else "") + utc(e.at), *((local(e.at),) if with_local else ()),
                  e.author, e.summary) for e in facts.timeline)
    key = tuple((utc(e.at), e.author, e.summary) for e in facts.timeline if e.id in stars)
    note = "" if with_local else " (this machine's local time is UTC)"
    chunks = [rows[i:i + TIMELINE_CHUNK] for i in range(0, len(rows), TIMELINE_CHUNK)] or [()]
    tables = tuple(
        Table(headers, chunk, caption=(f"Every event, in order{note}" if len(chunks) == 1 else
                                       f"Every event, in order{note}: {i * TIMELINE_CHUNK + 1}–"
                                       f"{i * TIMELINE_CHUNK + len(chunk)} of {len(rows)}"))
        for i, chunk in enumerate(chunks))
    return Section("Timeline", (Table(("UTC", "Author", "Key moment"), key, caption="Key moments (★)"),
                                *tables))


def _notifications(facts: ReportFacts) -> Section:
    """One row per send (a template to an audience at one moment), its recipients and results."""
    sends: dict[tuple, list] = {}
    for n in facts.notifications:
        sends.setdefault((n.sent_at, n.audience, n.channel, n.subject), []).append(n)
    rows = []
    for (sent_at, audience, channel, subject), group in sends.items():
        failed = [n for n in group if not n.ok]
        result = f"{len(group) - len(failed)} delivered" + (
            "; FAILED: " + "; ".join(f"{n.recipient} ({n.error or 'unknown error'})" for n in failed)
            if failed else "")
        rows.append((utc(sent_at), f"{audience} ({channel})", ", ".join(n.recipient for n in group),
                     subject, result))
    promises = tuple((utc(p.made_at), utc(p.due_at), utc(p.next_update_at), p.status.upper(),
                      duration(p.late_s) if p.status in ("late", "missed") else NONE)
                     for p in facts.metrics.promises)
    return Section("Notifications and promises", (
        Table(("Sent", "To", "Recipients", "Subject", "Result"), tuple(rows),
              caption="Every notification, one row per send"),
        Table(("Promised at", "Next update due", "Next update sent", "Result", "Late by"), promises,
              caption="\"Next update by\" promises to customers"),
    ))


def _escalation(facts: ReportFacts) -> Section:
    rows = tuple((utc(p.paged_at), p.person_name, p.policy or NONE, str(p.level),
                  utc(p.acknowledged_at) if p.acknowledged_at else "not acknowledged")
                 for p in facts.pages)
    return Section("Escalation", (Table(("Paged", "Person", "Policy", "Level", "Acknowledged"), rows,
                                        numeric=(3,)),))


def _investigation(facts: ReportFacts) -> Section:
    changes = tuple((utc(c.at), c.id, c.summary, c.author or NONE, ", ".join(c.components),
                     "direct" if c.direct else "via a dependency") for c in facts.changes)
    articles = tuple((a.id, a.title, "; ".join(a.reasons)) for a in facts.articles)
    return Section("Changes and known problems", (
        Table(("When", "Change", "Summary", "By", "Touched", "How"), changes,
              caption="Changes from 24 h before the impact to the restore, on these components "
                      "and what they depend on"),
        Table(("Article", "Title", "Why it matched"), articles, caption="Knowledge-base articles"),
    ))


def _restore(facts: ReportFacts) -> Section:
    h = facts.header
    steps = tuple((utc(e.at), e.author, e.summary) for e in facts.timeline if e.kind == "restore_step")
    return Section("Restore", (
        Facts((("Path", RESTORE_WORDS.get(h.restore_path or "", NONE)), ("Restored", utc(h.restored_at)))),
        *_text_or_none(h.restore_summary),
        Table(("When", "Who", "Step"), steps, caption="Steps taken"),
    ))


def _cause_and_follow_ups(facts: ReportFacts) -> Section:
    rows = tuple((f.description, _person(f.owner), utc(f.due_at), utc(f.done_at) if f.done_at else "open")
                 for f in facts.follow_ups)
    return Section("Root cause and follow-ups", (
        *_text_or_none(facts.header.root_cause),
        Table(("Action", "Owner", "Due", "Done"), rows, caption="Follow-up actions"),
    ))


def _lessons(facts: ReportFacts) -> tuple[Section, ...]:
    """One section per post-mortem text, in the order a post-mortem is written."""
    sections = [Section(POSTMORTEM_FIELDS[name], _text_or_none(facts.record.text(name)))
                for name in ("went_well", "went_wrong", "got_lucky", "lessons_learned")]
    customer = []
    for name in CUSTOMER_FIELDS:
        customer += [Paragraph(POSTMORTEM_FIELDS[name].removeprefix("For customers: ").capitalize() + ":",
                               "note"), *_text_or_none(facts.record.text(name))]
    sections.append(Section("Written for customers (printed in the customer version)", tuple(customer)))
    return tuple(sections)


def internal_document(facts: ReportFacts, chart_png: bytes | None = None, omitted: int = 0) -> Document:
    h = facts.header
    return Document(
        title=f"Post-mortem: incident #{h.id} — {h.title}",
        subtitle=f"{h.priority or 'unclassified'} · impact {utc(facts.metrics.impact_started_at)} → "
                 f"{utc(h.restored_at) if h.restored_at else 'not restored yet'}",
        banner=in_progress_banner(facts),
        footer=f"Incident #{h.id} · {INTERNAL_FOOTER}",
        generated_at=facts.generated_at,
        sections=(
            Section("Incident", (_header(facts),)),
            Section("Summary", _text_or_none(facts.record.summary)),
            Section("Trigger", _text_or_none(facts.record.triggered_by)),
            _impact(facts), _how_soon(facts), _chart(facts, chart_png, omitted), _timeline(facts),
            _notifications(facts), _escalation(facts), _investigation(facts), _restore(facts),
            _cause_and_follow_ups(facts), *_lessons(facts),
        ),
    )


def report_moment(now: dt.datetime | None = None) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
