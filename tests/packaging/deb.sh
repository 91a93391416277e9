#!/usr/bin/env bash
# The Debian package (issue 21): build it with packaging/build-deb.sh, install it with dpkg,
# check what it installed, and purge it again.
#
#   - the package holds the binary, the man page, the bash/zsh/fish completions, the docs,
#     both licences and /etc/clientlint.toml, declared as a conffile;
#   - installed: `clientlint --version` is the crate's version, `man -w clientlint` finds the
#     page, the completion files are in place and bash loads the completion (through
#     bash-completion's loader when it is installed) and completes `--format`; zsh and fish
#     parse theirs when installed; /etc/clientlint.toml is the shipped example and clientlint
#     reads it (all commented out, so every limit is the default);
#   - conffile handling: a local edit of /etc/clientlint.toml survives reinstalling and
#     `dpkg --remove`; `dpkg --purge` removes it with everything else.
#
# Needs root and dpkg; prints "skipped: …" and exits 0 where either is missing. Installs
# cargo-deb with `cargo install --root` when it is not on PATH (into $CLIENTLINT_TOOLS,
# default <target dir>/tools). A /etc/clientlint.toml that exists beforehand is moved aside
# and put back; the package is purged on exit even when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

if ! command -v dpkg >/dev/null 2>&1; then
    echo "skipped: dpkg not available"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "skipped: installing a package with dpkg needs root"
    exit 0
fi
if dpkg-query -W -f='${Status}' clientlint 2>/dev/null | grep -q "installed"; then
    echo "error: a clientlint package is already installed on this machine; this test installs" \
        "and purges its own, so remove it first (dpkg --purge clientlint)" >&2
    exit 1
fi

failures=0
pass() { echo "PASS  $*"; }
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

# ---- cargo-deb -------------------------------------------------------------------------
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d'"' -f4)
cargo_deb=$(command -v cargo-deb || true)
if [ -z "$cargo_deb" ]; then
    tools=${CLIENTLINT_TOOLS:-$target_dir/tools}
    if [ ! -x "$tools/bin/cargo-deb" ]; then
        echo "installing cargo-deb into $tools (cargo install --locked)"
        if ! cargo install cargo-deb --locked --version "${CARGO_DEB_VERSION:-3.8.0}" \
            --root "$tools" >"$target_dir/cargo-deb-install.log" 2>&1; then
            tail -n 20 "$target_dir/cargo-deb-install.log" >&2
            echo "skipped: cargo-deb could not be installed (see $target_dir/cargo-deb-install.log)"
            exit 0
        fi
    fi
    cargo_deb="$tools/bin/cargo-deb"
fi

# ---- build -----------------------------------------------------------------------------
work=$(mktemp -d)
saved_conf=""
cleanup() {
    if dpkg-query -W -f='${Status}' clientlint 2>/dev/null | grep -q "installed"; then
        dpkg --purge clientlint >/dev/null 2>&1 || true
    fi
    if [ -n "$saved_conf" ] && [ -e "$saved_conf" ]; then
        mv "$saved_conf" /etc/clientlint.toml
    fi
    rm -rf "$work"
}
trap cleanup EXIT
if [ -e /etc/clientlint.toml ]; then
    saved_conf="$work/clientlint.toml.before"
    mv /etc/clientlint.toml "$saved_conf"
    echo "note: moved the existing /etc/clientlint.toml aside for the test"
fi

deb=$(CARGO_DEB="$cargo_deb" packaging/build-deb.sh "$work/out" | tail -n 1)
[ -f "$deb" ] || {
    echo "error: packaging/build-deb.sh did not produce a package ($deb)" >&2
    exit 1
}
echo "built $deb ($(du -h "$deb" | cut -f1))"
version=$(grep -m1 '^version = ' Cargo.toml | cut -d'"' -f2)

# ---- the package's contents ------------------------------------------------------------
files=(
    /usr/bin/clientlint
    /usr/share/man/man1/clientlint.1.gz
    /usr/share/bash-completion/completions/clientlint
    /usr/share/zsh/vendor-completions/_clientlint
    /usr/share/fish/vendor_completions.d/clientlint.fish
    /usr/share/doc/clientlint/README.md
    /usr/share/doc/clientlint/LICENSE-MIT
    /usr/share/doc/clientlint/LICENSE-APACHE
    /usr/share/doc/clientlint/copyright
    /etc/clientlint.toml
)
contents=$(dpkg-deb -c "$deb")
for f in "${files[@]}"; do
    check "package holds $f" grep -q " \.$f\$" <<<"$contents"
done
check "package version is $version" test "$(dpkg-deb -f "$deb" Version)" = "$version-1"
check "/etc/clientlint.toml is declared a conffile" \
    grep -qx /etc/clientlint.toml <(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)

# ---- install ---------------------------------------------------------------------------
dpkg -i "$deb" >"$work/install.log" 2>&1 || {
    cat "$work/install.log" >&2
    fail "dpkg -i"
    exit 1
}
pass "dpkg -i $(basename "$deb")"
installed=$(dpkg-query -L clientlint)
for f in "${files[@]}"; do
    check "installed $f" test -f "$f"
done
check "clientlint --version says $version" \
    test "$(/usr/bin/clientlint --version)" = "clientlint $version"
check "clientlint is the one on PATH" test "$(command -v clientlint)" = /usr/bin/clientlint

if grep -rqs '^path-exclude=*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
    echo "skip  man -w clientlint (dpkg is configured to leave out man pages here)"
