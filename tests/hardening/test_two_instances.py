"""More than one machine: two gunicorn instances and two workers on one PostgreSQL, with uploads
in a real S3-compatible server (moto's server mode, its own process on loopback). A report
filed with a file on one instance is handled and downloaded on the other, every e-mail is sent
exactly once, and references stay gapless while both take reports at once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.hardening.mailserver import MailServer
from tests.hardening.stack import (
    ROOT,
    Stack,
    build_stack,
    create_people,
    csrf_from,
    free_port,
    log_in,
    report_form,
    request,
)
from tests.personas import PASSWORD

pytestmark = [pytest.mark.fault]

BUCKET = "sikkerhedsportalen-bilag"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"billede af den glemte mobil" * 100
LETTER = b"%PDF-1.4\n% brevet der blev sendt forkert\n" + b"0" * 5000
REPORTERS = ["rita", "rune", "ruth", "rolf"]
REPORTS_EACH = 3


@dataclass
class Site:
    a: Stack
    b: Stack
    mail: MailServer
    s3: object  # a boto3 client for the bucket
    workers: list[subprocess.Popen]


def start_s3_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _try in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=2)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the S3 server did not answer")


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s3_port = free_port()
    s3_server = start_s3_server(s3_port)
    endpoint = f"http://127.0.0.1:{s3_port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="portal", aws_secret_access_key="hemmelig")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    a = build_stack()
    mail = MailServer(free_port())
    a.env.update({
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint, "S3_ACCESS_KEY_ID": "portal",
        "S3_SECRET_ACCESS_KEY": "hemmelig",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail.port), "EMAIL_USE_TLS": "0",
    })  # fmt: skip
    # The second machine: the same database and bucket, its own (unused) local folder.
    b_media = a.media.parent / f"{a.media.name}-b"
    b = Stack(cluster=a.cluster, env={**a.env, "MEDIA_ROOT": str(b_media)}, port=free_port(),
              media=b_media)  # fmt: skip
    workers = []
    try:
        mail.start()
        a.start_web(workers=2, threads=4)
        b.start_web(workers=2, threads=4)
        for machine in (a, b):
            workers.append(subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--poll", "0.5"],
                cwd=ROOT, env=machine.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True,
            ))  # fmt: skip
        yield Site(a=a, b=b, mail=mail, s3=s3, workers=workers)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=60)
        mail.stop()
        b.stop_all()
        a.stop_all()
        a.cluster.destroy()
        for folder in (a.media, b.media):
            shutil.rmtree(folder, ignore_errors=True)
        s3_server.terminate()
        s3_server.wait(timeout=30)


def make_gdpr_person(stack: Stack, username: str) -> None:
    code = (
        "from portal import roles\n"
        "from tests.personas import make_person\n"
        f"make_person({username!r}, 'Gitte', 'Gram', 'GDPR-enheden', groups=(roles.GDPR_UNIT,))\n"
    )
    stack.manage("shell", "-c", code)


def file_report(stack: Stack, cookies: dict, files: dict | None = None) -> str:
    """A report filed through the form; its reference."""
    csrf = csrf_from(request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=cookies).text)
    form = report_form(csrf, str(uuid.uuid4()))
    response = request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=cookies, form=form,
                       files=files or {})  # fmt: skip
    assert response.status == 302, response.text[:500]
    return re.search(r"SB-\d{4}-\d{4,}", response.headers["location"])[0]


def attachment_links(stack: Stack, cookies: dict, reference: str) -> list[str]:
    page = request(stack, "GET", f"/sikkerhedsbrud/{reference}/", cookies=cookies)
    assert page.status == 200
    return re.findall(rf'href="(/sikkerhedsbrud/{reference}/bilag/\d+/)"', page.text)


def download(stack: Stack, cookies: dict, path: str) -> bytes:
    response = request(stack, "GET", path, cookies=cookies)
    assert response.status == 200, response.text[:300]
    assert response.headers["content-disposition"].startswith("attachment")
    return response.content


def version_on(page: str, action: str) -> str:
    return re.search(rf'name="{action}-version" value="(\d+)"', page)[1]


def test_a_report_filed_on_one_machine_is_handled_and_downloaded_on_the_other(site):
    a, b = site.a, site.b
    create_people(a, ["rikke"])
    make_gdpr_person(a, "gitte")
    rikke_on_a = log_in(a, "rikke", PASSWORD)
    reference = file_report(a, rikke_on_a, {"attachments": ("mobil.png", PHOTO, "image/png")})

    # The GDPR unit on the other machine: sees the file, downloads it, handles the case.
    gitte_on_b = log_in(b, "gitte", PASSWORD)
    (link,) = attachment_links(b, gitte_on_b, reference)
    assert download(b, gitte_on_b, link) == PHOTO
    page = request(b, "GET", f"/sikkerhedsbrud/{reference}/", cookies=gitte_on_b).text
    form = {
        "csrfmiddlewaretoken": csrf_from(page),
        "escalate-version": version_on(page, "escalate"),
    }
    response = request(b, "POST", f"/sikkerhedsbrud/{reference}/eskaler/", cookies=gitte_on_b,
                       form=form)  # fmt: skip
    assert response.status == 302, response.text[:500]

    # The reporter adds a letter on B; the GDPR unit reads it on A.
    rikke_on_b = log_in(b, "rikke", PASSWORD)
    page = request(b, "GET", f"/sikkerhedsbrud/{reference}/", cookies=rikke_on_b).text
    response = request(
        b, "POST", f"/sikkerhedsbrud/{reference}/oplysninger/", cookies=rikke_on_b,
        form={"csrfmiddlewaretoken": csrf_from(page), "add_information-text": "Brevet."},
        files={"add_information-attachments": ("brev.pdf", LETTER, "application/pdf")},
    )  # fmt: skip
    assert response.status == 302, response.text[:500]
    gitte_on_a = log_in(a, "gitte", PASSWORD)
    links = attachment_links(a, gitte_on_a, reference)
    assert [download(a, gitte_on_a, link) for link in links] == [PHOTO, LETTER]
    escalated = a.cluster.psql(
        f"SELECT escalated_at IS NOT NULL FROM incidents_incident WHERE reference = '{reference}'"  # noqa: S608
    )
    assert escalated == "t"

    # The files are in the bucket, at random names, and on neither machine's disk.
    keys = [o["Key"] for o in site.s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 2
    assert all(re.fullmatch(r"incidents/\d{4}/\d{2}/[0-9a-f]{32}", key) for key in keys), keys
    for machine in (a, b):
        stored = list(machine.media.rglob("*")) if machine.media.exists() else []
        assert stored == []
    # Nor can anyone fetch them without the portal: the bucket answers no anonymous request.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{site.s3.meta.endpoint_url}/{BUCKET}/{keys[0]}")  # noqa: S310
    assert refused.value.code == 403


def test_both_machines_take_reports_at_once_with_gapless_references_and_one_email_each(site):
    a, b = site.a, site.b
    create_people(a, REPORTERS)
    before = int(a.cluster.psql("SELECT count(*) FROM incidents_incident"))
    references: list[str] = []
    errors: list[BaseException] = []

    def reporter(name: str, machine: Stack) -> None:
        try:
            cookies = log_in(machine, name, PASSWORD)
            for _n in range(REPORTS_EACH):
                references.append(file_report(machine, cookies))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [
        threading.Thread(target=reporter, args=(name, a if n % 2 else b))
        for n, name in enumerate(REPORTERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []

    # References: one per report, numbered without a gap after the ones before.
    total = before + len(REPORTERS) * REPORTS_EACH
    year = references[0][3:7]
    assert sorted(references) == [f"SB-{year}-{n:04d}" for n in range(before + 1, total + 1)]
    stored = a.cluster.psql("SELECT reference FROM incidents_incident ORDER BY reference").split()
    assert stored == [f"SB-{year}-{n:04d}" for n in range(1, total + 1)]

    # Every e-mail of every report, sent exactly once by one of the two workers.
    expected = int(a.cluster.psql("SELECT count(*) FROM incidents_notification"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (
            a.cluster.psql("SELECT count(*) FROM incidents_notification WHERE status <> 'sent'")
            == "0"
        ):
            break
        time.sleep(0.5)
    time.sleep(1)  # anything sent twice would have arrived by now
    ids = site.mail.inbox.message_ids()
    assert len(ids) == expected, "an e-mail was lost or sent twice"
    assert len(set(ids)) == expected
    recorded = a.cluster.psql("SELECT message_id FROM incidents_notification").split()
    assert sorted(recorded) == sorted(ids)
    # Both workers are alive and beating.
    assert a.cluster.psql("SELECT count(*) FROM portal_workerheartbeat") == "2"
    assert all(worker.poll() is None for worker in site.workers)
