"""Business hours in the customer's timezone, and where they show up."""

from __future__ import annotations

import datetime as dt

import pytest

from noc_app.domain import Status
from noc_app.impact import BusinessHours, ImpactEngine, ImpactModel
from noc_app.topology.model import ComponentSpec, CustomerSpec, Topology, Usage

UTC = dt.timezone.utc
NEW_YORK = BusinessHours("America/New_York", dt.time(9), dt.time(18))


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("at", "inside"), [
    (utc(2026, 11, 23, 14, 30), True),   # Monday 09:30 EST
    (utc(2026, 11, 23, 13, 59), False),  # 08:59 EST
    (utc(2026, 11, 23, 23, 0), False),   # 18:00 EST: the end is exclusive
    (utc(2026, 11, 23, 22, 59), True),   # 17:59 EST
    (utc(2026, 11, 28, 15, 0), False),   # Saturday
    (utc(2026, 11, 24, 3, 0), False),    # Monday 22:00 EST, Tuesday in UTC
    (utc(2026, 7, 6, 13, 30), True),     # summer: 09:30 EDT (would be 08:30 in winter)
])
def test_new_york_office_hours(at, inside):
    assert NEW_YORK.contains(at) is inside


@pytest.mark.parametrize(("at", "inside"), [
    (utc(2026, 11, 27, 23, 0), True),   # Friday 23:00, shift started Friday
    (utc(2026, 11, 28, 3, 0), True),    # Saturday 03:00, still Friday's shift
    (utc(2026, 11, 28, 23, 0), False),  # Saturday 23:00: no shift starts on Saturday
    (utc(2026, 11, 30, 3, 0), False),   # Monday 03:00 belongs to Sunday's (absent) shift
    (utc(2026, 11, 30, 22, 0), True),   # Monday 22:00
    (utc(2026, 11, 30, 6, 0), False),   # end is exclusive
    (utc(2026, 11, 30, 12, 0), False),  # midday, between shifts
])
def test_night_shift_crossing_midnight(at, inside):
    night = BusinessHours("UTC", dt.time(22), dt.time(6))
    assert night.contains(at) is inside


def test_round_the_clock_on_business_days_and_half_hour_zone():
    always = BusinessHours("UTC", dt.time(0), dt.time(0), (0, 1, 2, 3, 4, 5, 6))
    assert always.contains(utc(2026, 11, 29, 3, 17))
    kolkata = BusinessHours("Asia/Kolkata")  # UTC+05:30
    assert kolkata.contains(utc(2026, 11, 23, 3, 30))  # 09:00 IST
    assert not kolkata.contains(utc(2026, 11, 23, 3, 29))


def test_naive_time_and_unknown_zone_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        NEW_YORK.contains(dt.datetime(2026, 11, 23, 12))
    with pytest.raises(Exception):
        BusinessHours("Mars/Olympus_Mons")


def test_impacted_customers_report_their_own_business_hours():
    topology = Topology(
        source="test",
        components=(ComponentSpec(id="api", name="API"),),
        customers=(
            CustomerSpec(id="ny", name="NY", tier="enterprise", timezone="America/New_York",
                         uses=(Usage("api"),)),
            CustomerSpec(id="tokyo", name="Tokyo", tier="enterprise", timezone="Asia/Tokyo",
                         uses=(Usage("api"),), partner=True),
            CustomerSpec(id="idle", name="Idle", tier="standard"),
        ),
    )
    result = ImpactEngine(ImpactModel.from_topology(topology), {"api": Status.DOWN}).result()
    at = utc(2026, 11, 23, 15, 0)  # Monday: 10:00 in New York, Tuesday 00:00 in Tokyo
    hurt = {ci.id: ci for ci in result.customer_impacts(at)}
    assert set(hurt) == {"ny", "tokyo"}
    assert hurt["ny"].in_business_hours and not hurt["tokyo"].in_business_hours
    assert hurt["tokyo"].partner and not hurt["ny"].partner
    totals = result.totals_by_tier(at)
    assert list(totals) == ["enterprise", "standard"]  # heaviest tier first
    enterprise = totals["enterprise"]
    assert (enterprise.customers, enterprise.impacted, enterprise.in_business_hours,
            enterprise.down, enterprise.partners, enterprise.impacted_weight) == (2, 2, 1, 2, 1, 20.0)
    assert totals["standard"].impacted == 0 and totals["standard"].customers == 1
    assert result.impacted_share == pytest.approx(20 / 21)
