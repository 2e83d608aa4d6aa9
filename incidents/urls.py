from django.urls import include, path, register_converter

from incidents import views


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
    path("<ref:reference>/oplysninger/", views.add_information, name="add_information"),
    path("<ref:reference>/inddaem/", views.containment, name="containment"),
    path("<ref:reference>/underrettet/", views.people_notified, name="people_notified"),
    path("<ref:reference>/eskaler/", views.escalate, name="escalate"),
    path("<ref:reference>/opmaerksom/", views.awareness, name="awareness"),
    path("<ref:reference>/vurdering/", views.assess, name="assess"),
    path("<ref:reference>/beslutning/", views.decide, name="decide"),
    path("<ref:reference>/datatilsynet/", views.datatilsynet, name="datatilsynet"),
    path("<ref:reference>/registrerede/", views.subjects, name="subjects"),
    path("<ref:reference>/oevrigt/", views.other, name="other"),
    path("<ref:reference>/luk/", views.close, name="close"),
    path("<ref:reference>/genaabn/", views.reopen, name="reopen"),
    path("<ref:reference>/note/", views.note, name="note"),
    path("<ref:reference>/besked/", views.message, name="message"),
    path("<ref:reference>/bilag/<int:pk>/", views.attachment, name="attachment"),
    path("<ref:reference>/datatilsynet/<int:pk>/kvittering/", views.dt_receipt, name="dt_receipt"),
    path("", include("gdpr.urls")),  # the GDPR unit's pages (gdpr/urls.py), same namespace
]
