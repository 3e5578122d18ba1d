"""`bench/learning.py`'s interface, on a small labelled CSV: the JSON object the issue
names and the chart. (The curve itself is run by hand, docs/triage.md.)"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from servicedesk.triage.starter import examples

BENCH = Path(__file__).parents[2] / "bench" / "learning.py"
KEYS = {"n", "macro_f1", "accuracy", "ece", "corrected_share"}


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "queue"])
        writer.writerows(rows)


def test_the_bench_prints_one_json_object_with_a_point_per_n(tmp_path: Path) -> None:
    rows = [(example.text, example.category) for example in examples()]
    train, test = rows[::2][:60], rows[1::2][:80]
    _write(tmp_path / "train.csv", train)
    _write(tmp_path / "test.csv", test)
    chart = tmp_path / "curve.svg"
    command = [
        sys.executable, str(BENCH),
        "--train-csv", str(tmp_path / "train.csv"), "--test-csv", str(tmp_path / "test.csv"),
        "--text-col", "body", "--label-col", "queue", "--json", "--no-ceiling",
        "--retrain-every", "5", "--chart", str(chart),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=240)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, stderr.decode()
    result = json.loads(stdout)
    points = result["points"]
    assert [point["n"] for point in points] == [0, 25, 50]  # what 60 tickets reach
    for point in points:
        assert set(point) >= KEYS
        assert 0 <= point["macro_f1"] <= 1
        assert 0 <= point["ece"] <= 1
        assert 0 <= point["corrected_share"] <= 1
    assert points[2]["corrected"] == round(points[2]["corrected_share"] * 50)
    assert chart.read_text().startswith("<svg")
