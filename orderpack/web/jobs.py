"""Builds that run in the background, one at a time per case, while the page keeps
answering; the page polls their progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orderpack

if TYPE_CHECKING:
    from orderpack.api_types import BuildResult, Cleaned


class Build(Protocol):
    """What builds a case: :func:`orderpack.build`, or a stand-in in a test."""

    def __call__(self, order_path: Path, today: date, *,
                 progress: Callable[[str], None]) -> BuildResult: ...


@dataclass
class Job:
    steps: list[str] = field(default_factory=list)
    state: str = "running"
    """running, done or failed."""
    error: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    cleaned: tuple[Cleaned, ...] = ()
    """Each exhibit the build blacked something out of or removed something from: the page
    asks the buyer to check them, in its own language."""
    thread: threading.Thread | None = None

    def as_json(self) -> dict[str, Any]:
        return {"state": self.state, "steps": list(self.steps), "error": self.error,
                "problems": self.problems, "result": self.result}


class Builds:
    def __init__(self) -> None:
        self._jobs: dict[Path, Job] = {}
        self._lock = threading.Lock()

    def get(self, order_path: Path) -> Job | None:
        with self._lock:
            return self._jobs.get(order_path)

    def start(self, order_path: Path, today: date,
              run: Build = orderpack.build) -> Job:
        """Start building ``order_path`` unless a build of it is running; return its job."""
        with self._lock:
            job = self._jobs.get(order_path)
            if job is not None and job.state == "running":
                return job
            job = Job()
            self._jobs[order_path] = job
        job.thread = threading.Thread(target=self._run, args=(job, order_path, today, run),
                                      name=f"build {order_path}", daemon=True)
        job.thread.start()
        return job

    @staticmethod
    def _run(job: Job, order_path: Path, today: date, run: Build) -> None:
        try:
            result = run(order_path, today, progress=job.steps.append)
        except orderpack.OrderpackError as exc:
            job.error = str(exc)
            job.problems = [problem.as_dict() for problem in exc.problems]
            job.state = "failed"
            return
        except Exception as exc:  # a bug: shown, not raised into a thread that nobody reads
            job.error = f"orderpack failed unexpectedly ({type(exc).__name__}); please report it"
            job.state = "failed"
            return
        job.result = {
            "characters": result.characters, "char_limit": result.char_limit,
            "pages": result.pages, "pdf_bytes": result.pdf_bytes,
            "exhibits": [path.name for path in result.exhibits],
            "pdfs": [file.path.name for file in result.pdf_files],
            "warnings": list(result.warnings),
            "upload": result.upload,
        }
        job.cleaned = result.cleaned
        job.state = "done"

    def wait(self, timeout: float) -> None:
        """Let running builds finish (they write into a staging folder, then swap it in)."""
        with self._lock:
            threads = [job.thread for job in self._jobs.values() if job.thread is not None]
        for thread in threads:
            thread.join(timeout)
