#!/usr/bin/env bash
# Embedded provenance: reading the media files' own records against exiftool,
# and against the same check with that reading off, in one hyperfine run.
#
#   bench/provenance.sh [AICLEAR_BINARY]     (or AICLEAR=path, or AICLEAR_BIN=path)
#
# builds (once per BENCH_DIR) a repository of 2,000 plates under vfx/, JPEG
# and PNG of 0.3 to 2.8 MB, a fifth with an XMP DigitalSourceType or a C2PA
# manifest, every one with a NAME.EXT.genai.yml sidecar (bench/gen_plates.py),
# and a second clone of it whose configuration says `embedded-provenance:
# false` (its work tree hard links to the first's files, so both read the same
# pages). Then times, interleaved by `hyperfine -N`:
#
#   exiftool        exiftool -q -XMP-iptcExt:DigitalSourceType -r vfx
#   exiftool-fast2  the same with -fast2 (stops at the pixel data where it can)
#   aiclear-on      aiclear check --no-cache                  (provenance read)
#   aiclear-off     aiclear check --no-cache in the clone     (provenance off)
#
# `--no-cache`: every sidecar and plate is read on every run, as in the first
# check of a clone; a cached check would not open unchanged files at all.
# Prints medians (± stddev), the ratios exiftool / aiclear-on (target >= 10x)
# and aiclear-on / aiclear-off (target <= 1.5x), and peak RSS (GNU time).
# A build that does not know `embedded-provenance` gets no off row.
#
# BENCH_DIR (default: a new temporary folder), BENCH_RUNS (5), BENCH_WARMUP (1),
# BENCH_SCALE (1; 0.01 makes 20 plates, to keep the harness working).
# Needs: hyperfine, /usr/bin/time (GNU time), git, exiftool, openssl, python3
# with Pillow and c2pa-python.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
scale="${BENCH_SCALE:-1}"
runs="${BENCH_RUNS:-5}"
warmup="${BENCH_WARMUP:-1}"
work="${BENCH_DIR:-$(mktemp -d)}"
out="${BENCH_OUT:-$work/results}"
mkdir -p "$out"

bin="${1:-${AICLEAR:-${AICLEAR_BIN:-}}}"
if [ -n "$bin" ]; then
  aiclear="$(realpath "$bin")"
else
  cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
  aiclear="$root/target/release/aiclear"
fi
plates="$(python3 -c "print(max(1, int(round(2000 * $scale))))")"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -sr)"
echo "aiclear: $aiclear ($("$aiclear" --version)), exiftool $(exiftool -ver), plates: $plates"

on="$work/plates"
off="$work/plates-off"
if [ ! -d "$on" ]; then
  rm -rf "$on.tmp" "$off"
  python3 "$here/gen_plates.py" "$on.tmp" --plates "$plates" >"$work/plates.json"
  mv "$on.tmp" "$on"
fi
if [ ! -d "$off" ]; then
  start=$(date +%s.%N)
  # A local clone hard-links the objects; the work tree hard-links the plates.
  git clone -q --no-checkout "$on" "$off.tmp"
  (cd "$on" && git ls-files -z) | (cd "$on" && xargs -0 cp --parents -l -t "$off.tmp")
  rm "$off.tmp/.aiclear/config.yml" # a link to the first's: write a new file
  cp "$on/.aiclear/config.yml" "$off.tmp/.aiclear/config.yml"
  printf 'embedded-provenance: false\n' >>"$off.tmp/.aiclear/config.yml"
  git -C "$off.tmp" reset -q
  GIT_AUTHOR_DATE="1760000000 +0000" GIT_COMMITTER_DATE="1760000000 +0000" \
    git -C "$off.tmp" -c user.name="Dana Ruiz" -c user.email=dana.ruiz@lastsignal.example.com \
    commit -q -m "Embedded provenance off" .aiclear/config.yml
  mv "$off.tmp" "$off"
  echo "second clone (embedded-provenance: false) in $(python3 -c "import time; print(round(time.time() - $start))") s"
fi
python3 - "$work/plates.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"tree: {s['jpg']} JPEG + {s['png']} PNG plates, {s['bytes']/1e6:.0f} MB, "
      f"{s['xmp']} with XMP, {s['c2pa']} with C2PA, {s.get('undeclared', 0)} of them generated "
      f"but declared `genai: none` (generated in {s['seconds']:.0f} s)")
PY
echo

exif="exiftool -q -XMP-iptcExt:DigitalSourceType -r vfx"
exif2="exiftool -q -fast2 -XMP-iptcExt:DigitalSourceType -r vfx"
check_on="$aiclear -C $on check --no-cache"
check_off="$aiclear -C $off check --no-cache"

