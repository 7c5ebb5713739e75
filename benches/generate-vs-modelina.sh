#!/usr/bin/env bash
# Measures Hookforge's type generation beside Modelina's RustGenerator on the
# same documents, and the compile time of the generated code. Prints a
# Markdown table and keeps every raw result under $WORK.
#
# Steps:
#   1. `cargo bench --bench generate` times `generate_types` with criterion
#      and keeps its inputs (the chosen corpus documents, the synthetic
#      document, the generated Rust of each) in $WORK/inputs.
#   2. benches/modelina/generate.js times Modelina on each of those
#      documents, without network access when `unshare -n` works, and writes
#      Modelina's crate layout for each.
#   3. The generated code of the largest corpus document and of the
#      synthetic document goes into scratch crates that depend on
#      runtime/ by path. After one warm-up build of the dependencies, the
#      script times `cargo check` and `cargo build` of the scratch crate
#      alone, touching its source before every run. Every other output, of
#      both tools, gets one `cargo check` that records whether it compiles.
#
# Requirements: cargo, node 18 or later, and `npm ci` run once in
# benches/modelina (the script installs nothing).
#
# Environment:
#   HOOKFORGE_CORPUS   the corpus folder (default /work/shared/corpus)
#   WORK               scratch folder (default /tmp/hookforge-generate-bench);
#                      emptied at the start
#   MODELINA_RUNS      timed Modelina runs per document (default 5), after
#                      one warm-up run
#   COMPILE_RUNS       timed runs of each cargo command (default 3)
#   MODELINA_TIMEOUT   seconds allowed for Modelina on one document
#                      (default 1800)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="${HOOKFORGE_CORPUS:-/work/shared/corpus}"
WORK="${WORK:-/tmp/hookforge-generate-bench}"
MODELINA_RUNS="${MODELINA_RUNS:-5}"
COMPILE_RUNS="${COMPILE_RUNS:-3}"
MODELINA_TIMEOUT="${MODELINA_TIMEOUT:-1800}"
WORKSPACE_TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# Scratch crates build into their own target folder, so that their timings
# neither use nor disturb the workspace's build cache.
SCRATCH_TARGET="$WORK/target"

if [[ ! -d "$ROOT/benches/modelina/node_modules/@asyncapi/modelina" ]]; then
    echo "error: Modelina is not installed; run 'npm ci' in $ROOT/benches/modelina first" >&2
    exit 1
fi
if [[ ! -f "$CORPUS/MANIFEST.tsv" ]]; then
    echo "error: no corpus at $CORPUS (MANIFEST.tsv not found); set HOOKFORGE_CORPUS" >&2
    exit 1
fi

rm -rf "$WORK"
mkdir -p "$WORK/inputs" "$WORK/modelina" "$WORK/crates" "$WORK/logs"

# Runs node without network access where the kernel allows it, so that a
# Modelina run cannot fetch anything.
OFFLINE=()
if unshare -n true 2>/dev/null; then
    OFFLINE=(unshare -n)
fi

# Prints the value of a JavaScript expression over the JSON file $1, where
# `r` is the parsed object.
json() {
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
             const v = eval(process.argv[2]); console.log(v === undefined ? "" : v);' "$1" "$2"
}

# Prints the median of the numbers given as arguments.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Runs a command quietly and prints its wall time in seconds, or "failed".
# The command's output goes to the log file $1.
timed() {
    local log="$1"
    shift
    local start=$EPOCHREALTIME
    if "$@" >>"$log" 2>&1; then
        awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", e - s }'
    else
        echo "failed"
    fi
}

# Prints the first compiler error of a cargo log and its location, on one
# line.
first_error() {
    grep -m1 -A1 '^error' "$1" | tr '\n' ' ' | sed 's/  */ /g' | cut -c1-200
}

# Escapes the pipe characters of $1 for a Markdown table cell.
cell() {
    printf '%s' "${1//|/\\|}"
}

# Creates a scratch crate in $1 named $2 whose src/lib.rs is the file $3 and
# that depends on the Hookforge runtime.
hookforge_crate() {
    mkdir -p "$1/src"
    cp "$3" "$1/src/lib.rs"
    cat >"$1/Cargo.toml" <<EOF
[package]
name = "$2"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
hookforge = { path = "$ROOT/runtime" }

[workspace]
EOF
    # The workspace lock file pins the same serde versions the workspace
    # builds with, and lets cargo resolve offline.
    cp "$ROOT/Cargo.lock" "$1/Cargo.lock"
}

# Prints "yes" when `cargo check` of the crate in $1 succeeds, or
# "no: FIRST ERROR". The log goes to $2.
compiles() {
    if (cd "$1" && CARGO_TARGET_DIR="$SCRATCH_TARGET" cargo check --offline >"$2" 2>&1); then
        echo "yes"
    else
        echo "no: $(first_error "$2")"
    fi
}

