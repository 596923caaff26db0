"""Series of files whose names tell their times: which files a time window needs (pure).

A ``file`` source may say where its file names hold each file's first time
(``filename_time: "%Y%m%d"`` for ``era5_20230105.nc``). Each file then covers the times from
its own to the next file's (the last one: its time plus the median gap), and a run needs
only the files that overlap its period plus ``time_buffer``: the opener never opens the
others. Everything here is pure; the opener (``rompy.adapters.data.sources.files``) does the I/O.

Example:
    >>> time_in_filename("era5_20230105.nc", "%Y%m%d")
    datetime.datetime(2023, 1, 5, 0, 0)
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.time import TimeWindow

FILENAME_TIME_PATH = "source.filename_time"
"""Where ``filename_time`` is, relative to a data item's spec (the stager adds the rest)."""

TIME_DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})", "m": r"(?P<m>\d{2})", "d": r"(?P<d>\d{2})",
    "H": r"(?P<H>\d{2})", "M": r"(?P<M>\d{2})", "j": r"(?P<j>\d{3})",
}  # fmt: skip
"""The ``strftime`` directives ``filename_time`` understands, and the digits each matches."""

_DIRECTIVE = re.compile(r"%(.)")


def filename_time_pattern(text: str) -> re.Pattern[str]:
    """Turn a ``filename_time`` format (``%Y%m%d``, ``wind_%Y-%j``) into a regex.

    Raises:
        ConfigError: Unknown or repeated directives, no ``%Y``, or ``%j`` with ``%m``/``%d``.
    """
    pieces, seen, position = [], [], 0
    for match in _DIRECTIVE.finditer(text):
        pieces.append(re.escape(text[position : match.start()]))
        position = match.end()
        letter = match.group(1)
        if letter == "%":
            pieces.append("%")
            continue
        if letter not in TIME_DIRECTIVES or letter in seen:
            what = "repeats" if letter in seen else "has the unknown directive"
            raise _format_error(text, f"{what} %{letter}")
        seen.append(letter)
        pieces.append(TIME_DIRECTIVES[letter])
    pieces.append(re.escape(text[position:]))
    if "Y" not in seen:
        raise _format_error(text, "has no year (%Y)")
    if "j" in seen and {"m", "d"} & set(seen):
        raise _format_error(text, "mixes a day of the year (%j) with %m or %d")
    return re.compile("".join(pieces))


def _format_error(text: str, problem: str) -> ConfigError:
    known = " ".join(f"%{letter}" for letter in TIME_DIRECTIVES)
    return ConfigError(
        f"{text!r} {problem}; write the time in the file names with {known} (a year is "
        "required), e.g. '%Y%m%d' for era5_20230105.nc",
        path="filename_time",
        value=text,
    )


def time_in_filename(name: str, text: str) -> datetime | None:
    """The time a ``filename_time`` format finds in a file name; ``None`` if not there.

    The format is searched for anywhere in the name (its first match counts).

    Raises:
        ConfigError: The format is invalid, or the name holds an impossible date.
    """
    match = filename_time_pattern(text).search(name)
    if match is None:
        return None
    fields = {key: int(value) for key, value in match.groupdict().items()}
    try:
        start = datetime(fields["Y"], fields.get("m", 1), fields.get("d", 1))
        start += timedelta(days=fields.get("j", 1) - 1)
        if fields.get("j", 1) < 1 or start.year != fields["Y"]:
            raise ValueError(f"day of the year {fields['j']} is not in {fields['Y']}")
        return start.replace(hour=fields.get("H", 0), minute=fields.get("M", 0))
    except ValueError as error:
        raise ConfigError(
            f"file {name!r} holds no valid time as {text!r}: {error}; fix filename_time",
            path="filename_time",
            value=text,
        ) from error


def file_spans(starts: Sequence[datetime]) -> list[tuple[datetime, datetime]]:
    """The times each file of a series covers: ``[its start, the next file's start)``.

    The last file covers its start plus the median gap between starts.

    Args:
        starts: The files' start times, strictly increasing, at least two.
    """
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    ends = [*starts[1:], starts[-1] + statistics.median_low(gaps)]
    return list(zip(starts, ends, strict=True))


