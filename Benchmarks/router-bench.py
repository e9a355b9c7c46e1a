#!/usr/bin/env python3
"""Router benchmark harness: latency, throughput, CPU, filesystem touches and RSS of a codeswarm.router.v1 router.

The measuring client is plain Python (sockets + json), no Codeswarm code, so the same run can be pointed at any
implementation of the protocol on a port (`--port`), or start our own release build (`--build` or `--codeswarm`).
Numbers are printed as a table and, with `--json FILE`, written as JSON (one object per measurement, each with the
load average and the machine's busy share during it, so a run taken while others compile can be recognised).

Usage (see docs/PERFORMANCE.md):
    python3 Benchmarks/router-bench.py --build                         # build release, run every scenario
    python3 Benchmarks/router-bench.py --codeswarm .build/release/codeswarm --scenarios latency,idle --sizes 16
    python3 Benchmarks/router-bench.py --port 8765 --scenarios rtt,latency   # any router already listening

Scenarios (default: all but `soak`):
    launch    swarm_launch → swarm_launched, per size
    rtt       swarm_list round trip
    latency   inject to every node → all inject_delivered, and → first assistant_delta per node, minus the
              agent's own delay (the demo agent is told by a prompt directive to wait --agent-delay-ms)
    idle      CPU per component (router / relay / workers / agents) over --idle-seconds, and filesystem operations
              on the mailbox per node per second (strace -f -y of the relay and the workers)
    burst     assistant_delta events/s reaching 1 and 5 clients while 16 and 64 nodes stream with no delay; router
              CPU per delta; RSS during the burst
    multi     8 swarms × 32 nodes, 5 clients: launch, burst events/s per client, swarm_list round trip during it
    replay    events_replay of everything the router keeps, to a fresh client that reads: time, events, outcome
    soak      back-to-back bursts for --soak-seconds with router RSS sampled every 5 s (RSS flat?)

Every latency figure is wall-clock; CPU figures are CPU time from /proc (not affected by waiting for a core, but
inflated somewhat when other work shares the caches). Percentiles are nearest-rank over all samples.
"""

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

PROTOCOL = "codeswarm.router.v1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
DELTA_PATTERN = re.compile(rb'"event"\s*:\s*"assistant_delta"')
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ----------------------------------------------------------------------------------------------------------------
# Statistics and machine load


