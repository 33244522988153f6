"""Command line: ``python -m pipeline run | normalize | validate`` (exit 0 ok, 1 failure, 2 bad usage)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from pipeline.budget import Budget
from pipeline.children import Stopped
from pipeline.editions import EDITIONS_DIR
from pipeline.executors import DASK_MISSING, EXECUTORS
from pipeline.model import PipelineError

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="read raw/, write the tables to output/, validate them")
    run.add_argument("--raw", type=Path, default=ROOT / "raw", help="folder of source files (default: raw/)")
    run.add_argument("--out", type=Path, default=ROOT / "output", help="folder for the tables (default: output/)")
    run.add_argument("--workers", type=_positive, default=None,
                     help="read and normalise sources in N processes (default 1; with --executor dask, the local "
                          "cluster's number of workers, default one per core)")
    run.add_argument("--executor", choices=EXECUTORS, default="processes",
                     help="where sources are read: worker processes of this machine (default) or a Dask cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --executor dask: the address of an existing cluster's scheduler (tcp://HOST:PORT) "
                          "instead of a local cluster")
    run.add_argument("--no-cache", action="store_true", help="re-read every source and re-validate every table instead of using OUT/.cache")
    run.add_argument("--editions", type=Path, default=EDITIONS_DIR,
                     help="folder of ranking edition files (default: editions/)")
    run.add_argument("--source-seconds", type=_positive_number, default=Budget.seconds, metavar="S",
                     help=f"time one source may take to be read and normalised (default {Budget.seconds:g})")
    run.add_argument("--source-memory", type=_positive, default=Budget.megabytes, metavar="MB",
                     help=f"memory one source may take to be read and normalised (default {Budget.megabytes})")
    normalize = commands.add_parser("normalize", help="print a file's normalised Simplified text, line for line")
    normalize.add_argument("file", type=Path)
    normalize.add_argument("--explain", action="store_true", help="print the repairs as JSON lines instead")
    validate = commands.add_parser("validate", help="validate the tables already in output/")
    validate.add_argument("--out", type=Path, default=ROOT / "output", help="folder of the tables (default: output/)")
    validate.add_argument("--editions", type=Path, default=EDITIONS_DIR,
                          help="folder of ranking edition files (default: editions/)")
    families = commands.add_parser("families", help="print the table families a run follows, in order")
    families.add_argument("--editions", type=Path, default=EDITIONS_DIR,
                          help="folder of ranking edition files (default: editions/)")
    args = parser.parse_args(argv)
    if args.command == "run" and not args.raw.is_dir():
        what = "is a file, not a folder" if args.raw.exists() else "no such folder"
        parser.error(f"--raw {args.raw}: {what}; pass the folder that holds the sources")
    if args.command == "run" and args.out.resolve() == args.raw.resolve():
        parser.error(f"--out {args.out} is the raw folder: the next run would read the tables as sources; "
                     "pass another folder for the tables")
    if getattr(args, "editions", None) is not None and not args.editions.is_dir():
        parser.error(f"--editions {args.editions}: no such folder; pass the folder of edition files (editions/)")
    if args.command in ("run", "validate") and args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out}: is a file; pass a folder for the tables")
    if args.command == "validate" and not args.out.exists():
        parser.error(f"--out {args.out}: no such folder; pass the folder a run wrote its tables to")
    if args.command == "run":
        _check_executor(parser, args)
    try:
        if args.command == "run":
            from pipeline.run import run as run_pipeline

            from pipeline.executors import executor

            return run_pipeline(args.raw, args.out, use_cache=not args.no_cache, editions_dir=args.editions,
                                budget=Budget(args.source_seconds, args.source_memory),
                                executor=executor(args.executor, args.workers, args.scheduler))
        if args.command == "normalize":
            return _normalize(args.file, args.explain)
        if args.command == "families":
            from pipeline.editions import use_editions
            from pipeline.families import describe, plan

            print("\n".join(describe(plan(use_editions(args.editions)))))
            return 0
        return _validate(args.out, args.editions)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Stopped) as exc:
        name = "SIGINT" if isinstance(exc, KeyboardInterrupt) else str(exc)
        where = f"; {args.out} holds the files of the last run that finished" if args.command != "normalize" else ""
        print(f"stopped ({name}){where}", file=sys.stderr)
        return 128 + (exc.signum if isinstance(exc, Stopped) else 2)
    except BrokenPipeError:  # the reader (head, less) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _check_executor(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    import importlib.util

    if args.scheduler is not None and args.executor != "dask":
        parser.error(f"--scheduler {args.scheduler}: a scheduler is for --executor dask; add it, or leave out "
                     "--scheduler to read in processes of this machine")
    if args.scheduler is not None and args.workers is not None:
        parser.error("--workers sets the size of a local Dask cluster; a cluster at --scheduler has its own "
                     "workers: leave out one of the two")
    if args.executor == "dask" and importlib.util.find_spec("distributed") is None:
        parser.error(DASK_MISSING)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_number(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _normalize(path: Path, explain: bool) -> int:
    from pipeline.ingest import read_source
    from pipeline.normalize import normalize_lines
    from pipeline.normalize.elsewhere import read_in_document

    doc = read_source(path, blank_ok=True, render=False)
    lines, repairs = read_in_document(doc, *normalize_lines(doc.lines, explain=explain), explain=explain)
    out = sys.stdout
    if explain:
        for repair in repairs:
            fields = asdict(repair)
            del fields["count"]  # always 1 here: with --explain each record is one change
            out.write(json.dumps(fields, ensure_ascii=False) + "\n")
    else:
        for line in lines:
            out.write(line + "\n")
    return 0


def _validate(out_dir: Path, editions_dir: Path) -> int:
    """The expectations run again over the published CSV files, once they are checked to be the whole
    set their package records (not a mix left by a run killed while switching its files in)."""
    import pandas as pd

    from pipeline.editions import use_editions
    from pipeline.export import json_bytes, to_frame
    from pipeline.families import published_tables, plan
    from pipeline.output_set import PACKAGE, OutputSet, mismatches, recorded_files
    from pipeline.validate.suites import summarise, validate_tables

    with OutputSet(out_dir) as files:
        problems = mismatches(out_dir)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if problems:
            return 1
        frames = {}
        for name in published_tables(plan(use_editions(editions_dir)), out_dir):
            path = out_dir / f"{name}.csv"
            if not path.exists():
                raise PipelineError(f"{path}: missing; run `make run` first to write the tables.")
            rows = pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")
            frames[name] = to_frame(name, rows)
        report = validate_tables(frames)
        kept = json.loads((out_dir / "validation.json").read_text(encoding="utf-8"))
        # keep the run's summaries (the city panel's correlation) beside the outcomes
        report.update({k: v for k, v in kept.items() if k not in report})
        files.write("validation.json", json_bytes(report))
        package = json.loads((out_dir / PACKAGE).read_text(encoding="utf-8"))
        files.switch(package, {k: v for k, v in recorded_files(out_dir).items() if k != "validation.json"})
    for line in summarise(report):
        print(line)
    return 0 if report["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