else
    check "man -w clientlint finds /usr/share/man/man1/clientlint.1.gz" \
        test "$(man -w clientlint)" = /usr/share/man/man1/clientlint.1.gz
fi
check "the man page documents --unsafe-fixes" \
    grep -q 'unsafe\\-fixes' <(zcat /usr/share/man/man1/clientlint.1.gz)

# bash: load the completion the way an interactive shell does when bash-completion is
# installed (on demand, by command name), else source the file; then complete `--form`.
# shellcheck disable=SC2016 # expanded by the bash that runs it
complete_format='
    COMP_WORDS=(clientlint --form); COMP_CWORD=1; COMP_LINE="clientlint --form"
    COMP_POINT=${#COMP_LINE}
    fn=$(complete -p clientlint | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
    "$fn" clientlint --form clientlint
    printf "%s\n" "${COMPREPLY[@]}" | grep -qx -- --format'
if [ ! -f /usr/share/bash-completion/bash_completion ] && command -v apt-get >/dev/null 2>&1; then
    # The loader interactive shells use; a Debian package, so installed like the clients of
    # the interop suite. Falls back to sourcing the file when apt cannot install it.
    if ! apt-get install -y -q --no-install-recommends bash-completion >"$work/apt.log" 2>&1 &&
        ! { apt-get update -q >>"$work/apt.log" 2>&1 &&
            apt-get install -y -q --no-install-recommends bash-completion >>"$work/apt.log" 2>&1; }; then
        tail -n 5 "$work/apt.log"
        echo "note: could not install bash-completion"
    fi
fi
if [ -f /usr/share/bash-completion/bash_completion ]; then
    check "bash-completion loads the clientlint completion on demand and completes --format" \
        bash -c 'source /usr/share/bash-completion/bash_completion
            __load_completion clientlint || _completion_loader clientlint
            complete -p clientlint && '"$complete_format"
else
    echo "note: bash-completion is not installed; sourcing the completion file directly"
    check "bash loads /usr/share/bash-completion/completions/clientlint and completes --format" \
        bash -c 'source /usr/share/bash-completion/completions/clientlint
            complete -p clientlint && '"$complete_format"
fi
if command -v zsh >/dev/null 2>&1; then
    check "zsh parses _clientlint" zsh -n /usr/share/zsh/vendor-completions/_clientlint
else
    echo "skip  zsh -n _clientlint (zsh not installed)"
fi
if command -v fish >/dev/null 2>&1; then
    check "fish parses clientlint.fish" fish -n /usr/share/fish/vendor_completions.d/clientlint.fish
else
    echo "skip  fish -n clientlint.fish (fish not installed)"
fi

check "/etc/clientlint.toml is the shipped example" \
    cmp -s /etc/clientlint.toml packaging/clientlint.toml
check "dpkg lists /etc/clientlint.toml as a conffile" \
    grep -q '^ /etc/clientlint.toml ' <(dpkg-query -W -f='${Conffiles}\n' clientlint)
# From a directory without clientlint.toml and a home without one, the system file is used.
empty_home="$work/home"
mkdir -p "$empty_home"
config_out=$(cd "$work" && HOME="$empty_home" XDG_CONFIG_HOME="$empty_home/.config" \
    clientlint config)
check "clientlint reads /etc/clientlint.toml" \
    grep -qx '# configuration file: /etc/clientlint.toml' <<<"$config_out"
check "with every key commented out, the limits are the defaults" \
    grep -qx 'max-connections = 3  # default' <<<"$config_out"
demo_status=0
(cd "$work" && HOME="$empty_home" clientlint "$repo/fixtures/demo" >/dev/null 2>&1) ||
    demo_status=$?
check "the installed clientlint lints the demo (exit 1: findings)" test "$demo_status" = 1

# ---- conffile semantics: a local edit survives reinstall and remove, purge removes it ----
echo 'max-connections = 4  # local edit' >>/etc/clientlint.toml
dpkg -i --force-confold "$deb" >"$work/reinstall.log" 2>&1 || cat "$work/reinstall.log" >&2
check "a local edit of /etc/clientlint.toml survives reinstalling" \
    grep -q 'local edit' /etc/clientlint.toml
dpkg --remove clientlint >"$work/remove.log" 2>&1 || cat "$work/remove.log" >&2
check "dpkg --remove removes the binary" test ! -e /usr/bin/clientlint
check "dpkg --remove keeps the edited conffile" grep -q 'local edit' /etc/clientlint.toml

# ---- purge -----------------------------------------------------------------------------
dpkg --purge clientlint >"$work/purge.log" 2>&1 || cat "$work/purge.log" >&2
# shellcheck disable=SC2016 # expanded by the bash that runs it
check "dpkg --purge: the package is gone" \
    bash -c '! dpkg-query -W -f="\${Status}" clientlint 2>/dev/null | grep -q installed'
left=()
while IFS= read -r path; do
    # Directories the package shares with others (/usr/share/man/man1, …) stay.
    if [ -n "$path" ] && [ ! -d "$path" ] && [ -e "$path" ]; then left+=("$path"); fi
done <<<"$installed"
check "dpkg --purge removed every installed file (left: ${left[*]:-none})" test ${#left[@]} = 0
check "dpkg --purge removed /etc/clientlint.toml" test ! -e /etc/clientlint.toml
check "dpkg --purge removed /usr/share/doc/clientlint" test ! -e /usr/share/doc/clientlint

echo
if [ "$failures" -gt 0 ]; then
    echo "deb: $failures check(s) failed"
    exit 1
fi
echo "deb: all checks passed"