def percentile(values, fraction):
    """Nearest-rank percentile of `values` (fraction in 0...1); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(round(fraction * len(ordered) + 0.5 - 1e-9)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values):
    """p50/p90/p99/max/n of a list of numbers."""
    return {
        "n": len(values),
        "p50": percentile(values, 0.50),
        "p90": percentile(values, 0.90),
        "p99": percentile(values, 0.99),
        "max": max(values) if values else None,
    }


def cpu_totals():
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class LoadWindow:
    """Records the load average and the machine's busy share over a measurement, and how much of it was not ours
    (`others_busy_cores`: other engineers' builds, say), so numbers taken under load can be told apart."""

    def __init__(self, pids=(), rescan=None):
        self.load_before = os.getloadavg()[0]
        self.rescan = rescan
        self.pids = list(pids) + [os.getpid()]
        self.ticks0 = {pid: proc_ticks(pid) or 0 for pid in self.pids}
        self.busy0, self.total0 = cpu_totals()
        self.wall0 = time.monotonic()

    def finish(self, own_ticks=None):
        busy1, total1 = cpu_totals()
        if own_ticks is None:
            own_ticks = sum(max((proc_ticks(p) or self.ticks0[p]) - self.ticks0[p], 0) for p in self.pids)
            # Processes started during the window (a launch's workers) count from zero.
            for pid in (self.rescan() if self.rescan else []):
                if pid not in self.ticks0:
                    own_ticks += proc_ticks(pid) or 0
        cores = os.cpu_count() or 1
        total = max(total1 - self.total0, 1)
        busy = busy1 - self.busy0
        return {
            "loadavg_1m": round(os.getloadavg()[0], 2),
            "loadavg_before": round(self.load_before, 2),
            "machine_busy_cores": round(cores * busy / total, 2),
            "others_busy_cores": round(max(cores * (busy - own_ticks) / total, 0), 2),
            "cores": cores,
        }


# ----------------------------------------------------------------------------------------------------------------
# Processes (/proc)


def proc_ticks(pid):
    """utime + stime of a process in clock ticks, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def proc_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [part.decode(errors="replace") for part in f.read().split(b"\0") if part]
    except OSError:
        return []


def all_parents():
    """{pid: ppid} of every process."""
    result = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
            result[int(entry)] = int(text[text.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError):
            pass
    return result


def descendants(root):
    parents = all_parents()
    children = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def classify(cmdline):
    """Which component a process is, from its command line (works for our binary and for most others)."""
    words = " ".join(cmdline)
    if re.search(r"\bdemo-agent\b|\bapp-server\b", words):
        return "agents"
    if re.search(r"\brelay\b", words):
        return "relay"
    if re.search(r"\bworker\b", words):
        return "workers"
    if re.search(r"\bstrace\b", words):
        return None
    return "other"


def listening_pid(port):
    """The pid owning the TCP socket listening on `port` (via /proc/net/tcp* and /proc/*/fd)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(parts[9])
        except OSError:
            pass
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                link = os.readlink(f"/proc/{entry}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(entry)
        except OSError:
            pass
    return None


# ----------------------------------------------------------------------------------------------------------------
# The plain protocol client


class Client:
    """One TCP connection speaking codeswarm.router.v1 with nothing but the standard library."""

    def __init__(self, port, host="127.0.0.1", token=None):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.token = token
        self.pending = []
        self.partial = b""
        self.arrival = 0.0

    def close(self):
        self.sock.close()

    def send(self, command, payload=None, request_id=None):
        request_id = request_id or str(uuid.uuid4())
        envelope = {
            "protocol": PROTOCOL,
            "type": "command",
            "command": command,
            "request_id": request_id,
            "payload": payload or {},
        }
        if self.token:
            envelope["token"] = self.token
        self.sock.sendall(json.dumps(envelope).encode() + b"\n")
        return request_id

    def next_event(self, deadline):
        """(arrival time, event object) of the next event; raises TimeoutError past `deadline` (monotonic)."""
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no event before the deadline")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                raise TimeoutError("no event before the deadline") from None
            if not chunk:
                raise ConnectionError("the router closed the connection")
            self.arrival = time.perf_counter()
            data = self.partial + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                self.partial = data
                continue
            self.partial = data[cut + 1 :]
            self.pending = [line for line in data[:cut].split(b"\n") if line.strip()]
            self.pending.reverse()
        return self.arrival, json.loads(self.pending.pop())

    def wait_for(self, predicate, timeout=60, what="event"):
        deadline = time.monotonic() + timeout
        while True:
            try:
                arrival, event = self.next_event(deadline)
            except TimeoutError:
                raise TimeoutError(f"timed out after {timeout} s waiting for {what}") from None
            if predicate(event):
                return arrival, event

    def request(self, command, payload=None, timeout=60):
        """Sends a command and returns the first event carrying its request id."""
        request_id = self.send(command, payload)
        return self.wait_for(
            lambda e: (e.get("data") or {}).get("request_id") == request_id, timeout, f"the answer to {command}"
        )[1]


def event_name(event):
    return event.get("event")


def data_of(event):
    return event.get("data") or {}


# ----------------------------------------------------------------------------------------------------------------
# The router under test


class Router:
    """The router being measured: one we started (state in a temp folder) or one found listening on a port."""

    def __init__(self, args):
        self.args = args
        self.process = None
        self.state_dir = None
        self.root = None
        self.port = args.port
        self.token = open(args.token_file).read().strip() if args.token_file else None
        self.swarms = []
        if args.codeswarm:
            self.start(args.codeswarm)
        self.pid = args.router_pid or listening_pid(self.port)
        self.base = args.mailbox

    def start(self, binary):
        self.root = tempfile.mkdtemp(prefix="codeswarm-bench-")
        self.state_dir = f"{self.root}/state"
        os.makedirs(self.state_dir, mode=0o700)
        config = {
            "provider": "local",
            # Every prompt steers the demo agent with [demo:slow=…][demo:deltas=…]; these are only defaults.
            "agent": {"command": ["codeswarm", "demo-agent", "--delay-ms", "0", "--deltas", "2"]},
        }
        for key, value in json.loads(self.args.router_config or "{}").items():
            config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
        with open(f"{self.root}/config.json", "w") as f:
            json.dump(config, f)
        environment = dict(os.environ, CODESWARM_STATE_DIR=self.state_dir)
        environment.pop("CODESWARM_ROUTER_PORT", None)
        log = open(f"{self.root}/router.log", "ab")
        self.process = subprocess.Popen(
            [binary, "router", "--port", "0", "--config", f"{self.root}/config.json"],
            env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with open(f"{self.state_dir}/router.json") as f:
                    self.port = json.load(f)["port"]
                    break
            except (OSError, ValueError, KeyError):
                time.sleep(0.05)
        else:
            raise SystemExit(f"the router did not start; see {self.root}/router.log")
        self.args.router_pid = self.process.pid
        if not self.args.mailbox:
            self.args.mailbox = f"{self.state_dir}/local"

    def client(self):
        return Client(self.port, token=self.token)

    def components(self):
        """{component: [pids]} of the router and everything it started."""
        result = {"router": [self.pid] if self.pid else []}
        if self.pid:
            for pid in descendants(self.pid):
                kind = classify(proc_cmdline(pid))
                if kind:
                    result.setdefault(kind, []).append(pid)
        return result

    def all_pids(self):
        return [pid for pids in self.components().values() for pid in pids]

    def launch(self, client, nodes, timeout=300):
        """Launches a local swarm of `nodes`; returns (swarm_id, seconds until swarm_launched)."""
        start = time.perf_counter()
        request_id = client.send("swarm_launch", {"nodes": nodes, "provider": "local"})
        arrival, event = client.wait_for(
            lambda e: data_of(e).get("request_id") == request_id
            and event_name(e) in ("swarm_launched", "command_rejected"),
            timeout, f"the launch of {nodes} nodes",
        )
        if event_name(event) != "swarm_launched":
            raise SystemExit(f"launch of {nodes} nodes failed: {data_of(event).get('reason')}")
        swarm_id = data_of(event)["swarm_id"]
        self.swarms.append(swarm_id)
        return swarm_id, arrival - start

    def terminate(self, client, swarm_id, timeout=120):
        request_id = client.send("swarm_terminate", {"swarm_id": swarm_id, "force": True})
        try:
            client.wait_for(
                lambda e: event_name(e) == "swarm_terminated" and data_of(e).get("swarm_id") == swarm_id,
                timeout, f"the end of swarm {swarm_id}",
            )
        except TimeoutError as error:
            print(f"warning: {error} (request {request_id})", file=sys.stderr)
        if swarm_id in self.swarms:
            self.swarms.remove(swarm_id)

    def stop(self):
        if self.swarms:
            try:
                client = self.client()
                for swarm_id in list(self.swarms):
                    self.terminate(client, swarm_id)
                client.close()
            except OSError:
                pass
        if self.process:
            leftovers = descendants(self.process.pid)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            for pid in leftovers:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if not self.args.keep:
                shutil.rmtree(self.root, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------------------
# Measurements


def prompt(delay_ms, deltas, text="benchmark"):
    """A prompt the demo agent answers after `delay_ms` before each of its `deltas` deltas."""
    return f"{text} [demo:slow={delay_ms}][demo:deltas={deltas}]"


class Injection:
    """Follows one inject to all nodes of a swarm through its events, with arrival times."""

    def __init__(self, client, swarm_id, nodes, content):
        self.client = client
        self.nodes = nodes
        self.sent = time.perf_counter()
        self.request_id = client.send("inject", {"swarm_id": swarm_id, "nodes": "all", "content": content})
        self.by_injection = {}
        self.delivered = {}
        self.first_delta = {}
        self.complete = {}
        self.deltas = 0
        self.failed = []

    def absorb(self, arrival, event):
        name, data = event_name(event), data_of(event)
        if name == "command_rejected" and data.get("request_id") == self.request_id:
            raise SystemExit(f"inject rejected: {data.get('reason')}")
        if name == "inject_ack" and data.get("request_id") == self.request_id:
            self.by_injection[data["injection_id"]] = data["node_id"]
            return
        node = self.by_injection.get(data.get("injection_id"))
        if node is None:
            return
        if name == "inject_delivered":
            self.delivered.setdefault(node, arrival - self.sent)
        elif name == "inject_failed":
            self.failed.append(data.get("error"))
            self.complete[node] = arrival - self.sent
        elif name == "assistant_delta":
            self.deltas += 1
            self.first_delta.setdefault(node, arrival - self.sent)
        elif name == "turn_complete":
            self.complete[node] = arrival - self.sent

    @property
    def done(self):
        return len(self.complete) >= self.nodes

    def follow(self, timeout):
        deadline = time.monotonic() + timeout
        while not self.done:
            arrival, event = self.client.next_event(deadline)
            self.absorb(arrival, event)
        return self


def measure_launch(router, client, nodes):
    window = LoadWindow(router.all_pids(), rescan=router.all_pids)
    swarm_id, seconds = router.launch(client, nodes)
    return swarm_id, {"nodes": nodes, "seconds": round(seconds, 3), **window.finish()}


def measure_rtt(router, client, count):
    window = LoadWindow(router.all_pids())
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        request_id = client.send("swarm_list")
        arrival, _ = client.wait_for(
            lambda e: data_of(e).get("request_id") == request_id and event_name(e) == "swarm_list", 30, "swarm_list"
        )
        samples.append((arrival - start) * 1000)
    return {"swarm_list_ms": summary(samples), **window.finish()}


def measure_latency(router, client, swarm_id, nodes, repeats, delay_ms):
    """inject to every node → delivered and → first delta, `repeats` times, one inject at a time."""
    window = LoadWindow(router.all_pids())
    all_delivered, node_delivered, first_delta_all, added_node, added_all = [], [], [], [], []
    failures = 0
    for _ in range(repeats):
        injection = Injection(client, swarm_id, nodes, prompt(delay_ms, 2)).follow(timeout=120)
        failures += len(injection.failed)
        if len(injection.delivered) == nodes:
            all_delivered.append(max(injection.delivered.values()) * 1000)
        node_delivered += [v * 1000 for v in injection.delivered.values()]
        if len(injection.first_delta) == nodes:
            latest = max(injection.first_delta.values()) * 1000
            first_delta_all.append(latest)
            added_all.append(latest - delay_ms)
        added_node += [v * 1000 - delay_ms for v in injection.first_delta.values()]
        time.sleep(0.2)
    return {
        "nodes": nodes,
        "agent_delay_ms": delay_ms,
        "all_delivered_ms": summary(all_delivered),
        "node_delivered_ms": summary(node_delivered),
        "first_delta_all_nodes_ms": summary(first_delta_all),
        "added_latency_all_nodes_ms": summary(added_all),
        "added_latency_per_node_ms": summary(added_node),
        "failed_injections": failures,
        **window.finish(),
    }


def measure_idle(router, nodes, seconds, strace_seconds):
    """CPU per component over `seconds` of idleness, then mailbox syscalls per node per second under strace."""
    time.sleep(3)  # let the last turn's output drain
    components = router.components()
    own = [pid for pids in components.values() for pid in pids]
    before = {pid: proc_ticks(pid) or 0 for pid in own}
    window = LoadWindow()
    time.sleep(seconds)
    used = {}
    own_ticks = 0
    for kind, pids in components.items():
        ticks = sum(max((proc_ticks(pid) or before[pid]) - before[pid], 0) for pid in pids)
        own_ticks += ticks
        used[kind] = {
            "processes": len(pids),
            "cpu_seconds": round(ticks / CLK_TCK, 3),
            "percent_of_core": round(100 * ticks / CLK_TCK / seconds, 3),
        }
    result = {"nodes": nodes, "seconds": seconds, "cpu": used, **window.finish(own_ticks)}
    if strace_seconds > 0:
        result["fs_ops"] = count_fs_ops(router, components, nodes, strace_seconds)
    return result


FS_SYSCALLS = (
    "open,openat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink,"
    "read,pread64,readv,fstat,getdents64,close,inotify_add_watch"
)
# "1234 name(" or "[pid 1234] name(", then whether the first argument is a descriptor ("3</path>") or a path.
SYSCALL_LINE = re.compile(r"\s*(?:\[pid\s+)?(?:\d+\]?\s+)?([a-z0-9_]+)\((\d+<)?")
WORKER_SAMPLE = 8
PATH_LOOKUPS = {"open", "openat", "stat", "lstat", "newfstatat", "statx", "access", "faccessat", "faccessat2",
                "readlink", "inotify_add_watch"}


def count_fs_ops(router, components, nodes, seconds):
    """Syscalls that name a file under the mailbox base, per second per node, for the relay and for the workers."""
    base = router.args.mailbox
    if not base:
        return {"error": "unknown mailbox base: pass --mailbox"}
    if not shutil.which("strace"):
        return {"error": "strace not installed"}
    mailbox = base.rstrip("/") + "/mailbox/"
    result = {"base": base, "seconds": seconds}
    tracers = []
    for kind in ("relay", "workers"):
        # A sample of workers: tracing hundreds of processes at once would slow them and lower their counts.
        pids = components.get(kind, [])[: (1 if kind == "relay" else WORKER_SAMPLE)]
        if not pids:
            continue
        output = tempfile.mktemp(prefix=f"bench-strace-{kind}-")
        argv = ["strace", "-f", "-y", "-qq", "-e", f"trace={FS_SYSCALLS}", "-o", output]
        for pid in pids:
            argv += ["-p", str(pid)]
        tracers.append((kind, len(pids), output, subprocess.Popen(argv, stderr=subprocess.DEVNULL)))
    time.sleep(1.0)  # attaching to many processes takes a moment; count only the steady window
    marks = {}
    for kind, _, output, _ in tracers:
        marks[kind] = os.path.getsize(output) if os.path.exists(output) else 0
    time.sleep(seconds)
    for kind, count, output, tracer in tracers:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=30)
        per_call = {}
        with open(output, "rb") as f:
            f.seek(marks[kind])
            f.readline()  # the line cut by the mark
            for line in f:
                text = line.decode(errors="replace")
                if mailbox not in text:
                    continue
                match = SYSCALL_LINE.match(text)
                if match:
                    call = match.group(1)
                    if call in ("newfstatat", "statx") and match.group(2) is not None:
                        call = "fstat"  # glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH): no path lookup
                    per_call[call] = per_call.get(call, 0) + 1
        os.unlink(output)
        total = sum(per_call.values())
        lookups = sum(v for k, v in per_call.items() if k in PATH_LOOKUPS)
        # The relay serves every node; a worker serves one. Both are reported per node.
        share = nodes if kind == "relay" else count
        if kind == "workers":
            result["workers_traced"] = count
        result[kind] = {
            "processes": count,
            "syscalls_per_node_per_s": round(total / seconds / max(share, 1), 2),
            "path_lookups_per_node_per_s": round(lookups / seconds / max(share, 1), 2),
            "by_syscall": per_call,
        }
    return result


class RSSSampler(threading.Thread):
    """Samples a process's RSS every `interval` seconds until stopped."""

    def __init__(self, pid, interval=1.0):
        super().__init__(daemon=True)
        self.pid, self.interval, self.samples = pid, interval, []
        self.stopping = threading.Event()
        self.start_time = time.monotonic()

    def run(self):
        while not self.stopping.is_set():
            rss = proc_rss_kib(self.pid)
            if rss is not None:
                self.samples.append((round(time.monotonic() - self.start_time, 1), rss))
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.join()
        values = [rss for _, rss in self.samples]
        if not values:
            return {}
        return {"first_mib": round(values[0] / 1024, 1), "max_mib": round(max(values) / 1024, 1),
                "last_mib": round(values[-1] / 1024, 1), "samples": len(values)}


def counter_main(port, token, request_ids, expected_injections, ready, results, timeout):
    """One counting client (own process): counts assistant_delta lines until every injection of the burst ended."""
    marker_parse = (b"inject_ack", b"turn_complete", b"inject_failed")
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        ready.put(True)
        injections, ended = set(), set()
        deltas, first, last, partial, received = 0, None, None, b"", 0
        cpu0 = time.process_time()
        deadline = time.monotonic() + timeout
        sock.settimeout(5)
        while len(ended) < expected_injections or len(injections) < expected_injections:
            if time.monotonic() > deadline:
                raise TimeoutError(f"burst not finished after {timeout} s ({len(ended)} of "
                                   f"{expected_injections} turns ended, {deltas} deltas)")
            try:
                chunk = sock.recv(1 << 20)
            except socket.timeout:
                continue
            if not chunk:
                raise ConnectionError("the router closed the connection (client queue bound?)")
            now = time.perf_counter()
            received += len(chunk)
            data = partial + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                partial = data
                continue
            partial = data[cut + 1:]
            complete = data[:cut]
            count = len(DELTA_PATTERN.findall(complete))
            if count:
                deltas += count
                first = first or now
                last = now
            if any(m in complete for m in marker_parse):
                for line in complete.split(b"\n"):
                    if not any(m in line for m in marker_parse):
                        continue
                    event = json.loads(line)
                    name, data_ = event.get("event"), event.get("data") or {}
                    if name == "inject_ack" and data_.get("request_id") in request_ids:
                        injections.add(data_["injection_id"])
                    elif name in ("turn_complete", "inject_failed") and data_.get("injection_id") in injections:
                        ended.add(data_["injection_id"])
        results.put({"deltas": deltas, "first": first, "last": last, "bytes": received, "end": time.perf_counter(),
                     "client_cpu_seconds": time.process_time() - cpu0})
    except Exception as error:  # reported to the parent, which prints it
        results.put({"error": f"{type(error).__name__}: {error}"})


def measure_burst(router, swarms, clients, deltas_per_node, timeout=900, sampler_interval=1.0):
    """Every node of `swarms` [(swarm_id, nodes)] streams `deltas_per_node` deltas with no delay; `clients` count."""
    context = multiprocessing.get_context("fork")
    ready, results = context.Queue(), context.Queue()
    request_ids = [str(uuid.uuid4()) for _ in swarms]
    expected = sum(nodes for _, nodes in swarms)
    counters = [
        context.Process(target=counter_main, args=(router.port, router.token, set(request_ids), expected, ready,
                                                   results, timeout))
        for _ in range(clients)
    ]
    for counter in counters:
        counter.start()
    for _ in counters:
        ready.get(timeout=30)
    time.sleep(0.3)
    components = router.components()
    own = [pid for pids in components.values() for pid in pids]
    before = {pid: proc_ticks(pid) or 0 for pid in own}
    sampler = RSSSampler(router.pid, sampler_interval) if router.pid else None
    if sampler:
        sampler.start()
    window = LoadWindow()
    sender = router.client()
    start = time.perf_counter()
    for (swarm_id, _), request_id in zip(swarms, request_ids):
        sender.send("inject", {"swarm_id": swarm_id, "nodes": "all",
                               "content": prompt(0, deltas_per_node, "burst")}, request_id=request_id)
    outcomes = [results.get(timeout=timeout + 60) for _ in counters]
    finished = time.perf_counter()
    for counter in counters:
        counter.join(timeout=10)
    sender.close()
    cpu, own_ticks = {}, 0
    for kind, pids in components.items():
        ticks = sum(max((proc_ticks(pid) or before[pid]) - before[pid], 0) for pid in pids)
        own_ticks += ticks
        cpu[kind] = round(ticks / CLK_TCK, 2)
    rss = sampler.stop() if sampler else {}
    errors = [o["error"] for o in outcomes if "error" in o]
    good = [o for o in outcomes if "error" not in o]
    # Two rates per client: over the window in which deltas arrived, and from the inject to the last delta (what a
    # user sees, including any pause before streaming starts). The second is the sustained figure.
    rates = [o["deltas"] / (o["last"] - o["first"]) for o in good if o["last"] and o["last"] > o["first"]]
    overall = [o["deltas"] / (o["last"] - start) for o in good if o["last"] and o["last"] > start]
    total_deltas = max((o["deltas"] for o in good), default=0)
    result = {
        "nodes": expected,
        "swarms": len(swarms),
        "clients": clients,
        "deltas_expected": expected * deltas_per_node,
        "deltas_received_min": min((o["deltas"] for o in good), default=0),
        "events_per_s_per_client": {"min": round(min(rates)) if rates else None,
                                    "max": round(max(rates)) if rates else None},
        "events_per_s_from_inject": {"min": round(min(overall)) if overall else None,
                                     "max": round(max(overall)) if overall else None},
        "seconds_inject_to_last_turn": round(finished - start, 2),
        "cpu_seconds": cpu,
        "router_cpu_us_per_delta": round(1e6 * cpu.get("router", 0) / total_deltas, 1) if total_deltas else None,
        "client_cpu_seconds_max": round(max((o["client_cpu_seconds"] for o in good), default=0), 2),
        "router_rss": rss,
        "errors": errors,
        **window.finish(own_ticks),
    }
    return result


def measure_rtt_during(router, action):
    """swarm_list round trips sampled every 100 ms on a separate connection while `action()` runs."""
    samples, stopping = [], threading.Event()

    def probe():
        client = router.client()
        while not stopping.is_set():
            start = time.perf_counter()
            request_id = client.send("swarm_list")
            try:
                arrival, _ = client.wait_for(
                    lambda e: data_of(e).get("request_id") == request_id and event_name(e) == "swarm_list", 60)
            except (TimeoutError, ConnectionError):
                break
            samples.append((arrival - start) * 1000)
            stopping.wait(0.1)
        client.close()

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    outcome = action()
    stopping.set()
    thread.join(timeout=70)
    return outcome, summary(samples)


def measure_replay(router):
    """A fresh client asks for everything (since_seq 0) and reads it all."""
    window = LoadWindow(router.all_pids())
    client = router.client()
    start = time.perf_counter()
    request_id = client.send("events_replay", {"since_seq": 0})
    count, size = 0, 0
    outcome = "complete"
    deadline = time.monotonic() + 600
    try:
        while True:
            _, event = client.next_event(deadline)
            if data_of(event).get("request_id") == request_id and event_name(event) == "replay_complete":
                break
            if data_of(event).get("request_id") == request_id and event_name(event) == "command_rejected":
                outcome = "rejected: " + str(data_of(event).get("reason"))
                break
            if "seq" in data_of(event):
                count += 1
    except ConnectionError:
        outcome = f"disconnected after {count} events"
    except TimeoutError:
        outcome = f"timed out after {count} events"
    elapsed = time.perf_counter() - start
    client.close()
    journal = None
    if router.state_dir:
        # Everything the router keeps (a journal file, or segments and checkpoints), not the mailbox under local/.
        size = 0
        for folder, subfolders, files in os.walk(router.state_dir):
            if folder == router.state_dir and "local" in subfolders:
                subfolders.remove("local")
            size += sum(os.path.getsize(os.path.join(folder, name)) for name in files
                        if os.path.exists(os.path.join(folder, name)))
        journal = round(size / 2**20, 1)
    return {"events": count, "seconds": round(elapsed, 2), "outcome": outcome,
            "events_per_s": round(count / elapsed) if elapsed > 0 else None, "state_mib": journal,
            **window.finish()}


# ----------------------------------------------------------------------------------------------------------------
# Driver


def quiet(client, seconds):
    """Reads (and discards) events for `seconds`, so the next measurement starts from a drained connection."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            client.next_event(deadline)
    except TimeoutError:
        pass


def run(args):
    results = []
    router = Router(args)
    scenarios = set(args.scenarios.split(","))

    def record(name, value):
        value = {"scenario": name, **value}
        results.append(value)
        print(json.dumps(value), flush=True)

    client = None

    def unread(action):
        """Runs `action` with the driver's own connection closed: it does not read during a burst, and the router
        would (rightly) disconnect a client whose queue passes its bound."""
        nonlocal client
        client.close()
        try:
            return action()
        finally:
            client = router.client()

    try:
        client = router.client()
        if "rtt" in scenarios:
            record("rtt", {"swarms": 0, **measure_rtt(router, client, args.rtt_count)})
        for nodes in [int(n) for n in args.sizes.split(",") if n]:
            if not scenarios & {"launch", "latency", "idle", "rtt"}:
                break
            swarm_id, launched = measure_launch(router, client, nodes)
            if "launch" in scenarios:
                record("launch", launched)
            quiet(client, 1.0)
            if "rtt" in scenarios:
                record("rtt", {"swarm_nodes": nodes, **measure_rtt(router, client, args.rtt_count)})
            if "latency" in scenarios:
                record("latency", measure_latency(router, client, swarm_id, nodes, args.repeats, args.agent_delay_ms))
            if "idle" in scenarios:
                quiet(client, 1.0)
                record("idle", measure_idle(router, nodes, args.idle_seconds, args.strace_seconds))
            router.terminate(client, swarm_id)
            quiet(client, 1.0)
        if "burst" in scenarios:
            for nodes in [int(n) for n in args.burst_sizes.split(",") if n]:
                swarm_id, _ = router.launch(client, nodes)
                quiet(client, 1.0)
                for clients in [int(c) for c in args.burst_clients.split(",") if c]:
                    deltas = max(args.burst_deltas // nodes, 1)
                    record("burst", unread(lambda: measure_burst(router, [(swarm_id, nodes)], clients, deltas)))
                    quiet(client, 2.0)
                router.terminate(client, swarm_id)
                quiet(client, 1.0)
        if "multi" in scenarios:
            window = LoadWindow(router.all_pids(), rescan=router.all_pids)
            start = time.perf_counter()
            requests = [client.send("swarm_launch", {"nodes": args.multi_nodes, "provider": "local"})
                        for _ in range(args.multi_swarms)]
            swarms = {}
            while len(swarms) < len(requests):
                _, event = client.wait_for(
                    lambda e: data_of(e).get("request_id") in requests
                    and event_name(e) in ("swarm_launched", "command_rejected"), 600, "the launches")
                if event_name(event) != "swarm_launched":
                    raise SystemExit(f"launch failed: {data_of(event).get('reason')}")
                swarms[data_of(event)["request_id"]] = data_of(event)["swarm_id"]
            router.swarms += list(swarms.values())
            launch = {"seconds_all_launched": round(time.perf_counter() - start, 2), **window.finish()}
            quiet(client, 2.0)
            targets = [(s, args.multi_nodes) for s in swarms.values()]
            deltas = max(args.burst_deltas // (args.multi_swarms * args.multi_nodes), 1)
            burst, rtt = unread(lambda: measure_rtt_during(
                router, lambda: measure_burst(router, targets, args.multi_clients, deltas)))
            record("multi", {"launch": launch, "burst": burst, "swarm_list_ms_during_burst": rtt})
            quiet(client, 2.0)
            latencies = [measure_latency(router, client, s, args.multi_nodes, max(args.repeats // 4, 2), args.agent_delay_ms)
                         for s in list(swarms.values())[:1]]
            record("multi_latency", latencies[0])
        if "replay" in scenarios:
            record("replay", measure_replay(router))
        if "soak" in scenarios:
            swarm_id, _ = router.launch(client, 16)
            quiet(client, 1.0)
            sampler = RSSSampler(router.pid, 5.0)
            sampler.start()
            rounds, end = 0, time.monotonic() + args.soak_seconds
            rates = []
            while time.monotonic() < end:
                burst = unread(lambda: measure_burst(router, [(swarm_id, 16)], 1, max(args.burst_deltas // 16, 1)))
                rates.append(burst["events_per_s_from_inject"]["min"] or 0)
                rounds += 1
            rss = sampler.stop()
            record("soak", {"seconds": args.soak_seconds, "rounds": rounds, "events_per_s": summary(rates),
                            "router_rss": rss, "rss_series_mib": [(t, round(v / 1024, 1)) for t, v in
                                                                   sampler.samples]})
            router.terminate(client, swarm_id)
        client.close()
    finally:
        router.stop()
    return results


def print_table(results):
    print("\nsummary (ms unless noted):")
    for r in results:
        s = r["scenario"]
        load = f"[load {r.get('loadavg_1m', '-')}, others {r.get('others_busy_cores', '-')} cores]"
        if s == "rtt":
            q = r["swarm_list_ms"]
            print(f"  swarm_list rtt ({r.get('swarm_nodes', 0)} nodes): p50 {q['p50']:.2f} p99 {q['p99']:.2f} {load}")
        elif s == "launch":
            print(f"  launch {r['nodes']} nodes: {r['seconds']} s {load}")
        elif s in ("latency", "multi_latency"):
            d, a = r["all_delivered_ms"], r["added_latency_per_node_ms"]
            f = r["first_delta_all_nodes_ms"]
            print(f"  inject {r['nodes']} nodes: all delivered p50 {d['p50']:.1f} p99 {d['p99']:.1f}; "
                  f"first delta all nodes p50 {f['p50']:.1f}; added per node p50 {a['p50']:.1f} p99 {a['p99']:.1f} "
                  f"{load}")
        elif s == "idle":
            cpu = ", ".join(f"{k} {v['percent_of_core']}%" for k, v in r["cpu"].items())
            fs = r.get("fs_ops", {})
            ops = ", ".join(f"{k} {v['path_lookups_per_node_per_s']} lookups/{v['syscalls_per_node_per_s']} calls"
                            for k, v in fs.items() if isinstance(v, dict) and "processes" in v)
            print(f"  idle {r['nodes']} nodes {r['seconds']} s: {cpu}; per node per s: {ops} {load}")
        elif s == "burst":
            e = r["events_per_s_from_inject"]
            print(f"  burst {r['nodes']} nodes → {r['clients']} client(s): {e['min']}–{e['max']} deltas/s, router "
                  f"{r['router_cpu_us_per_delta']} µs/delta, rss {r['router_rss']} {r['errors'] or ''} {load}")
        elif s == "multi":
            b = r["burst"]
            e = b["events_per_s_from_inject"]
            print(f"  multi {b['swarms']}×{b['nodes'] // b['swarms']} → {b['clients']} clients: launch "
                  f"{r['launch']['seconds_all_launched']} s, {e['min']}–{e['max']} deltas/s per client, "
                  f"router {b['router_cpu_us_per_delta']} µs/delta, swarm_list during burst p50 "
                  f"{r['swarm_list_ms_during_burst']['p50']} {b['errors'] or ''}")
        elif s == "replay":
            print(f"  replay: {r['events']} events in {r['seconds']} s ({r['outcome']}, journal "
                  f"{r['state_mib']} MiB state)")
        elif s == "soak":
            print(f"  soak {r['seconds']} s: {r['rounds']} bursts, rss {r['router_rss']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--build", action="store_true", help="swift build -c release here, then start that router")
    target.add_argument("--codeswarm", metavar="BIN", help="start `BIN router` with its own temporary state")
    target.add_argument("--port", type=int, help="measure a router already listening on 127.0.0.1:PORT")
    parser.add_argument("--router-pid", type=int, help="the router's pid (default: whoever listens on the port)")
    parser.add_argument("--mailbox", help="the mailbox base of an external router (for filesystem counts)")
    parser.add_argument("--token-file", help="a token to put in every command (field `token`)")
    parser.add_argument("--router-config", metavar="JSON",
                        help='merged into the config of a router we start, e.g. \'{"mailbox":{"inotify":false}}\'')
    parser.add_argument("--scenarios", default="launch,rtt,latency,idle,burst,multi,replay")
    parser.add_argument("--sizes", default="4,16,64,256", help="swarm sizes for launch/rtt/latency/idle")
    parser.add_argument("--repeats", type=int, default=20, help="injects per latency measurement")
    parser.add_argument("--agent-delay-ms", type=int, default=50, help="the demo agent's delay before each delta")
    parser.add_argument("--rtt-count", type=int, default=200)
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--strace-seconds", type=float, default=10, help="0 skips the filesystem count")
    parser.add_argument("--burst-sizes", default="16,64")
    parser.add_argument("--burst-clients", default="1,5")
    parser.add_argument("--burst-deltas", type=int, default=96000, help="deltas per burst, over all nodes")
    parser.add_argument("--multi-swarms", type=int, default=8)
    parser.add_argument("--multi-nodes", type=int, default=32)
    parser.add_argument("--multi-clients", type=int, default=5)
    parser.add_argument("--soak-seconds", type=float, default=600)
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary state directory")
    args = parser.parse_args()
    if args.build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "codeswarm"], cwd=REPO, check=True)
        args.codeswarm = f"{REPO}/.build/release/codeswarm"
    if args.codeswarm:
        args.codeswarm = os.path.abspath(args.codeswarm)
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    results = run(args)
    header = {"started": started, "uname": " ".join(os.uname()), "argv": sys.argv, "cores": os.cpu_count()}
    if args.codeswarm:
        commit = subprocess.run(["git", "-C", os.path.dirname(args.codeswarm), "describe", "--always", "--dirty"],
                                capture_output=True, text=True).stdout.strip()
        header["binary"] = args.codeswarm
        header["commit"] = commit
    print_table(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"run": header, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
