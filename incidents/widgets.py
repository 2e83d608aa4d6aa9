"""A date-and-time field that reads Copenhagen wall-clock time honestly.

When the clocks go back in October, 02:00–02:59 happens twice; when they go forward in March,
02:00–02:59 does not happen at all. Django's own field turns both into a generic error. Here a
repeated time asks which of the two was meant (first: summer time, second: winter time) and a
skipped time says what happened, so a breach found at 02:30 on 25 October can be recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FOLD_SUFFIX = "_fold"


class LocalInput(NamedTuple):
    """What the browser sent: the datetime-local text and, for a repeated hour, which one."""

    text: str
    fold: str | None


def wall_clock(naive: datetime) -> str:
    """'ok', 'ambiguous' (happened twice) or 'missing' (skipped) in the current time zone."""
    zone = timezone.get_current_timezone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "ok"
    # A skipped time does not survive the round trip through UTC.
    back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "missing" if back != naive.replace(fold=0) else "ambiguous"


def _offset(moment: datetime) -> str:
    hours = int(moment.utcoffset().total_seconds() // 3600)
    return f"UTC{hours:+d}"


class DateTimeLocalInput(forms.DateTimeInput):
    """<input type="datetime-local">, plus the choice between the two 02:30s when needed."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def value_from_datadict(self, data, files, name):
        text = data.get(name)
        if text is None:
            return None
        return LocalInput(text, data.get(name + FOLD_SUFFIX))

    def format_value(self, value):
        if isinstance(value, LocalInput):
            return value.text
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        naive, fold = _naive(value)
        try:
            ambiguous = naive is not None and wall_clock(naive) == "ambiguous"
        except (OverflowError, ValueError):
            ambiguous = False
        if not ambiguous:
            return html
        zone = timezone.get_current_timezone()
        choices = []
        for option in (0, 1):
            moment = naive.replace(tzinfo=zone, fold=option)
            label = (
                _("Første gang – sommertid (%(offset)s)")
                if option == 0
                else _("Anden gang – vintertid (%(offset)s)")
            ) % {"offset": _offset(moment)}
            choices.append((name, option, f"{name}-fold-{option}", fold == option, label))
        items = format_html_join(
            "",
            '<div class="form-check"><input class="form-check-input" type="radio" name="{}{}" '
            'value="{}" id="id_{}"{}><label class="form-check-label" for="id_{}">{}</label></div>',
            (
                (n, FOLD_SUFFIX, v, ident, mark_safe(" checked") if checked else "", ident, label)
                for n, v, ident, checked, label in choices
            ),
        )
        legend = _("Klokken %(time)s var der to gange den nat. Hvilken gang?") % {
            "time": f"{naive:%H:%M}"
        }
        return html + format_html(
            '<fieldset class="fold-choice mt-2"><legend class="form-label fs-6">{}</legend>{}'
            "</fieldset>",
            legend,
            items,
        )


def _naive(value) -> tuple[datetime | None, int | None]:
    """The local wall-clock time a widget value stands for, and the chosen fold if any."""
    if isinstance(value, LocalInput):
        try:
            parsed = parse_datetime(value.text.strip())
        except ValueError:
            return None, None
        if parsed is None or parsed.tzinfo is not None:
            return None, None
        fold = int(value.fold) if value.fold in ("0", "1") else None
        return parsed, fold
    if isinstance(value, datetime) and value.tzinfo is None:
        return value, value.fold
    return None, None


class LocalDateTimeField(forms.DateTimeField):
    widget = DateTimeLocalInput
    default_error_messages = {
        "invalid": gettext_lazy("Skriv en dato og et klokkeslæt."),
    }

    def to_python(self, value):
        text, fold = value if isinstance(value, LocalInput) else (value, None)
        if text in self.empty_values:
            return None
        if isinstance(text, datetime):
            return (
                text
                if timezone.is_aware(text)
                else text.replace(tzinfo=timezone.get_current_timezone())
            )
        try:
            parsed = parse_datetime(text.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            for fmt in self.input_formats:
                try:
                    parsed = self.strptime(text.strip(), fmt)
                    break
                except (ValueError, TypeError):
                    continue
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
            return self._aware(parsed, fold)
        except (OverflowError, ValueError):  # year 1 or 9999 at the edge of the range
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def _aware(self, naive: datetime, fold: str | None) -> datetime:
        zone = timezone.get_current_timezone()
        state = wall_clock(naive)
        day = f"{naive.day}. {_month(naive)} {naive.year}"
        if state == "missing":
            raise ValidationError(
                _(
                    "Klokken %(time)s fandtes ikke den %(day)s: uret blev stillet en time frem "
                    "fra 02:00 til 03:00 (sommertid). Skriv tidspunktet, som uret viste, fx "
                    "%(later)s."
                )
                % {
                    "time": f"{naive:%H:%M}",
                    "day": day,
                    "later": f"{naive.hour + 1:02d}:{naive:%M}",
                },
                code="nonexistent",
            )
        if state == "ambiguous":
            if fold not in ("0", "1"):
                raise ValidationError(
                    _(
                        "Klokken %(time)s var der to gange den %(day)s, fordi uret blev stillet "
                        "en time tilbage. Vælg herunder, om det var første gang (sommertid) "
                        "eller anden gang (vintertid)."
                    )
                    % {"time": f"{naive:%H:%M}", "day": day},
                    code="ambiguous",
                )
            # In UTC from here on: the fold does not survive every conversion.
            return naive.replace(tzinfo=zone, fold=int(fold)).astimezone(UTC)
        return naive.replace(tzinfo=zone).astimezone(UTC)


def _month(moment: datetime) -> str:
    return str(MONTHS[moment.month])
