#!/usr/bin/env python3
"""Benchmark ``orderpack build`` against a naive render of the same heavy case.

Usage::

    python benchmarks/run.py                          # measure, print the report
    python benchmarks/run.py --write BENCHMARKS.md    # ...and write it (``make bench``)
    python benchmarks/run.py --runs 5 --keep          # more runs; keep the work folder

It generates the cases (``benchmarks/heavy_case.py``) in a temporary folder, then runs
every measured command as its own process, ``--runs`` times, interleaved, and reports
medians:

* **wall time**: from starting the process to its exit, as a user waits for it;
* **peak memory**: each command runs in a fresh ``python -c`` wrapper that runs the
  command's module or script in-process and, at exit, reports the process's own peak
  resident memory: ``VmHWM`` from ``/proc/self/status`` (Linux), else
  ``getrusage(RUSAGE_SELF).ru_maxrss``. Linux's ``ru_maxrss`` is not used: it starts
  from the parent's RSS at the time of exec, so this script's own size would leak into
  it. orderpack processes images on threads, so the figure covers the whole build;
* **PDF size**, and whether every exhibit is still legible (``benchmarks/legibility.py``);
* **cold and warm builds**: cold with ``ORDERPACK_CACHE_DIR`` pointing at a new empty
  folder each run, warm with one already filled by an earlier build of the same case;
* **validate cold start**: ``orderpack validate`` of the sample case, a new process
  each time (after one untimed run, so the files are in the OS cache), plus
  ``python -X importtime`` of the same command;
* **batch scaling**: four cases built with ``orderpack build A B C D -j 1`` and ``-j 2``
  (each a cold build); if this orderpack has no ``-j``, four separate processes one
  after another against two at a time, labelled so;
* **a profile** of one cold build with pyinstrument, when it is installed
  (``benchmarks/profile_build.py``).

Exit status: 0 when every command ran (whatever the goals say), 1 when one failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "samples" / "aliexpress-missing" / "order.yaml"
TODAY = "2026-11-26"
MB = 1000 * 1000
"""Decimal, as orderpack shows sizes: 1 MB = 1,000,000 bytes (memory too)."""

sys.path.insert(0, str(HERE))
import heavy_case  # noqa: E402 (a sibling script, found through the path set above)
import legibility  # noqa: E402

# Runs a module (``-m``) or a script in this process, then reports its peak memory: the
# kernel's high-water mark of this process's own memory (VmHWM). Not ru_maxrss: on Linux
# that carries over the parent's RSS at the time of exec, so a big parent inflates it.
_WRAPPER = r"""
import json, resource, runpy, sys
report, kind, target = sys.argv[1:4]
sys.argv = [target, *sys.argv[4:]]
code = 1

def peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit

try:
    if kind == "module":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        runpy.run_path(target, run_name="__main__")
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
finally:
    with open(report, "w") as handle:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        json.dump({"peak": peak(), "cpu": usage.ru_utime + usage.ru_stime, "exit": code},
                  handle)
