#!/usr/bin/env python3
"""An offline stand-in for the model: serves the OpenAI Responses API's streaming endpoint to a real codex.

Codex is pointed at it with a CODEX_HOME whose config.toml names a custom provider
(`base_url = "http://127.0.0.1:PORT/v1"`, `wire_api = "responses"`, `requires_openai_auth = false`).
Every `POST /v1/responses` is answered as server-sent events: response.created,
response.output_item.added, response.output_text.delta ..., response.output_item.done, response.completed.

What each answer does is scripted per test, in two ways (rules first):

* Rules: a JSON list in the file given with --rules (re-read whenever it changes), or POSTed to
  /_standin/rules. Each rule is
  {"match": "text in the last user message", "after_tool": true|false (optional), "times": N (optional),
   "reply": {directives as a JSON object: "text", "deltas", "delay_ms", "exec", "reasoning", "http", "cut",
   "drop", "first_byte_ms"}}. The first rule that matches (and has uses left) decides.
* Directives in the prompt itself, `[sim:NAME]` or `[sim:NAME=VALUE]`:
    [sim:deltas=N]      stream the text in N deltas (default 4)
    [sim:delay=MS]      wait MS milliseconds before each delta (default 10)
    [sim:first-byte=MS] wait MS milliseconds before the first event (a slow start)
    [sim:text=WORDS]    answer exactly WORDS (otherwise a digest header and words of the prompt)
    [sim:exec=CMD]      answer with a function call exec_command {"cmd": CMD}; once its output comes back
                        (the next request ends with function_call_output) answer with text naming the output
    [sim:reasoning=T]   stream a reasoning summary T before the answer
    [sim:http=429,500]  answer the first attempts with these HTTP statuses (codex retries), then normally
    [sim:cut=K]         stop after K deltas and hold the connection open without finishing (a stalled stream)
    [sim:drop=K]        close the connection after K deltas (a stream that breaks mid-turn)
    [sim:recall]        answer "Earlier you said: A | B | ..." with the conversation's earlier user messages, as codex
                        sent them in this request (a resumed thread carries them; a new one has none)

Every request is recorded (one JSON object per line) to --record FILE and kept in memory for
GET /_standin/requests: {"seq", "method", "path", "headers", "body"}. The port is printed on stdout as
`listening PORT` (and written to --port-file) once the server accepts connections.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIRECTIVE = re.compile(r"\[sim:([a-z-]+)(?:=([^\]]*))?\]")
# Requests without a user message text, or answers longer than this many words, are cut to this.
MAX_WORDS = 64


class State:
    """What the server shares between request threads: rules, recorded requests, attempt counters."""

    def __init__(self, rules_path, record_path):
        self.lock = threading.Lock()
        self.rules = []
        self.rules_path = rules_path
        self.rules_stamp = None
        self.requests = []
        self.record_path = record_path
        self.attempts = {}
        self.response_counter = 0

    def record(self, entry):
        with self.lock:
            entry["seq"] = len(self.requests) + 1
            self.requests.append(entry)
            if self.record_path:
                with open(self.record_path, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry, sort_keys=True) + "\n")
                    handle.flush()
            return entry["seq"]

    def next_response_id(self):
        with self.lock:
            self.response_counter += 1
            return self.response_counter

    def attempt(self, key):
        """How many times this exact request has been seen before (retries of one request share a key)."""
        with self.lock:
            count = self.attempts.get(key, 0)
            self.attempts[key] = count + 1
            return count

    def reload_rules(self):
        """Re-reads the rules file when it changed (tests replace it atomically between turns)."""
        if not self.rules_path:
            return
        try:
            status = os.stat(self.rules_path)
        except OSError:
            return
        stamp = (status.st_mtime_ns, status.st_ino, status.st_size)
        if stamp == self.rules_stamp:
            return
        with open(self.rules_path, encoding="utf-8") as handle:
            self.rules = [dict(rule) for rule in json.load(handle)]
        self.rules_stamp = stamp

    def plan_from_rules(self, user_text, after_tool):
        with self.lock:
            self.reload_rules()
            for rule in self.rules:
                if rule.get("match", "") not in user_text:
                    continue
                if "after_tool" in rule and bool(rule["after_tool"]) != after_tool:
                    continue
                times = rule.get("times")
                if times is not None:
                    if times <= 0:
                        continue
                    rule["times"] = times - 1
                return dict(rule.get("reply", {}))
        return None


def message_text(item):
    parts = item.get("content")
    if isinstance(parts, str):
        return parts
    if not isinstance(parts, list):
        return ""
    return "".join(part.get("text", "") for part in parts if isinstance(part, dict))


def conversation_facts(body):
    """The last real user message's text, and the output of a tool call if the input ends with one."""
    items = body.get("input") or []
    user_text = ""
    for item in items:
        if item.get("type") == "message" and item.get("role") == "user":
            text = message_text(item)
            # Codex adds its own context messages (environment, instructions) as user messages.
            if text.lstrip().startswith("<"):
                continue
            user_text = text
    tool_output = None
    if items and items[-1].get("type") == "function_call_output":
        output = items[-1].get("output")
        tool_output = output if isinstance(output, str) else json.dumps(output)
    return user_text, tool_output


