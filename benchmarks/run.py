#!/usr/bin/env python3
"""Benchmark ``orderpack build`` against a naive render of the same heavy case.

Usage::

    python benchmarks/run.py                          # measure, print the report
    python benchmarks/run.py --write BENCHMARKS.md    # ...and write it (``make bench``)
    python benchmarks/run.py --runs 5 --keep          # more runs; keep the work folder

It generates the cases (``benchmarks/heavy_case.py``) in a temporary folder — the "app"
case (UI-like screenshots, grainy camera photos) and the "flat" one (text-heavy
screenshots, smooth synthetic photos) — then runs every measured command as its own
process, ``--runs`` times, interleaved, and reports medians:

* **wall time**: from starting the process to its exit, as a user waits for it;
* **peak memory**: each command runs in a fresh ``python -c`` wrapper that runs the
  command's module or script in-process and, at exit, reports the process's own peak
  resident memory: ``VmHWM`` from ``/proc/self/status`` (Linux), else
  ``getrusage(RUSAGE_SELF).ru_maxrss``. Linux's ``ru_maxrss`` is not used: it starts
  from the parent's RSS at the time of exec, so this script's own size would leak into
  it. orderpack processes images on threads, so the figure covers the whole build;
* **CPU time**: user and system time of the process, its threads and the child
  processes it waited for;
* **PDF size**, and whether every exhibit is still legible (``benchmarks/legibility.py``);
* **cold and warm builds** of both cases: cold with ``ORDERPACK_CACHE_DIR`` pointing at a
  new empty folder each run, warm with one already filled by an earlier build of the same
  case;
* **validate cold start**: ``orderpack validate`` of the sample case, a new process
  each time (after one untimed run, so the files are in the OS cache), plus
  ``python -X importtime`` of the same command (orderpack's modules are compiled to
  bytecode before anything is measured, as ``pip install`` compiles them);
* **batch throughput**: four cases built with ``orderpack build A B C D`` (each a cold
  build, ``-j`` left at its default), its wall time against its CPU time spread over the
  cores;
* **a profile** of one cold build with pyinstrument, when it is installed
  (``benchmarks/profile_build.py``).

Exit status: 0 when every command ran (whatever the goals say), 1 when one failed.
"""

from __future__ import annotations

import argparse
import compileall
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
import web  # noqa: E402

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
        cpu = sum(usage.ru_utime + usage.ru_stime for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN)))
        json.dump({"peak": peak(), "cpu": cpu, "exit": code}, handle)
sys.exit(code)
"""

GOALS = {
    "cold": 0.65,       # cold build wall time ≤ 0.65 × naive, on both cases
    "warm": 0.45,       # warm rebuild ≤ 0.45 × naive
    "cpu": 1.0,         # CPU time of a cold build ≤ 1.0 × naive's
    "size": 0.3,        # PDF ≤ 0.3 × naive, every exhibit legible
    "rss_mb": 250,      # peak RSS ≤ 250 MB at 90 exhibits...
    "flat_mb": 15,      # ...and from 30 to 90 exhibits it grows by at most 15 MB
    "validate_s": 0.3,  # validate cold start ≤ 0.3 s
    "batch": 1.2,       # a batch of 4 takes ≤ 1.2 × its CPU time / cores
}
#: The cases built against the naive render: name, style (heavy_case.STYLES), label.
CASES = (("heavy", "app", "app case"),
         ("flat", "flat", "flat case"))


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


def _compile_orderpack() -> None:
    """Compile orderpack's modules to bytecode, as ``pip install`` does: a buyer's
    ``orderpack`` reads them compiled. The measured commands write no bytecode (see
    :func:`_env`), so without this every start would compile orderpack's modules again."""
    compileall.compile_dir(ROOT / "orderpack", quiet=1)


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
class Builds:
    """The naive render and orderpack's cold and warm builds of one case."""

    naive: Series = field(default_factory=Series)
    cold: Series = field(default_factory=Series)
    warm: Series = field(default_factory=Series)
    text_only: Series = field(default_factory=Series)
    """WeasyPrint alone on the evidence PDF's text (benchmarks/text_only.py)."""
    naive_text: Series = field(default_factory=Series)
    """The naive render without its pictures."""
    naive_pdf: int = 0
    orderpack_pdf: int = 0
    naive_legible: legibility.Report | None = None
    orderpack_legible: legibility.Report | None = None


