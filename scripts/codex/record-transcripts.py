#!/usr/bin/env python3
"""Records golden transcripts: a real `codex app-server` driven through scripted scenarios against the stand-in.

Each scenario writes <out>/<name>.jsonl, one JSON object per line in the order they crossed codex's stdio:
{"direction": "to_agent" | "from_agent", "message": <the JSON-RPC message>}. Paths that differ per run
(CODEX_HOME, the working directory) are replaced by /codex-home and /work; ids and times are codex's own.
Also writes <out>/standin-requests.jsonl: what codex sent the model in each scenario (bodies shortened).

Usage: record-transcripts.py --codex PATH --out DIR [--only NAME ...]
"""

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def write_config(home, port):
    with open(os.path.join(home, "config.toml"), "w", encoding="utf-8") as handle:
        handle.write(CONFIG_TEMPLATE.format(port=port))


# The same provider block the tests use (Tests/TestSupport/RealCodex.swift writes an equivalent one).
CONFIG_TEMPLATE = """model = "standin-model"
model_provider = "standin"

[model_providers.standin]
name = "Codeswarm model stand-in"
base_url = "http://127.0.0.1:{port}/v1"
wire_api = "responses"
requires_openai_auth = false
request_max_retries = 2
stream_max_retries = 1
stream_idle_timeout_ms = 20000
"""


