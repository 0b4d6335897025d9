#!/usr/bin/env bash
# Benchmarks siaran on generated corpora, with Hugo on the same posts in the same run.
# Prints one Markdown table (also saved to target/bench/results.md); docs/performance.md
# explains each row and the targets.
#
#   bench/run.sh                 # 1,000 and 10,000 posts
#   bench/run.sh 1000 10000 100000
#
# Then the publisher's own benchmarks (`cargo bench --bench publish`): 1,000 jobs against the
# fake platforms, the daemon's lateness and its idle memory; and criterion's timings of the
# in-process phases (`cargo bench --bench phases`).
#
# Installs hugo, hyperfine and GNU time from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${BENCH_DIR:-$ROOT/target/bench}
SEED=${BENCH_SEED:-1}
CLOCK="2026-11-30T12:00:00+07:00"
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi

need=()
command -v hugo >/dev/null || need+=(hugo)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
    echo "== installing ${need[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

echo "== building siaran and the corpus tools (release)" >&2
cargo build --release --quiet --bin siaran --example gen_corpus --example sign_fixture
SIARAN=$ROOT/target/release/siaran
GEN=$ROOT/target/release/examples/gen_corpus
SIGN=$ROOT/target/release/examples/sign_fixture
mkdir -p "$WORK"
# Outputs of earlier runs are moved aside, not deleted, while timing: right after many files
# are deleted, ext4 avoids their inodes for a while and new files are much slower to create,
# which would time the file system's housekeeping rather than the generators.
TRASH=$WORK/trash
rm -rf "$TRASH"
mkdir -p "$TRASH"
aside() { for path in "$@"; do [ -e "$path" ] && mv "$path" "$TRASH/$(date +%s%N)"; done; true; }
export -f aside
export TRASH

# mean seconds of COMMAND over RUNS runs, each after PREPARE
mean() {
    local runs=$1 prepare=$2 command=$3 csv
    csv=$(mktemp)
    hyperfine --shell bash --style none --runs "$runs" --prepare "$prepare" --export-csv "$csv" "$command" >/dev/null 2>&1 ||
        { echo "failed: $command" >&2; hyperfine --runs 1 --prepare "$prepare" "$command" >&2 || true; exit 1; }
    awk -F, 'NR == 2 { printf "%.3f", $2 }' "$csv"
    rm -f "$csv"
}

# peak resident memory of COMMAND in MB
peak_mb() {
    /usr/bin/time -f '%M' -o "$WORK/rss" bash -c "$1" >/dev/null 2>&1
    awk '{ printf "%.0f", $1 / 1024 }' "$WORK/rss"
}

# wall seconds and peak MB of one run of COMMAND
once() {
    /usr/bin/time -f '%e %M' -o "$WORK/once" bash -c "$1" >/dev/null 2>&1
    awk '{ printf "%.3f %.0f\n", $1, $2 / 1024 }' "$WORK/once"
}

# A / B, or "—" when either was not measured
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else printf "—" }'; }

# Peak memory of a build with the search index grows about this many KB per post (1.8 GB at
# 10,000 posts, 18 GB at 100,000); it is skipped where the machine could not hold it.
INDEX_KB_PER_POST=180
index_fits() { awk -v n="$1" -v kb="$INDEX_KB_PER_POST" '/MemAvailable/ { exit !($2 > n * kb * 1.1) }' /proc/meminfo; }

