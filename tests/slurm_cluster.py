"""A real one-node SLURM cluster on this machine, for the SLURM executor test.

Debian's slurm-wlm and munge: the controller (slurmctld) and the compute daemon (slurmd) both run
on localhost, in the foreground, with their state, spool, logs and pid files in a temporary folder.
No systemd and no cgroups: processes are tracked by linuxproc, tasks are not confined, accounting
is off (so `sacct` cannot answer: the executor must ask `squeue`).

The config must sit at /etc/slurm/slurm.conf, the path compiled into SLURM: the executor's job-step
plugin strips SLURM_CONF from the environment of its inner `srun`. An existing file there that this
module did not write is never touched (why_unavailable says so and the test skips).

Run by hand to try the SLURM profile on one machine (as root):
    python tests/slurm_cluster.py      # starts the cluster, waits for Ctrl-C, stops it
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

CONF = Path("/etc/slurm/slurm.conf")
MARK = "# written by gdlab tests/slurm_cluster.py"
DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel")
MUNGE_KEY = Path("/etc/munge/munge.key")
MUNGE_SOCKET = Path("/run/munge/munge.socket.2")  # where SLURM's auth/munge looks by default


def why_unavailable() -> str | None:
    """None when a cluster can be started here, else the reason it cannot."""
    missing = [d for d in DAEMONS if shutil.which(d) is None]
    if missing:
        return f"SLURM is not installed ({', '.join(missing)} not found; apt-get install slurm-wlm munge)"
    if os.geteuid() != 0:
        return "starting SLURM daemons needs root"
    if not MUNGE_KEY.exists():
        return f"no munge key at {MUNGE_KEY}"
    if CONF.exists() and MARK not in CONF.read_text():
        return f"{CONF} exists and was not written by this test: not touching a real cluster's config"
    return None


def node_line() -> str:
    """This machine as slurmd sees it (CPUs, memory), so the node is never declared bigger than it is."""
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    first = out.splitlines()[0].split()
    fields = dict(f.split("=", 1) for f in first)
    return (f"NodeName={fields['NodeName']} NodeAddr=127.0.0.1 CPUs={fields['CPUs']} "
            f"RealMemory={fields['RealMemory']} State=UNKNOWN")


def slurm_conf(root: Path) -> str:
    host = node_line().split()[0].split("=", 1)[1]
    return f"""{MARK}
ClusterName=gdlab
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
ReturnToService=2
MinJobAge=600
{node_line()}
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


class Cluster:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.procs: dict[str, subprocess.Popen] = {}
        self.started_munge = False

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = open(self.root / "log" / f"{name}.out", "wb")
        self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, process_group=0)

    def _munge_ok(self) -> bool:
        enc = subprocess.run(["munge", "-n"], capture_output=True)
        return enc.returncode == 0 and subprocess.run(["unmunge"], input=enc.stdout, capture_output=True).returncode == 0

    def start(self, timeout: float = 60) -> "Cluster":
        for sub in ("state", "spool", "log", "run"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        CONF.parent.mkdir(parents=True, exist_ok=True)
        CONF.write_text(slurm_conf(self.root))
        if not (MUNGE_SOCKET.exists() and self._munge_ok()):
            MUNGE_SOCKET.parent.mkdir(parents=True, exist_ok=True)
            self._spawn("munged", ["munged", "--foreground", "--force", f"--pid-file={self.root}/run/munged.pid",
                                   f"--log-file={self.root}/log/munged.log",
                                   f"--seed-file={self.root}/run/munged.seed"])
            self.started_munge = True
            self._wait(self._munge_ok, timeout, "munged to answer")
        self._spawn("slurmctld", ["slurmctld", "-D", "-i"])
        self._wait(lambda: subprocess.run(["sinfo", "-h"], capture_output=True).returncode == 0, timeout,
                   "slurmctld to answer")
        self._spawn("slurmd", ["slurmd", "-D"])
        self._wait(self._node_idle, timeout, "the node to become idle")
        return self

    def _node_idle(self) -> bool:
        out = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True).stdout.split()
        return out == ["idle"]

    def _wait(self, ready, timeout: float, what: str) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            dead = [n for n, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited while waiting for {what}:\n{self.logs()}")
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}:\n{self.logs()}")

    def logs(self, tail: int = 20) -> str:
        parts = []
        for f in sorted((self.root / "log").glob("*")):
            lines = f.read_text(errors="replace").splitlines()[-tail:]
            parts.append(f"--- {f.name}\n" + "\n".join(lines))
        return "\n".join(parts)

    def stop(self) -> None:
        """Cancel what is left, stop the daemons (by the PIDs in their pid files, else ours), remove the config."""
        subprocess.run(["scancel", "--full", "--user=root"], capture_output=True)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.get(name)
            if proc is None:
                continue
            pidfile = self.root / "run" / f"{name}.pid"
            pid = int(pidfile.read_text()) if pidfile.exists() and pidfile.read_text().strip() else proc.pid
            for p in {pid, proc.pid}:
                try:
                    os.kill(p, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if CONF.exists() and MARK in CONF.read_text():
            CONF.unlink()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    import tempfile

    reason = why_unavailable()
    if reason:
        raise SystemExit(reason)
    # Ctrl-C or a TERM stops the cluster (a background job ignores SIGINT, so TERM too).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="gdlab-slurm-") as tmp, Cluster(Path(tmp)) as cluster:
        print(subprocess.run(["sinfo"], capture_output=True, text=True).stdout)
        print("SLURM is up (Ctrl-C stops it).", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
