"""Tests of ``${VAR}`` substitution: grammar, defaults, filters and escapes."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.adapters.config.env_substitution import (
    KNOWN_FILTERS,
    Substituted,
    escape_placeholders,
    escape_placeholders_in,
    parse_datetime,
    shift_datetime,
    substitute,
    substitute_in,
)
from rompy.domain.errors import ConfigError

WHERE = "run.yml line 4"
CYCLE_ENV = {"CYCLE": "2023-01-01T00:00:00"}


def render(text: str, env: dict[str, str] | None = None) -> str:
    return substitute(text, env if env is not None else CYCLE_ENV, where=WHERE).text


def test_a_set_variable_is_replaced_by_its_value() -> None:
    assert "/data/2023-01-01T00:00:00/wind.nc" == render("/data/${CYCLE}/wind.nc")


def test_several_placeholders_in_one_text_are_all_replaced() -> None:
    assert "a-b" == render("${A}-${B}", {"A": "a", "B": "b"})


def test_the_default_is_used_when_the_variable_is_not_set() -> None:
    assert "./output/runs" == render("${OUTPUT_ROOT:-./output}/runs", {})


def test_the_variable_wins_over_the_default_when_it_is_set() -> None:
    assert "/scratch/runs" == render("${OUTPUT_ROOT:-./output}/runs", {"OUTPUT_ROOT": "/scratch"})


def test_an_empty_default_gives_empty_text() -> None:
    assert "x" == render("x${SUFFIX:-}", {})


def test_a_variable_set_to_empty_text_is_used_rather_than_the_default() -> None:
    assert "" == render("${EMPTY:-fallback}", {"EMPTY": ""})


def test_a_default_may_contain_colons_and_slashes() -> None:
    assert "http://host:80/x" == render("${URL:-http://host:80/x}", {})


def test_a_default_goes_through_the_filters_too() -> None:
    assert "20240229" == render("${DAY:-2024-02-29|strftime:%Y%m%d}", {})


def test_an_unset_variable_without_default_is_an_error_that_says_how_to_fix_it() -> None:
    with pytest.raises(ConfigError) as caught:
        render("cycle_${CYCLE}", {})
    expected = (
        "environment variable CYCLE is not set (used in run.yml line 4); "
        "set it or write ${CYCLE:-default}"
    )
    assert expected == str(caught.value)


def test_a_doubled_dollar_writes_a_literal_placeholder() -> None:
    assert "echo ${HOME}" == render("echo $${HOME}", {})


def test_text_without_placeholders_is_unchanged() -> None:
    assert Substituted(text="plain $HOME text") == substitute("plain $HOME text", {}, where=WHERE)


@pytest.mark.parametrize("text", ["${CYCLE", "${1ABC}", "${CYCLE:default}", "${}"])
def test_a_malformed_placeholder_is_an_error_naming_the_text_and_place(text: str) -> None:
    with pytest.raises(ConfigError, match="malformed placeholder") as caught:
        render(text)
    assert repr(text) in str(caught.value)
    assert WHERE in str(caught.value)


def test_strftime_formats_an_iso_text() -> None:
    assert "cycle_20230101" == render("cycle_${CYCLE|strftime:%Y%m%d}")


def test_strftime_format_may_contain_colons() -> None:
    assert "00:00" == render("${CYCLE|strftime:%H:%M}")


def test_shift_moves_a_datetime_forward_by_days() -> None:
    assert "2023-01-02T00:00:00" == render("${CYCLE|as_datetime|shift:+1d}")


def test_shift_moves_a_datetime_back_by_hours() -> None:
    assert "2022-12-31T18:00:00" == render("${CYCLE|shift:-6h}")


def test_filters_chain_from_left_to_right() -> None:
    assert "2022123118" == render("${CYCLE|shift:-6h|strftime:%Y%m%d%H}")


def test_as_datetime_accepts_a_strptime_format() -> None:
    assert "2023-03-04T05:00:00" == render("${C|as_datetime:%d/%m/%Y %H}", {"C": "04/03/2023 05"})


def test_upper_and_lower_change_case() -> None:
    assert "ABC-abc" == render("${X|upper}-${X|lower}", {"X": "aBc"})


def test_a_single_placeholder_ending_on_a_datetime_is_flagged_as_datetime() -> None:
    expected = Substituted(text="2023-01-02T00:00:00", is_datetime=True)
    assert expected == substitute("${CYCLE|shift:+1d}", CYCLE_ENV, where=WHERE)


def test_a_datetime_embedded_in_text_is_not_flagged_as_datetime() -> None:
    expected = Substituted(text="from 2023-01-02T00:00:00", is_datetime=False)
    assert expected == substitute("from ${CYCLE|shift:+1d}", CYCLE_ENV, where=WHERE)


def test_a_formatted_datetime_is_not_flagged_as_datetime() -> None:
    expected = Substituted(text="20230101", is_datetime=False)
    assert expected == substitute("${CYCLE|strftime:%Y%m%d}", CYCLE_ENV, where=WHERE)


def test_an_unknown_filter_is_an_error_listing_the_known_filters() -> None:
    with pytest.raises(ConfigError) as caught:
        render("${CYCLE|bogus}")
    message = str(caught.value)
    assert "unknown filter 'bogus'" in message
    assert "known filters: as_datetime, lower, shift, strftime, upper" in message
    assert WHERE in message


def test_a_misspelt_filter_gets_a_suggestion() -> None:
    with pytest.raises(ConfigError, match="did you mean strftime"):
        render("${CYCLE|strftme:%Y}")


def test_a_bad_shift_is_an_error_showing_the_expected_form() -> None:
    with pytest.raises(ConfigError, match=r"\+1d or -6h") as caught:
        render("${CYCLE|shift:+1w}")
    assert "${CYCLE|shift:+1w}" in str(caught.value)


def test_a_filter_that_needs_an_argument_says_so() -> None:
    with pytest.raises(ConfigError, match=r"argument is needed, e\.g\. strftime:%Y%m%d"):
        render("${CYCLE|strftime}")


def test_a_value_that_is_not_a_datetime_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="'tomorrow' is not an ISO 8601"):
        render("${DAY|shift:+1d}", {"DAY": "tomorrow"})


def test_known_filters_are_the_documented_ones() -> None:
    assert ("as_datetime", "lower", "shift", "strftime", "upper") == KNOWN_FILTERS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-01T06:30:00", datetime(2023, 1, 1, 6, 30)),
        ("2023-01-01 06:30", datetime(2023, 1, 1, 6, 30)),
        ("2023-01-01", datetime(2023, 1, 1)),
        ("20230101T063000", datetime(2023, 1, 1, 6, 30)),
        ("2023010106", datetime(2023, 1, 1, 6)),
        ("202301010630", datetime(2023, 1, 1, 6, 30)),
    ],
)
def test_parse_datetime_reads_iso_and_compact_texts(text: str, expected: datetime) -> None:
    assert expected == parse_datetime(text)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ("+1d", datetime(2023, 1, 2)),
        ("1d", datetime(2023, 1, 2)),
        ("-6h", datetime(2022, 12, 31, 18)),
        ("+30m", datetime(2023, 1, 1, 0, 30)),
        ("-15s", datetime(2022, 12, 31, 23, 59, 45)),
    ],
)
def test_shift_datetime_understands_each_unit(delta: str, expected: datetime) -> None:
    assert expected == shift_datetime(datetime(2023, 1, 1), delta)


def test_escape_placeholders_in_walks_keys_values_and_sequences() -> None:
    data = {"${K}": ["${A}", ("x", 1)], "n": None}
    assert {"$${K}": ["$${A}", ["x", 1]], "n": None} == escape_placeholders_in(data)


def test_substitute_in_replaces_placeholders_in_keys_values_and_lists() -> None:
    data = {"${K}": ["${N}", 1, None], "plain": "${N}-x"}
    expected = {"key": ["3", 1, None], "plain": "3-x"}
    assert expected == substitute_in(data, {"K": "key", "N": "3"}, where=lambda text: WHERE)


def test_substitute_in_asks_where_a_failing_string_comes_from() -> None:
    with pytest.raises(ConfigError, match=r"\(used in at \$\{UNSET\}\)"):
        substitute_in(["ok", "${UNSET}"], {}, where=lambda text: f"at {text}")


@given(st.text())
def test_substituting_escaped_text_gives_the_text_back(text: str) -> None:
    assert text == substitute(escape_placeholders(text), {}, where=WHERE).text


@given(st.text().filter(lambda text: "${" not in text))
def test_text_without_placeholder_openers_is_left_alone(text: str) -> None:
    assert text == substitute(text, {}, where=WHERE).text


@given(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True),
    st.text(),
)
def test_any_variable_value_is_inserted_verbatim(name: str, value: str) -> None:
    assert f"<{value}>" == substitute(f"<${{{name}}}>", {name: value}, where=WHERE).text
