"""The GDPR unit's pages. Included into the `incidents` URL namespace by incidents/urls.py, so
their names (incidents:dashboard, incidents:register, …) and addresses stay what bookmarks,
e-mails, calendar feeds and the benchmark use."""

from django.urls import path

from gdpr import views as gdpr_views

urlpatterns = [
    path("frister/", gdpr_views.dashboard, name="dashboard"),
    path("fortegnelse/", gdpr_views.register, name="register"),
    path("fortegnelse.csv", gdpr_views.register_csv, name="register_csv"),
    path("statistik/", gdpr_views.statistics_page, name="statistics"),
    path("<ref:reference>/udkast-datatilsynet/", gdpr_views.draft, name="draft"),
    path(
        "<ref:reference>/brev-til-registrerede/",
        gdpr_views.subjects_letter,
        name="subjects_letter",
    ),
    path("frister/kalender/", gdpr_views.calendar_settings, name="calendar"),
    path("kalender/<slug:token>.ics", gdpr_views.calendar_feed, name="calendar_feed"),
]
