"""Which uploaded files we accept: decided by content, not by name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_SIZE = 10 * 1024 * 1024

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
