"""The folder's password rule, clause by clause (Brugernavn og adgangskode)."""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from portal.validators import folder_password_problems


@pytest.fixture
def jens():
    return User(username="jhansen", first_name="Jens", last_name="Hansen")


def problems(password, user=None):
    return folder_password_problems(password, user)


def test_a_password_that_follows_the_folder_is_accepted(jens):
    assert problems("Vinter2026Sol", jens) == []
    validate_password("Vinter2026Sol", jens)


def test_it_needs_at_least_eight_characters():
    assert problems("Vin2Sol") == ["Adgangskoden skal være mindst 8 tegn lang."]


def test_it_needs_a_digit():
    assert problems("VinterSolen") == ["Adgangskoden skal indeholde mindst ét tal."]


def test_it_needs_an_upper_case_letter():
    assert problems("vinter2026sol") == [
        "Adgangskoden skal indeholde mindst ét stort bogstav (A-Z)."
    ]


def test_it_needs_a_lower_case_letter():
    assert problems("VINTER2026SOL") == [
        "Adgangskoden skal indeholde mindst ét lille bogstav (a-z)."
    ]


@pytest.mark.parametrize("letter", ["æ", "ø", "å", "Æ", "Ø", "Å"])
def test_it_refuses_danish_letters(letter):
    assert problems(f"Vinter2026S{letter}l") == ["Adgangskoden må ikke indeholde æ, ø eller å."]


@pytest.mark.parametrize("password", ["Jens2026abc", "Xhansen2026", "JHANSEN99x", "2026Jh!Vinter"])
def test_it_refuses_the_users_own_name_initials_or_username(jens, password):
    assert "Adgangskoden må ikke indeholde dit navn, dine initialer eller dit brugernavn." in (
        problems(password, jens)
    )


def test_initials_inside_a_longer_word_are_fine(jens):
    assert problems("Fjhelm2026Sol", jens) == []


def test_the_server_refuses_a_bad_password_with_every_broken_clause_in_danish(jens):
    with pytest.raises(ValidationError) as error:
        validate_password("jens", jens)
    assert len(error.value.messages) == 4
    assert all(message.startswith("Adgangskoden") for message in error.value.messages)
