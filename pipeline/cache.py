"""What the run's caches in ``OUT/.cache/`` share: the fingerprint of the code a cached result depends
on, entries that can hold no code and are believed only when they verify, and pruning.

An entry is JSON (see pipeline.codec) after a header line and a keyed checksum (HMAC-SHA256) of its
name and content. The key is the user's own, kept outside every output folder (``KEY_VARIABLE`` names
another file, for tests): whoever hands someone an output folder cannot make its cache say anything,
and a flipped bit, a file cut short, an entry moved to another name or left by another version is a
miss, read again. A cache that cannot be written, or a key that cannot be kept, is said once and the
run goes on without it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

KEY_VARIABLE = "DIGITAL_CITY_PIPELINE_KEY"
FORMAT = b"digital-city-pipeline cache 2"
SUFFIX = ".entry"
PACKAGE = Path(__file__).resolve().parent


def code_fingerprint(*modules: str) -> str:
    """Hash of everything that decides what the cached step run by ``modules`` produces: the Python
    files of the pipeline they import, directly or not (found from the files' own import statements),
    every data file shipped in the package, the installed third-party packages they import or read
    data from, and Python's own version and Unicode tables."""
    return _fingerprint(tuple(sorted(modules)))


@lru_cache(maxsize=None)
def _fingerprint(modules: tuple[str, ...]) -> str:
    import unicodedata

    files, external = import_closure(modules)
    digest = hashlib.sha256(f"{FORMAT.decode()} {sys.version} {unicodedata.unidata_version}".encode())
    data = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts]
    for path in sorted(files | set(data)):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in sorted(external):
        digest.update(_installed(name).encode() + b"\0")
    return digest.hexdigest()[:16]


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)|import[ \t]+([^\n#;]+))",
                     re.MULTILINE)
_PACKAGE_FILE = re.compile(r"package_file\(\s*[\"']([\w.]+)[\"']")
_DYNAMIC = re.compile(r"(?:import_module|__import__)\((\s*f?[\"']([\w.]*))?")


def import_closure(modules: tuple[str, ...]) -> tuple[set[Path], set[str]]:
    """(files of the pipeline that ``modules`` import, directly or through each other, package
    ``__init__`` files included; top-level names of the third-party packages they import or read data
    from). Imports inside functions count too: the pipeline imports heavy libraries where it uses them.
    A module imported by a name made at run time (importlib's import_module, as pipeline.families loads
    its families) counts for every module the name's written start can reach (there: the families
    package; with no written start, the whole pipeline)."""
    files: set[Path] = set()
    external: set[str] = set()
    pending = list(modules)
    while pending:
        module = pending.pop()
        path = _module_file(module)
        if path is None or path in files:
            continue
        files.add(path)
        parent = module.rpartition(".")[0]
        if parent:
            pending.append(parent)
        text = path.read_text(encoding="utf-8")
        package = module if path.name == "__init__.py" else parent
        for base, names, plain in _IMPORT.findall(text):
            if plain:
                targets = [part.split()[0] for part in plain.split(",") if part.strip()]
            else:
                base = _absolute(base, package)
                listed = [part.split()[0] for part in names.strip("()").replace("\n", " ").split(",") if part.strip()]
                targets = [base, *(f"{base}.{name}" for name in listed)]
            for target in targets:
                top = target.split(".")[0]
                if top == PACKAGE.name:
                    pending.append(target)
                elif top and top not in sys.stdlib_module_names:
                    external.add(top)
        external.update(_PACKAGE_FILE.findall(text))
        for literal, start in _DYNAMIC.findall(text):
            reach = start.rpartition(".")[0] if literal else PACKAGE.name
            if reach.split(".")[0] == PACKAGE.name:
                pending.extend(_modules_under(reach))
    return files, external


def _modules_under(package: str) -> list[str]:
    """Every module of ``package`` (a pipeline package), its sub-packages' included."""
    folder = PACKAGE.joinpath(*package.split(".")[1:])
    return [".".join([PACKAGE.name, *path.relative_to(PACKAGE).with_suffix("").parts]).removesuffix(".__init__")
            for path in sorted(folder.rglob("*.py")) if "__pycache__" not in path.parts]


def _absolute(base: str, package: str) -> str:
    """``from .x import y`` inside ``package`` as an absolute module name."""
    dots = len(base) - len(base.lstrip("."))
    if not dots:
        return base
    parts = package.split(".")
    anchor = ".".join(parts[:len(parts) - dots + 1])
    return f"{anchor}.{base[dots:]}".rstrip(".")


def _module_file(module: str) -> Path | None:
    parts = module.split(".")
    if parts[0] != PACKAGE.name:
        return None
    folder = PACKAGE.joinpath(*parts[1:])
    for path in (folder.with_suffix(".py") if len(parts) > 1 else None, folder / "__init__.py"):
        if path is not None and path.is_file():
            return path
    return None  # a name imported from a module (a function, a class), not a module itself


def _installed(name: str) -> str:
    """The installed package as it is on disk (where, how large and how recent its entry file is):
    any install or upgrade changes it, without importing the package or scanning every distribution."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return f"{name} missing"
    where = spec.origin if spec.origin not in (None, "namespace") else next(iter(spec.submodule_search_locations))
    stat = os.stat(where)
    return f"{name} {where} {stat.st_size} {stat.st_mtime_ns}"


@lru_cache(maxsize=1)
def _key() -> bytes | None:
    """The user's cache key (32 random bytes, created on first use, readable by its owner only), or
    None, said once, when it cannot be read or made: the run then keeps no cache."""
    path = key_path()
    try:
        if not path.exists():
            _make_key(path)
        if path.stat().st_mode & 0o077:
            raise PermissionError(f"other users can read or change it; run `chmod 600 {path}`")
        key = path.read_bytes()
        if len(key) < 32:
            raise ValueError(f"it holds {len(key)} bytes, not 32; delete it and a new one is made")
        return key
    except (OSError, ValueError) as exc:
        print(f"warning: the cache key {path} cannot be used ({getattr(exc, 'strerror', None) or exc}); this run "
              f"reads and stores no cache entries. Set {KEY_VARIABLE} to a file you can write to keep one.",
              file=sys.stderr)
        return None


def key_path() -> Path:
    """Where the key is: ``$DIGITAL_CITY_PIPELINE_KEY``, else the user's configuration folder."""
    if os.environ.get(KEY_VARIABLE):
        return Path(os.environ[KEY_VARIABLE])
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "digital-city-pipeline" / "cache-key"


def _make_key(path: Path) -> None:
    """Write a new key beside its final name and link it there: of two runs making one at once, one
    key wins and both use it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def _seal_name(path: Path) -> bytes:
    """What an entry's checksum covers besides its content: its folder and name, so an entry moved to
    another name (another source's, another table's) does not verify."""
    return f"{path.parent.name}/{path.name}".encode()


def load(path: Path, kind: type):
    """The ``kind`` value stored at ``path``; None when there is none, or it does not verify (damaged,
    forged, written by another version or with another key), or it holds something else."""
    from pipeline import codec

    key = _key()
    if key is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _, rest = data.partition(b"\n")
    mac, _, payload = rest.partition(b"\n")
    expected = hmac.new(key, FORMAT + b"\0" + _seal_name(path) + b"\0" + payload, hashlib.sha256).hexdigest()
    if head != FORMAT or not hmac.compare_digest(mac, expected.encode()):
        return None
    try:
        value = codec.loads(payload.decode("utf-8", "surrogatepass"))
    except ValueError:  # UnicodeDecodeError included
        return None
    return value if isinstance(value, kind) else None


def store(path: Path, value, mode: int | None = None) -> None:
    """Write ``value`` as a verified entry, atomically, with at most the permissions ``mode`` (those of
    the file it came from); when the cache cannot be written (a read-only folder, a full disk) the run
    goes on without it, saying so once."""
    from pipeline import codec
    from pipeline.atomic import atomic_write

    key = _key()
    if key is None:
        return
    payload = codec.dumps(value).encode("utf-8", "surrogatepass")  # a file name that is not UTF-8 keeps its bytes
    mac = hmac.new(key, FORMAT + b"\0" + _seal_name(path) + b"\0" + payload, hashlib.sha256).hexdigest()
    try:
        atomic_write(path, FORMAT + b"\n" + mac.encode() + b"\n" + payload, mode)
    except OSError as exc:
        _cannot_write(path.parent, exc)


_UNWRITABLE: set[Path] = set()  # caches already said to be unwritable in this process


def _cannot_write(folder: Path, exc: OSError) -> None:
    top = next((p for p in (folder, *folder.parents) if p.name == ".cache"), folder)
    if top in _UNWRITABLE:
        return
    _UNWRITABLE.add(top)
    print(f"warning: the cache in {top} cannot be written ({exc.strerror or exc}); this run goes on without "
          "storing what it reads, so the next one reads everything again: make the folder writable, or use "
          "--no-cache", file=sys.stderr)


def prune(folder: Path, keep: set[str]) -> None:
    """Delete the files of ``folder`` (not its sub-folders) this run did not use (sources removed or
    changed, tables that changed, code that changed, entries of older versions), so the cache does not
    grow run after run."""
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in keep and not path.is_dir():
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    _cannot_write(folder, exc)
