#!/usr/bin/env bash
# The steps of the clientlint GitHub Action (action.yml), as a plain script so they can be
# run, and tested, outside GitHub (tests/packaging/action.sh fakes the runner's variables).
#
#   action.sh install   put clientlint on PATH for the later steps (appends to $GITHUB_PATH)
#                       INPUT_INSTALL = source (default): cargo install --locked from the
#                                       action's own checkout ($GITHUB_ACTION_PATH), so the
#                                       binary is exactly the action's version;
#                                     deb: install the .deb at INPUT_DEB_URL (http(s)://,
#                                       file:// or a path) with dpkg, e.g. a release asset;
#                                     none: use the clientlint already on PATH.
#   action.sh run       lint INPUT_PATHS (default ".") with INPUT_ARGS, writing SARIF to
#                       INPUT_SARIF_FILE (default clientlint.sarif); on GitHub also print
#                       annotations (--format github) unless INPUT_ANNOTATIONS is false,
#                       elsewhere the text report. Records `exit-code` and `sarif-file` in
#                       $GITHUB_OUTPUT and always succeeds, so the SARIF upload runs even
#                       when clientlint found something (exit 1).
#   action.sh finish    exit with clientlint's code (EXIT_CODE): 1 fails the job unless
#                       INPUT_FAIL is false; 2 (a tool error) or no code at all always fails.
#
# INPUT_PATHS and INPUT_ARGS are split on whitespace (spaces and newlines); no quoting.
set -euo pipefail

die() {
    echo "::error title=clientlint::$*"
    exit 2
}

# Appends NAME=VALUE to $GITHUB_OUTPUT (or prints it when there is none).
output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; else echo "$1=$2"; fi
}

# Runs a command as root: directly when we are root, else through sudo (GitHub's runners
# allow it without a password).
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install() {
    local how=${INPUT_INSTALL:-source}
    case "$how" in
    source)
        local src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
        command -v cargo >/dev/null 2>&1 ||
            die "install: source needs a Rust toolchain (cargo); add a setup step such as dtolnay/rust-toolchain, or use install: deb"
        local root=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/clientlint
        echo "Building clientlint from $src (cargo install --locked)"
        cargo install --locked --force --quiet --path "$src" --root "$root" ||
            die "cargo install --path $src failed"
        [ -n "${GITHUB_PATH:-}" ] && echo "$root/bin" >>"$GITHUB_PATH"
        export PATH="$root/bin:$PATH"
        ;;
    deb)
        local url=${INPUT_DEB_URL:-}
        [ -n "$url" ] || die "install: deb needs deb-url (a release asset's URL or a path)"
        local deb=$url
        case "$url" in
        http://* | https://* | file://*)
            deb="${RUNNER_TEMP:-/tmp}/clientlint.deb"
            curl --fail --silent --show-error --location --output "$deb" "$url" ||
                die "could not download $url"
            ;;
        esac
        [ -f "$deb" ] || die "no such package: $deb"
        as_root dpkg -i "$deb" || die "dpkg -i $deb failed"
        ;;
    none) ;;
    *) die "unknown install method '$how' (source, deb or none)" ;;
    esac
    command -v clientlint >/dev/null 2>&1 || die "clientlint is not on PATH after install: $how"
    clientlint --version
}

run() {
    local sarif=${INPUT_SARIF_FILE:-clientlint.sarif}
    local -a paths=() args=()
    # -d '': read everything, newlines included; IFS splits on spaces, tabs and newlines.
    read -r -d '' -a paths < <(printf '%s\0' "${INPUT_PATHS:-.}") || true
    read -r -d '' -a args < <(printf '%s\0' "${INPUT_ARGS:-}") || true
    [ ${#paths[@]} -gt 0 ] || paths=(.)
    rm -f "$sarif"
    mkdir -p "$(dirname "$sarif")"
    local status=0
    clientlint --format sarif --output-file "$sarif" "${args[@]}" "${paths[@]}" || status=$?
    # Walking `.` gives paths like ./deploy/prefs.js. Code scanning does not resolve a
    # leading ./ (github/codeql-action#2829), nor do annotations, so it is dropped: paths are
    # relative to the workspace, where the action runs.
    if [ -s "$sarif" ]; then
        sed -E 's#^( *"uri": ")(\./)+#\1#' "$sarif" >"$sarif.tmp" && mv "$sarif.tmp" "$sarif"
    fi
    if [ "${GITHUB_ACTIONS:-}" = true ] && [ "${INPUT_ANNOTATIONS:-true}" != false ]; then
        # Warnings about the run were printed by the first run already.
        clientlint --format github --color never "${args[@]}" "${paths[@]}" 2>/dev/null |
            sed -E 's#^(::[a-z]+ file=)(\./)+#\1#' || true
    elif [ "${GITHUB_ACTIONS:-}" != true ]; then
        clientlint --color never "${args[@]}" "${paths[@]}" 2>/dev/null || true
    fi
    output exit-code "$status"
    if [ -s "$sarif" ]; then
        output sarif-file "$sarif"
    else
        echo "::warning title=clientlint::no SARIF report was written (exit $status)"
    fi
    echo "clientlint exited with $status"
}

finish() {
    local code=${EXIT_CODE:-}
    case "$code" in
    0) exit 0 ;;
    1)
        if [ "${INPUT_FAIL:-true}" = false ]; then
            echo "clientlint found problems; not failing (fail: false)"
            exit 0
        fi
        echo "::error title=clientlint::clientlint found problems (see the annotations and the code scanning alerts)"
        exit 1
        ;;
    '') die "clientlint did not run" ;;
    *) die "clientlint could not complete the check (exit $code)" ;;
    esac
}

case "${1:-}" in
install | run | finish) "$1" ;;
*)
    echo "usage: $0 install|run|finish" >&2
    exit 2
    ;;
esac