# The preview: `siaran serve` on CORPUS; POST gets a sentence and is signed again, three
# times a second apart; prints the mean seconds from the edited post being saved to the
# served page holding the sentence ("—" when it never does within a minute).
serve_edit() {
    local corpus=$1 post=$2 log=$WORK/serve.log total=0 pid page sentence start waited
    aside "$corpus/.siaran/cache/serve" "$corpus/.siaran/cache/serve.cari"
    page=$corpus/.siaran/cache/serve/${post#"$corpus"/content/}
    page=${page%index.md}index.html
    : >"$log"
    "$SIARAN" --root "$corpus" --clock "$CLOCK" serve --port 0 >"$log" 2>&1 &
    pid=$!
    # the address is printed once the first build and its search index are served; later
    # indexes are made in the background once edits pause, and the edits are timed once an
    # index is there (an edit made while one is being made is slower)
    until [ -s "$log" ] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    waited=0
    until [ -f "$corpus/.siaran/cache/serve.cari/pagefind/pagefind.js" ] || [ "$waited" -ge 3000 ]; do
        sleep 0.2
        waited=$((waited + 1))
    done
    for _ in 1 2 3; do
        sentence="Pratinjau $(date +%s%N)"
        # one save of the edited and signed post: the preview is paused while the file is
        # written twice (the sentence, then the signatures), and finds both changes at once
        kill -STOP "$pid"
        echo "$sentence." >>"$post" && "$SIGN" --root "$corpus" --keys "$corpus/.kunci-korpus" "$post" >/dev/null
        kill -CONT "$pid"
        start=$(date +%s%N)
        waited=0
        until grep -q "$sentence" "$page" 2>/dev/null; do
            sleep 0.01
            waited=$((waited + 1))
            [ "$waited" -lt 6000 ] || { kill "$pid"; echo "—"; return; }
        done
        total=$((total + $(date +%s%N) - start))
        sleep 1
    done
    kill "$pid" && wait "$pid" 2>/dev/null
    awk -v total="$total" 'BEGIN { printf "%.3f", total / 3 / 1e9 }'
}

declare -A R
for n in "${SIZES[@]}"; do
    corpus=$WORK/korpus-$n
    hugo_site=$WORK/korpus-$n-hugo
    if [ ! -f "$corpus/.selesai-$SEED" ]; then
        echo "== generating $n posts" >&2
        rm -rf "$corpus" "$hugo_site"
        "$GEN" --posts "$n" --out "$corpus" --seed "$SEED" --hugo "$hugo_site" >/dev/null 2>"$WORK/gen.log" ||
            { cat "$WORK/gen.log" >&2; exit 1; }
        # the corpus must be valid, or the timings would be of error paths
        "$SIARAN" check --root "$corpus" --clock "$CLOCK" >/dev/null 2>&1 ||
            { echo "the generated corpus of $n posts does not check clean" >&2; exit 1; }
        touch "$corpus/.selesai-$SEED"
    fi
    runs=2
    [ "$n" -le 1000 ] && runs=3
    [ "$n" -ge 100000 ] && runs=1
    out=$WORK/out-$n
    clean="aside $out $corpus/.siaran"
    build="$SIARAN build --root $corpus --clock $CLOCK --out $out"
    echo "== $n posts: siaran build" >&2
    if [ "$n" -ge 100000 ]; then
        # one run each, timed and measured at once (each output is several GB)
        read -r R[build,$n] R[rss,$n] < <(aside "$out" "$corpus/.siaran" && once "$build --no-search")
        if index_fits "$n"; then
            read -r R[search,$n] R[rss_search,$n] < <(aside "$out" "$corpus/.siaran" && once "$build")
        else
            echo "== $n posts: no build with the search index: it needs about $((n * INDEX_KB_PER_POST / 1048576 + 1)) GB" >&2
            R[search,$n]="—" R[rss_search,$n]="—"
        fi
    else
        R[build,$n]=$(mean "$runs" "$clean" "$build --no-search")
        R[search,$n]=$(mean "$runs" "$clean" "$build")
        R[rss,$n]=$(aside "$out" "$corpus/.siaran" && peak_mb "$build --no-search")
        R[rss_search,$n]=$(aside "$out" "$corpus/.siaran" && peak_mb "$build")
    fi
    # the file system's share: the same output copied into a new folder, nothing rendered
    copy=$WORK/copy-$n
    R[copy,$n]=$(mean 1 "aside $copy" "cp -r $out $copy")
    aside "$copy"
    echo "== $n posts: rebuilds" >&2
    # the builds above ended with the index; this one (untimed) leaves the folder as a
    # build without it makes it, so that the next is a rebuild with nothing changed
    $build --no-search >/dev/null 2>&1
    R[noop,$n]=$(mean "$runs" "true" "$build --no-search")
    # the newest post with its whole chain signed (so it is on the home page)
    post=""
    for file in $(find "$corpus/content" -name index.md | sort -r); do
        if [ "$(grep -c 'BEGIN SSH SIGNATURE' "$file")" -eq 5 ]; then post=$file; break; fi
    done
    edit="echo \"Pembaruan \$(date +%s%N).\" >> $post && $SIGN --root $corpus --keys $corpus/.kunci-korpus $post"
    R[edit,$n]=$(mean "$runs" "$edit" "$build --no-search")
    echo "== $n posts: the preview (serve), one post edited" >&2
    R[serve_edit,$n]=$(serve_edit "$corpus" "$post")
    aside "$corpus/.siaran/cache/serve" "$corpus/.siaran/cache/serve.cari"
    echo "== $n posts: check" >&2
    R[check,$n]=$(mean "$runs" "true" "$SIARAN check --root $corpus --clock $CLOCK")
    echo "== $n posts: hugo" >&2
    hugo_out=$WORK/hugo-out-$n
    hugo_build="hugo --quiet --source $hugo_site --destination $hugo_out"
    if [ "$n" -ge 100000 ]; then
        read -r R[hugo,$n] R[hugo_rss,$n] < <(aside "$hugo_out" "$hugo_site/resources" && once "$hugo_build")
    else
        R[hugo,$n]=$(mean "$runs" "aside $hugo_out $hugo_site/resources" "$hugo_build")
        R[hugo_rss,$n]=$(aside "$hugo_out" "$hugo_site/resources" && peak_mb "$hugo_build")
    fi
    R[files,$n]=$(find "$out" -name '*.html' | wc -l)
    R[hugo_files,$n]=$(find "$hugo_out" -name '*.html' | wc -l)
    # let ext4 forget the deleted inodes before the next size is timed
    rm -rf "$TRASH" && mkdir -p "$TRASH" && sync && sleep 35
done

echo "== publisher and daemon (cargo bench --bench publish)" >&2
PUBLISHER=$(cargo bench --quiet --bench publish 2>"$WORK/publish.log") ||
    { tail -40 "$WORK/publish.log" >&2; exit 1; }

echo "== in-process phases (cargo bench --bench phases)" >&2
PHASES=$(cargo bench --quiet --bench phases -- --output-format bencher 2>"$WORK/phases.log" |
    awk -F' [.][.][.] bench: *' '/^test / {
        split($2, parts, " "); value = parts[1]; gsub(/,/, "", value); value += 0
        if (value >= 1e6) printf "| %s | %.2f ms |\n", substr($1, 6), value / 1e6
        else printf "| %s | %.1f µs |\n", substr($1, 6), value / 1e3 }') ||
    { tail -40 "$WORK/phases.log" >&2; exit 1; }

{
    printf '| measure |'
    for n in "${SIZES[@]}"; do printf ' %s posts |' "$n"; done
    printf '\n|---|'
    for _ in "${SIZES[@]}"; do printf -- '---:|'; done
    printf '\n'
    row() {
        local label=$1 key=$2 unit=$3
        printf '| %s |' "$label"
        for n in "${SIZES[@]}"; do
            if [ "${R[$key,$n]}" = "—" ]; then printf ' — |'; else printf ' %s%s |' "${R[$key,$n]}" "$unit"; fi
        done
        printf '\n'
    }
    ratio_row() {
        local label=$1 top=$2 bottom=$3
        printf '| %s |' "$label"
        for n in "${SIZES[@]}"; do printf ' %s |' "$(ratio "${R[$top,$n]}" "${R[$bottom,$n]}")"; done
        printf '\n'
    }
    row "HTML files: siaran" files ""
    row "HTML files: Hugo" hugo_files ""
    row "siaran build, no search index" build " s"
    row "siaran build, with Pagefind index" search " s"
    row "Hugo build (same corpus)" hugo " s"
    row "cp -r of siaran's output (file system alone)" copy " s"
    ratio_row "siaran / Hugo, no search index" build hugo
    ratio_row "siaran / Hugo, with search index" search hugo
    row "rebuild, nothing changed" noop " s"
    row "rebuild, one post edited and re-signed" edit " s"
    ratio_row "one edit / full build" edit build
    row "preview (serve): one post edited, until its page shows it" serve_edit " s"
    ratio_row "preview edit / full build" serve_edit build
    row "siaran check (every signature)" check " s"
    row "peak RSS, build without index" rss " MB"
    row "peak RSS, build with index" rss_search " MB"
    row "peak RSS, Hugo" hugo_rss " MB"
    if [ -n "${R[build,1000]:-}" ] && [ -n "${R[build,10000]:-}" ]; then
        printf '\nScaling, 10,000 posts / 1,000 posts: siaran %s, siaran with index %s, Hugo %s\n' \
            "$(ratio "${R[build,10000]}" "${R[build,1000]}")" "$(ratio "${R[search,10000]}" "${R[search,1000]}")" \
            "$(ratio "${R[hugo,10000]}" "${R[hugo,1000]}")"
    fi
    printf '\n| publisher and daemon (fakes on 127.0.0.1, 100 ms per request) | measured | target |\n|---|---|---|\n%s\n' \
        "$PUBLISHER"
    printf '\n| in-process phase (criterion, the example office) | mean time |\n|---|---:|\n%s\n' "$PHASES"
    printf '\nMachine: %s, %s cores, %s; %s; %s\n' "$(uname -m)" "$(nproc)" \
        "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
        "$($SIARAN --version)" "$(hugo version | cut -d' ' -f1-2)"
} | tee "$WORK/results.md"
