"""Results folders: claimed, written under a temporary name, published by renaming.

Every command that writes results (``borderSim run``, ``borderSim sweep``) goes through here:

1. :func:`claim` takes an exclusive lock on the destination before anything is computed: an
   ``fcntl.flock`` on ``.NAME.lock`` beside it, held for the life of the process. A second process
   asking for the same destination is told so in one line; a killed process releases its lock, so a
   reused PID can never make a dead run look alive. :func:`claim_new` picks a fresh default name
   (``stem-YYYYmmdd-HHMMSS[-n]``) by claiming candidates in turn, so two runs started in the same
   second get different folders.
2. Results are written into a temporary folder ``.NAME.tmp-XXXXXXXX`` (:meth:`Claim.temporary`; a
   resumable sweep uses ``.NAME.partial``) and renamed to ``NAME`` when complete
   (:meth:`Claim.publish`).
3. Temporary folders whose owner is gone (its lock is free) are removed when a later process claims a
   folder beside them; only folders carrying this module's marker file are ever removed, and only
   under their destination's lock, so a live run's folder is never touched.

Bad destinations (``.``, an empty name, a name too long for the file system, a path under a file, a
non-empty folder), a full disk and an unwritable parent raise :class:`~borderSim.common.errors.InputError`:
one line, and nothing that existed before is changed. The standard library has the pieces (``fcntl``,
``tempfile``, ``os.replace``) but no claim-and-publish protocol, hence this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from borderSim.common.errors import InputError

MARKER = ".borderSim-tmp"          # inside every temporary folder this module creates
TMP_INFIX, PARTIAL_SUFFIX, LOCK_SUFFIX = ".tmp-", ".partial", ".lock"
PACKAGES = ("borderSim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "matplotlib", "numba")
#: errors of the file system while writing that are reported in one line (not a bug of borderSim)
DISK_ERRORS = {errno.ENOSPC: "disk full", errno.EDQUOT: "the disk quota is exceeded",
               errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied", errno.ENAMETOOLONG: "a name is too long for the file system"}


def versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Python's and the main packages' versions, for manifests and benchmarks."""
    out = {"python": platform.python_version()}
    for pkg in (*PACKAGES, *extra):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def machine() -> dict:
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count()}


def command_line() -> str:
    return " ".join(["borderSim", *sys.argv[1:]]) if sys.argv else ""


def read_manifest(root: Path, whose: str, flag: str = "--resume") -> dict:
    """The manifest of a resumable job's folder ``root``; one line if it is missing or unreadable (``whose``: "a
    sweep's", "a calibration's", ...)."""
    try:
        man = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        man = None
    if not isinstance(man, dict):
        raise InputError(flag, str(root), f"has no readable manifest.json; it is not {whose} folder, or its "
                         "manifest is damaged")
    return man


