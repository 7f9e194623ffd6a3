#!/usr/bin/env bash
# Two builds against the same baselines, interleaved in one hyperfine run per
# workload, on the repositories of run.sh (generated on first use):
#
#   bench/compare.sh OLD_BINARY [NEW_BINARY]
#
# prints, per workload, the baseline's median, each build's median (± stddev),
# each build's ratio to the baseline and new/old. NEW_BINARY defaults to this
# checkout's release build. BENCH_DIR, BENCH_RUNS and BENCH_SCALE as in run.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
old="$(realpath "${1:?usage: bench/compare.sh OLD_BINARY [NEW_BINARY]}")"
if [ -n "${2:-}" ]; then
  new="$(realpath "$2")"
else
  cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
  new="$root/target/release/aiclear"
fi
scale="${BENCH_SCALE:-1}"
runs="${BENCH_RUNS:-10}"
work="${BENCH_DIR:-$(mktemp -d)}"
out="$work/compare"
mkdir -p "$out"
n() { python3 -c "import sys; print(max(1, int(round($1 * $scale))))"; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -sr)"
echo

row() { # name dir baseline args...
  local name="$1" dir="$2" base="$3"; shift 3
  (cd "$dir" && hyperfine -N --warmup 2 --runs "$runs" --style none \
      --export-json "$out/$name.json" -n baseline "$base" \
      -n old "$old $*" -n new "$new $*" >/dev/null 2>&1)
  python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
b, o, n = r["baseline"], r["old"], r["new"]
ms = lambda x: f"{x['median']*1e3:8.1f} ms (±{x['stddev']*1e3:5.1f})"
print(f"{sys.argv[2]:<10} baseline {ms(b)}  old {ms(o)} {o['median']/b['median']:5.2f}x"
      f"  new {ms(n)} {n['median']/b['median']:5.2f}x  new/old {n['median']/o['median']:.2f}")
PY
}

staged="$work/staged"
[ -d "$staged" ] || python3 "$here/gen.py" staged "$staged" --files "$(n 100000)" --scripts "$(n 10000)" --staged 20
tree="$work/tree"
[ -d "$tree" ] || python3 "$here/gen.py" tree "$tree" --scripts "$(n 20000)"
range="$work/range"
[ -d "$range" ] || python3 "$here/gen.py" range "$range" --scripts "$(n 1000)" --commits "$(n 2000)"
window="$work/range-window"
[ -d "$window" ] || python3 "$here/gen.py" range "$window" --scripts "$(n 1000)" --commits "$(n 2000)" --max-age-days 36500

row staged "$staged" "git diff --cached --name-only" check --staged
row tree "$tree" "git grep -c genai -- *.fountain" check
row tree-cold "$tree" "git grep -c genai -- *.fountain" check --no-cache
row range "$range" "git log --raw first..HEAD" check --base first
row window "$window" "git log --raw first..HEAD" check --base first
echo
echo "raw results: $out"
