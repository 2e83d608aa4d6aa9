"""NIS2's addresses, under the incident's (/sikkerhedsbrud/SB-…/nis2/…). Included only for an
NIS2 entity (portal/urls.py, NIS2_ENABLED); the views answer 404 when it is off as well."""

from django.urls import path

from incidents.urls import ReferenceConverter  # noqa: F401 - registers <ref:…>
from nis2 import views
from nis2.steps import NIS2_STEPS

app_name = "nis2"

urlpatterns = [
    path("<ref:reference>/nis2/", views.case_page, name="case"),
    # One URL per NIS2 step, named by its action (nis2/steps.py).
    *(
        path(
            f"<ref:reference>/nis2/{step.slug}/",
            views.take_step,
            {"action": step.action},
            name=step.action,
        )
        for step in NIS2_STEPS
    ),
    path("<ref:reference>/nis2/udkast/<slug:phase>/", views.draft, name="draft"),
    path("<ref:reference>/nis2/kvittering/<int:submission>/", views.receipt, name="receipt"),
]
