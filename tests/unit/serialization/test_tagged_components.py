"""Tagged components: plugin classes named by a ``model_type`` class constant, read and written."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest

from rompy import ConfigError, UnknownTagError
from rompy.ports.registry import RegistryBuilder
from rompy.serialization.converter import make_converter, structure, unstructure


@attrs.frozen(kw_only=True)
class Spherical:
    """Spherical coordinates."""

    model_type: ClassVar[str] = "spherical"
    projection: str = "ccm"


@attrs.frozen(kw_only=True)
class Cartesian:
    """Cartesian coordinates."""

    model_type: ClassVar[str] = "cartesian"
    model_type_aliases: ClassVar[tuple[str, ...]] = ("xy",)


@attrs.frozen(kw_only=True)
class Coordinates:
    """A component holding a tagged union."""

    model_type: ClassVar[str] = "coordinates"
    kind: Spherical | Cartesian = attrs.field(factory=Cartesian)


CONVERTER = make_converter(RegistryBuilder().freeze())


def read(data: Any) -> Coordinates:
    return structure(CONVERTER, data, Coordinates, path="config.startup.coordinates")


def test_the_tag_picks_the_union_member() -> None:
    value = read({"model_type": "coordinates", "kind": {"model_type": "spherical"}})

    assert Coordinates(kind=Spherical()) == value


def test_an_alias_names_the_class_too() -> None:
    assert Coordinates(kind=Cartesian()) == read({"kind": {"model_type": "xy"}})


def test_an_unknown_tag_lists_the_tags_the_field_takes() -> None:
    with pytest.raises(UnknownTagError) as raised:
        read({"kind": {"model_type": "polar"}})

    assert "config.startup.coordinates.kind.model_type" == raised.value.path
    assert "one of: cartesian, spherical, xy" in str(raised.value)


def test_a_wrong_tag_for_a_single_class_names_the_expected_one() -> None:
    with pytest.raises(ConfigError, match="this field takes 'coordinates'"):
        read({"model_type": "mode"})


def test_a_bad_field_inside_the_chosen_member_is_reported_at_its_path() -> None:
    with pytest.raises(ConfigError) as raised:
        read({"kind": {"model_type": "spherical", "projection": 3.5, "extra": 1}})

    assert "config.startup.coordinates.kind.extra" == raised.value.path


def test_written_components_carry_their_tags_and_read_back() -> None:
    value = Coordinates(kind=Spherical(projection="quasi"))

    data = unstructure(CONVERTER, value)

    assert {
        "model_type": "coordinates",
        "kind": {"model_type": "spherical", "projection": "quasi"},
    } == data
    assert value == read(data)
