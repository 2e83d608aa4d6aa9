"""A starting list of synonyms: words employees search for that the folder says differently.

Staff keep the list in the admin from here on (Vejledning → Synonymer). The list is copied into
this migration on purpose: a migration must give the same result whatever the code says later.
Each term is what people type; the alternatives are words of the folder, separated by commas
(an alternative of several words finds texts with all of them).
"""

from django.db import migrations

SYNONYMS = [
    ("phishing", "mistænkelige afsendere, mistænkelig e-mail, klikke på links, vedhæftede filer"),
    ("spam", "mistænkelige afsendere, mistænkelig e-mail"),
    ("svindel", "mistænkelige afsendere, mistænkelig e-mail, misbrug"),
    ("fupmail", "mistænkelige afsendere, mistænkelig e-mail"),
    ("malware", "virus"),
    ("ransomware", "virus"),
    ("trojaner", "virus"),
    ("hacket", "sikkerhedsbrud, misbrug"),
    ("hacker", "sikkerhedsbrud, misbrug, hacke"),
    ("læk", "sikkerhedsbrud, brud på persondatasikkerheden"),
    ("datalæk", "sikkerhedsbrud, brud på persondatasikkerheden"),
    ("databrud", "sikkerhedsbrud, brud på persondatasikkerheden"),
    ("kode", "adgangskode"),
    ("kodeord", "adgangskode"),
    ("password", "adgangskode"),
    ("pinkode", "adgangskode, kode"),
    ("login", "brugernavn, adgangskode"),
    ("glemt kode", "skifte adgangskode"),
    ("facebook", "sociale medier"),
    ("instagram", "sociale medier"),
    ("linkedin", "sociale medier, sociale netværk"),
    ("tiktok", "sociale medier"),
    ("snapchat", "sociale medier"),
    ("twitter", "sociale medier"),
    ("messenger", "kommunikationsværktøjer, sociale medier"),
    ("whatsapp", "kommunikationsværktøjer, sociale medier"),
    ("zoom", "kommunikationsværktøjer, samarbejdsværktøjer"),
    ("skype", "kommunikationsværktøjer, samarbejdsværktøjer"),
    ("dropbox", "dele dokumenter, ikke-godkendte medier"),
    ("google drive", "dele dokumenter, ikke-godkendte medier"),
    ("iphone", "smartphone, mobiltelefon"),
    ("tabt", "mister"),
    ("stjålet", "mister"),
    ("laptop", "bærbar pc"),
    ("computer", "pc"),
    ("hjemmekontor", "arbejder hjemme"),
    ("hjemmefra", "arbejder hjemme, derhjemme"),
    ("kabel", "netværksstikket"),
    ("netværkskabel", "netværksstikket"),
    ("usb-stik", "usb-nøgle"),
    ("memorystick", "usb-nøgle"),
    ("makulering", "makulere"),
    ("makulator", "makulere"),
    ("skraldespand", "dagrenovation"),
    ("printer", "print"),
    ("udskrift", "print"),
    ("krypteret mail", "sikker mail"),
    ("fejlsendt", "usikker mail, sendt til en anden"),
    ("forkert modtager", "usikker mail, sendt til en anden"),
    ("gmail", "private mailkonto"),
    ("hotmail", "private mailkonto"),
    ("cpr", "cpr-numre, personoplysninger"),
    ("personnummer", "cpr-numre, personoplysninger"),
    ("helpdesk", "kontakt it"),
    ("support", "kontakt it"),
    ("servicedesk", "kontakt it"),
    ("telefonnummer", "kontakt it"),
    ("indberette", "anmelde"),
    ("rapportere", "anmelde"),
    ("wifi", "netværk"),
    ("besøgende", "gæster"),
    ("rejse", "udlandet"),
]


def add_synonyms(apps, schema_editor):
    synonym = apps.get_model("guidance", "Synonym")
    existing = {term.lower() for term in synonym.objects.values_list("term", flat=True)}
    synonym.objects.bulk_create(
        synonym(term=term, alternatives=alternatives)
        for term, alternatives in SYNONYMS
        if term not in existing
    )


def remove_synonyms(apps, schema_editor):
    synonym = apps.get_model("guidance", "Synonym")
    for term, alternatives in SYNONYMS:
        synonym.objects.filter(term=term, alternatives=alternatives).delete()


class Migration(migrations.Migration):
    dependencies = [("guidance", "0004_search_vocabulary")]

    operations = [migrations.RunPython(add_synonyms, remove_synonyms)]
