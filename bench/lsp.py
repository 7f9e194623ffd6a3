#!/usr/bin/env python3
"""Latency of `aiclear lsp`: from a change to its published diagnostics.

On a feature-length screenplay (Big Fish, about 120 pages, from the test
corpus) that declares a use needing approval, the script times:

- baseline: `aiclear check FILE` run as a process, as a hook or an editor
  plugin without a server would run it;
- server: `aiclear lsp` started once; each edit is a `didChange` with the
  whole text, timed until the `publishDiagnostics` for it arrives.

It prints the medians and the ratio server / baseline (the target is at most
0.5). The script is committed in 30 revisions first, and a save (`didSave`,
which also runs the history rules against the last commit) is timed the same
way. Usage: bench/lsp.py [RUNS]; AICLEAR_BIN measures another build.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPT = os.path.join(ROOT, "tests/corpus/fountain/screenplain/Big-Fish.fountain")
DECLARATION = """/*
---
genai:
  disclosed: {{ to: "M. Chen", on: 2025-09-02 }}
  uses:
    - id: witch-eye
      stage: {stage}
      output: image
      elements: [main-character]
      tools: [{{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }}]
      human-input: "the designer repainted every frame"
---
*/

"""


def binary():
    if os.environ.get("AICLEAR_BIN"):
        return os.environ["AICLEAR_BIN"]
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-q", "--manifest-path", os.path.join(ROOT, "Cargo.toml")],
        check=True,
    )
    return os.path.join(ROOT, "target/release/aiclear")


def text(stage):
    with open(SCRIPT, encoding="utf-8") as f:
        return DECLARATION.format(stage=stage) + f.read()


class Server:
    def __init__(self, aiclear, cwd):
        self.p = subprocess.Popen([aiclear, "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        self.next_id += 1
        while True:
            m = self.receive()
            if "id" in m and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def published(self, uri):
        while True:
            m = self.receive()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    aiclear = binary()
    work = tempfile.mkdtemp()
    try:
        subprocess.run(["git", "init", "-q", work], check=True)
        os.makedirs(os.path.join(work, "scripts"))
        path = os.path.join(work, "scripts/big-fish.fountain")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text("previs"))
        lines = text("previs").count("\n")
        git = ["git", "-C", work, "-c", "user.name=Bench", "-c", "user.email=bench@example.com",
               "-c", "commit.gpgsign=false"]
        for revision in range(30):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text("previs") + f"\nRevision {revision}.\n")
            subprocess.run(git + ["add", "-A"], check=True)
            subprocess.run(git + ["commit", "-q", "-m", f"revision {revision}"], check=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text("previs"))

        baseline = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([aiclear, "check", "--no-cache", "--format", "json", "scripts/big-fish.fountain"],
                           cwd=work, stdout=subprocess.DEVNULL)
            baseline.append(time.perf_counter() - start)

        server = Server(aiclear, work)
        uri = "file://" + path
        server.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + work, "capabilities": {}})
        server.notify("initialized", {})
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "fountain", "version": 1, "text": text("previs")}})
        first = server.published(uri)
        codes = sorted({d.get("code") for d in first})
        latencies = []
        for i in range(runs):
            stage = "final" if i % 2 == 0 else "previs"
            start = time.perf_counter()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": i + 2},
                "contentChanges": [{"text": text(stage)}]})
            found = server.published(uri)
            latencies.append(time.perf_counter() - start)
            if not found:
                raise RuntimeError("an edit published no diagnostics")
        saves = []
        for i in range(runs):
            start = time.perf_counter()
            server.notify("textDocument/didSave", {"textDocument": {"uri": uri}, "text": text("previs")})
            if not server.published(uri):
                raise RuntimeError("a save published no diagnostics")
            saves.append(time.perf_counter() - start)
        server.request("shutdown", None)
        server.notify("exit", None)
        server.p.wait(timeout=10)

        b, s = statistics.median(baseline), statistics.median(latencies)
        print(f"script: {os.path.relpath(SCRIPT, ROOT)}, {lines} lines; findings on open: {', '.join(codes)}")
        print(f"baseline `aiclear check FILE` as a process: median {b * 1000:.1f} ms over {runs} runs")
        print(f"`aiclear lsp` change to publishDiagnostics: median {s * 1000:.1f} ms over {runs} edits")
        print(f"ratio server / baseline: {s / b:.2f} (target at most 0.5)")
        v = statistics.median(saves)
        print(f"`aiclear lsp` save (with the history rules, 30 commits) to publishDiagnostics: "
              f"median {v * 1000:.1f} ms over {runs} saves; ratio to baseline {v / b:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