class Session:
    """One codex app-server process and the transcript of its stdio."""

    def __init__(self, codex, home, work, transcript):
        self.home, self.work, self.transcript = home, work, transcript
        env = dict(os.environ, CODEX_HOME=home, RUST_LOG="error")
        self.process = subprocess.Popen(
            [codex, "app-server", "--listen", "stdio://"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(os.path.join(home, "stderr.log"), "ab"), env=env, cwd=work)
        self.lines = queue.Queue()
        self.next_id = 0
        self.decision = "accept"
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def normalise(self, value):
        if isinstance(value, str):
            return value.replace(self.home, "/codex-home").replace(self.work, "/work")
        if isinstance(value, list):
            return [self.normalise(item) for item in value]
        if isinstance(value, dict):
            return {key: self.normalise(item) for key, item in value.items()}
        return value

    def log(self, direction, message):
        self.transcript.append({"direction": direction, "message": self.normalise(message)})

    def send(self, message):
        self.log("to_agent", message)
        self.process.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
        self.process.stdin.flush()

    def request(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        self.send({"id": request_id, "method": method, "params": params})
        return request_id

    def wait(self, predicate, timeout=60, what="a message"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("codex exited while waiting for " + what)
            message = json.loads(line)
            self.log("from_agent", message)
            if message.get("method", "").endswith("requestApproval") and "id" in message:
                self.send({"id": message["id"], "result": {"decision": self.decision}})
            if predicate(message):
                return message
        raise RuntimeError("timed out waiting for " + what)

    def response(self, request_id, timeout=60):
        return self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout, "response %d" % request_id)

    def handshake(self):
        self.response(self.request("initialize", {
            "clientInfo": {"name": "codeswarm", "title": "Codeswarm", "version": "0.1.0"},
            "capabilities": {"experimentalApi": False}}))
        self.send({"method": "initialized"})

    def start_thread(self, policy="never"):
        reply = self.response(self.request("thread/start", {
            "cwd": self.work, "sandbox": "workspace-write", "approvalPolicy": policy}))
        return reply["result"]["thread"]["id"]

    def turn(self, thread, text):
        reply = self.response(self.request("turn/start", {
            "threadId": thread, "input": [{"type": "text", "text": text, "text_elements": []}]}))
        return reply["result"]["turn"]["id"]

    def completed(self, timeout=60):
        return self.wait(lambda m: m.get("method") == "turn/completed", timeout, "turn/completed")

    def drain(self, seconds=0.5):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is None:
                return
            self.log("from_agent", json.loads(line))

    def close(self):
        self.drain()
        self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def plain(run):
    session = run.session()
    thread = session.start_thread()
    session.turn(thread, "Say hello [sim:deltas=3]")
    session.completed()
    session.close()


def approval(run):
    session = run.session()
    thread = session.start_thread("untrusted")
    session.turn(thread, "Run the check [sim:exec=echo checked; exit 3]")
    session.completed()
    session.close()


def declined(run):
    session = run.session()
    session.decision = "decline"
    thread = session.start_thread("untrusted")
    session.turn(thread, "Run the check [sim:exec=echo never-runs]")
    session.completed()
    session.close()


def reasoning(run):
    session = run.session()
    thread = session.start_thread()
    session.turn(thread, "Think first [sim:reasoning=Weighing the options] [sim:deltas=2]")
    session.completed()
    session.close()


def retried(run):
    # An HTTP 500 is retried (the stand-in answers normally the second time).
    session = run.session()
    thread = session.start_thread()
    session.turn(thread, "Answer after a hiccup [sim:http=500] [sim:deltas=2]")
    session.completed()
    session.close()


def rate_limited(run):
    # Codex 0.163 does not retry an HTTP 429 from the model: the turn fails at once.
    session = run.session()
    thread = session.start_thread()
    session.turn(thread, "Too many requests [sim:http=429]")
    session.completed()
    session.close()


def failed(run):
    session = run.session()
    thread = session.start_thread()
    session.turn(thread, "This never works [sim:http=500,500,500,500,500,500,500,500]")
    session.completed(timeout=90)
    session.close()


def interrupted(run):
    session = run.session()
    thread = session.start_thread()
    turn = session.turn(thread, "A long answer [sim:deltas=8] [sim:cut=2]")
    session.wait(lambda m: m.get("method") == "item/agentMessage/delta", what="a delta")
    session.response(session.request("turn/interrupt", {"threadId": thread, "turnId": turn}))
    session.completed()
    session.close()


def steered(run):
    session = run.session()
    thread = session.start_thread()
    turn = session.turn(thread, "Count slowly [sim:deltas=6] [sim:delay=250]")
    session.wait(lambda m: m.get("method") == "item/agentMessage/delta", what="a delta")
    session.response(session.request("turn/steer", {
        "threadId": thread, "expectedTurnId": turn,
        "input": [{"type": "text", "text": "Also mention the steering [sim:deltas=2]", "text_elements": []}]}))
    session.completed()
    # Steering with no running turn is refused.
    session.response(session.request("turn/steer", {
        "threadId": thread, "expectedTurnId": turn,
        "input": [{"type": "text", "text": "too late", "text_elements": []}]}))
    session.close()


def resumed(run):
    first = run.session()
    thread = first.start_thread()
    first.turn(thread, "Remember the word tangerine [sim:deltas=2]")
    first.completed()
    first.close()
    second = run.session()
    # An unknown thread is refused; the stored one resumes with its history.
    second.response(second.request("thread/resume", {"threadId": "01a23000-0000-7000-8000-000000000000"}))
    # As the worker resumes: its settings again, and no history in the answer (excludeTurns).
    second.response(second.request("thread/resume", {
        "threadId": thread, "cwd": run.work, "sandbox": "workspace-write", "approvalPolicy": "never",
        "excludeTurns": True}))
    second.turn(thread, "Which word? [sim:deltas=2]")
    second.completed()
    second.close()


SCENARIOS = [plain, approval, declined, reasoning, retried, rate_limited, failed, interrupted, steered, resumed]


class Run:
    """One scenario: a fresh CODEX_HOME and working directory, and the transcript being recorded."""

    def __init__(self, codex, port, root):
        self.codex = codex
        self.home = os.path.join(root, "codex-home")
        self.work = os.path.join(root, "work")
        os.makedirs(self.home)
        os.makedirs(self.work)
        write_config(self.home, port)
        self.transcript = []

    def session(self):
        session = Session(self.codex, self.home, self.work, self.transcript)
        session.handshake()
        return session


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codex", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    args.codex = os.path.abspath(args.codex)
    os.makedirs(args.out, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="codeswarm-transcripts-")
    record = os.path.join(scratch, "requests.jsonl")
    standin = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "model-standin.py"), "--record", record], stdout=subprocess.PIPE)
    port = int(standin.stdout.readline().split()[1])
    requests = []
    try:
        for scenario in SCENARIOS:
            if args.only and scenario.__name__ not in args.only:
                continue
            root = os.path.join(scratch, scenario.__name__)
            run = Run(args.codex, port, root)
            seen = sum(1 for _ in open(record)) if os.path.exists(record) else 0
            scenario(run)
            with open(os.path.join(args.out, scenario.__name__ + ".jsonl"), "w", encoding="utf-8") as handle:
                for entry in run.transcript:
                    handle.write(json.dumps(entry, sort_keys=True) + "\n")
            with open(record) as handle:
                for line in list(handle)[seen:]:
                    entry = json.loads(line)
                    body = entry.get("body") or {}
                    summary = {"scenario": scenario.__name__, "path": entry["path"],
                               "input": [summarise(item) for item in body.get("input", [])]}
                    text = json.dumps(summary).replace(run.home, "/codex-home").replace(run.work, "/work")
                    requests.append(json.loads(text))
            print("recorded %s (%d lines)" % (scenario.__name__, len(run.transcript)), file=sys.stderr)
    finally:
        standin.terminate()
        standin.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    with open(os.path.join(args.out, "standin-requests.jsonl"), "w", encoding="utf-8") as handle:
        for entry in requests:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")


def summarise(item):
    """An input item without codex's long instruction texts: type, role and the first 120 characters."""
    text = ""
    if isinstance(item.get("content"), list):
        text = "".join(part.get("text", "") for part in item["content"] if isinstance(part, dict))
    elif "output" in item:
        text = item["output"] if isinstance(item["output"], str) else json.dumps(item["output"])
    elif "arguments" in item:
        text = item["arguments"]
    return {"type": item.get("type"), "role": item.get("role"), "text": text[:120]}


if __name__ == "__main__":
    main()