def resumed(manifest: dict) -> dict:
    """``manifest`` marked as running again, with the time of this resumption added to its list."""
    manifest["resumed"] = [*manifest.get("resumed", []), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")]
    manifest["status"] = "running"
    return manifest


def write_json(path: Path, obj) -> None:
    """Write JSON atomically (a reader sees the old or the new file, never half of one)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# -- checking a destination -------------------------------------------------------------------------
def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def destination(out: Path | str, flag: str = "--out", replaceable: str | None = None) -> Path:
    """The absolute destination, or :class:`InputError` if it can never be a new results folder.

    ``replaceable`` names a file that marks a folder this command wrote before and may replace
    (an analysis of a sweep, redone)."""
    text = str(out)
    if text.strip() in ("", ".", ".."):
        raise InputError(flag, repr(text), "is not a folder name; give a new folder, like runs/my-run")
    path = Path(os.path.abspath(text))
    name_bytes = len(path.name.encode())
    parent = next((p for p in path.parents if p.exists()), Path("/"))
    room = _name_max(parent) - len(TMP_INFIX) - 10          # ".NAME.tmp-XXXXXXXX" must fit too
    if name_bytes > room:
        raise InputError(flag, f"{path.name[:24]}...", f"folder name of {name_bytes} bytes is too long; "
                         f"at most {room} bytes here")
    for p in (path, *path.parents):
        if p.exists() and not p.is_dir():
            where = "is a file" if p == path else f"is under {p}, which is a file"
            raise InputError(flag, str(out), f"{where}; give a new folder")
        if p.exists():
            break
    if replaceable is not None and (path / replaceable).is_file():
        return path
    if path.exists() and any(path.iterdir()):
        raise InputError(flag, str(out), "already exists and is not an empty folder; choose a new folder")
    return path


# -- the claim --------------------------------------------------------------------------------------
def _lock_path(out: Path) -> Path:
    return out.with_name(f".{out.name}{LOCK_SUFFIX}")


def _try_lock(path: Path, purpose: str) -> int | None:
    """An exclusive lock on ``path`` (created if needed), or None if another process holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:   # the holder before us may have unlinked the file: lock the file that is there now
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {purpose}\n".encode())
            return fd
        os.close(fd)


def _unlock(path: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)        # unlinked while still held, so a waiting process re-checks the inode
    os.close(fd)


def _holder(path: Path) -> tuple[str, str]:
    try:
        pid, purpose = [*path.read_text().split(), "?", "?"][:2]
    except OSError:
        return "?", "?"
    return pid, purpose


@dataclass
class Claim:
    """The exclusive right to write ``out``, held until :meth:`release` (or the process ends)."""

    out: Path
    flag: str
    _fd: int | None
    cleaned: tuple[Path, ...] = ()

    def temporary(self) -> Path:
        """A new temporary folder beside the destination (removed by :meth:`discard`)."""
        with disk_errors(self.flag, self.out):
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}{TMP_INFIX}", dir=self.out.parent))
            (tmp / MARKER).write_text(f"{self.out.name}\n")
        return tmp

    @property
    def partial(self) -> Path:
        """Where a resumable job keeps its work until it is complete."""
        return self.out.with_name(f".{self.out.name}{PARTIAL_SUFFIX}")

    def check_resume(self, resume: bool, job: str) -> None:
        """A resumable ``job``'s one rule: ``--resume`` finishes an interrupted one here, and an interrupted one
        is never started over without it (one line each)."""
        if resume and not self.partial.exists():
            raise InputError("--resume", str(self.out), f"no interrupted {job} there (nothing to resume); run "
                             "without --resume to start one")
        if not resume and self.partial.exists():
            raise InputError("--out", str(self.out), f"an interrupted {job} is in {self.partial}; add --resume to "
                             "finish it, or remove that folder")

    def publish(self, tmp: Path) -> Path:
        """Rename the complete temporary folder to the destination (replacing a replaceable one)."""
        with contextlib.suppress(FileNotFoundError):
            (tmp / MARKER).unlink()
        old = None
        if self.out.exists():
            if any(self.out.iterdir()):      # a replaceable earlier analysis: swap, then remove it
                old = self.out.with_name(f".{self.out.name}{TMP_INFIX}old-{os.getpid()}")
                self.out.rename(old)
            else:
                self.out.rmdir()             # an empty folder given as --out (checked when claimed)
        tmp.rename(self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.out

    def release(self) -> None:
        if self._fd is not None:
            _unlock(_lock_path(self.out), self._fd)
            self._fd = None

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def claim(out: Path | str, flag: str = "--out", replaceable: str | None = None) -> Claim:
    """Check and claim a destination before computing; one line if it is bad or taken."""
    path = destination(out, flag, replaceable)
    with disk_errors(flag, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(path, flag)
    if fd is None:
        pid, _ = _holder(_lock_path(path))
        raise InputError(flag, str(out), f"another borderSim process (pid {pid}) is writing there; "
                         "wait for it or choose another folder")
    try:
        destination(path, flag, replaceable)    # it may have been published while we waited for the lock
    except InputError:
        _unlock(_lock_path(path), fd)
        raise
    return Claim(path, flag, fd, tuple(clean_stale(path.parent)))


def _acquire(path: Path, flag: str) -> int | None:
    """The destination's lock; waits a moment if a cleaner (not a writer) holds it."""
    lock = _lock_path(path)
    for _ in range(50):
        fd = _try_lock(lock, "write")
        if fd is not None or _holder(lock)[1] != "clean":
            return fd
        time.sleep(0.1)
    return None


def claim_new(root: Path | str, stem: str, flag: str = "--out") -> Claim:
    """Claim a new folder ``root/stem-YYYYmmdd-HHMMSS`` (``-2``, ``-3``, ... if that one is taken)."""
    base = f"{stem}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    root = Path(root)
    for n in range(1, 10_000):
        candidate = root / (base if n == 1 else f"{base}-{n}")
        if candidate.exists() or _lock_path(candidate).exists() or \
                candidate.with_name(f".{candidate.name}{PARTIAL_SUFFIX}").exists():
            continue
        try:
            return claim(candidate, flag)
        except InputError:
            continue   # taken between our look and our claim: try the next name
    raise InputError(flag, str(root / base), "no free folder name; give one with --out")


@contextlib.contextmanager
def written(out: Path | str | None, flag: str = "--out", *, replaceable: str | None = None,
            root: Path | str = "runs", stem: str = "run") -> Iterator[tuple[Claim, Path]]:
    """Claim ``out`` (or a new ``root/stem-<time>``), yield ``(claim, temporary folder)`` to write into,
    and publish the folder when the block ends; if it raises, the temporary folder is removed."""
    with claim(out, flag, replaceable) if out is not None else claim_new(root, stem, flag) as c:
        tmp = c.temporary()
        try:
            with disk_errors(flag, c.out):
                yield c, tmp
                c.publish(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


# -- stale temporary folders ------------------------------------------------------------------------
def _owner(tmp: Path) -> Path | None:
    """The destination a temporary folder of this module belongs to (None if it is not ours)."""
    name = tmp.name
    if not (name.startswith(".") and TMP_INFIX in name and (tmp / MARKER).is_file()):
        return None
    return tmp.with_name(name[1:name.rindex(TMP_INFIX)])


def clean_stale(folder: Path, log: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Remove the temporary folders in ``folder`` whose writer is dead (its destination's lock is free).

    Yields the folders removed. A folder whose lock is held belongs to a live process and is left alone.
    """
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".") and TMP_INFIX in p.name and p.is_dir()]
    except OSError:
        return
    for tmp in candidates:
        owner = _owner(tmp)
        if owner is None:
            continue
        lock = _lock_path(owner)
        fd = _try_lock(lock, "clean")
        if fd is None:
            continue                 # a live run (or its cleaner) holds it
        try:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
                if log is not None:
                    log(f"removed the temporary folder of a run that was killed: {tmp}")
                yield tmp
        finally:
            _unlock(lock, fd)


# -- errors of the disk -----------------------------------------------------------------------------
def _errno(err: OSError) -> int | None:
    """The error number of a file-system error; pyarrow and other C libraries often give it only in the
    message (``... Detail: [errno 28] No space left on device``)."""
    if err.errno is not None:
        return err.errno
    text = str(err)
    m = re.search(r"\[errno (\d+)\]", text, re.IGNORECASE)
    if m:
        return int(m.group(1))
    for number in DISK_ERRORS:
        if os.strerror(number).lower() in text.lower():
            return number
    return None


@contextlib.contextmanager
def disk_errors(flag: str, out: Path, kept: str | None = None):
    """Turn a full disk, a read-only file system and the like into one line naming the destination.
    ``kept`` says what was kept (a resumable job's finished work); by default nothing was changed."""
    try:
        yield
    except OSError as err:
        if isinstance(err, FileExistsError | NotADirectoryError):
            raise InputError(flag, str(out), "a file is in the way of the folder; give a new folder") from None
        number = _errno(err)
        reason = DISK_ERRORS.get(number, "the file system refused")
        detail = os.strerror(number) if number is not None else (err.strerror or str(err) or type(err).__name__)
        raise InputError(flag, str(out), f"cannot write there: {reason} ({detail}); "
                         f"{kept or 'nothing that existed before was changed'}") from None
