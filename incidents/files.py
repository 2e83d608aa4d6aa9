"""Which uploaded files we accept: decided by content, not by name."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.cpr import looks_like_cpr

MAX_SIZE = 10 * 1024 * 1024
# The extension a download gets for each type we accept, whatever the uploaded name said.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "text/plain": "txt",
}

_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def sniff_content_type(head: bytes) -> str | None:
    """PDF, PNG, JPEG by magic bytes; plain text if it decodes as UTF-8 without NULs."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return None
    return "text/plain"


def check_upload(upload: UploadedFile) -> str:
    """Return the content type of an acceptable upload, or raise a Danish ValidationError."""
    if looks_like_cpr(upload.name or ""):
        # The name is not repeated: it is the very thing that must not be shown or stored.
        raise ValidationError(
            _(
                "Et filnavn ser ud til at indeholde et CPR-nummer. Omdøb filen, så navnet ikke "
                "indeholder CPR-numre eller borgeres navne, og vedhæft den igen."
            ),
            code="cpr",
        )
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("Filen %(name)s er for stor (højst %(mb)d MB).")
            % {"name": upload.name, "mb": MAX_SIZE // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type = sniff_content_type(head) if head else None
    if content_type is None:
        raise ValidationError(
            _("Filen %(name)s kan ikke modtages. Send PDF, PNG, JPEG eller almindelig tekst.")
            % {"name": upload.name}
        )
    return content_type


def check_quota(uploads: Sequence[UploadedFile], *, stored_count: int = 0, stored_bytes: int = 0):
    """Raise a Danish ValidationError if these uploads take a report over its quota
    (ATTACHMENTS_PER_REPORT files, ATTACHMENTS_PER_REPORT_MB in all), counting what it has."""
    count = stored_count + len(uploads)
    total = stored_bytes + sum(upload.size or 0 for upload in uploads)
    most = settings.ATTACHMENTS_PER_REPORT
    if count > most:
        raise ValidationError(
            ngettext(
                "En indberetning kan højst have %(n)d fil.",
                "En indberetning kan højst have %(n)d filer.",
                most,
            )
            % {"n": most},
            code="quota",
        )
    if total > settings.ATTACHMENTS_PER_REPORT_MB * 1024 * 1024:
        raise ValidationError(
            _("Filerne til en indberetning må højst fylde %(mb)d MB i alt.")
            % {"mb": settings.ATTACHMENTS_PER_REPORT_MB},
            code="quota",
        )


def download_name(original_name: str, content_type: str) -> str:
    """The uploaded name with the extension of the type we detected ("brev.html" sniffed as
    text becomes "brev.txt"), so the reader's computer opens it with the right program."""
    stem = PurePath(original_name.replace("\\", "/")).stem or "bilag"
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


logger = logging.getLogger(__name__)


def open_stored(file):
    """The stored file opened for reading, or a 404 when its row has outlived it (a lost volume,
    a restored backup): the person gets the "not found" page, not a server error, and operations
    get the storage name, which is random and says nothing about anyone."""
    if not file.storage.exists(file.name):
        logger.warning("stored file missing: %s", file.name)
        raise Http404
    return file.open("rb")


def download(file, name: str, content_type: str) -> FileResponse:
    """A stored file as a download that no browser renders, sniffs or caches."""
    response = FileResponse(open_stored(file), as_attachment=True, filename=name)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
