"""`python -m bench geocode` on the seeds, parsed with the real Stanza models: every located event placed."""

from __future__ import annotations

import pytest

from bench.geocode import geocode_share, report
from tests.conftest import SHARED


@pytest.mark.stanza
def test_the_seeds_events_with_a_location_all_get_coordinates(tmp_path, stanza_dir):
    result = geocode_share(tmp_path, SHARED, stanza_dir, "seeds")
    assert result["events_with_location"] >= 10
    assert result["share"] == 1.0 and result["unplaced"] == {}
    assert set(result["precisions"]) == {"city", "country", "region"}  # the Maghreb
    assert report(result).startswith(f"seeds: {result['geocoded']} of {result['events_with_location']} events")
