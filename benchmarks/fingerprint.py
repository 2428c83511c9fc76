"""Fingerprints of the model's numbers, to prove that a refactor changes none of them.

    python benchmarks/fingerprint.py record FILE      # hash summaries and daily series into FILE (JSON)
    python benchmarks/fingerprint.py compare FILE     # recompute and compare with FILE; exit 1 on a change

``benchmarks/results/fingerprint.json`` holds the current model's hashes: a refactor compares against
it; a commit that moves numbers records it anew.

Hashes (SHA-256 of the float64 bytes) of every summary column of every shipped scenario
(1,000 replicates x 730 days) and of every daily series of five scenarios (300 replicates x 730
days), on the vectorised core. A column added later is reported, not counted as a change; a
column that disappears or whose bytes differ is a change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from borderSim.core.run import run_rows
from borderSim.schema.scenarios import load_scenario, shipped_names

SEED, DAYS = 20221114, 730
SUMMARY_REPLICATES, SERIES_REPLICATES = 1000, 300
SERIES_SCENARIOS = ("baseline", "csto_mediation", "us_eu_manipulative", "multiparty", "september_2022")


def _hash(a) -> str:
    return hashlib.sha256(np.ascontiguousarray(np.asarray(a, dtype=np.float64)).tobytes()).hexdigest()[:20]


def _params(name: str):
    p = load_scenario(name).params
    return p.model_copy(update={"simulation": p.simulation.model_copy(update={"days": DAYS})})


def fingerprints() -> dict:
    out: dict = {"summary": {}, "series": {}}
    for name in shipped_names():
        s = run_rows(_params(name), np.arange(SUMMARY_REPLICATES), seed=SEED, days=DAYS).summary
        out["summary"][name] = {c: _hash(s[c].to_numpy(dtype=np.float64)) for c in s.columns}
        print(f"summary {name}", file=sys.stderr)
    for name in SERIES_SCENARIOS:
        r = run_rows(_params(name), np.arange(SERIES_REPLICATES), seed=SEED, days=DAYS, record=True)
        out["series"][name] = {c: _hash(r.series[:, :, j]) for j, c in enumerate(r.columns)}
        print(f"series {name}", file=sys.stderr)
    return out


def compare(old: dict, new: dict) -> list[str]:
    changes = []
    for part in ("summary", "series"):
        for name, cols in old[part].items():
            got = new[part].get(name)
            if got is None:
                changes.append(f"{part} {name}: scenario missing")
                continue
            for col, h in cols.items():
                if col not in got:
                    changes.append(f"{part} {name}: column {col} missing")
                elif got[col] != h:
                    changes.append(f"{part} {name}: {col} differs")
            for col in sorted(set(got) - set(cols)):
                print(f"note: {part} {name}: new column {col}", file=sys.stderr)
    return changes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("record", "compare"))
    ap.add_argument("file", type=Path)
    a = ap.parse_args(argv)
    new = fingerprints()
    if a.mode == "record":
        a.file.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {sum(len(v) for p in new.values() for v in p.values())} hashes in {a.file}")
        return 0
    changes = compare(json.loads(a.file.read_text(encoding="utf-8")), new)
    for line in changes:
        print(line)
    print("identical" if not changes else f"{len(changes)} changed")
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
