"""Tagged components: attrs classes named in YAML by a ``model_type`` class constant.

Model plugins describe their inputs as many small classes (a SWAN config has a ``gen3``
with ``westhuysen`` source terms, a ``side`` boundary location...). Outside the plugin
families, any attrs class with a string class constant ``model_type`` (and, optionally,
``model_type_aliases``) is a *tagged component*:

* reading it accepts its own tag (``model_type: regular``) and refuses another, naming the
  expected one;
* a field typed as a union of tagged components (``Spherical | Cartesian``) picks the member
  by the tag, and an unknown tag is an error listing the tags that field accepts;
* writing it puts its tag first, so what is written reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from rompy.domain.errors import ConfigError, UnknownTagError

TAG_KEY = "model_type"
"""The YAML key naming a component's class."""


def class_tags(cls: Any) -> tuple[str, ...]:
    """The tag and aliases of a tagged component class, or ``()`` when it is not one."""
    if not (isinstance(cls, type) and attrs.has(cls)) or TAG_KEY in attrs.fields_dict(cls):
        return ()
    tag = getattr(cls, TAG_KEY, None)
    if not isinstance(tag, str) or not tag:
        return ()
    aliases = getattr(cls, "model_type_aliases", ())
    return (tag, *(alias for alias in aliases if isinstance(alias, str)))


def without_own_tag(mapping: Mapping[str, Any], cls: type) -> Mapping[str, Any]:
    """Return ``mapping`` without its ``model_type`` key when that names ``cls``.

    Raises:
        ConfigError: The mapping names another tag.
    """
    tags = class_tags(cls)
    if not tags or TAG_KEY not in mapping:
        return mapping
    given = mapping[TAG_KEY]
    if given not in tags:
        raise ConfigError(
            f"model_type {given!r} does not fit here: this field takes {tags[0]!r} "
            f"({cls.__name__}); fix the model_type or leave it out",
            path=TAG_KEY,
            value=given,
        )
    return {key: value for key, value in mapping.items() if key != TAG_KEY}


def tagged_members(choices: list[Any]) -> dict[str, type] | None:
    """Map every tag of a union's members to its member, when all of them are tagged."""
    members: dict[str, type] = {}
    for choice in choices:
        tags = class_tags(choice)
        if not tags:
            return None
        members.update(dict.fromkeys(tags, choice))
    return members


def member_for(value: Mapping[str, Any], members: Mapping[str, type]) -> type:
    """The union member named by ``value``'s tag.

    Raises:
        UnknownTagError: The tag names no member; the message lists the accepted tags.
    """
    tag = value[TAG_KEY]
    member = members.get(tag) if isinstance(tag, str) else None
    if member is None:
        known = ", ".join(sorted(members))
        raise UnknownTagError(
            f"unknown model_type {tag!r}; this field takes one of: {known}",
            path=TAG_KEY,
            value=tag,
        )
    return member


def with_tag_first(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Put a tagged component's tag first in its written form."""
    tags = class_tags(cls)
    return {TAG_KEY: tags[0], **data} if tags else data
