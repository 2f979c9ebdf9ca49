"""How long labkit waits for Azure, and what it says while it waits.

Every SDK client gets a transport with a connect and a read timeout and :class:`LabRetryPolicy`
(a few tries in all). Before each retry the policy says on screen why it waits — throttled by
Azure (429 with ``Retry-After``), an error answer, no answer in time — and which try comes next.
A ``Retry-After`` longer than a lab can bear is not waited out: the call ends with that figure.
"""

from __future__ import annotations

import re

from azure.core.exceptions import ServiceRequestTimeoutError, ServiceResponseTimeoutError
from azure.core.pipeline.policies import RetryPolicy

CONNECT_TIMEOUT = 10  # seconds to open a connection to Azure
READ_TIMEOUT = 30  # seconds Azure has to start answering a request
TRIES = 3  # tries of one request, the first one included
LONGEST_WAIT = 60  # the longest Retry-After labkit waits out; a longer one ends the call
CALL_TIMEOUT = 150  # seconds one call may take with its retries and waits
SIGN_IN_TRIES = 2  # tries of each request to Microsoft Entra ID while signing in
SIGN_IN_READ_TIMEOUT = 20  # seconds Microsoft Entra ID has to answer during sign-in


def transport_options() -> dict:
    """Keyword arguments for an azure-core transport: labkit's connect and read timeouts."""
    return {"connection_timeout": CONNECT_TIMEOUT, "read_timeout": READ_TIMEOUT}


def retry_policy() -> LabRetryPolicy:
    """The retry policy for ARM clients: :data:`TRIES` tries, each wait said on screen."""
    return LabRetryPolicy(
        retry_total=TRIES - 1,
        retry_connect=TRIES - 1,
        retry_read=TRIES - 1,
        retry_status=TRIES - 1,
        timeout=CALL_TIMEOUT,
    )


def sign_in_bound() -> float:
    """The longest a sign-in request can leave the cell waiting, in seconds (said on screen)."""
    return SIGN_IN_TRIES * (CONNECT_TIMEOUT + SIGN_IN_READ_TIMEOUT)


def sign_in_options() -> dict:
    """Keyword arguments for an azure-identity credential: its own bounded transport and retries."""
    from azure.core.pipeline.transport import RequestsTransport

    return {
        "transport": RequestsTransport(connection_timeout=CONNECT_TIMEOUT, read_timeout=SIGN_IN_READ_TIMEOUT),
        "retry_policy_class": SignInRetryPolicy,  # azure-identity builds its retry policy from this class
        "retry_total": SIGN_IN_TRIES - 1,
        "retry_connect": SIGN_IN_TRIES - 1,
        "retry_read": SIGN_IN_TRIES - 1,
        "retry_status": SIGN_IN_TRIES - 1,
    }


def why(err: BaseException | None) -> str:
    """What went wrong on the wire, in a few words ('no answer within 30 s', 'the connection was reset')."""
    text = error_text(err).lower()
    read = re.search(r"read timeout=([\d.]+)", text)
    connect = re.search(r"connect(?:ion)? timeout=([\d.]+)", text)
    if isinstance(err, ServiceResponseTimeoutError) or "read timed out" in text:
        return f"no answer within {_secs(float(read.group(1))) if read else f'{READ_TIMEOUT} s'}"
    if isinstance(err, ServiceRequestTimeoutError) or ("timed out" in text and "proxy" not in text):
        return f"no connection within {_secs(float(connect.group(1))) if connect else f'{CONNECT_TIMEOUT} s'}"
    for words, said in (
        (("refused",), "the connection was refused"),
        (("proxy",), "the proxy did not let the request through"),
        (("reset", "aborted", "remotedisconnected", "connection broken"), "the connection was reset"),
        (
            ("name or service", "nodename", "getaddrinfo", "name resolution", "resolve"),
            "the server name could not be resolved (DNS)",
        ),
        (("ssl", "certificate"), "the secure connection could not be set up (TLS)"),
    ):
        if any(w in text for w in words):
            return said
    return type(err).__name__


def error_text(err: BaseException | None) -> str:
    """Every message along the error's cause chain, for :func:`why` to read."""
    parts, seen = [], set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        parts.append(f"{type(err).__name__}: {err}")
        err = err.__cause__ or err.__context__ or getattr(err, "inner_exception", None)
    return " | ".join(parts)


class LabRetryPolicy(RetryPolicy):
    """azure-core's retry policy with fewer tries, a cap on ``Retry-After``, and every wait said."""

    who = "Azure"  # who is waited for, as said on screen

    def is_retry(self, settings, response) -> bool:
        """Like azure-core, except that a wait longer than :data:`LONGEST_WAIT` ends the call."""
        asked = self.get_retry_after(response) if response.http_response.status_code >= 400 else None
        if asked is not None and asked > LONGEST_WAIT:
            return False
        return super().is_retry(settings, response)

    def sleep(self, settings, transport, response=None) -> None:
        """Say why and how long we wait, then wait (the replay transport's sleep returns at once)."""
        next_try = f"({len(settings['history']) + 1}/{self.total_retries + 1})"
        if getattr(transport, "replaying", False):
            next_try += " — replay: the recorded lab waited, you do not"
        if response is not None:
            status, asked = response.http_response.status_code, self.get_retry_after(response)
            if asked:
                reason = "throttled" if status == 429 else "busy"
                self.announce(
                    f"{self.who} asks us to wait {_secs(asked)} ({status} {reason}); then trying again {next_try}."
                )
            else:
                self.announce(
                    f"{self.who} answered {status} (a passing server error); trying again "
                    f"{self._when(settings)} {next_try}."
                )
        else:
            last = settings["history"][-1].error if settings["history"] else None
            self.announce(f"{self.who} did not answer: {why(last)}; trying again {self._when(settings)} {next_try}.")
        super().sleep(settings, transport, response=response)

    @staticmethod
    def announce(message: str) -> None:
        from labkit import ui

        ui.waiting(message)

    def _when(self, settings) -> str:
        backoff = self.get_backoff_time(settings)
        return f"in {_secs(backoff)}" if backoff > 0 else "now"


class SignInRetryPolicy(LabRetryPolicy):
    who = "Microsoft Entra ID"


def _secs(value: float) -> str:
    """Seconds as said on screen: '30 s', '1.6 s'."""
    return f"{value:.0f} s" if value >= 10 or value == int(value) else f"{value:.1f} s"
