from django.urls import include, path, register_converter

from incidents import views
from incidents.steps import STEPS


class ReferenceConverter:
    regex = r"SB-[0-9]{4}-[0-9]{4,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("anmeld/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("<ref:reference>/", views.detail, name="detail"),
    path("<ref:reference>/kvittering/", views.receipt, name="receipt"),
    # One URL per handling step, named by its action (incidents/steps.py).
    *(
        path(
            f"<ref:reference>/{step.slug}/",
            views.take_step,
            {"action": step.action},
            name=step.action,
        )
        for step in STEPS
    ),
    path("<ref:reference>/bilag/<int:pk>/", views.attachment, name="attachment"),
    path("<ref:reference>/datatilsynet/<int:pk>/kvittering/", views.dt_receipt, name="dt_receipt"),
    path("", include("gdpr.urls")),  # the GDPR unit's pages (gdpr/urls.py), same namespace
]
