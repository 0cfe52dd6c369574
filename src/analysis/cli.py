"""The ``medcoding`` command (also ``python -m analysis``): build reports, list a notebook's parameters, import BLS files.

Examples::

    medcoding build                                  # every report, HTML and PDF, into reports/
    medcoding build --state CA,TX --format html      # two state reports, HTML only
    medcoding build --topic certification_premium -p discount_rate=0.05
    medcoding build --force --jobs 2
    medcoding build --grid state=all year=2023,2024  # one report per combination (or --grid-file FILE)
    medcoding params salary_by_state                 # what -p accepts for that notebook
    medcoding assignments                            # student notebooks and instructor key into dist/
    medcoding data import oesm25st.zip oesm25nat.zip # next year's BLS files into data/evidence/
    medcoding assignments --roster roster.csv        # one notebook per student, and the private grading key
    medcoding grade submissions/ --roster roster.csv # grade them: gradebook.csv, feedback pages, class summary
    medcoding warm --stop                            # stop the warm builder a build left (medcoding build --keep-warm)

Exit codes: 0 done (reports up to date count as done); 1 a report failed, or PDF was asked for with
``--format`` and no Chromium was found; 2 a bad command line or parameter (nothing was built);
128 + signal number when interrupted.

>>> parser = make_parser()
>>> args = parser.parse_args(["build", "--state", "CA,TX", "-p", "year=2023", "--format", "html"])
>>> args.state, args.parameters, args.format
('CA,TX', ['year=2023'], ('html',))
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from analysis.core.errors import AnalysisError, DataFileError, InputError, closest, shorten

EXIT_USAGE = 2
#: Where ``medcoding grade`` runs its jobs: name -> function(workers) giving a context manager that yields
#: an executor (anything with ``submit(function, job)`` returning a future with ``result()``), or None for
#: the grader's own local process pool. A Dask scheduler is one more entry: a ``distributed.Client`` is
#: such an executor and such a context manager. Besides these names, ``--scheduler`` takes a Dask
#: scheduler as ``medcoding build`` does (``local:N``, ``tcp://HOST:PORT``): see :func:`_dask_cluster_grading`.
def _dask_grading(workers: int):
    """A ``distributed.Client`` on a LocalCluster of ``workers`` processes (a Client is a context manager and an executor)."""
    from analysis.build.dask_executor import local_client

    return local_client(workers)


GRADING_SCHEDULERS = {"local": lambda workers: contextlib.nullcontext(), "dask": _dask_grading}
GRADING_SCHEDULER_FORMS = ("local (a process pool here; the default), dask (a Dask LocalCluster of --jobs processes), "
                           "local:N (one of N processes) or tcp://HOST:PORT (a running Dask scheduler)")


@contextlib.contextmanager
def _dask_cluster_grading(scheduler: str):
    """A client of the Dask scheduler ``scheduler`` (``local:N`` or ``tcp://...``), its workers checked as for a
    build (same kit and data: the notebooks read ``data/`` there); InputError, nothing graded, when not."""
    from analysis.build.dask_executor import DaskCluster

    cluster = DaskCluster.connect(scheduler)
    try:
        yield cluster.client
    finally:
        cluster.close()


def _grading_scheduler(text: str) -> str:
    """An argparse type: a name of :data:`GRADING_SCHEDULERS`, or a Dask scheduler written as the builder takes it."""
    import re

    text = str(text).strip()
    if text in GRADING_SCHEDULERS or re.fullmatch(r"local:[1-9]\d*|(tcp|tls)://\S+", text):
        return text
    raise argparse.ArgumentTypeError(f"{shorten(text)} is not a scheduler. Allowed: {GRADING_SCHEDULER_FORMS}. "
                                     f"Did you mean {closest(text, GRADING_SCHEDULERS) or 'local'!r}?")


def _formats(text: str) -> tuple[str, ...]:
    from analysis.build import FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    for fmt in chosen:
        if fmt not in FORMATS:
            raise argparse.ArgumentTypeError(str(InputError("--format", fmt, allowed=FORMATS, suggestion=closest(fmt, FORMATS))))
    if not chosen:
        raise argparse.ArgumentTypeError("--format needs at least one of: html, pdf")
    return chosen


def _paper(text: str) -> str:
    from analysis.build.plan import check_paper

    try:
        return check_paper(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs {shorten(text)}: must be a whole number of worker processes, e.g. 2") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs {value}: must be at least 1")
    return value


def _timeout(text: str) -> float:
    from analysis.build.plan import check_timeout

    try:
        return check_timeout(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _keep_warm(text: str) -> float:
    from analysis.build.warm import keep_warm_minutes

    try:
        return keep_warm_minutes(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(name: str, unit: str, kind=float):
    """An argparse type: a number above 0 (``kind`` int or float), or a message naming ``name`` and ``unit``."""

    def read(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0 or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{name} {shorten(text)}: must be a number of {unit} above 0, e.g. "
                                             f"{'2048' if kind is int else '10'}")
        return value

    return read


def make_parser() -> argparse.ArgumentParser:
    from analysis.build.files import ALLOW_OTHER_FILES_FLAG
    from analysis.build.plan import default_jobs, usable_cpus

    parser = argparse.ArgumentParser(
        prog="medcoding", description="Build the medical-coding reports (HTML and PDF), inspect notebook parameters, import newer BLS files, "
                    "write assignments and grade collected work.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    build = commands.add_parser(
        "build", help="build reports (everything by default; only what changed)",
        description="Build reports: one per state and DC (notebooks/state_report.ipynb), one per topic notebook, "
                    "and reports/index.html. Without --state or --topic, everything is built. A report whose inputs "
                    "did not change is skipped.")
    build.add_argument("--state", metavar="all|CA,TX", help="state reports to build: 'all', or states separated by commas "
                       "(names, abbreviations or FIPS codes)")
    build.add_argument("--topic", metavar="NAME|all", help="topic reports to build: 'all', or topic names separated by commas "
                       "(e.g. salary_by_state or 01_salary_by_state)")
    build.add_argument("--index", action="store_true",
                       help="also (re)build reports/index.html, the map linking every report on disk "
                            "(always part of a build without --state or --topic)")
    build.add_argument("-p", dest="parameters", metavar="NAME=VALUE", action="append", default=[],
                       help="a notebook parameter (repeatable); applies to every selected notebook that declares it. "
                            "See `medcoding params NOTEBOOK`")
    build.add_argument("--format", type=_formats, default=None, metavar="html,pdf",
                       help="formats to write (default: html,pdf; without Chromium the PDFs are skipped with a note)")
    build.add_argument("--paper", type=_paper, default="letter", metavar="letter|a4",
                       help="paper size of the PDFs (default: letter)")
    build.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                       help=f"kernel worker processes, each with its own kernel (default here: {default_jobs()}: one per CPU, "
                            f"at most 4). Capped at one per CPU ({usable_cpus()} here): more would only slow the build "
                            "and fill the memory. PDFs are printed by one more process per two workers")
    build.add_argument("--force", action="store_true", help="rebuild even the reports that are up to date")
    build.add_argument("--scheduler", default=None, metavar="local:N|tcp://HOST:PORT",
                       help="run the notebooks on Dask (needs `pip install .[dask]`): local:N starts a cluster of N worker "
                            "processes here; tcp://HOST:8786 joins a running scheduler. Reports land in --out here")
    build.add_argument("--grid", nargs="+", default=None, metavar="NAME=V1,V2",
                       help="one report per combination, e.g. --grid state=all year=2023,2024 measure=median,mean "
                            "(each at its own path; every value checked before anything runs); state= and topic= select "
                            "the notebooks as --state and --topic do")
    build.add_argument("--grid-file", default=None, metavar="FILE",
                       help="many grids from a text file: one grid per line, written as --grid takes it (# starts a "
                            "comment); every line checked before anything runs")
    build.add_argument("--out", default="reports", metavar="DIR",
                       help="output folder, used only for reports (default: reports/). Refused: the current folder, the "
                            "project folder, or a folder holding files the kit did not make")
    build.add_argument(ALLOW_OTHER_FILES_FLAG, dest="allow_other_files", action="store_true",
                       help="let --out be a folder that also holds other files (or the current folder); the kit still "
                            "writes and removes only its own files there")
    build.add_argument("--notebooks", default=None, metavar="DIR", help="folder of the notebooks (default: the kit's notebooks/)")
    build.add_argument("--fresh-kernels", action="store_true",
                       help="start a new kernel for every report (slower; by default each worker reuses one, reset between reports)")
    build.add_argument("--timeout", type=_timeout, default=600, metavar="SECONDS",
                       help="longest time one notebook cell may run, in seconds above 0 (default 600)")
    build.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show the progress bar")
    build.add_argument("--no-progress", dest="progress", action="store_false", help="never show the progress bar or per-report lines")
    build.add_argument("--keep-warm", type=_keep_warm, default=None, metavar="MINUTES",
                       help="after a build that ran a notebook, keep a kernel and a browser ready this long for the next "
                            "build of one or two reports, which then waits only for the cells, the export and the print (measured: 1.0 s "
                            "instead of 2.9 s for one state report, HTML + PDF) (default: $MEDCODING_KEEP_WARM "
                            "or 10; 0: none). `medcoding warm --stop` stops it sooner.")

    warm = commands.add_parser("warm", help="is a warm builder running? (--stop: stop it)",
                               description="A warm builder keeps a kernel and a browser ready for the next small build "
                                           "(see `medcoding build --keep-warm`). Without options: say whether one runs.")
    warm.add_argument("--stop", action="store_true", help="stop it now")

    params = commands.add_parser("params", help="list a notebook's parameters",
                                 description="List a notebook's declared parameters: name, default, meaning, allowed values.")
    params.add_argument("notebook", help="a topic name (salary_by_state, state_report...) or a notebook file name")

    data = commands.add_parser("data", help="import newer BLS files into data/",
                               description="Manage the kit's data. `medcoding data import FILE...` reads BLS files as "
                                           "published and adds the years they hold to data/evidence/.")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION")
    data_commands.required = True
    importer = data_commands.add_parser(
        "import", help="import BLS OEWS zips/workbooks (oesmYYst.zip, oesmYYnat.zip) or the Employment Projections "
                       "occupation table (occupation.xlsx)",
        description="Read official BLS files (the OEWS state and national zips or the .xlsx/.csv inside them; the "
                    "Employment Projections occupation.xlsx), keep what the kit uses, and write it to data/evidence/ "
                    "with a row of data/sources.csv. Older years are never changed; the same file again changes nothing. "
                    "Every file is checked before anything is written: on any problem data/ stays as it was.")
    importer.add_argument("files", nargs="+", metavar="FILE", help="the downloaded BLS files")
    importer.add_argument("--replace", action="store_true",
                          help="use this file for a year data/ already holds from another file (the message lists what changes)")
    commands.add_parser("assignments", add_help=False, help="write student notebooks (solutions removed) and an instructor key; "
                        "with --roster, one per student and a private grading key",
                        description="Options: see `medcoding assignments --help` and `medcoding assignments --roster CSV --help`.")

    grade = commands.add_parser(
        "grade", help="grade collected notebooks against the private key (gradebook, feedback, class summary)",
        description="Grade collected notebooks: each runs in its own fresh kernel with time, memory and output limits "
                    "and no network where the system allows; the answers are read back and checked, outside the "
                    "student's kernel, against the private key made by `medcoding assignments --roster`, with each "
                    "student's parameters from the roster.")
    grade.add_argument("submissions", help="folder laid out <student-id>/<notebook>.ipynb, or a zip of one")
    grade.add_argument("--roster", required=True, metavar="CSV", help="the class list used for `medcoding assignments --roster`")
    grade.add_argument("--out", default="grades", metavar="DIR", help="output folder (default: grades/)")
    grade.add_argument("--key", default=None, metavar="DIR", help="folder of the private key (default: dist/grading-key)")
    grade.add_argument("--timeout", type=_timeout, default=300, metavar="SECONDS", help="time limit per notebook (default 300)")
    grade.add_argument("--memory", type=_positive("--memory", "megabytes", int), default=2048, metavar="MB",
                       help="memory limit per kernel (default 2048)")
    grade.add_argument("--max-output", type=_positive("--max-output", "megabytes"), default=10, metavar="MB",
                       help="output limit per notebook (default 10)")
    grade.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                       help=f"notebooks graded at once (default here: {default_jobs()})")
    grade.add_argument("--scheduler", default="local", type=_grading_scheduler, metavar="local|dask|local:N|tcp://HOST:PORT",
                       help="where the jobs run: local (a process pool on this machine; the default), dask (a Dask "
                            "LocalCluster of --jobs processes), local:N, or tcp://HOST:8786 to join a running Dask "
                            "scheduler whose workers have the same kit and data/ (Dask needs `pip install .[dask]`)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["assignments"] and any(a.split("=")[0] in ("--roster", "--assign-states") for a in argv):
        from analysis.teaching.grading.assign import main as personalised_main  # one notebook per student, and the key

        return personalised_main(argv[1:])
    if argv[:1] == ["assignments"]:  # its own options live with it, in analysis.teaching.assignments
        from analysis.teaching.assignments import main as assignments_main

        return assignments_main(argv[1:])
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed its message
        return int(stop.code or 0)
    try:
        if args.command == "params":
            return _params(args)
        if args.command == "data":
            return _data(args)
        if args.command == "grade":
            return _grade(args)
        if args.command == "warm":
            return _warm(args)
        return _build(args)
    except InputError as error:
        print(f"medcoding: {error}", file=sys.stderr)
        hint = "" if (error.name.startswith("--") and error.name not in ("--state", "--topic")) \
            or error.name.startswith("MEDCODING_") else \
            " `medcoding params NOTEBOOK` lists what each notebook accepts."
        print(f"Nothing was built.{hint}", file=sys.stderr)
        return EXIT_USAGE
    except DataFileError as error:
        print(f"medcoding: {error}", file=sys.stderr)
        print("Nothing was built. Fix that data file (or restore it with `git checkout -- data/`) and run again.",
              file=sys.stderr)
        return 1
    except AnalysisError as error:
        print(f"medcoding: {error}", file=sys.stderr)
        return 1


def _params(args) -> int:
    from analysis.core.params import parameters_for

    declared = parameters_for(args.notebook)
    print(f"Parameters of {declared.notebook} (give them to `medcoding build` as -p NAME=VALUE):")
    print(declared.help())
    return 0


def _data(args) -> int:
    from analysis.data.bls_import import NEXT_STEP, import_files

    try:
        done = import_files(args.files, replace=args.replace)
    except DataFileError as error:
        print(f"medcoding data import: {error}", file=sys.stderr)
        print("Nothing was imported: data/ is unchanged.", file=sys.stderr)
        return EXIT_USAGE
    for planned in done:
        print(planned.message())
    if any(p.action != "unchanged" for p in done):
        print(NEXT_STEP)
    return 0


def _grade(args) -> int:
    from analysis.teaching.grading.execute import Limits
    from analysis.build.plan import default_jobs
    from analysis.teaching.grading.grade import GRADED, grade_class

    workers = args.jobs or default_jobs()
    limits = Limits(timeout=args.timeout, memory_mb=args.memory, max_output_mb=args.max_output)

    def progress(result):
        print(f"  {result.student_id} {result.notebook}: {result.status}", flush=True)

    where = GRADING_SCHEDULERS.get(args.scheduler) or (lambda _: _dask_cluster_grading(args.scheduler))
    try:
        with where(workers) as executor:
            results = grade_class(args.submissions, args.roster, args.out, key_dir=args.key, limits=limits,
                                  workers=workers, progress=progress, executor=executor)
    except AnalysisError as error:
        print(f"medcoding grade: {error}", file=sys.stderr)
        print("Nothing was graded.", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    graded = sum(r.status == GRADED for r in results)
    print(f"Graded {graded} of {len(results)} rows; gradebook: {out / 'gradebook.csv'}, "
          f"feedback: {out / 'feedback'}/, summary: {out / 'summary.html'}.")
    return 0


def _warm(args) -> int:
    from analysis.build import warm

    if args.stop:
        print("The warm builder stopped." if warm.stop() else "No warm builder was running.")
    else:
        print(warm.status())
    return 0


def _build(args) -> int:
    from analysis.build import NOTEBOOKS_DIR, build
    from analysis.build.warm import keep_warm_minutes

    if not args.out.strip():  # Path("") would be the current folder
        raise InputError("--out", args.out, reason="is empty; name a folder for the reports", suggestion="reports")
    grid = args.grid
    if args.grid_file is not None:
        from analysis.build.grid import read_grid_file

        grid = read_grid_file(args.grid_file, also=args.grid)  # a file that is not one: InputError, nothing written
    summary = build(states=args.state, topics=args.topic, assignments=args.parameters, formats=args.format,
                    jobs=args.jobs, force=args.force, out=Path(args.out),
                    notebooks_dir=Path(args.notebooks) if args.notebooks is not None else NOTEBOOKS_DIR, index=args.index,
                    fresh_kernels=args.fresh_kernels, allow_other_files=args.allow_other_files,
                    timeout=args.timeout, progress=args.progress, paper=args.paper, scheduler=args.scheduler,
                    grid=grid, keep_warm=keep_warm_minutes(args.keep_warm))
    print(summary.text())
    return summary.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