# Times `cargo check` and `cargo build` of the crate in $1 (runs after a
# warm-up of each) and prints "CHECK_MEDIAN BUILD_MEDIAN", in seconds.
compile_times() {
    local crate="$1" log="$2"
    local checks=() builds=()
    (
        cd "$crate"
        export CARGO_TARGET_DIR="$SCRATCH_TARGET"
        cargo check --offline >>"$log" 2>&1
        cargo build --offline >>"$log" 2>&1
    )
    for _ in $(seq "$COMPILE_RUNS"); do
        touch "$crate/src/lib.rs"
        checks+=("$(cd "$crate" && CARGO_TARGET_DIR="$SCRATCH_TARGET" timed "$log" cargo check --offline)")
    done
    for _ in $(seq "$COMPILE_RUNS"); do
        touch "$crate/src/lib.rs"
        builds+=("$(cd "$crate" && CARGO_TARGET_DIR="$SCRATCH_TARGET" timed "$log" cargo build --offline)")
    done
    echo "$(median "${checks[@]}") $(median "${builds[@]}")"
}

echo "== machine"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc: $(nproc)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
    echo "memory: $(free -h | awk '/^Mem:/ { print $2 }')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- codegen runtime || echo ' with uncommitted changes in codegen/ or runtime/')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "rustc: $(rustc --version)"
    echo "node: $(node --version)"
    echo "modelina: $(node -p 'require("'"$ROOT"'/benches/modelina/node_modules/@asyncapi/modelina/package.json").version')"
    echo "network for modelina: $([[ ${#OFFLINE[@]} -gt 0 ]] && echo "none (unshare -n)" || echo "not isolated")"
} | tee "$WORK/machine.txt"

echo "== hookforge: cargo bench -p hookforge-codegen --bench generate"
(
    cd "$ROOT"
    HOOKFORGE_CORPUS="$CORPUS" HOOKFORGE_GENERATE_BENCH_DIR="$WORK/inputs" \
        cargo bench -p hookforge-codegen --bench generate
) 2>&1 | tee "$WORK/logs/criterion.log" | grep -E '^(corpus|synthetic|skipped|generate-)|time:'

# One row per input: name, path, bytes, number of generated types.
mapfile -t INPUTS < <(tail -n +2 "$WORK/inputs/inputs.tsv")
LARGEST="$(cut -f1 <<<"${INPUTS[0]}")"
SYNTHETIC="$(cut -f1 <<<"${INPUTS[${#INPUTS[@]}-1]}")"

# Runs generate.js on the document $1, writes its JSON result to $2 and its
# crate to $3. Further arguments go to generate.js. A run that fails or
# times out still leaves a JSON result with "ok": false.
run_modelina() {
    local path="$1" result="$2" package="$3"
    shift 3
    if ! timeout "$MODELINA_TIMEOUT" "${OFFLINE[@]}" node "$ROOT/benches/modelina/generate.js" "$path" \
        --runs "$MODELINA_RUNS" --warmup 1 --package "$package" "$@" \
        >"$result" 2>"$result.err"; then
        node -e 'console.log(JSON.stringify({ ok: false, error: process.argv[1] }))' \
            "exited with an error or timed out after ${MODELINA_TIMEOUT} s; last output: $(tail -c 300 "$result.err")" \
            >"$result"
    fi
}

echo "== modelina: node benches/modelina/generate.js (runs: $MODELINA_RUNS)"
declare -A MDL_DEFAULT
for row in "${INPUTS[@]}"; do
    IFS=$'\t' read -r name path _ _ <<<"$row"
    result="$WORK/modelina/$name.json"
    run_modelina "$path" "$result" "$WORK/modelina/$name"
    if [[ "$(json "$result" 'r.ok')" == true ]]; then
        MDL_DEFAULT[$name]="accepted"
    else
        MDL_DEFAULT[$name]="$(json "$result" '[r.error].concat(r.diagnostics || []).slice(0, 2).join("; ").slice(0, 240)')"
        # A parser rejection is often only Spectral's example rules, which
        # Hookforge treats as warnings: measure again without them.
        if [[ "$(json "$result" 'r.error')" == "Modelina's parser rejected the document" ]]; then
            mv "$result" "$WORK/modelina/$name.default.json"
            run_modelina "$path" "$result" "$WORK/modelina/$name" --no-example-checks
        fi
    fi
    echo "$name: default rules: ${MDL_DEFAULT[$name]}"
    echo "$name: $(cut -c1-400 "$result")"
done

echo "== compile checks (cargo check --offline, target $SCRATCH_TARGET)"
declare -A HF_COMPILES MDL_COMPILES HF_TIMES MDL_TIMES
for row in "${INPUTS[@]}"; do
    IFS=$'\t' read -r name _ _ _ <<<"$row"
    crate_name="hf_$(tr -c 'a-zA-Z0-9\n' '_' <<<"$name")"
    hookforge_crate "$WORK/crates/$name" "$crate_name" "$WORK/inputs/$name.rs"
    HF_COMPILES[$name]="$(compiles "$WORK/crates/$name" "$WORK/logs/check-hookforge-$name.log")"
    if [[ -f "$WORK/modelina/$name/Cargo.toml" ]]; then
        cp "$ROOT/Cargo.lock" "$WORK/modelina/$name/Cargo.lock"
        MDL_COMPILES[$name]="$(compiles "$WORK/modelina/$name" "$WORK/logs/check-modelina-$name.log")"
    else
        MDL_COMPILES[$name]="no output"
    fi
    echo "$name: hookforge ${HF_COMPILES[$name]}; modelina ${MDL_COMPILES[$name]}"
done

echo "== compile times (median of $COMPILE_RUNS, seconds)"
for name in "$LARGEST" "$SYNTHETIC"; do
    if [[ "${HF_COMPILES[$name]}" == yes ]]; then
        HF_TIMES[$name]="$(compile_times "$WORK/crates/$name" "$WORK/logs/time-hookforge-$name.log")"
    else
        HF_TIMES[$name]="- -"
    fi
    if [[ "${MDL_COMPILES[$name]}" == yes ]]; then
        MDL_TIMES[$name]="$(compile_times "$WORK/modelina/$name" "$WORK/logs/time-modelina-$name.log")"
    else
        MDL_TIMES[$name]="- -"
    fi
    echo "$name: hookforge check/build ${HF_TIMES[$name]}; modelina check/build ${MDL_TIMES[$name]}"
done

# Prints the criterion median of one input in milliseconds.
criterion_median_ms() {
    local estimates="$WORKSPACE_TARGET/criterion/generate-$1/generate_types/new/estimates.json"
    if [[ -f "$estimates" ]]; then
        json "$estimates" '(r.median.point_estimate / 1e6).toFixed(1)'
    else
        echo "-"
    fi
}

# Divides $1 by $2 with three decimals, or prints "-".
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a + 0 > 0 && b + 0 > 0) printf "%.3f\n", a / b; else print "-" }'
}

