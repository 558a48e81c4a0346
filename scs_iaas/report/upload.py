"""Sign reports and send them to the SCS compliance monitor, as the official runner does.

The official ``scs-test-runner.py`` signs the (concatenated) report with ``ssh-keygen -Y sign
-n report -f KEY`` and POSTs the signature, a ``&`` and the report to ``MONITOR/reports`` with
``Content-Type: application/x-signed-yaml`` and HTTP Basic auth; the monitor verifies the
signature against the public keys registered for the account. Every way this can go wrong ends
in one line naming what (key, credentials, duplicate, monitor) and exit code 2.
"""

from __future__ import annotations

import base64
import binascii
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scs_iaas.errors import InputError, ScsIaasError

SIGN_TIMEOUT = 30  # seconds; ssh-keygen never waits for a passphrase (no terminal)
HTTP_TIMEOUT = (10, 120)  # connect, read: the monitor evaluates the report before answering
CONTENT_TYPE = "application/x-signed-yaml"


class UploadError(ScsIaasError):
    """The monitor refused the reports, or could not be reached."""


@dataclass(frozen=True)
class Uploaded:
    """What the monitor answered to one POST."""

    url: str
    status: int
    answer: str
    subjects: tuple[str, ...]

    def line(self) -> str:
        n = len(self.subjects)
        who = ", ".join(self.subjects)
        return (
            f"uploaded {n} report{'s' if n != 1 else ''} ({who}) to {self.url}: "
            f"HTTP {self.status} {self.answer}"
        )


def read_auth(path: str) -> tuple[str, str]:
    """``user:password`` from the auth file; the official runner's token file (base64 of the
    same) is accepted too. The password is never shown."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read().strip()
    except OSError as exc:
        raise InputError(f"--auth-file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"--auth-file {path}: not UTF-8 text") from None
    if ":" not in text:
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            text = ""
    user, sep, password = text.partition(":")
    if not sep or not user or "\n" in text:
        raise InputError(
            f"--auth-file {path}: expected one line user:password (or its base64 token)"
        )
    return user, password


def sign(data: bytes, key: str) -> bytes:
    """The ``ssh-keygen -Y sign -n report`` signature of ``data`` with the private ``key``."""
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise ScsIaasError("ssh-keygen not found: install openssh-client to sign reports")
    try:
        proc = subprocess.run(
            [exe, "-Y", "sign", "-n", "report", "-f", key],
            input=data,
            capture_output=True,
            timeout=SIGN_TIMEOUT,
            start_new_session=True,  # no terminal: a passphrase prompt fails instead of hanging
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"--key {key}: ssh-keygen did not sign within {SIGN_TIMEOUT} s") from None
    sig = proc.stdout
    if proc.returncode or b"-----END SSH SIGNATURE-----" not in sig:
        lines = [ln.strip() for ln in proc.stderr.decode("utf-8", "replace").splitlines()]
        why = next((ln for ln in lines if ln and not set(ln) <= {"@"}), "no signature")
        raise InputError(f"--key {key}: ssh-keygen cannot sign with it: {why}")
    return sig if sig.endswith(b"\n") else sig + b"\n"


def report_subjects(text: str, where: str) -> list[str]:
    """The subjects of the report documents in ``text``; a one-line error if it is not a
    report the monitor can take."""
    import yaml

    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{where}{line}: not YAML") from None
    if not docs:
        raise InputError(f"{where}: no report in it")
    subjects = []
    for i, doc in enumerate(docs, 1):
        doc = doc if isinstance(doc, dict) else {}
        run, spec = doc.get("run"), doc.get("spec")
        ok = isinstance(run, dict) and "uuid" in run and isinstance(spec, dict) and "uuid" in spec
        if not ok or not doc.get("subject"):
            raise InputError(
                f"{where}: document {i} is not an SCS report (needs spec.uuid, subject, run.uuid;"
                " write one with `scs-iaas check -f scs-yaml`)"
            )
        if "versions" in doc:
            raise InputError(
                f"{where}: document {i} has a `versions:` block the monitor cannot read "
                "(an old scs-iaas report; run the check again)"
            )
        subjects.append(str(doc["subject"]))
    return subjects


def _answer(resp: Any) -> str:
    try:
        body = resp.json()
    except ValueError:
        return " ".join(resp.text.split())[:200]
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])
    return str(body) if body is not None else "null"


def upload(texts: Sequence[tuple[str, str]], monitor: str, key: str, auth_file: str) -> Uploaded:
    """Sign the reports (name, text) as one stream and POST them to ``monitor``."""
    import requests

    subjects: list[str] = []
    for where, text in texts:
        subjects += report_subjects(text, where)
    user, password = read_auth(auth_file)
    body = "".join(t if t.endswith("\n") else t + "\n" for _, t in texts).encode("utf-8")
    signature = sign(body, key)
    url = monitor.rstrip("/") + "/reports"
    try:
        resp = requests.post(
            url,
            data=signature + b"&" + body,
            headers={"Content-Type": CONTENT_TYPE},
            auth=(user, password),
            timeout=HTTP_TIMEOUT,
        )
    except requests.exceptions.InvalidURL:
        raise InputError(f"--monitor {monitor}: not a URL") from None
    except requests.exceptions.MissingSchema:
        raise InputError(f"--monitor {monitor}: not a URL (http:// or https://)") from None
    except requests.exceptions.Timeout:
        raise UploadError(f"monitor {url} did not answer in time") from None
    except requests.exceptions.ConnectionError as exc:
        why = type(exc.__context__ or exc).__name__
        raise UploadError(f"monitor {url} unreachable ({why})") from None
    answer = _answer(resp)
    if resp.status_code == 401 and "verif" in answer:
        raise UploadError(
            f"monitor {url}: signature refused ({answer}): the public key of --key {key} is not "
            f"registered for account {user!r}"
        )
    if resp.status_code == 401:
        raise UploadError(f"monitor {url}: account {user!r} refused: {answer}")
    if resp.status_code == 409:
        raise UploadError(f"monitor {url}: {answer} (a report with this run.uuid was uploaded)")
    if resp.status_code >= 300:
        raise UploadError(f"monitor {url}: HTTP {resp.status_code} {answer}")
    return Uploaded(url, resp.status_code, answer, tuple(subjects))
