"""The NIS2 section on the incident page: `{% nis2_section incident %}` in
portal/templates/incidents/detail.html. Nothing is shown when NIS2 is off or to people who may not
read it (only IT and the GDPR unit may)."""

from __future__ import annotations

from django import template

from nis2.steps import may_read
from nis2.views import section_context

register = template.Library()


@register.inclusion_tag("nis2/_section.html", takes_context=True)
def nis2_section(context, incident) -> dict:
    user = context["request"].user
    if not may_read(user):
        return {"show": False}
    return {
        "show": True,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        **section_context(user, incident),
    }


@register.simple_tag
def nis2_clock_lines(incident) -> str:
    """The clocks as plain-text lines, for the reminder e-mail."""
    from incidents.formatting import dk_datetime
    from nis2.duties import case_for
    from nis2.selectors import clocks

    case = case_for(incident)
    lines = []
    for clock in clocks(case) if case else []:
        if clock.met_at:
            state = f"{clock.met_by} {dk_datetime(clock.met_at)}"
        else:
            state = dk_datetime(clock.deadline) if clock.deadline else str(clock.waiting)
        lines.append(f"- {clock.label}: {state}")
    return "\n".join(lines) + ("\n" if lines else "")