sys.exit(code)
"""

GOALS = {
    "wall": 0.5,        # build wall time ≤ 0.5 × naive
    "size": 0.3,        # PDF ≤ 0.3 × naive, every exhibit legible
    "rss_mb": 400,      # peak RSS ≤ 400 MB at 30 and at 90 exhibits...
    "flat_mb": 25,      # ...and flat: from 30 to 90 exhibits it grows by at most 25 MB
    "flat_share": 0.1,  # or 10 %, whichever is more
    "warm": 0.7,        # warm rebuild ≤ 0.7 × cold
    "validate_s": 0.3,  # validate cold start ≤ 0.3 s
    "batch": 1.5,       # -j 2 at least 1.5 × as fast as -j 1
}


@dataclass(frozen=True)
class Run:
    seconds: float
    rss: int = 0
    """Peak RSS in bytes (0 when not measured)."""
    cpu: float = 0.0
    """CPU seconds, user and system, of every thread of the process (0 when not measured)."""
    error: str = ""


@dataclass
class Series:
    """Several runs of one command."""

    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not any(run.error for run in self.runs)

    @property
    def error(self) -> str:
        return next((run.error for run in self.runs if run.error), "" if self.runs else "no run")

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def rss(self) -> float:
        return statistics.median(run.rss for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    def time_text(self) -> str:
        if not self.ok:
            return f"failed: {self.error}"
        times = [run.seconds for run in self.runs]
        spread = f" ({min(times):.2f}–{max(times):.2f})" if len(times) > 1 else ""
        return f"{self.seconds:.2f} s{spread}"

    def rss_text(self) -> str:
        return f"{self.rss / MB:.0f} MB" if self.ok else f"failed: {self.error}"


class Bench:
    """Runs commands as measured child processes inside the work folder ``work``."""

    def __init__(self, work: Path, python: str, say: Callable[[str], None]) -> None:
        self.work = work
        self.python = python
        self.say = say
        self._count = 0

    def fresh(self, name: str) -> Path:
        """A new, not yet existing path in the work folder."""
        self._count += 1
        return self.work / f"{name}-{self._count}"

    def measure(self, kind: str, target: str, args: Sequence[str],
                cache: Path | None = None) -> Run:
        """Run ``python -m target args`` (kind "module") or a script, with its peak RSS."""
        report = self.fresh("rusage").with_suffix(".json")
        env = _env(cache)
        command = [self.python, "-c", _WRAPPER, str(report), kind, target, *args]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                              check=False)
        seconds = time.perf_counter() - started
        try:
            usage = json.loads(report.read_text())
            report.unlink()
        except (OSError, ValueError):
            usage = {"peak": 0, "exit": done.returncode}
        if done.returncode != 0 or usage["exit"] != 0:
            return Run(seconds, error=_last_line(done.stderr) or f"exit {done.returncode}")
        return Run(seconds, usage["peak"], usage.get("cpu", 0.0))

    def wall(self, commands: Sequence[Sequence[str]], parallel: int = 1,
             cache: Path | None = None) -> Run:
        """Wall time of running ``commands``, ``parallel`` at a time."""
        env = _env(cache)
        pending = list(commands)
        running: list[subprocess.Popen[str]] = []
        error = ""
        started = time.perf_counter()
        while pending or running:
            while pending and len(running) < parallel:
                running.append(subprocess.Popen(
                    pending.pop(0), env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE, text=True))
            process = running.pop(0)
            _, stderr = process.communicate()
            if process.returncode != 0:
                error = error or _last_line(stderr) or f"exit {process.returncode}"
        return Run(time.perf_counter() - started, error=error)


def _env(cache: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ORDERPACK_CACHE_DIR", None)
    if cache is not None:
        env["ORDERPACK_CACHE_DIR"] = str(cache)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in benchmarks/
    return env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


# --- the measurements ---------------------------------------------------------------------

@dataclass
class Results:
    runs: int
    cases: dict[str, Any] = field(default_factory=dict)
    naive: Series = field(default_factory=Series)
    cold: Series = field(default_factory=Series)
    warm: Series = field(default_factory=Series)
    naive_large: Series = field(default_factory=Series)
    cold_large: Series = field(default_factory=Series)
    naive_pdf: int = 0
    orderpack_pdf: int = 0
    naive_legible: legibility.Report | None = None
    orderpack_legible: legibility.Report | None = None
    validate: Series = field(default_factory=Series)
    validate_heavy: Series = field(default_factory=Series)
    imports: list[tuple[str, float]] = field(default_factory=list)
    import_total: float = 0.0
    batch_label: str = ""
    batch_one: Series = field(default_factory=Series)
    batch_two: Series = field(default_factory=Series)
    profile: dict[str, Any] | None = None
    profile_note: str = ""
    seconds: float = 0.0
    load: tuple[float, float] | None = None
    """The 1-minute load average at the start and at the end of the run."""


def measure_builds(bench: Bench, results: Results, heavy: Path, large: Path) -> None:
    """Naive and orderpack builds of the heavy case, cold and warm, and of the large one."""
    warm_cache = bench.fresh("cache-warm")
    filled = bench.measure("module", "orderpack", _build_args(heavy, bench.fresh("out")),
                           cache=warm_cache)
    if filled.error:
        bench.say(f"  filling the warm cache failed: {filled.error}")
    for number in range(1, results.runs + 1):
        naive_pdf = bench.fresh("naive").with_suffix(".pdf")
        run = bench.measure("script", str(HERE / "baseline.py"), [str(heavy), str(naive_pdf)])
        results.naive.runs.append(run)
        bench.say(f"  run {number}: naive {run.seconds:.2f} s, {run.rss / MB:.0f} MB"
                  + (f" FAILED {run.error}" if run.error else ""))
        if not run.error:
            results.naive_pdf = naive_pdf.stat().st_size
            _keep_last(bench.work / "naive.pdf", naive_pdf)

        out, cache = bench.fresh("out"), bench.fresh("cache-cold")
        run = bench.measure("module", "orderpack", _build_args(heavy, out), cache=cache)
        results.cold.runs.append(run)
        bench.say(f"  run {number}: orderpack cold {run.seconds:.2f} s, {run.rss / MB:.0f} MB"
                  + (f" FAILED {run.error}" if run.error else ""))
        if not run.error:
            results.orderpack_pdf = (out / "evidence.pdf").stat().st_size
            _keep_last(bench.work / "orderpack.pdf", out / "evidence.pdf")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

        out = bench.fresh("out")
        run = bench.measure("module", "orderpack", _build_args(heavy, out), cache=warm_cache)
        results.warm.runs.append(run)
        bench.say(f"  run {number}: orderpack warm {run.seconds:.2f} s"
                  + (f" FAILED {run.error}" if run.error else ""))
        shutil.rmtree(out, ignore_errors=True)

    for number in range(1, results.runs + 1):
        naive_pdf = bench.fresh("naive").with_suffix(".pdf")
        run = bench.measure("script", str(HERE / "baseline.py"), [str(large), str(naive_pdf)])
        results.naive_large.runs.append(run)
        naive_pdf.unlink(missing_ok=True)
        out, cache = bench.fresh("out"), bench.fresh("cache-cold")
        large_run = bench.measure("module", "orderpack", _build_args(large, out), cache=cache)
        results.cold_large.runs.append(large_run)
        bench.say(f"  run {number}, {results.cases['large']['exhibits']} exhibits: naive "
                  f"{run.rss / MB:.0f} MB, orderpack {large_run.rss / MB:.0f} MB"
                  + (f" FAILED {large_run.error}" if large_run.error else ""))
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def _build_args(order: Path, out: Path) -> list[str]:
    return ["build", str(order), "--today", TODAY, "--out", str(out)]


def _keep_last(target: Path, source: Path) -> None:
    target.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    if source.suffix == ".pdf" and source.parent == target.parent:
        source.unlink()


def measure_validate(bench: Bench, results: Results, heavy: Path) -> None:
    script = Path(bench.python).with_name("orderpack")
    base = [str(script)] if script.exists() else [bench.python, "-m", "orderpack"]
    count = max(10, results.runs)
    for order, series in ((SAMPLE, results.validate), (heavy, results.validate_heavy)):
        bench.wall([[*base, "validate", str(order)]])  # untimed: files into the OS cache
        for _ in range(count):
            series.runs.append(bench.wall([[*base, "validate", str(order)]]))
    bench.say(f"  validate: sample {results.validate.time_text()}, heavy case "
              f"{results.validate_heavy.time_text()}")
    done = subprocess.run([bench.python, "-X", "importtime", "-m", "orderpack", "validate",
                           str(SAMPLE)], env=_env(None), cwd=ROOT, capture_output=True,
                          text=True, check=False)
    results.imports, results.import_total = _import_offenders(done.stderr)


def _import_offenders(stderr: str) -> tuple[list[tuple[str, float]], float]:
    """Import time per top-level package (the sum of its modules' own times), in ms."""
    per_package: dict[str, float] = {}
    pattern = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")
    for line in stderr.splitlines():
        match = pattern.match(line)
        if match:
            package = match[4].split(".")[0]
            per_package[package] = per_package.get(package, 0.0) + int(match[1]) / 1000
    total = sum(per_package.values())
    return sorted(per_package.items(), key=lambda item: -item[1])[:10], total


def measure_batch(bench: Bench, results: Results, orders: list[Path]) -> None:
    help_text = subprocess.run([bench.python, "-m", "orderpack", "build", "--help"],
                               capture_output=True, text=True, check=False, cwd=ROOT).stdout
    real_flag = "--jobs" in help_text
    results.batch_label = (
        "`orderpack build A B C D -j 2` against `-j 1`" if real_flag else
        "4 `orderpack build` processes, 2 at a time, against one after another "
        "(this orderpack has no `-j`)")
    for number in range(1, results.runs + 1):
        for jobs, series in ((1, results.batch_one), (2, results.batch_two)):
            for order in orders:
                shutil.rmtree(order.parent / "out", ignore_errors=True)
            cache = bench.fresh("cache-batch")
            if real_flag:
                command = [bench.python, "-m", "orderpack", "build", *map(str, orders),
                           "--today", TODAY, "-j", str(jobs)]
                run = bench.wall([command], cache=cache)
            else:
                commands = [[bench.python, "-m", "orderpack", "build", str(order), "--today",
                             TODAY] for order in orders]
                run = bench.wall(commands, parallel=jobs, cache=cache)
            series.runs.append(run)
            shutil.rmtree(cache, ignore_errors=True)
            bench.say(f"  run {number}: batch -j {jobs} {run.seconds:.2f} s"
                      + (f" FAILED {run.error}" if run.error else ""))


def measure_profile(bench: Bench, results: Results, heavy: Path) -> None:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        results.profile_note = ("pyinstrument is not installed: `pip install pyinstrument` "
                                "into the environment, then run again")
        return
    text, summary = bench.work / "profile.txt", bench.work / "profile.json"
    done = subprocess.run(
        [bench.python, str(HERE / "profile_build.py"), str(heavy), "--out",
         str(bench.fresh("out")), "--today", TODAY, "--text", str(text), "--json", str(summary)],
        env=_env(bench.fresh("cache-profile")), cwd=ROOT, capture_output=True, text=True,
        check=False)
    if done.returncode != 0:
        results.profile_note = f"the profile failed: {_last_line(done.stderr)}"
        return
    results.profile = json.loads(summary.read_text())


def generate_cases(work: Path, exhibits: int, large: int, batch: int,
                   say: Callable[[str], None]) -> tuple[Path, Path, list[Path], dict[str, Any]]:
    """Write the cases, several at once (nothing is measured meanwhile)."""
    started = time.perf_counter()
    specs = [(work / "large", large, heavy_case.DEFAULT_SEED),
             (work / "heavy", exhibits, heavy_case.DEFAULT_SEED),
             *((work / "batch" / name, batch, heavy_case.DEFAULT_SEED + number)
               for number, name in enumerate("abcd", start=1))]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        big, heavy, *batch_cases = pool.map(_generate, specs)
    cases = {"heavy": _describe(heavy), "large": _describe(big),
             "batch": _describe(batch_cases[0])}
    say(f"  generated the cases in {time.perf_counter() - started:.0f} s")
    return heavy.order, big.order, [case.order for case in batch_cases], cases


def _generate(spec: tuple[Path, int, int]) -> heavy_case.HeavyCase:
    folder, exhibits, seed = spec
    return heavy_case.generate(folder, exhibits, seed=seed)


def _describe(case: heavy_case.HeavyCase) -> dict[str, Any]:
    folder = case.order.parent
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and "out" not in
               p.relative_to(folder).parts)
    return {"exhibits": case.exhibits, "screenshots": case.screenshots, "photos": case.photos,
            "messages": case.messages, "events": case.events, "bytes": size}


