"""Processes the benchmark measures: CPU and memory from /proc, and real Celery workers
started with the command lines of the Procfile, as `make run` starts them."""

import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.certificates.scratch import BASE_DIR

# Kernels built without CONFIG_PROC_CHILDREN keep no list of a thread's children.
HAS_CHILDREN_LISTS = Path(f"/proc/self/task/{os.getpid()}/children").exists()


def cpu_seconds(pid: int, *, with_reaped_children: bool = False) -> float:
    """User + system CPU time of a process (and of the children it has reaped), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, all CPUs together, from /proc/stat."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / ticks, (idle + iowait) / ticks


def resident_kib(pid: int, key: str = "VmRSS") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return None  # the process has just exited
    return None


def procfile_command(name: str) -> list[str]:
    """A process's command line from the Procfile, run with this Python and quieter logging."""
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            words = shlex.split(line.split(":", 1)[1])
            break
    else:
        raise SystemExit(f"The Procfile has no {name!r} process.")
    at = words.index(".venv/bin/celery")
    words[at : at + 1] = [sys.executable, "-m", "celery"]
    return [word for word in words if not word.startswith("--loglevel")] + ["--loglevel=WARNING", "--without-heartbeat"]


@dataclass
class Worker:
    process: subprocess.Popen

    @classmethod
    def start(cls, name: str, log_path: Path) -> "Worker":
        """The Procfile's `name` process (`worker`, `worker_bulk`): its queues, pool size and priority."""
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 — the Procfile's own command line
                procfile_command(name),
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(process)

    @property
    def concurrency(self) -> int:
        return int(next(arg for arg in self.process.args if arg.startswith("--concurrency=")).split("=")[1])

    def children(self) -> list[int]:
        """The pool's child processes, which run the tasks (they are replaced after max-tasks-per-child).

        Read from the kernel's list of each thread's children: a scan of every process in
        /proc costs about 6 ms of CPU, and the batch asks several times a second while the
        worker's side is timed, so a scan would weigh on the worker and not on the floor."""
        if not HAS_CHILDREN_LISTS:
            return self._children_by_scan()
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                pids += children.read_text().split()
            except OSError:
                continue  # the thread ended between the listing and the read
        return sorted(int(pid) for pid in pids)

    def _children_by_scan(self) -> list[int]:
        # Kernels built without CONFIG_PROC_CHILDREN have no lists: look at every process.
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    children.append(int(entry.name))
        return sorted(children)

    def pause(self) -> None:
        """Stop the idle worker's processes (its polling loop included) while a baseline runs."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def cpu_seconds(self) -> float:
        """CPU used by the whole worker so far: main process, live pool children, replaced ones."""
        return cpu_seconds(self.process.pid, with_reaped_children=True) + sum(
            cpu_seconds(pid) for pid in self.children()
        )

    def wait_until_settled(self, *, window: float = 0.5, busy_share: float = 0.05, timeout: float = 120) -> None:
        """Until the worker has its pool and spends under `busy_share` of a CPU over `window`
        seconds: started up and waiting for work. A worker still importing Django would
        otherwise take CPU from whatever is timed next."""
        deadline = time.monotonic() + timeout
        used = self.cpu_seconds()
        while True:
            time.sleep(window)
            now_used = self.cpu_seconds()
            if self.children() and now_used - used < busy_share * window:
                return
            if time.monotonic() > deadline:
                raise SystemExit(f"Timed out waiting for the worker (pid {self.process.pid}) to settle.")
            used = now_used

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGCONT)  # in case it was paused
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left of its process group
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def wait_until(predicate, *, timeout: float, every: float = 0.05, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out waiting for {what}.")
        time.sleep(every)
