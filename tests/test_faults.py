"""Faults around a sweep: killed sweeps leave no processes, a full disk is one line, a design too large
for memory is refused before it is built, and an experiment file's axes mean one thing each."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from borderSim.cli.main import main
from borderSim.experiments.design import experiment as design_module
from borderSim.experiments.design.experiment import build_design, read_experiment

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}


# -- processes ---------------------------------------------------------------------------------------
def children(pid: int) -> dict[int, str]:
    """Live (not zombie) processes whose parent is ``pid``: {pid: command line}."""
    out = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            if int(fields["PPid"]) == pid and not fields["State"].startswith("Z"):
                out[int(status.parent.name)] = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, KeyError, ValueError):
            continue
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_kill_9_of_a_sweep_on_two_workers_leaves_no_process(tmp_path):
    """Workers and multiprocessing's resource tracker go too; before, they stayed blocked for minutes."""
    exp = tmp_path / "long.toml"
    exp.write_text('description = "long enough to be killed"\nscenarios = ["baseline", "osce_facilitative"]\n'
                   "replicates = 400\ndays = 730\nchunk_rows = 50\n")
    proc = subprocess.Popen([sys.executable, "-m", "borderSim", "sweep", str(exp), "--workers", "2", "--out",
                             str(tmp_path / "out"), "--quiet"], env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120      # start-up on a loaded machine, not a speed limit
        kids: dict[int, str] = {}
        while time.monotonic() < deadline and proc.poll() is None:
            kids = children(proc.pid)
            workers = [p for p, cmd in kids.items() if "spawn_main" in cmd]
            if len(workers) == 2 and any("resource_tracker" in cmd for cmd in kids.values()):
                break
            time.sleep(0.1)
        assert proc.poll() is None and len(kids) >= 3, kids
        time.sleep(1.0)                        # the workers are inside their first chunks
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 60           # each worker polls its parent twice a second
    while time.monotonic() < deadline and any(alive(p) for p in kids):
        time.sleep(0.2)
    left = {p: cmd for p, cmd in kids.items() if alive(p)}
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert not left, f"still alive after the sweep was killed: {left}"
    assert not (tmp_path / "out").exists()


# -- a full disk -------------------------------------------------------------------------------------
def _unshare_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-r", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -r -m to mount a small tmpfs")
@pytest.mark.parametrize(("argv", "left"), [
    (["sweep", "{exp}", "--out", "{disk}/s", "--quiet", "--chunk-rows", "100"], ".s.partial"),
    (["run", "baseline", "-n", "2000", "-d", "30", "--no-timeseries", "--out", "{disk}/r", "--quiet"], ""),
], ids=["sweep", "run"])
def test_a_full_disk_is_one_line_that_says_disk_full(tmp_path, argv, left):
    """A real full file system (a 100 KB tmpfs in a private mount namespace)."""
    exp = tmp_path / "e.toml"
    exp.write_text('description = "more than fits"\nscenarios = ["baseline", "osce_facilitative"]\nreplicates = 400\n'
                   'days = 700\n[keep]\nseries = ["level", "ceasefire"]\n')
    disk = tmp_path / "disk"
    disk.mkdir()
    args = " ".join(a.format(exp=exp, disk=disk) for a in argv)
    script = (f"mount -t tmpfs -o size=100k tmpfs {disk} && {sys.executable} -m borderSim {args}; "
              f"echo status=$?; ls -A {disk}")
    res = subprocess.run(["unshare", "-r", "-m", "sh", "-c", script], capture_output=True, text=True, env=ENV,
                         timeout=600)
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "cannot write there: disk full (No space left on device)" in err, err
    assert "Traceback" not in err
    status, *listing = res.stdout.split("\n")
    assert status == "status=2"
    assert [x for x in listing if x] == ([left] if left else [])          # nothing published
    if left:
        assert "finish with --resume" in err


