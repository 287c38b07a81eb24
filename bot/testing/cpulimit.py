"""A CPU quota for processes, as a container's ``cpus:`` limit sets one (a Linux cgroup).

``bench/scale.py --worker-cpus`` gives each webhook worker a cgroup of its own, so that one and
two workers can be compared on a machine with few cores: each worker gets the same share of
CPU time, and the load generator and PostgreSQL keep the rest. It needs root, and the cgroup
v1 ``cpu`` controller or cgroup v2 with the ``cpu`` controller available at the top.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup")
PERIOD = 100_000
"""Microseconds: the quota is this much CPU time per period, times ``cpus``."""


class CpuLimitUnavailable(RuntimeError):
    """This machine (or this user) cannot set a CPU quota."""


class CpuLimit:
    """One cgroup, capped at ``cpus`` CPUs; processes added to it, until :meth:`close`.

    Args:
        name: The cgroup's name (unique on the machine while it exists).
        cpus: CPUs' worth of time it may use, such as 0.5.
        root: Where cgroups are mounted.
    """

    def __init__(self, name: str, cpus: float, root: Path = CGROUPS) -> None:
        if cpus <= 0:
            raise ValueError("cpus must be more than 0")
        quota = max(1000, int(cpus * PERIOD))
        v1 = root / "cpu"
        if (v1 / "cpu.cfs_quota_us").exists():
            self.path = v1 / name
            self._parent = v1
            self._make()
            (self.path / "cpu.cfs_period_us").write_text(f"{PERIOD}\n")
            (self.path / "cpu.cfs_quota_us").write_text(f"{quota}\n")
        elif "cpu" in _words(root / "cgroup.controllers"):
            self.path = root / name
            self._parent = root
            if "cpu" not in _words(root / "cgroup.subtree_control"):
                _write(root / "cgroup.subtree_control", "+cpu")
            self._make()
            (self.path / "cpu.max").write_text(f"{quota} {PERIOD}\n")
        else:
            raise CpuLimitUnavailable(f"no cgroup cpu controller under {root}")
        self.cpus = cpus

    def _make(self) -> None:
        try:
            self.path.mkdir(exist_ok=True)
        except OSError as exc:
            raise CpuLimitUnavailable(f"cannot make a cgroup at {self.path}: {exc}") from exc

    def add(self, pid: int) -> None:
        """Put process ``pid`` (and the threads it starts from now on) under the quota."""
        _write(self.path / "cgroup.procs", str(pid))

    def close(self) -> None:
        """Move any process still in the group back out, and remove it."""
        for pid in _lines(self.path / "cgroup.procs"):
            with contextlib.suppress(OSError):  # it may have ended meanwhile
                _write(self._parent / "cgroup.procs", pid)
        with contextlib.suppress(OSError):
            self.path.rmdir()

    def __enter__(self) -> CpuLimit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _words(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _write(path: Path, text: str) -> None:
    path.write_text(text)  # one write: a cgroup file takes one value per write
