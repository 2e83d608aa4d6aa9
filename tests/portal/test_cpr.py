"""One rule for CPR numbers (portal/cpr.py), used by every form, reference field and mask."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal import cpr


@pytest.mark.parametrize(
    "text",
    [
        "010190-1234",
        "0101901234",
        "borger 311299 1234 ringede",
        "født 241285",
        "(150575-4321)",
        "01.01.90-1234",
        "01 01 90 1234",
        "010190–1234",  # en dash
        "010190\u20111234",  # non-breaking hyphen
        "０１０１９０－１２３４",  # full-width digits and hyphen, as pasted from some systems
        "٠١٠١٩٠-١٢٣٤",  # Arabic-Indic digits
        "cpr: 010190 - 1234.",
    ],
)
def test_it_spots_what_looks_like_a_cpr_number(text):
    assert cpr.looks_like_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "ring 44 52 70 30",
        "SB-2026-0007",
        "12345678901",
        "320190-1234",  # no 32nd day
        "011390-1234",  # no 13th month
        "27.12.08",  # a date with dots, no serial number
        "2026-441-120326",  # a journal number: 120326 is one group of a longer chain
        "j.nr. 2026-441-120326",
        "26.01.00-A00-1234-26",  # an SBSYS case number
        "",
    ],
)
def test_it_leaves_other_numbers_alone(text):
    assert not cpr.looks_like_cpr(text)


def test_masking_replaces_only_the_number_and_keeps_the_rest():
    text = "Brev til borger (０１０１９０－１２３４) om sag 2026-441-120326."
    assert cpr.mask(text) == "Brev til borger ([CPR-nummer fjernet]) om sag 2026-441-120326."


def test_free_text_and_reference_validators_refuse_a_cpr_number_in_danish():
    with pytest.raises(ValidationError) as text_error:
        cpr.reject_cpr("borger 010190-1234")
    assert "CPR-nummer" in text_error.value.messages[0]
    with pytest.raises(ValidationError) as reference_error:
        cpr.reject_cpr_in_reference("010190-1234")
    assert "ligner et CPR-nummer" in reference_error.value.messages[0]
    cpr.reject_cpr_in_reference("2026-441-120326")  # a journal number passes