{
    echo
    echo "### Generation time (median, ms)"
    echo
    echo "| input | bytes | Hookforge types | Hookforge generate_types | Modelina example rules | Modelina models | Modelina end to end | Modelina parse only | Modelina generate from parsed | Hookforge / Modelina end to end |"
    echo "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    for row in "${INPUTS[@]}"; do
        IFS=$'\t' read -r name _ bytes types <<<"$row"
        result="$WORK/modelina/$name.json"
        hookforge_ms="$(criterion_median_ms "$name")"
        if [[ "$(json "$result" 'r.ok')" == true ]]; then
            models="$(json "$result" 'r.models')"
            end_to_end="$(json "$result" 'r.end_to_end_ms')"
            parse="$(json "$result" 'r.parse_ms')"
            from_parsed="$(json "$result" 'r.generate_from_parsed_ms')"
        else
            models="failed: $(json "$result" '[r.error].concat(r.diagnostics || []).slice(0, 2).join("; ").slice(0, 160)')"
            end_to_end="-"
            parse="-"
            from_parsed="-"
        fi
        rules="$([[ "$(json "$result" 'r.example_checks')" == false ]] && echo off || echo on)"
        echo "| $name | $bytes | $types | $hookforge_ms | $rules | $(cell "$models") | $end_to_end | $parse | $from_parsed | $(ratio "$hookforge_ms" "$end_to_end") |"
    done
    echo
    echo "### Modelina with its default parser rules"
    echo
    echo "| input | result |"
    echo "| --- | --- |"
    for row in "${INPUTS[@]}"; do
        IFS=$'\t' read -r name _ _ _ <<<"$row"
        echo "| $name | $(cell "${MDL_DEFAULT[$name]}") |"
    done
    echo
    echo "### Does the output compile (cargo check)"
    echo
    echo "| input | Hookforge | Modelina |"
    echo "| --- | --- | --- |"
    for row in "${INPUTS[@]}"; do
        IFS=$'\t' read -r name _ _ _ <<<"$row"
        echo "| $name | $(cell "${HF_COMPILES[$name]}") | $(cell "${MDL_COMPILES[$name]}") |"
    done
    echo
    echo "### Compile time of the generated code (median of $COMPILE_RUNS, s)"
    echo
    echo "| input | Hookforge cargo check | Hookforge cargo build | Modelina cargo check | Modelina cargo build |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for name in "$LARGEST" "$SYNTHETIC"; do
        read -r hf_check hf_build <<<"${HF_TIMES[$name]}"
        read -r mdl_check mdl_build <<<"${MDL_TIMES[$name]}"
        echo "| $name | $hf_check | $hf_build | $mdl_check | $mdl_build |"
    done
    echo
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/results.md"