@dataclass
class Results:
    runs: int
    cases: dict[str, Any] = field(default_factory=dict)
    builds: dict[str, Builds] = field(default_factory=lambda: {
        name: Builds() for name, _, _ in CASES})
    naive_large: Series = field(default_factory=Series)
    cold_large: Series = field(default_factory=Series)
    validate: Series = field(default_factory=Series)
    validate_heavy: Series = field(default_factory=Series)
    imports: list[tuple[str, float]] = field(default_factory=list)
    import_total: float = 0.0
    batch_label: str = ""
    batch: Series = field(default_factory=Series)
    profile: dict[str, Any] | None = None
    profile_note: str = ""
    seconds: float = 0.0
    load: tuple[float, float] | None = None
    """The 1-minute load average at the start and at the end of the run."""


def measure_builds(bench: Bench, runs: int, results: Builds, name: str, heavy: Path) -> None:
    """Naive and orderpack builds of the case ``name`` at ``heavy``, cold and warm; the
    last PDFs are kept as ``orderpack-NAME.pdf`` and ``naive-NAME.pdf``."""
    warm_cache = bench.fresh("cache-warm")
    filled = bench.measure("module", "orderpack", _build_args(heavy, bench.fresh("out")),
                           cache=warm_cache)
    if filled.error:
        bench.say(f"  filling the warm cache failed: {filled.error}")
    text = bench.fresh("text")
    text.mkdir()
    saved = bench.measure("script", str(HERE / "text_only.py"),
                          ["save", str(heavy), str(text), "--today", TODAY], cache=warm_cache)
    for number in range(1, runs + 1):
        naive_pdf = bench.fresh("naive").with_suffix(".pdf")
        run = bench.measure("script", str(HERE / "baseline.py"), [str(heavy), str(naive_pdf)])
        results.naive.runs.append(run)
        bench.say(f"  {name} run {number}: naive {run.seconds:.2f} s, {run.rss / MB:.0f} MB"
                  + (f" FAILED {run.error}" if run.error else ""))
        if not run.error:
            results.naive_pdf = naive_pdf.stat().st_size
            _keep_last(bench.work / f"naive-{name}.pdf", naive_pdf)

        out, cache = bench.fresh("out"), bench.fresh("cache-cold")
        run = bench.measure("module", "orderpack", _build_args(heavy, out), cache=cache)
        results.cold.runs.append(run)
        bench.say(f"  {name} run {number}: orderpack cold {run.seconds:.2f} s, "
                  f"{run.rss / MB:.0f} MB, CPU {run.cpu:.2f} s"
                  + (f" FAILED {run.error}" if run.error else ""))
        if not run.error:
            results.orderpack_pdf = (out / "evidence.pdf").stat().st_size
            _keep_last(bench.work / f"orderpack-{name}.pdf", out / "evidence.pdf")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

        out = bench.fresh("out")
        run = bench.measure("module", "orderpack", _build_args(heavy, out), cache=warm_cache)
        results.warm.runs.append(run)
        bench.say(f"  {name} run {number}: orderpack warm {run.seconds:.2f} s"
                  + (f" FAILED {run.error}" if run.error else ""))
        shutil.rmtree(out, ignore_errors=True)

        pdf = bench.fresh("text").with_suffix(".pdf")
        run = saved if saved.error else bench.measure(
            "script", str(HERE / "text_only.py"), ["render", str(text), str(pdf)])
        results.text_only.runs.append(run)
        naive_pdf = bench.fresh("naive-text").with_suffix(".pdf")
        naive_run = bench.measure("script", str(HERE / "baseline.py"),
                                  [str(heavy), str(naive_pdf), "--no-pictures"])
        results.naive_text.runs.append(naive_run)
        bench.say(f"  {name} run {number}: text alone, WeasyPrint {run.seconds:.2f} s, naive "
                  f"{naive_run.seconds:.2f} s"
                  + "".join(f" FAILED {r.error}" for r in (run, naive_run) if r.error))
        pdf.unlink(missing_ok=True)
        naive_pdf.unlink(missing_ok=True)


