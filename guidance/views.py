"""Pages of the security folder: home, sections, contacts, print view, search, first aid.

The folder's pages are the same for everyone with the same role set, so they are rendered once
per version of the folder and kept in the cache (portal.caching); of the search page only the
frame is kept, the results are rendered for each search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guidance.first_aid import GUIDES, GUIDES_BY_SLUG
from guidance.misses import record_miss
from guidance.models import Contact, Introduction, Kind, Note, Rule, Section
from guidance.search import search as search_folder
from portal import caching
from portal.caching import cached_page
from portal.validators import folder_password_clauses

# The section whose page carries the in-browser password checker.
PASSWORD_SECTION = "brugernavn-og-adgangskode"  # noqa: S105 (a slug, not a secret)


@dataclass
class RuleGroup:
    kind: str
    label: str
    rules: list[Rule] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def group_rules(section: Section) -> list[RuleGroup]:
    """Rules under DU SKAL / DU MÅ IKKE / DU MÅ GERNE, in the order the folder lists them."""
    groups: dict[str, RuleGroup] = {}
    for rule in section.rules.all():
        groups.setdefault(rule.kind, RuleGroup(rule.kind, Kind(rule.kind).label)).rules.append(rule)
    for note in section.notes.all():
        groups.setdefault(note.after, RuleGroup(note.after, Kind(note.after).label)).notes.append(
            note
        )
    return list(groups.values())


def _sections_with_content():
    return Section.objects.in_order().prefetch_related(
        Prefetch("rules", queryset=Rule.objects.order_by("order", "pk")),
        Prefetch("notes", queryset=Note.objects.order_by("order", "pk")),
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    """A Danish 404 that points the way back (a mistyped or outdated link to a section)."""
    return render(
        request, "guidance/not_found.html", {"sections": Section.objects.in_order()}, status=404
    )


@require_GET
@cached_page(caching.FOLDER)
def home(request: HttpRequest) -> HttpResponse:
    sections = Section.objects.in_order().annotate(
        last_rule_change=Max("rules__updated_at"),
    )
    return render(
        request,
        "guidance/home.html",
        {
            "introduction": Introduction.objects.order_by("pk").first(),
            "sections": sections,
            "folder_contacts": Contact.objects.all(),
            "guides": GUIDES,
        },
    )


@require_GET
@cached_page(caching.FOLDER)
def section(request: HttpRequest, slug: str) -> HttpResponse:
    current = _sections_with_content().filter(slug=slug).first()
    if current is None:
        return _not_found(request)
    ordered = list(Section.objects.in_order().values_list("slug", "title"))
    index = [s for s, _ in ordered].index(current.slug)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    changes = [current.updated_at] + [rule.updated_at for rule in current.rules.all()]
    context = {
        "section": current,
        "groups": group_rules(current),
        "updated_at": max(changes),
        "previous": previous,
        "next": following,
        "position": index + 1,
        "count": len(ordered),
    }
    if current.slug == PASSWORD_SECTION:
        context["password_clauses"] = folder_password_clauses()
    return render(request, "guidance/section.html", context)


@require_GET
@cached_page(caching.FOLDER)
def contacts(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/contacts.html", {"folder_contacts": Contact.objects.all()})


@require_GET
@cached_page(caching.FOLDER)
def print_folder(request: HttpRequest) -> HttpResponse:
    sections = [(s, group_rules(s)) for s in _sections_with_content()]
    return render(
        request,
        "guidance/print.html",
        {
            "introduction": Introduction.objects.order_by("pk").first(),
            "sections": sections,
            "folder_contacts": Contact.objects.all(),
        },
    )


@require_GET
@caching.shell_page(caching.FOLDER)
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    result = search_folder(raw)
    nothing_found = result.searched and not result.hits
    if nothing_found:
        record_miss(result.query, result.known)
    results = render_to_string(
        "guidance/_search_results.html",
        # With nothing found the page offers the guides instead.
        {
            "result": result,
            "guides": GUIDES if nothing_found else (),
            "contacts": settings.PORTAL_CONTACTS,
        },
    )
    searched = result.query and result.searched
    title = _("Søg: %(q)s") % {"q": result.query} if searched else _("Søg")
    # Only the results are rendered per search; the layout and the form come from the cache.
    return caching.render_in_shell(
        request,
        caching.FOLDER,
        "guidance/search.html",
        {
            "search_title": escape(title),
            "search_results": mark_safe(results),  # noqa: S308 (a rendered template)
            "search_words": escape(raw[:200]),
        },
    )


@require_GET
@cached_page(caching.FOLDER)
def first_aid(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/first_aid.html", {"guides": GUIDES})


@require_GET
@cached_page(caching.FOLDER)
def first_aid_guide(request: HttpRequest, slug: str) -> HttpResponse:
    guide = GUIDES_BY_SLUG.get(slug)
    if guide is None:
        return _not_found(request)
    contacts_by_name = {contact.name: contact for contact in Contact.objects.all()}
    titles = dict(Section.objects.values_list("slug", "title"))
    steps = [
        {
            "text": step.text,
            "contact": contacts_by_name.get(step.contact),
            "section_slug": step.source[0],
            "section_title": titles.get(step.source[0], ""),
            "anchor": f"regel-{step.source[1]}" if step.source[1] else "",
        }
        for step in guide.steps
    ]
    return render(
        request,
        "guidance/first_aid_guide.html",
        {"guide": guide, "steps": steps, "guides": GUIDES},
    )
