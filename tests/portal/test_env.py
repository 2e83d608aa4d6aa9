import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list


def test_a_boolean_accepts_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", default=not expected) is expected


def test_a_misspelt_boolean_stops_the_portal(monkeypatch):
    monkeypatch.setenv("FLAG", "ja")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", default=False)


def test_a_missing_value_gives_the_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default=True) is True
    assert env_int("FLAG", 7) == 7
    assert env_list("FLAG", ["a"]) == ["a"]


def test_an_integer_that_is_not_a_number_stops_the_portal(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_int("NUMBER", 1)


def test_an_integer_below_its_minimum_stops_the_portal(monkeypatch):
    monkeypatch.setenv("NUMBER", "-5")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("NUMBER", 1, minimum=0)


def test_a_list_is_split_on_commas_and_trimmed(monkeypatch):
    monkeypatch.setenv("HOSTS", " portal.example , intra.example,")
    assert env_list("HOSTS", []) == ["portal.example", "intra.example"]