def measure_large(bench: Bench, results: Results, large: Path) -> None:
    """Peak memory of the naive render and of a cold build of the large case."""
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
    """``orderpack build A B C D`` with an empty cache, ``-j`` at its default: its wall time
    and its CPU time (its own and its child processes')."""
    results.batch_label = (f"`orderpack build A B C D` (`-j` at its default, one case per "
                           f"core), {os.cpu_count() or 1} cores")
    for number in range(1, results.runs + 1):
        for order in orders:
            shutil.rmtree(order.parent / "out", ignore_errors=True)
        cache = bench.fresh("cache-batch")
        run = bench.measure("module", "orderpack",
                            ["build", *map(str, orders), "--today", TODAY], cache=cache)
        results.batch.runs.append(run)
        shutil.rmtree(cache, ignore_errors=True)
        bench.say(f"  run {number}: batch {run.seconds:.2f} s, CPU {run.cpu:.2f} s"
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
                   say: Callable[[str], None]
                   ) -> tuple[dict[str, Path], Path, list[Path], dict[str, Any]]:
    """Write the cases, several at once (nothing is measured meanwhile)."""
    started = time.perf_counter()
    specs = [(work / "large", large, heavy_case.DEFAULT_SEED, "app"),
             *((work / name, exhibits, heavy_case.DEFAULT_SEED, style)
               for name, style, _ in CASES),
             *((work / "batch" / name, batch, heavy_case.DEFAULT_SEED + number, "app")
               for number, name in enumerate("abcd", start=1))]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        big, *made = pool.map(_generate, specs)
    built, batch_cases = made[:len(CASES)], made[len(CASES):]
    cases = {"large": _describe(big), "batch": _describe(batch_cases[0]),
             **{name: _describe(case) for (name, _, _), case in zip(CASES, built, strict=True)}}
    say(f"  generated the cases in {time.perf_counter() - started:.0f} s")
    orders = {name: case.order for (name, _, _), case in zip(CASES, built, strict=True)}
    return orders, big.order, [case.order for case in batch_cases], cases


def _generate(spec: tuple[Path, int, int, str]) -> heavy_case.HeavyCase:
    folder, exhibits, seed, style = spec
    return heavy_case.generate(folder, exhibits, seed=seed, style=style)


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


Row = tuple[str, str, str, str, str, str]


def figures(results: Results) -> list[Row]:
    """Rows: figure, orderpack, compared with, ratio, goal, status."""
    r = results
    rows: list[Row] = []
    for name, _, label in CASES:
        if name in r.builds and name in r.cases:
            rows += case_rows(r.builds[name], f"{label}, {r.cases[name]['exhibits']} exhibits")
    rows += memory_rows(r)
    if r.validate.ok:
        rows.append(("`orderpack validate` cold start, sample case", r.validate.time_text(),
                     "", "", f"≤ {GOALS['validate_s']} s",
                     _status(r.validate.seconds <= GOALS["validate_s"])))
    if r.validate_heavy.ok:
        rows.append((f"`orderpack validate`, {r.cases['heavy']['exhibits']}-exhibit case",
                     r.validate_heavy.time_text(), "", "", "—", "—"))
    rows.append(batch_row(r))
    return rows


