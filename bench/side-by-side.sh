#!/usr/bin/env bash
# oasis and Hugo side by side on the same generated corpus, in one run.
#
#   bench/side-by-side.sh [N ...]          default sizes: 1000 10000
#   bench/side-by-side.sh 1000 10000 100000
#
# For each N, gen_corpus.py (a copy of the shared benchmark's generator) writes
# the corpus twice, once per front-matter flavour: `oa` (with a site.toml that
# declares its 12 areas and 10 priorities) and `hugo` (the skeleton in
# hugo-site/ is copied over it). The Markdown bodies are byte-identical. Every
# generator gets one untimed warm-up build, then RUNS timed builds, interleaved
# in rotated order, under /usr/bin/time -v; the output folder is deleted before
# each build, outside the timing. Prints medians, and each generator's wall
# time and peak memory as a ratio to Hugo's in the same run: the machine is
# small and shared, so compare ratios, not seconds across runs.
#
# Generators: floor (cp -r content + cat of every file, a rough I/O floor),
# hugo (no minification, like the shared benchmark's sites), oasis (site.toml's
# default: minified) and oasis-nominify (--no-minify), both with --no-search as
# Hugo builds no search index, and oasis-search (minified, with the index that
# a plain `oasis build` makes: add it to GENS for the cost of search).
# oasis-base runs $OASIS_BASE the same way as oasis: add it to GENS to compare
# two oasis binaries in one run.
#
# Environment (all optional):
#   OASIS     oasis binary (default: target/release/oasis; built if missing)
#   OASIS_BASE  a second oasis binary, for the oasis-base generator
#   HUGO      hugo binary (default: hugo on PATH; `apt-get install hugo` gives 0.111)
#   GENS      generators to run (default "floor hugo oasis oasis-nominify")
#   RUNS      timed runs per generator (default 3); WARMUP=0 skips the warm-up
#   SEED      corpus seed (default 1); BENCH work folder (default /tmp/oasis-side-by-side)
#   OUT_BASE  where outputs go (default $BENCH/N/out). A tmpfs gives stable figures:
#               mkdir -p /tmp/bench-tmpfs && mount -t tmpfs -o size=8g tmpfs /tmp/bench-tmpfs
#               OUT_BASE=/tmp/bench-tmpfs bench/side-by-side.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
BENCH="${BENCH:-/tmp/oasis-side-by-side}"
SEED="${SEED:-1}"
RUNS="${RUNS:-3}"
WARMUP="${WARMUP:-1}"
GENS="${GENS:-floor hugo oasis oasis-nominify}"
HUGO="${HUGO:-hugo}"
OASIS="${OASIS:-$REPO/target/release/oasis}"
OUT_BASE="${OUT_BASE:-}"

SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 10000)

if [[ " $GENS " == *" oasis"* && ! -x "$OASIS" ]]; then
  (cd "$REPO" && cargo build --release --bin oasis)
fi
if [[ " $GENS " == *" hugo "* ]] && ! command -v "$HUGO" >/dev/null; then
  echo "side-by-side: no hugo binary ($HUGO); install it (apt-get install hugo) or set GENS" >&2
  exit 2
fi

mkdir -p "$BENCH"
RAW="$BENCH/runs.tsv"
[[ -f "$RAW" ]] || printf 'stamp\tN\tgen\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\trc\tout_bytes\tout_files\n' > "$RAW"
STAMP="$(date +%Y%m%dT%H%M%S)-$$"
SUMMARY="$BENCH/summary-$STAMP.txt"

{
  echo "# $(date -Is) host=$(hostname) cores=$(nproc) mem=$(free -g | awk '/Mem:/ {print $2}')G sizes=${SIZES[*]} runs=$RUNS seed=$SEED gens=$GENS"
  echo "#   outputs under ${OUT_BASE:-$BENCH/N/out} ($(df --output=fstype "${OUT_BASE:-$BENCH}" | tail -1))"
  [[ " $GENS " == *" hugo "* ]] && echo "#   hugo: $("$HUGO" version)"
  [[ " $GENS " == *" oasis"* ]] && echo "#   oasis: $("$OASIS" --version)"
} | tee -a "$SUMMARY"

prepare() {  # N: generate both corpora once, then (re)apply the Hugo skeleton
  local n="$1" d="$BENCH/$1" f pids=()
  mkdir -p "$d"
  for f in hugo oa; do
    if [[ ! -f "$d/$f/.corpus-$SEED" ]]; then
      rm -rf "${d:?}/$f"
      ( python3 "$HERE/gen_corpus.py" --pages "$n" --out "$d/$f" --seed "$SEED" --flavour "$f" \
          && touch "$d/$f/.corpus-$SEED" ) &
      pids+=($!)
    fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  cp -r "$HERE/hugo-site/." "$d/hugo/"
}

build_cmd() {  # gen N out -> prints the shell command
  local g="$1" d="$BENCH/$2" out="$3"
  case "$g" in
    floor) printf 'cp -r %q %q && find %q -type f -exec cat {} + > /dev/null' "$d/oa/content" "$out" "$d/oa/content" ;;
    hugo) printf '%q --quiet -s %q -d %q' "$HUGO" "$d/hugo" "$out" ;;
    oasis) printf '%q build --no-search --root %q --output %q' "$OASIS" "$d/oa" "$out" ;;
    oasis-base) printf '%q build --no-search --root %q --output %q' "${OASIS_BASE:?OASIS_BASE is not set}" "$d/oa" "$out" ;;
    oasis-nominify) printf '%q build --no-search --no-minify --root %q --output %q' "$OASIS" "$d/oa" "$out" ;;
    oasis-search) printf '%q build --root %q --output %q' "$OASIS" "$d/oa" "$out" ;;
    *) echo "side-by-side: unknown generator $g" >&2; exit 2 ;;
  esac
}

