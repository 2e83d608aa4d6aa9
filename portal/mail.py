"""The development mail backend: e-mails as files under var/mail, readable by their owner only
(they name incidents and people)."""

from __future__ import annotations

import os

from django.core.mail.backends.filebased import EmailBackend


class PrivateFileEmailBackend(EmailBackend):
    def open(self) -> bool:
        os.makedirs(self.file_path, mode=0o700, exist_ok=True)
        os.chmod(self.file_path, 0o700)
        if self.stream is None:
            # Created with mode 0600 from the start, so no one else can open it in between.
            fd = os.open(self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.stream = os.fdopen(fd, "ab")
            return True
        return False