def case_rows(b: Builds, case: str) -> list[Row]:
    """The build time, CPU time and PDF size goals of one case, and how far they can go."""
    goal_cold, goal_warm = f"≤ {GOALS['cold']}× naive", f"≤ {GOALS['warm']}× naive"
    if not (b.cold.ok and b.naive.ok):
        return [(f"Build time, cold cache ({case})", b.cold.time_text(), b.naive.time_text(),
                 "", goal_cold, _status(None))]
    naive = f"naive {b.naive.time_text()}"
    ratio = _ratio(b.cold.seconds, b.naive.seconds)
    rows: list[Row] = [(f"Build time, cold cache ({case})", b.cold.time_text(), naive,
                        f"{ratio:.2f}×", goal_cold, _status(ratio <= GOALS["cold"]))]
    if b.warm.ok:
        ratio = _ratio(b.warm.seconds, b.naive.seconds)
        rows.append((f"Rebuild, warm cache ({case})", b.warm.time_text(), naive,
                     f"{ratio:.2f}×", goal_warm, _status(ratio <= GOALS["warm"])))
    for label, series in (("WeasyPrint alone on the evidence PDF's text", b.text_only),
                          ("Naive render without its pictures", b.naive_text)):
        if series.runs:
            ratio_text = f"{_ratio(series.seconds, b.naive.seconds):.2f}×" if series.ok else ""
            rows.append((f"{label} ({case})", series.time_text(), naive, ratio_text, "—", "—"))
    if b.cold.cpu and b.naive.cpu:
        ratio = _ratio(b.cold.cpu, b.naive.cpu)
        rows.append((f"CPU time, cold cache ({case})", f"{b.cold.cpu:.2f} s",
                     f"naive {b.naive.cpu:.2f} s", f"{ratio:.2f}×",
                     f"≤ {GOALS['cpu']}× naive's", _status(ratio <= GOALS["cpu"])))
        if b.warm.ok:
            cores = os.cpu_count() or 1
            least = max(b.warm.seconds, b.cold.cpu / cores)
            rows.append((f"Least possible cold build time on {cores} cores ({case})",
                         f"{least:.2f} s", naive, f"{_ratio(least, b.naive.seconds):.2f}×",
                         "—", "—"))
    if b.orderpack_pdf and b.naive_pdf:
        ratio = _ratio(b.orderpack_pdf, b.naive_pdf)
        legible = b.orderpack_legible is not None and b.orderpack_legible.legible
        rows.append((f"PDF size ({case})", f"{b.orderpack_pdf / MB:.1f} MB",
                     f"naive {b.naive_pdf / MB:.1f} MB", f"{ratio:.2f}×",
                     f"≤ {GOALS['size']}× naive, every exhibit legible",
                     _status(ratio <= GOALS["size"] and legible)))
    for label, report in (("orderpack", b.orderpack_legible), ("naive", b.naive_legible)):
        if report is not None:
            rows.append((f"Exhibits legible ({label} PDF, {case})", report.summary(), "", "",
                         f"≥ {legibility.MIN_PPI:.0f} ppi, RMS ≤ {legibility.MAX_RMS:.0f}",
                         _status(report.legible) if label == "orderpack" else "—"))
    return rows


def memory_rows(r: Results) -> list[Row]:
    """Peak RSS of the app case and of the large one, and its growth between them."""
    rows: list[Row] = []
    heavy, large = r.builds["heavy"], r.cases["large"]["exhibits"]
    small = r.cases["heavy"]["exhibits"]
    for count, built, naive, goal in ((small, heavy.cold, heavy.naive, None),
                                      (large, r.cold_large, r.naive_large, GOALS["rss_mb"])):
        goal_text = "—" if goal is None else f"≤ {goal} MB"
        if not built.ok:
            rows.append((f"Peak RSS, {count} exhibits", built.rss_text(), "", "", goal_text,
                         _status(None)))
            continue
        compared = f"naive {naive.rss_text()}" if naive.ok else ""
        ratio_text = f"{_ratio(built.rss, naive.rss):.2f}×" if naive.ok else ""
        rows.append((f"Peak RSS, {count} exhibits", built.rss_text(), compared, ratio_text,
                     goal_text, "—" if goal is None else _status(built.rss / MB <= goal)))
    if r.cold_large.ok and heavy.cold.ok:
        growth = (r.cold_large.rss - heavy.cold.rss) / MB
        naive_growth = (f"naive {(r.naive_large.rss - heavy.naive.rss) / MB:+.0f} MB"
                        if r.naive_large.ok and heavy.naive.ok else "")
        rows.append((f"Memory growth, {small} → {large} exhibits", f"{growth:+.0f} MB",
                     naive_growth, "", f"≤ +{GOALS['flat_mb']} MB",
                     _status(growth <= GOALS["flat_mb"])))
    return rows


def batch_row(r: Results) -> Row:
    """The batch's wall time against its CPU time spread over every core."""
    label = f"Batch of 4 cases ({r.cases['batch']['exhibits']} exhibits each)"
    goal = f"≤ {GOALS['batch']}× CPU time / cores"
    if not (r.batch.ok and r.batch.cpu):
        return (label, r.batch.time_text(), "", "", goal, _status(None))
    cores = os.cpu_count() or 1
    spread = r.batch.cpu / cores
    ratio = _ratio(r.batch.seconds, spread)
    return (label, r.batch.time_text(), f"CPU {r.batch.cpu:.2f} s / {cores} = {spread:.2f} s",
            f"{ratio:.2f}×", goal, _status(ratio <= GOALS["batch"]))


