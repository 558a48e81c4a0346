"""Check a fleet of clouds: one evaluation per subject, concurrently, in one process.

A subject is a name for the report (what the compliance monitor files results under) and the
clouds.yaml entry to check it through. Clouds are checked by a bounded pool of workers; each
finished one is reported at once (``progress``); a cloud that cannot be checked (a wrong entry,
Keystone unreachable, credentials refused) becomes one result with its one-line reason, and the
others go on. The exit code of the fleet is the worst of its subjects' (0 < 1 < 2).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from scs_iaas.errors import InputError, ScsIaasError

DEFAULT_WORKERS = 8


@dataclass(frozen=True)
class Subject:
    name: str
    cloud: str


@dataclass(frozen=True)
class SubjectRun:
    """One subject's outcome: its evaluation, or why it could not be checked."""

    subject: Subject
    evaluation: Any | None  # app.check.Evaluation
    error: str | None
    seconds: float

    @property
    def exit_code(self) -> int:
        if self.evaluation is None:
            return 2
        return 1 if self.evaluation.main_failed else 0


def subjects_from(
    clouds: Sequence[str], mapping: Sequence[tuple[str, str]], subject: str | None
) -> list[Subject]:
    """The subjects of a run: every ``--os-cloud`` (named by ``--subject`` when there is
    just one, else by its cloud), then the ``--subjects`` file's entries, in that order."""
    out: list[Subject] = []
    if subject and len(clouds) > 1:
        raise InputError("--subject names one cloud; for several, use --subjects FILE")
    for cloud in clouds:
        out.append(Subject(subject or cloud, cloud))
    out += [Subject(name, cloud) for name, cloud in mapping]
    seen: set[str] = set()
    for s in out:
        if s.name in seen:
            raise InputError(f"subject {s.name!r} given twice (each subject is one report)")
        seen.add(s.name)
    return out


def parse_subjects(
    doc: Any, where: str, lines: dict[str, int] | None = None
) -> list[tuple[str, str]]:
    """A subjects file: a YAML mapping ``subject: clouds.yaml entry``."""
    if not isinstance(doc, dict) or not doc:
        raise InputError(f"{where}: expected a mapping of subject: clouds.yaml entry")
    out = []
    for name, cloud in doc.items():
        at = f"{where}:{lines[str(name)]}" if lines and str(name) in lines else where
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{at}: subject {name!r}: not a name")
        if not isinstance(cloud, str) or not cloud.strip():
            raise InputError(f"{at}: subject {name}: the clouds.yaml entry must be a name")
        out.append((name, cloud))
    return out


def _one_line(exc: BaseException) -> str:
    from scs_iaas.cloud.redact import redact

    return redact(" ".join(str(exc).split()) or type(exc).__name__)


def run_fleet(
    subjects: Sequence[Subject],
    evaluate: Callable[[Subject], Any],
    *,
    workers: int = DEFAULT_WORKERS,
    progress: Callable[[int, int, SubjectRun], None] | None = None,
) -> list[SubjectRun]:
    """Evaluate every subject with at most ``workers`` at a time; results in subject order."""
    if workers < 1:
        raise InputError(f"--workers must be at least 1, not {workers}")

    def one(s: Subject) -> SubjectRun:
        started = time.perf_counter()
        try:
            ev = evaluate(s)
        except ScsIaasError as exc:
            return SubjectRun(s, None, _one_line(exc), time.perf_counter() - started)
        except Exception as exc:  # an API error of one cloud must not end the others
            kind = type(exc).__module__.split(".")[0]
            where = "OpenStack API" if kind in ("openstack", "keystoneauth1") else "internal"
            why = f"{where}: {_one_line(exc)}"
            return SubjectRun(s, None, why, time.perf_counter() - started)
        return SubjectRun(s, ev, None, time.perf_counter() - started)

    done: dict[str, SubjectRun] = {}
    with ThreadPoolExecutor(max_workers=min(workers, max(1, len(subjects)))) as pool:
        futures = [pool.submit(one, s) for s in subjects]
        for n, fut in enumerate(as_completed(futures), 1):
            run = fut.result()
            done[run.subject.name] = run
            if progress is not None:
                progress(n, len(subjects), run)
    return [done[s.name] for s in subjects]


def exit_code(runs: Sequence[SubjectRun]) -> int:
    """The worst of the subjects' exit codes."""
    return max((r.exit_code for r in runs), default=0)


def check_fleet(
    subjects: Sequence[Subject],
    pattern: str | None,
    *,
    workers: int = DEFAULT_WORKERS,
    progress: Callable[[int, int, SubjectRun], None] | None = None,
    **options: Any,
) -> list[SubjectRun]:
    """``app.check.evaluate`` for every subject (``options`` are its keywords: now,
    cert_version, scope_file, with_resources, …), one token per distinct Keystone and
    credentials. What would fail for every subject (a bad --version, --tests or --scope) fails
    once, here, before any request."""
    from scs_iaas.app import check, grading

    now = options.get("now")
    day = now.date() if now is not None else None
    sc = check.load_scope(options.get("scope_file"))
    if day is not None:
        grading.judged_versions(sc, options.get("cert_version"), day)
    if not check.list_tests(pattern):
        raise InputError(f"--tests {pattern!r} matches no test id (see `scs-iaas check --list`)")
    shared_auth: dict[str, Any] = {}

    def one(s: Subject) -> Any:
        return check.evaluate(s.cloud, pattern, subject=s.name, shared_auth=shared_auth, **options)

    return run_fleet(subjects, one, workers=workers, progress=progress)
