"""What every benchmark shares: the machine's description and writing a report (JSON and Markdown)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


def machine() -> dict:
    from borderSim.outputs.folder import versions

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "versions": versions()}


def write_report(report: dict, out: Path, stem: str, to_markdown) -> list[Path]:
    """``STEM.json`` and ``STEM.md`` (``to_markdown(report)``) in ``out`` (created if needed), each written
    under a temporary name and renamed when complete; shared by every benchmark."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for path, text in ((out / f"{stem}.json", json.dumps(report, indent=2) + "\n"),
                       (out / f"{stem}.md", to_markdown(report))):
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        files.append(path)
    return files
