"""Data files shipped inside installed packages (jieba's dictionary, jionlp's location tree and
frequency tables), located without importing the packages, whose import would load models for nothing;
and the pipeline's own tab-separated tables in pipeline/data/."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path


def package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package} package is not installed; run `make setup`")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)


def zipped_text(path: Path) -> str:
    """The one member of a zip archive as text."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(archive.namelist()[0]).decode("utf-8")


def jionlp_distribution(name: str) -> dict[str, int]:
    """jionlp's ``dictionary/NAME.zip`` frequency table: one JSON ``[item, count]`` per line."""
    text = zipped_text(package_file("jionlp", "dictionary", f"{name}.zip")).strip("\n")
    # one parse of the whole file as a JSON array: several times faster than a parse per line
    return dict(json.loads("[" + text.replace("\n", ",") + "]"))


def data_rows(name: str) -> list[list[str]]:
    """The rows of ``pipeline/data/NAME`` split on tabs, comment (#) and blank lines left out."""
    text = (Path(__file__).resolve().parent / "data" / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
