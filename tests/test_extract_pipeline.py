"""The extractor's components: their declared order is checked when the extractor is built."""

import pytest

from evex.extract.pipeline import COMPONENTS, Component, ComponentOrderError, Extractor, check_order


def test_default_components_are_in_an_order_that_satisfies_every_need():
    check_order(COMPONENTS)
    assert [c.name for c in Extractor().components] == [c.name for c in COMPONENTS]


def test_a_component_placed_before_what_it_needs_is_refused_by_name():
    """Mentions read the triggers: running them first is an error naming both."""
    by_name = {c.name: c for c in COMPONENTS}
    order = [by_name["mentions"], *(c for c in COMPONENTS if c.name != "mentions")]
    with pytest.raises(ComponentOrderError, match="component 'mentions' needs triggers"):
        Extractor(order)


def test_a_need_that_nothing_provides_is_refused():
    extra = Component("geocoding", ("frames", "coordinates"), ("geocoded",), lambda doc: None)
    with pytest.raises(ComponentOrderError, match="'geocoding' needs coordinates"):
        Extractor([*COMPONENTS, extra])


def test_an_extractor_without_frames_is_refused():
    with pytest.raises(ComponentOrderError, match="no component provides frames"):
        Extractor([c for c in COMPONENTS if "frames" not in c.provides and "frames" not in c.needs])