# --- the report ---------------------------------------------------------------------------

def machine(load: tuple[float, float] | None) -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()}" + (f" ({usable} usable)" if usable != os.cpu_count() else "")
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
        memory = f"{ram:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        memory = "unknown"
    system = platform.platform()
    try:
        release = dict(line.split("=", 1) for line in
                       Path("/etc/os-release").read_text().splitlines() if "=" in line)
        system = f"{release['PRETTY_NAME'].strip(chr(34))} ({system})"
    except (OSError, KeyError):
        pass
    versions = ", ".join(f"{name} {_version(name)}"
                         for name in ("orderpack", "weasyprint", "pillow", "pypdf"))
    if load is not None:
        cores += (f"; load average {load[0]:.2f} at the start, {load[1]:.2f} at the end "
                  "(1 min) — other work on the machine skews the figures")
    return [("CPU", cpu), ("Cores", cores), ("RAM", memory), ("OS", system),
            ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
            ("Packages", versions), ("Code", _commit())]


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    # The report itself does not count: an earlier run of this script changed it.
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".",
                ":(exclude)BENCHMARKS.md")
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def _status(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**not met**")


def figures(results: Results) -> list[tuple[str, str, str, str, str, str]]:
    """Rows: figure, orderpack, compared with, ratio, goal, status."""
    rows = []
    r = results
    heavy, large = r.cases["heavy"]["exhibits"], r.cases["large"]["exhibits"]
    if r.cold.ok and r.naive.ok:
        ratio = _ratio(r.cold.seconds, r.naive.seconds)
        rows.append((f"Build time, {heavy} exhibits, cold cache", r.cold.time_text(),
                     f"naive {r.naive.time_text()}", f"{ratio:.2f}×",
                     f"≤ {GOALS['wall']}× naive", _status(ratio <= GOALS["wall"])))
    else:
        rows.append(("Build time, cold cache", r.cold.time_text(), r.naive.time_text(), "",
                     f"≤ {GOALS['wall']}× naive", _status(None)))
    if r.orderpack_pdf and r.naive_pdf:
        ratio = _ratio(r.orderpack_pdf, r.naive_pdf)
        legible = r.orderpack_legible is not None and r.orderpack_legible.legible
        rows.append((f"PDF size, {heavy} exhibits", f"{r.orderpack_pdf / MB:.1f} MB",
                     f"naive {r.naive_pdf / MB:.1f} MB", f"{ratio:.2f}×",
                     f"≤ {GOALS['size']}× naive, every exhibit legible",
                     _status(ratio <= GOALS["size"] and legible)))
    for label, report in (("orderpack", r.orderpack_legible), ("naive", r.naive_legible)):
        if report is not None:
            rows.append((f"Exhibits legible ({label} PDF)", report.summary(), "", "",
                         f"≥ {legibility.MIN_PPI:.0f} ppi, RMS ≤ {legibility.MAX_RMS:.0f}",
                         _status(report.legible) if label == "orderpack" else "—"))
    for count, built, naive in ((heavy, r.cold, r.naive), (large, r.cold_large, r.naive_large)):
        if built.ok:
            compared = f"naive {naive.rss_text()}" if naive.ok else ""
            ratio_text = f"{_ratio(built.rss, naive.rss):.2f}×" if naive.ok else ""
            rows.append((f"Peak RSS, {count} exhibits", built.rss_text(), compared, ratio_text,
                         f"≤ {GOALS['rss_mb']} MB", _status(built.rss / MB <= GOALS["rss_mb"])))
        else:
            rows.append((f"Peak RSS, {count} exhibits", built.rss_text(), "", "",
                         f"≤ {GOALS['rss_mb']} MB", _status(None)))
    if r.cold_large.ok and r.cold.ok:
        growth = (r.cold_large.rss - r.cold.rss) / MB
        flat = max(GOALS["flat_mb"], GOALS["flat_share"] * r.cold.rss / MB)
        rows.append((f"Memory growth, {heavy} → {large} exhibits", f"{growth:+.0f} MB",
                     f"naive {(r.naive_large.rss - r.naive.rss) / MB:+.0f} MB"
                     if r.naive_large.ok and r.naive.ok else "", "",
                     f"flat: ≤ +{flat:.0f} MB", _status(growth <= flat)))
    rows += floor_rows(r)
    if r.warm.ok and r.cold.ok:
        ratio = _ratio(r.warm.seconds, r.cold.seconds)
        rows.append((f"Rebuild, {heavy} exhibits, warm cache", r.warm.time_text(),
                     f"cold {r.cold.time_text()}", f"{ratio:.2f}×",
                     f"≤ {GOALS['warm']}× cold", _status(ratio <= GOALS["warm"])))
    if r.validate.ok:
        rows.append(("`orderpack validate` cold start, sample case", r.validate.time_text(),
                     "", "", f"≤ {GOALS['validate_s']} s",
                     _status(r.validate.seconds <= GOALS["validate_s"])))
    if r.validate_heavy.ok:
        rows.append((f"`orderpack validate`, {heavy}-exhibit case",
                     r.validate_heavy.time_text(), "", "", "—", "—"))
    if r.batch_one.ok and r.batch_two.ok:
        speedup = _ratio(r.batch_one.seconds, r.batch_two.seconds)
        rows.append((f"Batch of 4 cases ({r.cases['batch']['exhibits']} exhibits each), -j 2",
                     r.batch_two.time_text(), f"-j 1 {r.batch_one.time_text()}",
                     f"{speedup:.2f}× as fast", f"≥ {GOALS['batch']}× as fast",
                     _status(speedup >= GOALS["batch"])))
    else:
        rows.append(("Batch of 4 cases, -j 2", r.batch_two.time_text(),
                     r.batch_one.time_text(), "", f"≥ {GOALS['batch']}×", _status(None)))
    return rows


def floor_rows(r: Results) -> list[tuple[str, str, str, str, str, str]]:
    """Where the build's time goes, against the naive render: the warm rebuild is the layout
    and the PDF alone (no image is processed), and the cold build's CPU time spread over
    every core is the least wall time any scheduling of the same work could take."""
    if not (r.cold.ok and r.warm.ok and r.naive.ok and r.cold.cpu and r.naive.cpu):
        return []
    heavy, cores = r.cases["heavy"]["exhibits"], os.cpu_count() or 1
    least = max(r.warm.seconds, r.cold.cpu / cores)
    return [
        (f"Layout and PDF alone ({heavy} exhibits, warm cache)", r.warm.time_text(),
         f"naive {r.naive.time_text()}", f"{_ratio(r.warm.seconds, r.naive.seconds):.2f}×",
         "—", "—"),
        (f"CPU time, {heavy} exhibits, cold cache", f"{r.cold.cpu:.2f} s",
         f"naive {r.naive.cpu:.2f} s", f"{_ratio(r.cold.cpu, r.naive.cpu):.2f}×", "—", "—"),
        (f"Least possible cold build time on {cores} cores", f"{least:.2f} s",
         f"naive {r.naive.time_text()}", f"{_ratio(least, r.naive.seconds):.2f}×",
         "—", "—"),
    ]


def report(results: Results, command: str) -> str:
    r = results
    heavy, large, batch = r.cases["heavy"], r.cases["large"], r.cases["batch"]
    lines = [
        "# Benchmarks",
        "",
        "<!-- Written by benchmarks/run.py: run `make bench` rather than editing it. -->",
        "",
        f"How `orderpack build` compares with a naive render of the same case "
        f"(`benchmarks/baseline.py`: the same facts, tracking and messages as plain HTML, "
        f"every original image embedded as it is, WeasyPrint's default options). Measured "
        f"{datetime.now(UTC):%Y-%m-%d} in {r.seconds / 60:.1f} minutes.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine(r.load)),
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench    # = .venv/bin/python benchmarks/run.py --write BENCHMARKS.md",
        "```",
        "",
        f"This report: `{command}`. `pip install pyinstrument` first for the profile.",
        "",
        "## The cases",
        "",
        f"Generated by `benchmarks/heavy_case.py` (deterministic) into a temporary folder: "
        f"**{heavy['exhibits']} exhibits** — {heavy['screenshots']} phone screenshots "
        f"(PNG, 1170×2532) and {heavy['photos']} camera photos (JPEG, 4032×3024, 2–4 MB, "
        f"EXIF orientation 6, 1 or 8, GPS) — {heavy['messages']} chat messages (English and "
        f"Chinese with translations) and {heavy['events']} tracking events; "
        f"{heavy['bytes'] / MB:.0f} MB of originals. The memory check also builds "
        f"**{large['exhibits']} exhibits** ({large['bytes'] / MB:.0f} MB); the batch builds "
        f"four cases of {batch['exhibits']} exhibits each, with different seeds.",
        "",
        "## Figures",
        "",
        f"Medians of {r.runs} runs (range in brackets; `validate` {max(10, r.runs)} runs), "
        "each command a new process, orderpack and the baseline interleaved. Peak RSS is "
        "the process's own high-water mark (`VmHWM`), reported at exit by a `python -c` "
        "wrapper that runs the command in-process (`ru_maxrss` is not used: on Linux it "
        "includes the parent's RSS at exec). 1 MB = 1,000,000 bytes, for files and memory "
        "alike.",
        "",
"| Figure | orderpack | Compared with | Ratio | Goal | Status |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in figures(r)),
        "",
        f"Batch: {r.batch_label}, each run with an empty cache.",
        "",
        "The three rows without a goal say how far the build time can go. The warm rebuild "
        "processes no image: it is the layout and the PDF alone. CPU time is that of every "
        "thread of the process; spread over every core it is the least wall time any "
        "scheduling of the same work can take, and the build can take no less than its "
        "layout and PDF either.",
        "",
        "Legible: every image exhibit is in the PDF, printed at ≥ "
        f"{legibility.MIN_PPI:.0f} ppi (or at the original's full resolution), and at "
        f"that resolution its grey levels differ from the original's (redactions applied) "
        f"by an RMS ≤ {legibility.MAX_RMS:.0f} of 255 — see `benchmarks/legibility.py`.",
        "",
        "## `orderpack validate`: import time by package",
        "",
        f"`python -X importtime -m orderpack validate` of the sample case: "
        f"{r.import_total:.0f} ms of imports in all, the largest:",
        "",
        "| Package | ms |",
        "|---|---|",
        *(f"| {package} | {ms:.0f} |" for package, ms in r.imports),
        "",
        "## Where the time goes",
        "",
    ]
    if r.profile is None:
        lines.append(f"No profile: {r.profile_note}.")
    else:
        total = r.profile["total_s"] or 1.0
        lines += [
            f"pyinstrument, one cold build of the {heavy['exhibits']}-exhibit case with the "
            f"image work run inline on the main thread (so the sampler sees it): "
            f"{total:.1f} s of samples. A step's time includes what it calls.",
            "",
            "| Step | s | Share |",
            "|---|---|---|",
        ]
        for phase in r.profile["phases"]:
            if phase["seconds"] <= 0:
                continue
            label = phase["label"] if phase["parent"] is None else f"  … of which {phase['label']}"
            lines.append(f"| {label} | {phase['seconds']:.2f} | "
                         f"{phase['seconds'] / total:.0%} |")
        lines += [
            "",
            "Functions with the most time of their own (a C function with the orderpack or "
            "WeasyPrint function that called it):",
            "",
            "| Function | Where | s |",
            "|---|---|---|",
            *(f"| `{item['function']}` | {item['where']} | {item['seconds']:.2f} |"
              for item in r.profile["self_time"][:10]),
        ]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, metavar="FILE", help="write the report here")
    parser.add_argument("--runs", type=int, default=3, metavar="N",
                        help="runs per figure; the median is reported (default: %(default)s)")
    parser.add_argument("--exhibits", type=int, default=heavy_case.DEFAULT_EXHIBITS,
                        metavar="N", help="exhibits of the main case (default: %(default)s)")
    parser.add_argument("--large-exhibits", type=int, default=90, metavar="N",
                        help="exhibits of the memory check's large case (default: %(default)s)")
    parser.add_argument("--batch-exhibits", type=int, default=12, metavar="N",
                        help="exhibits of each batch case (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, metavar="DIR",
                        help="work here (kept) instead of in a temporary folder")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary work folder (cases, PDFs, profile)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    keep = args.keep or args.workdir is not None
    work = args.workdir or Path(tempfile.mkdtemp(prefix="orderpack-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    say(f"Working in {work}")
    results = Results(runs=args.runs)
    load_start = _load()
    if load_start is not None and load_start > (os.cpu_count() or 1) / 2:
        say(f"Warning: the load average is {load_start:.1f} already; other work on the "
            "machine will skew the figures")
    try:
        bench = Bench(work, sys.executable, say)
        say("Generating the cases")
        heavy, large, batch, results.cases = generate_cases(
            work, args.exhibits, args.large_exhibits, args.batch_exhibits, say)
        say("Builds: naive and orderpack, cold and warm")
        measure_builds(bench, results, heavy, large)
        say("Legibility of the exhibits in both PDFs")
        if results.orderpack_pdf:
            results.orderpack_legible = legibility.check(work / "orderpack.pdf", heavy)
        if results.naive_pdf:
            results.naive_legible = legibility.check(work / "naive.pdf", heavy, redacted=False)
        say("validate")
        measure_validate(bench, results, heavy)
        say("Batch")
        measure_batch(bench, results, batch)
        if not args.no_profile:
            say("Profile")
            measure_profile(bench, results, heavy)
        else:
            results.profile_note = "skipped (--no-profile)"
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            say(f"Kept {work}")
    results.seconds = time.perf_counter() - started
    load_end = _load()
    if load_start is not None and load_end is not None:
        results.load = (load_start, load_end)
    command = "python benchmarks/run.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    text = report(results, command.strip())
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        say(f"Wrote {args.write}")
    else:
        print(text)
    failed = [series.error for series in (results.naive, results.cold, results.warm,
                                          results.naive_large, results.cold_large,
                                          results.validate, results.batch_one,
                                          results.batch_two) if not series.ok]
    for error in failed:
        say(f"failed: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
