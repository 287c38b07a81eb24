from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bot.testing.cpulimit import CpuLimit, CpuLimitUnavailable


def test_a_v1_cgroup_gets_the_quota_and_the_process(tmp_path: Path) -> None:
    cpu = tmp_path / "cpu"
    cpu.mkdir()
    (cpu / "cpu.cfs_quota_us").write_text("-1\n")
    (cpu / "cgroup.procs").write_text("")
    limit = CpuLimit("bench-0", 0.4, root=tmp_path)
    limit.add(4321)
    group = cpu / "bench-0"
    assert (group / "cpu.cfs_quota_us").read_text() == "40000\n"
    assert (group / "cpu.cfs_period_us").read_text() == "100000\n"
    assert (group / "cgroup.procs").read_text() == "4321"


def test_a_v2_cgroup_gets_the_quota_with_the_cpu_controller_enabled(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (tmp_path / "cgroup.subtree_control").write_text("")
    (tmp_path / "cgroup.procs").write_text("")
    limit = CpuLimit("bench-1", 0.25, root=tmp_path)
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+cpu"
    assert (tmp_path / "bench-1" / "cpu.max").read_text() == "25000 100000\n"
    limit.add(99)
    assert (tmp_path / "bench-1" / "cgroup.procs").read_text() == "99"


def test_no_cpu_controller_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(CpuLimitUnavailable, match="no cgroup cpu controller"):
        CpuLimit("bench-2", 0.5, root=tmp_path)
    with pytest.raises(ValueError, match="more than 0"):
        CpuLimit("bench-3", 0, root=tmp_path)


def _can_limit() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        CpuLimit(f"carercheck-probe-{os.getpid()}", 1).close()
    except (CpuLimitUnavailable, OSError):
        return False
    return True


@pytest.mark.skipif(not _can_limit(), reason="needs root and a cgroup cpu controller")
def test_a_busy_process_gets_no_more_than_its_quota() -> None:
    """What ``bench/scale.py --worker-cpus`` relies on, on this machine's real cgroups."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        with CpuLimit(f"carercheck-test-{os.getpid()}", 0.2) as limit:
            limit.add(busy.pid)
            proc = psutil.Process(busy.pid)
            before, started = sum(proc.cpu_times()[:2]), time.monotonic()
            time.sleep(1.5)
            share = (sum(proc.cpu_times()[:2]) - before) / (time.monotonic() - started)
            members = (limit.path / "cgroup.procs").read_text().split()
        assert str(busy.pid) in members
        assert share < 0.3, share
        assert not limit.path.exists()  # closed: the process moved out, the group removed
    finally:
        busy.kill()
        busy.wait()