def report(results: Results, command: str) -> str:
    r = results
    heavy, large, batch = r.cases["heavy"], r.cases["large"], r.cases["batch"]
    flat = r.cases["flat"]
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
        f"Generated by `benchmarks/heavy_case.py` (deterministic) into a temporary folder, "
        f"two cases of **{heavy['exhibits']} exhibits** each — {heavy['screenshots']} phone "
        f"screenshots (PNG, 1170×2532) and {heavy['photos']} photos (JPEG, 4032×3024, EXIF "
        f"orientation 6, 1 or 8, GPS) — with {heavy['messages']} chat messages (English and "
        f"Chinese with translations) and {heavy['events']} tracking events:",
        "",
        f"- **app**: screenshots drawn like app pages (flat colours, text, bars, a product "
        f"photo) and grainy camera photos (2–4 MB each); {heavy['bytes'] / MB:.0f} MB of "
        f"originals;",
        f"- **flat**: text-heavy screenshots (grey background, dark text lines, a coloured "
        f"header bar) and smooth synthetic photos (gradients with shapes); "
        f"{flat['bytes'] / MB:.0f} MB of originals.",
        "",
        f"The memory check also builds the app case with **{large['exhibits']} exhibits** "
        f"({large['bytes'] / MB:.0f} MB); the batch builds four app cases of "
        f"{batch['exhibits']} exhibits each, with different seeds.",
        "",
        "## Figures",
        "",
        f"Medians of {r.runs} runs (range in brackets; `validate` {max(10, r.runs)} runs), "
        "each command a new process, orderpack and the baseline interleaved, orderpack's "
        "modules compiled to bytecode first as `pip install` does. Peak RSS is "
        "the process's own high-water mark (`VmHWM`), reported at exit by a `python -c` "
        "wrapper that runs the command in-process (`ru_maxrss` is not used: on Linux it "
        "includes the parent's RSS at exec). 1 MB = 1,000,000 bytes, for files and memory "
        "alike.",
        "",
"| Figure | orderpack | Compared with | Ratio | Goal | Status |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in figures(r)),
        "",
        f"Batch: {r.batch_label}, with an empty cache; its CPU time is the parent's and "
        "its build processes'. Spread over every core it is the least wall time the batch "
        "can take.",
        "",
        "The rows without a goal say how far the build time can go. The warm rebuild "
        "processes no image: it is the layout and the PDF alone. WeasyPrint alone on the "
        "evidence PDF's text is the least any rebuild can take: the HTML and stylesheet "
        "orderpack lays out for the case (pictures as the empty boxes they are placed into), "
        "laid out and written by WeasyPrint as orderpack asks (PDF/UA) in a new process, "
        "with none of orderpack's own work (`benchmarks/text_only.py`). The naive render "
        "without its pictures is the same for the naive document (`baseline.py "
        "--no-pictures`). CPU time is that of every thread of the process; spread over "
        "every core it is the least wall time any scheduling of the same work can take, and "
        "the build can take no less than its layout and PDF either.",
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
            f"pyinstrument, one cold build of the {heavy['exhibits']}-exhibit app case with the "
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


def with_web_section(text: str, path: Path) -> str:
    """``text``, followed by the web page's section of the report at ``path`` if it has one:
    ``make bench-web`` writes that section, and ``make bench`` keeps it."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if web.START not in old or web.END not in old:
        return text
    section = old[old.index(web.START):old.index(web.END) + len(web.END)]
    return text.rstrip("\n") + "\n\n" + section + "\n"


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
        _compile_orderpack()
        say("Generating the cases")
        orders, large, batch, results.cases = generate_cases(
            work, args.exhibits, args.large_exhibits, args.batch_exhibits, say)
        heavy = orders["heavy"]
        for name, order in orders.items():
            say(f"Builds of the {name} case: naive and orderpack, cold and warm")
            builds = results.builds[name]
            measure_builds(bench, results.runs, builds, name, order)
            say(f"Legibility of the exhibits in both PDFs of the {name} case")
            if builds.orderpack_pdf:
                builds.orderpack_legible = legibility.check(work / f"orderpack-{name}.pdf",
                                                            order)
            if builds.naive_pdf:
                builds.naive_legible = legibility.check(work / f"naive-{name}.pdf", order,
                                                        redacted=False)
        say("Memory: the large case")
        measure_large(bench, results, large)
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
        args.write.write_text(with_web_section(text, args.write), encoding="utf-8")
        say(f"Wrote {args.write}")
    else:
        print(text)
    every = [series for builds in results.builds.values()
             for series in (builds.naive, builds.cold, builds.warm)]
    failed = [series.error for series in (*every, results.naive_large, results.cold_large,
                                          results.validate, results.batch) if not series.ok]
    for error in failed:
        say(f"failed: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
