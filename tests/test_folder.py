"""Results folders: one writer per destination, fresh default names, stale temporary folders, bad
destinations and a full disk (one line, exit 2, nothing that existed before lost)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from borderSim.cli.main import main
from borderSim.outputs import folder
from borderSim.run import runner

SHORT = ["--replicates", "2", "--days", "5", "--quiet"]


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def one_line_error(capsys, needle: str) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert needle in err and "Traceback" not in err, err
    return err


def never_compute(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("computed although the destination was refused")

    monkeypatch.setattr(runner, "chunks", fail)


HOLDER = """
import sys, time
from borderSim.outputs.folder import claim
c = claim(sys.argv[1])
if len(sys.argv) > 2:
    c.temporary()
print("claimed", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holder():
    """Start a process that claims a destination (and optionally makes its temporary folder)."""
    procs = []

    def start(out: Path, temporary: bool = False) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), *(["tmp"] if temporary else [])],
                             stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "claimed"
        procs.append(p)
        return p

    yield start
    for p in procs:
        p.kill()
        p.wait()


def test_second_writer_to_one_destination_is_refused_before_computing(tmp_path, holder, capsys, monkeypatch):
    out = tmp_path / "r"
    proc = holder(out)
    with monkeypatch.context() as m:
        never_compute(m)
        assert main(["run", "baseline", *SHORT, "--out", str(out)]) == 2
    one_line_error(capsys, f"pid {proc.pid}")
    proc.send_signal(signal.SIGKILL)             # a killed writer releases the destination
    proc.wait()
    assert main(["run", "baseline", *SHORT, "--out", str(out)]) == 0
    assert (out / "summary.parquet").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]     # no lock file or temporary left


def test_default_names_never_collide(tmp_path):
    with folder.claim_new(tmp_path, "baseline") as a, folder.claim_new(tmp_path, "baseline") as b:
        assert a.out != b.out and a.out.parent == b.out.parent == tmp_path


def test_two_default_runs_in_one_second_get_two_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = folder.claim_new(tmp_path / "runs", "baseline")   # as if another run had just started
    try:
        assert main(["run", "baseline", *SHORT]) == 0
    finally:
        first.release()
    made = [p for p in (tmp_path / "runs").iterdir() if not p.name.startswith(".")]
    assert len(made) == 1 and made[0] != first.out and (made[0] / "manifest.json").exists()


def test_stale_temporary_folder_of_a_killed_run_is_removed_a_live_one_kept(tmp_path, holder):
    dead = holder(tmp_path / "dead", temporary=True)
    live = holder(tmp_path / "live", temporary=True)
    dead.send_signal(signal.SIGKILL)
    dead.wait()
    temporaries = lambda name: list(tmp_path.glob(f".{name}.tmp-*"))  # noqa: E731
    assert temporaries("dead") and temporaries("live")
    assert main(["run", "baseline", *SHORT, "--out", str(tmp_path / "new")]) == 0
    assert not temporaries("dead")
    assert temporaries("live") and live.poll() is None


def test_a_folder_named_like_an_old_temporary_with_our_pid_is_not_deleted(tmp_path):
    """Before the claim, a stale ``.r.tmp-PID`` whose PID was reused made the run fail and deleted it."""
    other = tmp_path / f".r.tmp-{os.getpid()}"
    other.mkdir()
    (other / "precious.txt").write_text("keep me")
    assert main(["run", "baseline", *SHORT, "--out", str(tmp_path / "r")]) == 0
    assert (other / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize(("case", "out", "needle"), [
    ("dot", lambda t: ".", "not a folder name"),
    ("empty", lambda t: "", "not a folder name"),
    ("too long", lambda t: str(t / ("x" * 300)), "too long"),
    ("under a file", lambda t: str(t / "a-file" / "r"), "which is a file"),
    ("non-empty folder", lambda t: str(t / "full"), "not an empty folder"),
])
def test_bad_destination_one_line_nothing_lost(tmp_path, monkeypatch, capsys, case, out, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("data")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.txt").write_text("old")
    before = files(tmp_path)
    never_compute(monkeypatch)
    assert main(["run", "baseline", *SHORT, "--out", out(tmp_path)]) == 2
    one_line_error(capsys, "--out")
    capsys.readouterr()
    assert files(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "full"]


@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    OSError("Error writing bytes to file. Detail: [errno 28] No space left on device"),   # pyarrow: no errno
    OSError("No space left on device"),
], ids=["errno", "errno in the message", "strerror only"])
def test_disk_full_while_writing_one_line_nothing_lost(tmp_path, monkeypatch, capsys, error):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "results.txt").write_text("earlier results")
    before = files(tmp_path)

    def full(*a, **k):
        raise error

    monkeypatch.setattr(runner.pq, "write_table", full)
    assert main(["run", "baseline", *SHORT, "--out", str(tmp_path / "r")]) == 2
    one_line_error(capsys, "disk full (No space left on device)")
    assert files(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]
