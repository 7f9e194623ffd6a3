#!/usr/bin/env python3
"""Generate benchmark repositories deterministically with `git fast-import`.

    gen.py staged DIR --files 100000 --scripts 10000 --staged 20
    gen.py tree   DIR --scripts 20000 [--spdx] [--none]
    gen.py range  DIR --scripts 1000 --commits 2000 [--max-age-days N]

Every repository gets a `.aiclear/config.yml` with one approver; scripts are
Fountain files of about 8 KB with a declaration after the title page.
"""
import argparse
import os
import random
import subprocess
import sys

APPROVER = ("Mei Chen", "mei.chen@netflix.example.com")
WRITER = ("Dana Writer", "writer@lastsignal.example.com")
CONFIG = b"approvers:\n  - { email: mei.chen@netflix.example.com }\n"

BODY_LINES = [
    "INT. RELAY STATION - NIGHT",
    "",
    "Rain hammers the corrugated roof. NORA QUILL (40s) threads a cable through the rack.",
    "",
    "NORA",
    "If this thing hears us, it already knows we're here.",
    "",
    "EXT. RIDGE ROAD - CONTINUOUS",
    "",
    "Headlights sweep the pines. A second car, no plates, idles at the gate.",
    "",
]


def script(i, uses=None, spdx=False):
    rnd = random.Random(i)
    head = []
    if spdx:
        head.append("/* SPDX-FileCopyrightText: 2025 Last Signal Productions */")
        head.append("/* SPDX-License-Identifier: LicenseRef-Proprietary */")
        head.append("")
    head += [f"Title: EPISODE {i}", "Credit: written by", "Author: Dana Writer", "", "/*", "---", "genai:"]
    if uses is None:
        uses = 1 if i % 3 == 0 else 0
    if uses:
        head.append('  disclosed: { to: "Mei Chen", on: 2025-09-02 }')
        head.append("  uses:")
        for u in range(uses):
            head += [
                f"    - id: use-{u}",
                "      stage: ideation",
                "      output: image",
                '      tools: [{ name: "Imagen 4", enterprise: true, trains-on-inputs: false }]',
            ]
    else:
        head[-1] = "genai: none"
    head += ["---", "*/", ""]
    text = "\n".join(head) + "\n"
    while len(text) < 8000:
        line = rnd.choice(BODY_LINES)
        text += line + "\n"
    return text.encode()


class Importer:
    def __init__(self, repo):
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
        self.repo = repo
        self.proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE
        )
        self.mark = 0
        self.time = 1_760_000_000

    def w(self, data):
        self.proc.stdin.write(data)

    def blob(self, data):
        self.mark += 1
        self.w(b"blob\nmark :%d\ndata %d\n" % (self.mark, len(data)) + data + b"\n")
        return self.mark

    def commit(self, files, message, who=WRITER, deletes=(), first=False):
        marks = [(path, self.blob(data)) for path, data in files]
        self.time += 3600
        msg = message.encode()
        self.w(b"commit refs/heads/main\n")
        ident = f"{who[0]} <{who[1]}> {self.time} +0000\n".encode()
        self.w(b"author " + ident + b"committer " + ident)
        self.w(b"data %d\n" % len(msg) + msg + b"\n")
        for path in deletes:
            self.w(b"D " + path.encode() + b"\n")
        for path, mark in marks:
            self.w(b"M 100644 :%d %s\n" % (mark, path.encode()))
        self.w(b"\n")

    def done(self):
        self.w(b"done\n")
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            sys.exit("git fast-import failed")
        subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=self.repo, check=True)


def staged(a):
    imp = Importer(a.dir)
    files = [(".aiclear/config.yml", CONFIG)]
    for i in range(a.scripts):
        files.append((f"scripts/s{i // 500:03}/ep{i:05}.fountain", script(i)))
    for i in range(a.files - a.scripts):
        files.append((f"assets/a{i // 1000:03}/f{i:06}.txt", b"asset %d\n" % i))
    imp.commit(files, "import the production")
    imp.done()
    for i in range(a.staged):
        path = os.path.join(a.dir, f"scripts/s{i // 500:03}/ep{i:05}.fountain")
        with open(path, "ab") as f:
            f.write(b"\nMore.\n")
    subprocess.run(["git", "add", "-u", "scripts"], cwd=a.dir, check=True)


def tree(a):
    imp = Importer(a.dir)
    files = [(".aiclear/config.yml", CONFIG)]
    for i in range(a.scripts):
        uses = 0 if a.none else None
        files.append((f"scripts/s{i // 500:03}/ep{i:05}.fountain", script(i, uses=uses, spdx=a.spdx)))
    imp.commit(files, "import the scripts")
    imp.done()


def range_(a):
    imp = Importer(a.dir)
    config = CONFIG
    if a.max_age_days is not None:
        config += b"temporary-max-age-days: %d\n" % a.max_age_days
    files = [(".aiclear/config.yml", config)]
    for i in range(a.scripts):
        files.append((f"scripts/ep{i:05}.fountain", script(i, uses=1)))
    ledger = b"# approvals\n"
    files.append((".aiclear/approvals.yml", ledger))
    imp.commit(files, "import the scripts")
    rnd = random.Random(7)
    revision = {}
    for c in range(a.commits):
        if c % 20 == 19:
            n = c // 20
            ledger += (
                f"- id: NFX-{n:04}\n  granted-by: mei.chen@netflix.example.com\n  granted-on: 2025-09-05\n"
                f"  covers:\n    - {{ path: scripts/ep{n:05}.fountain, use: use-0 }}\n"
            ).encode()
            imp.commit([(".aiclear/approvals.yml", ledger)], f"approve {n}", who=APPROVER)
            continue
        i = rnd.randrange(a.scripts)
        revision[i] = revision.get(i, 0) + 1
        data = script(i, uses=1) + b"\nRevision %d.\n" % revision[i]
        message = f"revise episode {i}"
        # One commit in 25 says an assistant helped (GA607 reads its changes).
        if c % 25 == 0:
            message += "\n\nAssisted-by: GitHub Copilot"
        imp.commit([(f"scripts/ep{i:05}.fountain", data)], message)
    imp.done()
    subprocess.run(["git", "tag", "first", "main~%d" % a.commits], cwd=a.dir, check=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["staged", "tree", "range"])
    p.add_argument("dir")
    p.add_argument("--files", type=int, default=100_000)
    p.add_argument("--scripts", type=int, default=10_000)
    p.add_argument("--staged", type=int, default=20)
    p.add_argument("--commits", type=int, default=2000)
    p.add_argument("--spdx", action="store_true")
    p.add_argument("--none", action="store_true", help="every script declares `genai: none`")
    p.add_argument("--max-age-days", type=int, default=None)
    a = p.parse_args()
    {"staged": staged, "tree": tree, "range": range_}[a.kind](a)


if __name__ == "__main__":
    main()
