"""Running a measured process: wall time, the resource usage of its whole tree, peak memory.

CPU comes from wait4() on the child, which covers the child and every descendant
it waited for, plus every orphaned descendant this process adopts and reaps as
a child subreaper (Chromium's renderers, see become_subreaper). Memory is sampled
from /proc every SAMPLE_S seconds: the peak of the tree's summed PSS (shared
pages counted once) and the largest VmHWM of any one process. (wait4's
ru_maxrss is not used: on Linux a child's includes the RSS of the parent it was
forked from, as of its exec.)
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

SAMPLE_S = 0.1
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    args: list[str]
    returncode: int
    wall: float  # seconds
    user: float  # CPU seconds of the tree (wait4)
    sys: float
    maxrss_mb: float | None  # largest single process of the tree (sampled VmHWM)
    peak_pss_mb: float | None  # all processes of the tree at once (sampled), PSS
    peak_rss_mb: float | None  # same, RSS (counts shared pages in every process)
    peak_procs: int  # most processes seen at once
    sampled_cpu: float  # CPU seconds of the tree as last sampled (a cross-check of wait4)
    cpu_by_kind: dict  # sampled CPU seconds per kind of process (see _kind)
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _tree(root: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in kB; PSS falls back to RSS where smaps_rollup is unreadable."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
        return pss or rss, rss
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                    return rss, rss
    except OSError:
        pass
    return 0, 0


def _hwm_kb(pid: int) -> int:
    """The process's peak RSS so far (VmHWM), in kB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _kind(pid: int) -> str:
    """What a process of the tree is: python, Playwright's node driver, or Chromium's part."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [a for a in f.read().split(b"\0") if a]
    except OSError:
        return "?"
    if len(argv) == 1 and b" --" in argv[0]:  # a title rewritten by the process (Chromium)
        argv = argv[0].split(b" ")
    exe = os.path.basename(argv[0].decode(errors="replace")) if argv and argv[0] else "?"
    typed = any(a.startswith(b"--type=") for a in argv[1:])
    if typed or any(name in exe for name in ("chrom", "headless_shell")):
        for arg in argv[1:]:
            if arg.startswith(b"--type="):
                kind = arg[7:].decode(errors="replace")
                for sub in argv[1:]:
                    if sub.startswith(b"--utility-sub-type="):
                        kind += " " + sub.split(b"=", 1)[1].decode().split(".")[0]
                    elif sub == b"--top-chrome-webui":
                        kind += " (top-chrome-webui)"
                return f"chromium {kind}"
        return "chromium browser"
    if exe == "node":
        return "playwright driver (node)"
    if exe.startswith("python") or exe == "archiver":
        return "python"
    return exe


def _cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


class Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float = SAMPLE_S, exclude: int | None = None):
        super().__init__(daemon=True)
        self.pid, self.interval, self.exclude = pid, interval, exclude
        self.stop_event = threading.Event()
        self.peak_pss = self.peak_rss = 0
        self.peak_procs = 0
        self.cpu: dict[int, float] = {}
        self.hwm: dict[int, int] = {}
        self.kinds: dict[int, str] = {}

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def sample(self) -> None:
        pids = [p for p in _tree(self.pid) if p != self.exclude]
        pss = rss = 0
        for pid in pids:
            p, r = _mem_kb(pid)
            pss += p
            rss += r
            c = _cpu_s(pid)
            if c >= 0:
                self.cpu[pid] = c
            self.hwm[pid] = max(self.hwm.get(pid, 0), _hwm_kb(pid))
            if not self.kinds.get(pid, "").startswith(("chromium", "playwright")):
                self.kinds[pid] = _kind(pid)  # until it has exec'd what it will be
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_procs = max(self.peak_procs, len(pids))


def _by_kind(sampler: Sampler) -> dict:
    out: dict[str, float] = {}
    for pid, cpu in sampler.cpu.items():
        kind = sampler.kinds.get(pid, "?")
        out[kind] = out.get(kind, 0.0) + cpu
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


_SUBREAPER = False


def become_subreaper() -> bool:
    """Adopt orphaned descendants (PR_SET_CHILD_SUBREAPER), so their CPU is counted.

    Chromium's renderers are forked by its zygote; when the browser shuts down they
    can outlive their parent and would be reparented to init, taking their CPU
    time out of wait4()'s accounting. As a subreaper this process inherits and
    reaps them instead.
    """
    global _SUBREAPER
    if _SUBREAPER:
        return True
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        _SUBREAPER = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        _SUBREAPER = False
    return _SUBREAPER


def _reap_orphans(deadline: float) -> list:
    """wait4() every adopted descendant until none is left (or the deadline passes)."""
    usages = []
    while True:
        try:
            pid, _status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return usages
        if pid == 0:
            if time.monotonic() > deadline:
                return usages
            time.sleep(0.02)
            continue
        usages.append(usage)


def run(args: list[str], env: dict | None = None, cwd: str | None = None,
        sample: bool = True, timeout: float | None = None) -> Measured:
    """Run args to completion; measure it. stdout/stderr go to files, never a full pipe.

    Must not run concurrently with other child processes of this process.
    """
    adopting = become_subreaper()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        # As a subreaper, orphans of the tree become our children: sample from here.
        sampler = (Sampler(os.getpid() if adopting else proc.pid, exclude=os.getpid())
                   if sample else None)
        if sampler:
            sampler.start()
        timer = None
        if timeout:
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        usages = [usage] + (_reap_orphans(time.monotonic() + 15) if adopting else [])
        if sampler:
            sampler.stop_event.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Measured(
        args=list(args), returncode=proc.returncode, wall=wall,
        user=sum(u.ru_utime for u in usages), sys=sum(u.ru_stime for u in usages),
        # Not wait4's ru_maxrss: a child's includes the RSS of this process at exec time.
        maxrss_mb=max(sampler.hwm.values(), default=0) / 1024 if sampler else None,
        peak_pss_mb=sampler.peak_pss / 1024 if sampler else None,
        peak_rss_mb=sampler.peak_rss / 1024 if sampler else None,
        peak_procs=sampler.peak_procs if sampler else 1,
        sampled_cpu=sum(sampler.cpu.values()) if sampler else 0.0,
        cpu_by_kind=_by_kind(sampler) if sampler else {},
        stdout=stdout, stderr=stderr,
    )
