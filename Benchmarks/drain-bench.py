#!/usr/bin/env python3
"""Drain and resume, measured: N nodes mid-turn get SIGTERM (what Slurm's --signal=TERM@60 sends at the time
limit), and the harness times how long the workers take to interrupt their turns, record them and exit, against the
60 s budget; then `swarm_resume` is sent with a prompt for every node right behind it, and the harness times
submit → every node answering.

    python3 Benchmarks/drain-bench.py --codeswarm .build/release/codeswarm --nodes 16 --agent codex

`--agent codex` runs the real codex (scripts/codex/install.sh, the pinned version from PyPI) against the offline
model stand-in (scripts/codex/model-standin.py), so the resumed turn's request shows whether the thread came back:
the stand-in's `[sim:recall]` answers with the conversation's earlier user messages. `--agent demo` uses the
built-in demo agent. The router is started by router-bench.py's `Router` (its own state folder, local provider);
the client is plain Python. Prints one JSON object per repeat (and writes them with `--json FILE`).
"""

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

_spec = importlib.util.spec_from_file_location("router_bench", os.path.join(HERE, "router-bench.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

#: Slurm's warning time before the kill: the drain must fit in it.
BUDGET_SECONDS = 60


def start_codex_standin(folder):
    """Installs the pinned codex, starts the model stand-in, and returns (router config overlay, stand-in process)."""
    codex = subprocess.run(
        ["bash", os.path.join(ROOT, "scripts/codex/install.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    home = os.path.join(folder, "codex-home")
    os.makedirs(home, mode=0o700)
    port_file = os.path.join(folder, "standin.port")
    standin = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "scripts/codex/model-standin.py"), "--port-file", port_file],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "standin.log"), "ab"), start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.monotonic() > deadline:
            raise SystemExit(f"the model stand-in did not start; see {folder}/standin.log")
        time.sleep(0.05)
    port = open(port_file).read().strip()
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write(
            'model = "standin-model"\nmodel_provider = "standin"\n\n[model_providers.standin]\n'
            f'name = "stand-in"\nbase_url = "http://127.0.0.1:{port}/v1"\nwire_api = "responses"\n'
            "requires_openai_auth = false\n"
        )
    # A fresh CODEX_HOME is initialised once, so the nodes do not race to create its state.
    subprocess.run(
        [codex, "app-server", "--listen", "stdio://"], env=dict(os.environ, CODEX_HOME=home),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
    )
    overlay = {
        "agent": {
            "command": [codex, "app-server", "--listen", "stdio://"],
            "environment": {"CODEX_HOME": home},
            "sandbox": "workspace-write",
            "approval_policy": "never",
        }
    }
    return overlay, standin


def directives(agent, deltas, delay_ms, recall=False):
    if agent == "codex":
        return f"[sim:deltas={deltas}][sim:delay={delay_ms}]" + ("[sim:recall]" if recall else "")
    return f"[demo:deltas={deltas}][demo:slow={delay_ms}]"


def injection_ids(events, request_id):
    """{node: injection_id} of the acks for one inject."""
    return {
        bench.data_of(e)["node_id"]: bench.data_of(e)["injection_id"]
        for e in events
        if bench.event_name(e) == "inject_ack" and bench.data_of(e).get("request_id") == request_id
    }


def collect(client, until, timeout, what):
    """Reads events until `until(events)` holds; returns (events, arrival times)."""
    events, arrivals = [], []
    deadline = time.monotonic() + timeout
    while not until(events):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SystemExit(f"timed out after {timeout} s waiting for {what}")
        try:
            arrival, event = client.next_event(time.monotonic() + remaining)
        except TimeoutError:
            raise SystemExit(f"timed out after {timeout} s waiting for {what}") from None
        events.append(event)
        arrivals.append(arrival)
    return events, arrivals


def run_once(args, router, client):
    nodes = args.nodes
    swarm, launch_s = router.launch(client, nodes)
    words = [f"word-{n:02d}" for n in range(nodes)]
    # Each node remembers its own word: one inject per node, answered before the long turn.
    for node, word in enumerate(words):
        request = client.send(
            "inject", {"swarm_id": swarm, "nodes": [node], "content": f"Remember the word {word}. "
                       + directives(args.agent, 2, 1)})
        client.wait_for(
            lambda e: bench.event_name(e) == "turn_complete" and bench.data_of(e).get("node_id") == node
            and bench.data_of(e).get("swarm_id") == swarm, 120, f"node {node}'s first answer")
    # The long turn: every node streams for about turn_seconds when the signal comes.
    per_delta = 100
    long_request = client.send(
        "inject", {"swarm_id": swarm, "content": "Write a long essay. "
                   + directives(args.agent, int(args.turn_seconds * 1000 / per_delta), per_delta)})
    events, _ = collect(
        client,
        lambda es: len({bench.data_of(e).get("node_id") for e in es if bench.event_name(e) == "assistant_delta"
                        and bench.data_of(e).get("swarm_id") == swarm}) == nodes,
        120, "every node streaming the long turn")
    long_ids = injection_ids(events, long_request)
    time.sleep(args.mid_turn_seconds)

    # The harness runs one swarm at a time, so every worker of the router is this swarm's.
    job_workers = router.components().get("workers", [])
    if len(job_workers) != nodes:
        raise SystemExit(f"found {len(job_workers)} worker processes for {nodes} nodes: {router.components()}")
    signalled = time.perf_counter()
    for pid in job_workers:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    # Every worker interrupts (or finishes) its turn, reports it, and the swarm ends.
    events, arrivals = collect(
        client,
        lambda es: any(bench.event_name(e) == "swarm_terminated" and bench.data_of(e).get("swarm_id") == swarm
                       for e in es),
        BUDGET_SECONDS * 2, "the swarm's end after SIGTERM")
    ended_s = arrivals[-1] - signalled
    turn_ends = {}
    for event, arrival in zip(events, arrivals):
        data = bench.data_of(event)
        if bench.event_name(event) == "turn_complete" and data.get("injection_id") in long_ids.values():
            turn_ends[data["node_id"]] = (data.get("status"), arrival - signalled)
    exit_deadline = time.monotonic() + BUDGET_SECONDS
    while any(os.path.exists(f"/proc/{pid}") and "Z" not in open(f"/proc/{pid}/stat").read().split()[2:3]
              for pid in job_workers if os.path.exists(f"/proc/{pid}")) and time.monotonic() < exit_deadline:
        time.sleep(0.02)
    exited_s = time.perf_counter() - signalled

    # Resume, with a prompt for every node right behind the command: held, then delivered after the resume.
    submitted = time.perf_counter()
    resume_request = client.send("swarm_resume", {"swarm_id": swarm})
    ask = client.send(
        "inject", {"swarm_id": swarm, "content": "Which word did I ask you to remember? "
                   + directives(args.agent, 2, 1, recall=True)})
    events, arrivals = collect(
        client,
        lambda es: any(bench.event_name(e) == "command_rejected" and bench.data_of(e).get("request_id")
                       in (resume_request, ask) for e in es)
        or len({bench.data_of(e).get("node_id") for e in es if bench.event_name(e) == "turn_complete"
                and bench.data_of(e).get("swarm_id") == swarm
                and bench.data_of(e).get("injection_id") in injection_ids(es, ask).values()}) == nodes,
        300, "every node's answer after the resume")
    rejected = [e for e in events if bench.event_name(e) == "command_rejected"]
    if rejected:
        raise SystemExit(f"rejected: {bench.data_of(rejected[0]).get('reason')}")
    resumed = next(e for e in events if bench.event_name(e) == "swarm_resumed")
    resumed_at = arrivals[events.index(resumed)]
    ask_ids = injection_ids(events, ask)
    first_delta, answers = {}, {}
    for event, arrival in zip(events, arrivals):
        data = bench.data_of(event)
        if data.get("injection_id") not in ask_ids.values():
            continue
        if bench.event_name(event) == "assistant_delta":
            first_delta.setdefault(data["node_id"], arrival - submitted)
            answers[data["node_id"]] = answers.get(data["node_id"], "") + data.get("content", "")
    outcomes = bench.data_of(resumed).get("nodes", [])
    recalled = sum(1 for node, word in enumerate(words) if word in answers.get(node, "")) if args.agent == "codex" \
        else None
    result = {
        "agent": args.agent, "nodes": nodes, "launch_s": round(launch_s, 2),
        "signal_to_last_turn_recorded_s": round(max((t for _, t in turn_ends.values()), default=float("nan")), 2),
        "signal_to_swarm_ended_s": round(ended_s, 2),
        "signal_to_every_worker_exited_s": round(exited_s, 2),
        "budget_s": BUDGET_SECONDS,
        "turns_interrupted": sum(1 for status, _ in turn_ends.values() if status == "interrupted"),
        "turns_other": {str(n): s for n, (s, _) in turn_ends.items() if s != "interrupted"},
        "interrupted_listed_in_resume": len(bench.data_of(resumed).get("interrupted", [])),
        "threads_resumed": sum(1 for o in outcomes if o.get("resumed")),
        "submit_to_swarm_resumed_s": round(resumed_at - submitted, 2),
        "submit_to_every_node_answering_s": round(max(first_delta.values(), default=float("nan")), 2),
        "answers_naming_the_remembered_word": recalled,
        "load_1min": os.getloadavg()[0],
    }
    router.terminate(client, swarm)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codeswarm", required=True, help="the codeswarm binary whose router is measured")
    parser.add_argument("--nodes", type=int, default=16)
    parser.add_argument("--agent", choices=["codex", "demo"], default="codex")
    parser.add_argument("--turn-seconds", type=float, default=120, help="how long the interrupted turn would run")
    parser.add_argument("--mid-turn-seconds", type=float, default=2, help="how far into the turn SIGTERM comes")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", help="also write the results (a JSON list) to this file")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="codeswarm-drain-")
    standin = None
    overlay = {}
    if args.agent == "codex":
        overlay, standin = start_codex_standin(folder)
    router_args = argparse.Namespace(
        port=None, token_file=None, codeswarm=args.codeswarm, router_pid=None, mailbox=None, keep=False,
        router_config=json.dumps(overlay))
    router = bench.Router(router_args)
    results = []
    try:
        client = router.client()
        for _ in range(args.repeats):
            result = run_once(args, router, client)
            print(json.dumps(result), flush=True)
            results.append(result)
    except (SystemExit, TimeoutError, ConnectionError) as error:
        # Keep everything the router wrote, and say which processes are still there, to see what hung.
        router_args.keep = True
        alive = {kind: pids for kind, pids in router.components().items()}
        print(f"failed: {error}; processes: {alive}; state and logs kept in {router.root}", file=sys.stderr)
        raise
    finally:
        router.stop()
        if standin:
            os.killpg(standin.pid, signal.SIGTERM)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