def earlier_user_texts(body):
    """The real user messages before the last one, in order: what the conversation so far holds."""
    texts = []
    for item in body.get("input") or []:
        if item.get("type") == "message" and item.get("role") == "user":
            text = message_text(item)
            if not text.lstrip().startswith("<"):
                texts.append(text)
    return texts[:-1]


def directives(text):
    found = {}
    for name, value in DIRECTIVE.findall(text):
        found[name.replace("-", "_")] = value if value != "" else True
    return found


def fnv1a64(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % value


def default_text(user_text):
    data = user_text.encode("utf-8")
    words = [word[:24] for word in user_text.split() if not word.startswith("[sim:")][:MAX_WORDS]
    header = "Stand-in answer (bytes=%d fnv1a64=%s)." % (len(data), fnv1a64(data))
    return " ".join([header] + words)


def split_deltas(text, count):
    count = max(1, count)
    if count == 1 or len(text) <= 1:
        return [text]
    size = max(1, -(-len(text) // count))
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    return pieces


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "codeswarm-model-standin/1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write("standin: " + (format % args) + "\n")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "") == "zstd":
            return raw, None
        try:
            return raw, json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return raw, None

    def reply_json(self, status, value):
        data = json.dumps(value).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, body, raw):
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": {key.lower(): value for key, value in self.headers.items()},
            "body": body,
        }
        if body is None and raw:
            entry["raw_length"] = len(raw)
        return self.server.state.record(entry)

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path.startswith("/_standin/requests"):
            with self.server.state.lock:
                self.reply_json(200, list(self.server.state.requests))
            return
        self.record(None, b"")
        if self.path.rstrip("/").endswith("/models"):
            self.reply_json(200, {"object": "list", "data": [], "models": []})
            return
        self.reply_json(404, {"error": {"message": "not served by the stand-in: " + self.path}})

    def do_POST(self):  # noqa: N802 - the base class's name
        raw, body = self.read_body()
        if self.path == "/_standin/rules":
            with self.server.state.lock:
                self.server.state.rules = [dict(rule) for rule in (body or [])]
                self.server.state.rules_path = None
            self.reply_json(200, {"rules": len(body or [])})
            return
        self.record(body, raw)
        if not self.path.rstrip("/").endswith("/responses") or not isinstance(body, dict):
            self.reply_json(404, {"error": {"message": "not served by the stand-in: " + self.path}})
            return
        self.respond(body)

    def respond(self, body):
        user_text, tool_output = conversation_facts(body)
        after_tool = tool_output is not None
        plan = self.server.state.plan_from_rules(user_text, after_tool)
        if plan is None:
            plan = directives(user_text)
        key = hashlib.sha256(json.dumps(body.get("input"), sort_keys=True).encode()).hexdigest()
        attempt = self.server.state.attempt(key)
        statuses = [s for s in str(plan.get("http", "")).split(",") if s.strip().isdigit()]
        if attempt < len(statuses):
            status = int(statuses[attempt])
            self.reply_json(status, {"error": {"message": "stand-in HTTP %d (attempt %d)" % (status, attempt + 1)}})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.stream(body, plan, user_text, tool_output)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def event(self, value):
        self.wfile.write(("event: %s\ndata: %s\n\n" % (value["type"], json.dumps(value))).encode("utf-8"))
        self.wfile.flush()

    def stream(self, body, plan, user_text, tool_output):
        number = self.server.state.next_response_id()
        response_id = "resp_standin_%d" % number
        delay = float(plan.get("delay_ms", plan.get("delay", 10))) / 1000.0
        first_byte = float(plan.get("first_byte_ms", plan.get("first_byte", 0))) / 1000.0
        if first_byte > 0:
            time.sleep(first_byte)
        self.event({"type": "response.created", "response": {"id": response_id}})
        index = 0
        output_tokens = 0
        if plan.get("reasoning") and tool_output is None:
            summary = str(plan["reasoning"])
            item_id = "rs_standin_%d" % number
            self.event({"type": "response.output_item.added", "output_index": index,
                        "item": {"type": "reasoning", "id": item_id, "summary": []}})
            self.event({"type": "response.reasoning_summary_part.added", "item_id": item_id, "output_index": index,
                        "summary_index": 0, "part": {"type": "summary_text", "text": ""}})
            for piece in split_deltas(summary, 2):
                time.sleep(delay)
                self.event({"type": "response.reasoning_summary_text.delta", "item_id": item_id,
                            "output_index": index, "summary_index": 0, "delta": piece})
            self.event({"type": "response.reasoning_summary_text.done", "item_id": item_id, "output_index": index,
                        "summary_index": 0, "text": summary})
            self.event({"type": "response.output_item.done", "output_index": index,
                        "item": {"type": "reasoning", "id": item_id,
                                 "summary": [{"type": "summary_text", "text": summary}]}})
            output_tokens += max(1, len(summary) // 4)
            index += 1
        if plan.get("exec") and tool_output is None:
            call_id = "call_standin_%d" % number
            arguments = json.dumps({"cmd": str(plan["exec"])})
            item = {"type": "function_call", "id": "fc_standin_%d" % number, "call_id": call_id,
                    "name": "exec_command", "arguments": arguments}
            self.event({"type": "response.output_item.added", "output_index": index, "item": item})
            self.event({"type": "response.output_item.done", "output_index": index, "item": item})
            output_tokens += max(1, len(arguments) // 4)
            self.completed(response_id, body, output_tokens)
            return
        if tool_output is not None:
            text = plan.get("text_after_tool") or "The command finished. Its output: " + tool_output.strip()[:400]
        elif plan.get("recall"):
            earlier = earlier_user_texts(body)
            text = "Earlier you said: " + " | ".join(earlier) if earlier else "Nothing was said before this."
        else:
            text = str(plan["text"]) if plan.get("text") not in (None, True) else default_text(user_text)
        deltas = split_deltas(text, int(plan.get("deltas", 4)))
        item_id = "msg_standin_%d" % number
        self.event({"type": "response.output_item.added", "output_index": index,
                    "item": {"type": "message", "id": item_id, "role": "assistant", "content": []}})
        self.event({"type": "response.content_part.added", "item_id": item_id, "output_index": index,
                    "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}})
        cut = int(plan["cut"]) if str(plan.get("cut", "")).isdigit() else None
        drop = int(plan["drop"]) if str(plan.get("drop", "")).isdigit() else None
        for position, piece in enumerate(deltas):
            if cut is not None and position >= cut and tool_output is None:
                # A stalled stream: nothing more, the connection stays open until codex gives up or goes away.
                hold = float(plan.get("hold_seconds", 3600))
                deadline = time.time() + hold
                while time.time() < deadline and not self.server.stopping.is_set():
                    time.sleep(0.2)
                return
            if drop is not None and position >= drop and tool_output is None:
                return  # The handler closes the connection: the stream ends without response.completed.
            time.sleep(delay)
            self.event({"type": "response.output_text.delta", "item_id": item_id, "output_index": index,
                        "content_index": 0, "delta": piece})
        self.event({"type": "response.output_item.done", "output_index": index,
                    "item": {"type": "message", "id": item_id, "role": "assistant", "status": "completed",
                             "content": [{"type": "output_text", "text": text, "annotations": []}]}})
        output_tokens += max(1, len(text) // 4)
        self.completed(response_id, body, output_tokens)

    def completed(self, response_id, body, output_tokens):
        input_tokens = max(1, len(json.dumps(body.get("input", []))) // 4)
        self.event({"type": "response.completed",
                    "response": {"id": response_id,
                                 "usage": {"input_tokens": input_tokens,
                                           "input_tokens_details": {"cached_tokens": 0},
                                           "output_tokens": output_tokens,
                                           "output_tokens_details": {"reasoning_tokens": 0},
                                           "total_tokens": input_tokens + output_tokens}}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--port-file", help="write the bound port to this file")
    parser.add_argument("--record", help="append every request as one JSON line to this file")
    parser.add_argument("--rules", help="JSON file with a list of rules")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument("--exit-with", type=int, help="exit when the process with this pid is gone")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.rules, args.record)
    server.verbose = args.verbose
    server.stopping = threading.Event()
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as handle:
            handle.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    print("listening %d" % port, flush=True)
    if args.exit_with:
        def watch():
            while True:
                try:
                    os.kill(args.exit_with, 0)
                except ProcessLookupError:
                    server.stopping.set()
                    server.shutdown()
                    return
                except PermissionError:
                    pass
                time.sleep(1)

        threading.Thread(target=watch, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()


if __name__ == "__main__":
    main()
