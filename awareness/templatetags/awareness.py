"""Repeated breaches on the deadline dashboard and the statistics page: `{% repeat_flags %}`."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from awareness.repeats import Repeat, repeats_first
from portal import roles

register = template.Library()

# Stands in for a slug or a number in an address reversed once per table, not once per row.
_SLUG = "_slug_"
_NUMBER = 999999999


class _Rows:
    """Writes the table's rows as markup: with forty departments the table has hundreds of rows
    on every view of the dashboard, and a template costs a look-up and an escape per cell. Every
    address is reversed and every label translated once per table, not once per row."""

    def __init__(self, *, can_start: bool, back: str, csrf_token) -> None:
        self.can_start = can_start
        self.back = back
        self.section_url = reverse("guidance:section", args=[_SLUG])
        self.campaign_url = reverse("awareness:campaign", args=[_NUMBER])
        self.start_url = reverse("awareness:repeat_start")
        self.no_sections = format_html(
            '<span class="small">{}</span>',
            _("Ingen afsnit knyttet til kategorien (administrationen)"),
        )
        # As {% csrf_token %} writes it.
        self.csrf_input = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
            if csrf_token and csrf_token != "NOTPROVIDED"  # noqa: S105 (Django's "no token")
            else ""
        )

    def html(self, flags: list[Repeat]) -> SafeString:
        return mark_safe("".join(self._row(r) for r in flags))  # noqa: S308 (format_html)

    def _row(self, r: Repeat) -> str:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((self.section_url.replace(_SLUG, s.slug), s.title) for s in r.sections),
        )
        return format_html(
            _ROW,
            department=r.department,
            category=r.category_label,
            count=r.count,
            sections=links or self.no_sections,
            action=self._action(r),
        )

    def _action(self, r: Repeat) -> SafeString:
        if r.campaign:
            started_at = timezone.localtime(r.campaign.started_at)
            started = _("Startet %(date)s") % {"date": date_format(started_at, "j. F Y")}
            if not self.can_start:
                return format_html("\n                {}\n              ", started)
            url = self.campaign_url.replace(str(_NUMBER), str(r.campaign.pk))
            return format_html(
                '\n                <a href="{}">{}</a>\n              ', url, started
            )
        if self.can_start and r.sections:
            return format_html(
                _START_FORM,
                url=self.start_url,
                csrf_input=self.csrf_input,
                department=r.department_id,
                category=r.category,
                back=self.back,
                label=_("Start kampagne for %(department)s") % {"department": r.department},
            )
        return mark_safe("–")


# A row as the table has it (with the whitespace between rows).
_ROW = """
          <tr class="repeat-row">
            <th scope="row">{department}</th>
            <td>{category}</td>
            <td>{count}</td>
            <td>{sections}</td>
            <td>
              {action}
            </td>
          </tr>
        """
_START_FORM = """
                <form method="post" action="{url}">
                  {csrf_input}
                  <input type="hidden" name="department" value="{department}">
                  <input type="hidden" name="category" value="{category}">
                  <input type="hidden" name="tilbage" value="{back}">
                  <button class="btn btn-sm btn-primary" type="submit">{label}</button>
                </form>
              """


@register.inclusion_tag("awareness/_repeats.html", takes_context=True)
def repeat_flags(context, limit: int | None = None) -> dict:
    """The repeat flags; with `limit` (the dashboard) only the largest, with a link to the
    statistics page, which lists them all."""
    request = context["request"]
    flags, total = repeats_first(now=timezone.now(), limit=limit)
    rows = _Rows(
        can_start=roles.can_run_campaigns(request.user),
        back=request.get_full_path(),
        csrf_token=context.get("csrf_token"),
    )
    return {
        "flags": bool(flags),
        "shown": len(flags),
        "total": total,
        "rows_html": rows.html(flags),
        "months": settings.AWARENESS_REPEAT_MONTHS,
        "threshold": settings.AWARENESS_REPEAT_THRESHOLD,
    }