def files_overlapping(
    spans: Sequence[tuple[datetime, datetime]], low: datetime, high: datetime
) -> list[int]:
    """Positions of the spans that share a moment with ``[low, high]``."""
    return [index for index, (start, end) in enumerate(spans) if start <= high and end > low]


@attrs.frozen
class SeriesPlan:
    """A series whose file names tell their times (``filename_time``), in time order.

    Attributes:
        uris: The files, ordered by the time in their names.
        spans: The times each file covers (``[start, next start)``).
        template: The file covering the window's start: opened first, by xarray.
    """

    uris: tuple[str, ...]
    spans: tuple[tuple[datetime, datetime], ...]
    template: int

    def needed(self, times: Any, window: TimeWindow) -> list[int]:
        """The files that may hold times the window (with its buffer steps) keeps.

        A crop keeps the last time at or before the start and ``steps_before`` more (and
        likewise after the end); the margin is one step more than the buffer, at the
        largest step between the template file's ``times``. All files when ``times`` are
        not date-times.

        Args:
            times: The template file's times (``datetime64`` values).
            window: The run period and buffer steps.
        """
        import numpy as np  # here, not at import: loading the domain stays cheap

        values = np.asarray(times)
        if values.dtype.kind != "M":
            return list(range(len(self.uris)))
        steps = np.diff(np.unique(values)).astype("timedelta64[us]")
        start, end = self.spans[self.template]
        step: timedelta = steps.max().item() if steps.size else end - start
        low = window.start - (window.steps_before + 1) * step
        high = window.end + (window.steps_after + 1) * step
        return files_overlapping(self.spans, low, high)


def plan_series(
    uris: Sequence[str], filename_time: str | None, window: TimeWindow | None, what: str
) -> SeriesPlan | None:
    """Order a series by the times in its file names; ``None``: every file must be opened.

    With ``filename_time`` every file name is checked, window or not. Nothing is skipped
    without a window or a second file, or when the run period reaches outside the files'
    times (the coverage check then sees them all, and says what is missing).

    Args:
        uris: The files (paths or URLs).
        filename_time: The source's ``filename_time`` format, if any.
        window: The run period and buffer steps, if the data is cropped in time.
        what: The source, for messages (``file /data/era5_*.nc``).

    Raises:
        ConfigError: A file name holds no time in that format, or two hold the same (path
            :data:`FILENAME_TIME_PATH`).
    """
    if filename_time is None:
        return None
    dated = sorted((_time_of(uri, filename_time, what), uri) for uri in uris)
    for (earlier, first), (later, second) in itertools.pairwise(dated):
        if earlier == later:
            raise ConfigError(
                f"files {_base_name(first)!r} and {_base_name(second)!r} have the same time "
                f"{earlier:%Y-%m-%d %H:%M} as {filename_time!r}; each file needs its own "
                "start time (or leave filename_time out)",
                path=FILENAME_TIME_PATH,
                value=filename_time,
            )
    if window is None or len(uris) < 2:
        return None
    spans = tuple(file_spans([start for start, _ in dated]))
    if window.start < spans[0][0] or window.end >= spans[-1][1]:
        return None
    template = max(index for index, (start, _) in enumerate(spans) if start <= window.start)
    return SeriesPlan(uris=tuple(uri for _, uri in dated), spans=spans, template=template)


def _base_name(uri: str) -> str:
    return uri.split("::", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _time_of(uri: str, filename_time: str, what: str) -> datetime:
    name = _base_name(uri)
    try:
        found = time_in_filename(name, filename_time)
    except ConfigError as error:
        raise ConfigError(error.message, path=FILENAME_TIME_PATH, value=error.value) from error
    if found is None:
        raise ConfigError(
            f"file {name!r} has no time written as {filename_time!r}; every file of "
            f"{what} needs one: rename the file, correct filename_time, or leave "
            "filename_time out (each file's times are then read)",
            path=FILENAME_TIME_PATH,
            value=filename_time,
        )
    return found
