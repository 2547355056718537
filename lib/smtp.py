"""Django's SMTP email backend, whose connection remembers when a message was handed over.

Once the message data and its final "." have been written to the server, the server may
have accepted it even if its "250 OK" never reaches us (a timeout, a dropped connection):
an error after that point means "outcome unknown", not "failed". `handed_over` says which.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend

_END_OF_DATA = b"\r\n.\r\n"  # smtplib doubles any "." that starts a line, so only the end has this


class _NotesHandOver:
    handed_over = False

    def send(self, s):
        super().send(s)
        if isinstance(s, bytes) and s.endswith(_END_OF_DATA):
            self.handed_over = True


class HandOverSMTP(_NotesHandOver, smtplib.SMTP):
    pass


class HandOverSMTPSSL(_NotesHandOver, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoEmailBackend):
    @property
    def connection_class(self):
        return HandOverSMTPSSL if self.use_ssl else HandOverSMTP


def handed_over(connection) -> bool:
    """True when `connection` (any email backend) handed a message's data to an SMTP server."""
    return bool(getattr(getattr(connection, "connection", None), "handed_over", False))