# What each command reports, once, before timing: a check that stopped at its
# configuration would be fast for nothing.
status() { # label dir command...
  local label="$1" dir="$2" rc=0; shift 2
  (cd "$dir" && "$@" >"$out/$label.out" 2>"$out/$label.err") || rc=$?
  printf '%-15s exit %d, %s\n' "$label" "$rc" "$(cat "$out/$label.out" "$out/$label.err" | grep . | tail -n 1)"
  return "$rc"
}
status exiftool "$on" $exif || true
n_exif=$(grep -c 'Digital Source Type' "$out/exiftool.out" || true)
echo "                (${n_exif} files with an XMP DigitalSourceType)"
status aiclear-on "$on" $check_on || { rc=$?; [ "$rc" = 1 ] || { echo "aiclear-on cannot run; stopping"; exit 1; }; }
with_off=1
if ! status aiclear-off "$off" $check_off; then
  if grep -q 'embedded-provenance' "$out/aiclear-off.err" "$out/aiclear-off.out"; then
    echo "                this build does not know embedded-provenance: no off row"
    with_off=0
  fi
fi
# The findings by rule: a build that reads the records finds GA701 at each
# plate whose record says trainedAlgorithmicMedia and whose sidecar says
# `genai: none`, and nothing else; with the reading off, nothing.
findings() { # label dir
  (cd "$2" && "$aiclear" check --no-cache --format json >"$out/$1.json" 2>/dev/null || true)
  python3 - "$out/$1.json" "$1" "$work/plates.json" <<'PY'
import collections, json, sys
try:
    d = json.load(open(sys.argv[1]))["diagnostics"]
except Exception:
    d = None
want = json.load(open(sys.argv[3])).get("undeclared", 0)
got = "unreadable" if d is None else ", ".join(
    f"{c} x{n}" for c, n in sorted(collections.Counter(x["code"] for x in d).items())) or "none"
print(f"{sys.argv[2]:<15} findings: {got}" + (f" (reading the records finds GA701 x{want})" if sys.argv[2] == "aiclear-on" else ""))
PY
}
findings aiclear-on "$on"
[ "$with_off" = 1 ] && findings aiclear-off "$off"
echo

cmds=(-n exiftool "$exif" -n exiftool-fast2 "$exif2" -n aiclear-on "$check_on")
[ "$with_off" = 1 ] && cmds+=(-n aiclear-off "$check_off")
# -i: a check with findings exits 1; what it found is printed above.
(cd "$on" && hyperfine -N -i --warmup "$warmup" --runs "$runs" --style none \
    --export-json "$out/provenance.json" "${cmds[@]}" >/dev/null 2>&1)
python3 - "$out/provenance.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ms = lambda x: f"{x['median']*1e3:9.1f} ms (±{x['stddev']*1e3:6.1f})  user {x['user']*1e3:8.1f} ms  system {x['system']*1e3:7.1f} ms"
for name, x in r.items():
    print(f"{name:<15} {ms(x)}")
# Ratios of medians (the targets); of mean CPU time (user + system) beside
# them, which moves less when the machine is shared.
cpu = lambda x: x["user"] + x["system"]
on = r["aiclear-on"]
print()
for base in ("exiftool", "exiftool-fast2"):
    ratio = r[base]["median"] / on["median"]
    print(f"{base + ' / aiclear-on':<27} {ratio:6.1f}x  (target >= 10x: {'yes' if ratio >= 10 else 'no'})"
          f"  CPU time {cpu(r[base]) / cpu(on):6.1f}x")
if "aiclear-off" in r:
    off = r["aiclear-off"]
    ratio = on["median"] / off["median"]
    print(f"{'aiclear-on / aiclear-off':<27} {ratio:6.2f}x  (target <= 1.5x: {'yes' if ratio <= 1.5 else 'no'})"
          f"  CPU time {cpu(on) / cpu(off):6.2f}x")
PY
echo

rss() { # label dir command...
  local label="$1" dir="$2"; shift 2
  (cd "$dir" && /usr/bin/time -f '%M' -o "$out/$label.rss" "$@" >/dev/null 2>&1 || true)
  printf '%-15s peak RSS %7.1f MB\n' "$label" "$(python3 -c "print($(tail -n 1 "$out/$label.rss")/1024)")"
}
rss exiftool "$on" $exif
rss exiftool-fast2 "$on" $exif2
rss aiclear-on "$on" $check_on
[ "$with_off" = 1 ] && rss aiclear-off "$off" $check_off
echo
echo "raw results: $out"