# -- the design --------------------------------------------------------------------------------------
def test_a_huge_grid_is_refused_before_any_point_is_built(tmp_path, monkeypatch, capsys):
    values = ", ".join(f"{x / 1000:.4f}" for x in range(1000))
    exp = tmp_path / "huge.toml"
    exp.write_text(f'description = "1000 cubed"\nreplicates = 2\ndays = 5\n[axes]\n"eu.willingness" = [{values}]\n'
                   f'"osce.willingness" = [{values}]\n[axes.us]\nwillingness = [{values}]\n')

    def never(*a, **k):
        raise AssertionError("a point was built")

    monkeypatch.setattr(design_module, "_axis_table", never)
    assert main(["sweep", str(exp), "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "1,000,000,000 design points" in err, err
    assert "[axes]" in err and 'kind = "lhs"' in err and "--replicates" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.toml"]


def test_a_huge_sobol_design_names_its_samples(tmp_path, capsys):
    exp = tmp_path / "sobol.toml"
    exp.write_text('description = "x"\nreplicates = 2\ndays = 5\n[design]\nkind = "sobol"\nsamples = 524288\n'
                   '[axes]\n"eu.willingness" = { low = 0, high = 1 }\n"us.willingness" = { low = 0, high = 1 }\n')
    assert main(["sweep", str(exp)]) == 2
    err = capsys.readouterr().err
    assert "design.samples" in err and "2,097,152 design points" in err and "lower [design] samples" in err


def test_an_axis_given_flat_and_in_its_group_is_an_error(tmp_path, capsys):
    exp = tmp_path / "dup.toml"
    exp.write_text('description = "x"\nreplicates = 2\ndays = 5\n[axes]\n"eu.willingness" = [0.1]\n'
                   "[axes.eu]\nwillingness = [0.2, 0.3]\n")
    assert main(["sweep", str(exp), "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "axes.eu.willingness: is given twice" in err
    assert not (tmp_path / "s").exists()


def test_labels_name_the_actor_when_two_axes_share_a_key(tmp_path):
    exp = tmp_path / "two.toml"
    exp.write_text('description = "x"\nreplicates = 2\ndays = 5\n[axes.osce]\nwillingness = [0.1]\n'
                   "[axes.eu]\nwillingness = [0.1, 0.5]\ndelay_days = [3]\n")
    labels = build_design(read_experiment(exp)).points["label"].tolist()
    assert labels == ["osce.willingness=0.1, eu.willingness=0.1, delay_days=3",
                      "osce.willingness=0.1, eu.willingness=0.5, delay_days=3"]


def test_labels_of_points_that_3_digits_would_merge_keep_every_digit(tmp_path):
    exp = tmp_path / "close.toml"
    exp.write_text('description = "x"\nreplicates = 2\ndays = 5\n[axes]\n"eu.willingness" = [0.1001, 0.1002]\n')
    labels = build_design(read_experiment(exp)).points["label"].tolist()
    assert labels == ["willingness=0.1001", "willingness=0.1002"]


# -- Ctrl-C ------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("flags", [[], ["--workers", "2"]], ids=["in-process", "2 workers"])
def test_ctrl_c_shows_only_kept_chunks_and_resumes_with_the_same_flags(tmp_path, monkeypatch, capsys, flags):
    import tqdm

    from borderSim.experiments.evaluate import store

    exp = tmp_path / "e.toml"
    exp.write_text('description = "x"\nscenarios = ["baseline", "osce_facilitative", "multiparty"]\n'
                   "replicates = 4\ndays = 20\nchunk_rows = 4\n")
    real, calls, shown = store.SweepStore.write, [], []

    def write(self, out, task):
        calls.append(task.chunk.id)
        if len(calls) == 3:
            raise KeyboardInterrupt           # Ctrl-C while the third chunk is being kept
        return real(self, out, task)

    real_close = tqdm.tqdm.close

    def close(self):
        shown.append(self.n)
        return real_close(self)

    monkeypatch.setattr(store.SweepStore, "write", write)
    monkeypatch.setattr(tqdm.tqdm, "close", close)
    out = tmp_path / "r"
    assert main(["sweep", str(exp), "--out", str(out), *flags]) == 130
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "interrupted; 2 of 3 chunks are kept" in err
    assert err.endswith(f"borderSim sweep {exp} --out {out} --resume" + "".join(f" {f}" for f in flags)), err
    assert shown[-1] == 2 * 4 * 20            # the bar ends at the two kept chunks, not at the one lost
    monkeypatch.undo()
    assert main(["sweep", str(exp), "--out", str(out), "--resume", "--quiet", *flags]) == 0