times_of() {  # /usr/bin/time -v output -> wall_s user_s sys_s maxrss_kb (tab separated)
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time \(seconds\)/ { u = $NF }
    /System time \(seconds\)/ { s = $NF }
    /Maximum resident set size/ { m = $NF }
    END { printf "%.3f\t%s\t%s\t%s\n", w, u, s, m }' "$1"
}

out_root() { if [[ -n "$OUT_BASE" ]]; then echo "$OUT_BASE/$1"; else echo "$BENCH/$1/out"; fi; }

run_one() {  # gen N label -> appends a row to $RAW
  local g="$1" n="$2" label="$3" out rc=0
  out="$(out_root "$n")/$g"
  local cmd; cmd="$(build_cmd "$g" "$n" "$out")"
  rm -rf "$out"; mkdir -p "$(dirname "$out")"
  local tf="$BENCH/$n/time-$g.txt" lf="$BENCH/$n/log-$g.txt"
  /usr/bin/time -v -o "$tf" bash -c "$cmd" > "$lf" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "!! $g N=$n run=$label failed rc=$rc; last lines of $lf:" >&2; tail -n 5 "$lf" >&2
  fi
  local bytes=0 files=0
  if [[ -d "$out" ]]; then
    read -r files bytes < <(find "$out" -type f -printf '%s\n' | awk '{n++; b += $1} END {print n + 0, b + 0}')
  fi
  if [[ "$label" != warmup ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STAMP" "$n" "$g" "$label" "$(times_of "$tf")" "$rc" "$bytes" "$files" >> "$RAW"
  fi
  printf '   %-15s N=%-7s %-7s %s\n' "$g" "$n" "$label" "$(times_of "$tf" | cut -f1,4 | awk -F'\t' '{printf "%ss  %.0f MB", $1, $2/1024}') rc=$rc files=$files" >&2
}

read -r -a ACTIVE <<< "$GENS"
for n in "${SIZES[@]}"; do
  echo "## N=$n: preparing corpora in $BENCH/$n" >&2
  prepare "$n"
  if [[ "$WARMUP" != 0 ]]; then
    for g in "${ACTIVE[@]}"; do run_one "$g" "$n" warmup; done
  fi
  k=${#ACTIVE[@]}
  for ((r = 1; r <= RUNS; r++)); do
    for ((i = 0; i < k; i++)); do
      run_one "${ACTIVE[$(( (i + r - 1) % k ))]}" "$n" "$r"
    done
  done
  rm -rf "$(out_root "$n")"
done

python3 - "$RAW" "$STAMP" <<'PY' | tee -a "$SUMMARY"
import csv, statistics as st, sys
raw, stamp = sys.argv[1], sys.argv[2]
rows = [r for r in csv.DictReader(open(raw), delimiter="\t") if r["stamp"] == stamp]
by = {}
for r in rows:
    by.setdefault((int(r["N"]), r["gen"]), []).append(r)
order = ["floor", "hugo", "oasis-base", "oasis", "oasis-nominify"]
def med(rs, f):
    return st.median(f(r) for r in rs)
print(f"{'N':>7} {'gen':<15} {'wall s':>7} {'min':>6} {'max':>6} {'x hugo':>7} {'pages/s':>8} {'CPU s':>7} {'RSS MB':>7} {'RSS x hugo':>10} {'out MB':>7} {'files':>7} {'ok':>4}")
for n in sorted({k[0] for k in by}):
    hugo = by.get((n, "hugo"))
    hwall = med(hugo, lambda r: float(r["wall_s"])) if hugo else None
    hrss = med(hugo, lambda r: int(r["maxrss_kb"] or 0)) if hugo else None
    for g in sorted({k[1] for k in by if k[0] == n}, key=lambda g: order.index(g) if g in order else 99):
        rs = by[(n, g)]
        walls = [float(r["wall_s"]) for r in rs]
        wall = max(st.median(walls), 0.001)
        cpu = med(rs, lambda r: float(r["user_s"] or 0) + float(r["sys_s"] or 0))
        rss = med(rs, lambda r: int(r["maxrss_kb"] or 0))
        ok = sum(r["rc"] == "0" for r in rs)
        last = rs[-1]
        xw = f"{wall / hwall:7.2f}" if hwall else "      -"
        xr = f"{rss / hrss:10.2f}" if hrss else "         -"
        print(f"{n:>7} {g:<15} {wall:7.2f} {min(walls):6.2f} {max(walls):6.2f} {xw} {n / wall:8.0f} {cpu:7.2f} {rss / 1024:7.0f} {xr} "
              f"{int(last['out_bytes']) / 1e6:7.1f} {int(last['out_files']):>7} {ok}/{len(rs)}")
print("wall, CPU (user + system) and RSS (peak resident memory) are medians of the timed runs; "
      "x hugo = ratio to Hugo's median in this run; pages/s = documents / wall; out MB and files from the last run.")
PY
echo "# summary written to $SUMMARY" >&2
