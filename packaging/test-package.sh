#!/usr/bin/env bash
# Tests the Debian package end to end, after the test suite (CI runs it last, from .ci/run):
#   1. builds it (cmake --build build --target package) when it is missing or older than the
#      programs or the packaging files, and checks that it holds what docs/packaging.md lists;
#   2. lintian (fails on errors only; skipped with a note when lintian is absent);
#   3. installs it with dpkg -i -- its dependencies must already be there (packaging/install-deps.sh
#      installs them); nothing is fetched -- and runs longmim --help, longmim synth and
#      longmim-studio --version from /usr/bin, validates the installed desktop entry and AppStream
#      metadata, and tries the bash completion;
#   4. purges it and checks that dpkg reports it not installed and that no file of it is left.
# Every step says what it does and fails with a message naming the step. The package is purged on
# every exit once this script has installed it (trap), so a failure never leaves it behind.
#
#   packaging/test-package.sh               from anywhere; as root, or as a user with sudo (only
#                                           dpkg -i and dpkg --purge run as root)
#   LONGMIM_BUILD_DIR=DIR                   another build folder (default: build)
#   LONGMIM_PACKAGE_BUILD="COMMAND"         how to build the package, instead of
#                                           cmake --build DIR --target package (for a machine
#                                           where builds go through a lock, for example)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LONGMIM_BUILD_DIR:-build}
package=longitudinal-mim-studio
app_id=org.longmim.Studio
started=$SECONDS
tmp=$(mktemp -d)
installed_here=0
as_root=()  # empty as root; (sudo) otherwise

say() { echo "test-package: $*"; }
fail() {
  echo "test-package: FAILED: $*" >&2
  exit 1
}

# The dpkg database's word for the package: "installed", "not-installed", "config-files", ...
package_status() {
  dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || echo not-installed
}

cleanup() {
  local code=$?
  if ((installed_here)) && [[ $(package_status) != not-installed ]]; then
    echo "test-package: purging $package (the test stopped before its own purge step)" >&2
    "${as_root[@]}" dpkg --purge "$package" >/dev/null 2>&1 ||
      echo "test-package: could not purge $package; run: dpkg --purge $package" >&2
  fi
  rm -rf "$tmp"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null ||
    fail "run as root, or install sudo: the package is installed and purged with dpkg"
  as_root=(sudo)
fi
for tool in dpkg dpkg-deb dpkg-query cmake; do
  command -v "$tool" >/dev/null || fail "$tool is missing (packaging/install-deps.sh installs it)"
done
[[ -f $build/CPackConfig.cmake ]] ||
  fail "$build is not a configured build folder (run the README's cmake -S . -B build first)"

# ---- 1. The package --------------------------------------------------------------------------
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[[ -n $version ]] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
deb=$build/${package}_${version}_$(dpkg --print-architecture).deb
stale=""
if [[ -f $deb ]]; then
  # What goes into the package: the programs and the files packaging/Packaging.cmake installs.
  stale=$(find "$build/app/longmim" "$build/app/longmim-studio" packaging/*.cmake \
    packaging/completion packaging/debian packaging/desktop packaging/man resources \
    -type f -newer "$deb" -print -quit 2>/dev/null || true)
fi
if [[ ! -f $deb || -n $stale ]]; then
  say "building the package${stale:+ ($stale is newer than it)}"
  build_command=${LONGMIM_PACKAGE_BUILD:-cmake --build $build -j2 --target package}
  $build_command || fail "the package build ($build_command) failed"
  [[ -f $deb ]] || fail "the package build succeeded but $deb does not exist"
fi
say "package $deb ($(du -k "$deb" | cut -f1) KiB)"

expected=(
  /usr/bin/longmim /usr/bin/longmim-studio
  /usr/share/man/man1/longmim.1.gz /usr/share/man/man1/longmim-studio.1.gz
  "/usr/share/applications/$app_id.desktop"
  "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
  "/usr/share/metainfo/$app_id.metainfo.xml"
  /usr/share/bash-completion/completions/longmim
  "/usr/share/$package/presets/paper.json" "/usr/share/$package/presets/cpu-demo.json"
  "/usr/share/$package/presets/tiny.json"
  "/usr/share/doc/$package/copyright" "/usr/share/doc/$package/changelog.gz"
)
contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
missing=()
for path in "${expected[@]}"; do
  grep -qxF "$path" <<<"$contents" || missing+=("$path")
done
((${#missing[@]} == 0)) ||
  fail "the package lacks ${missing[*]} (no man pages: help2man was missing when cmake configured)"
say "the package holds the ${#expected[@]} expected files"

# ---- 2. lintian ------------------------------------------------------------------------------
if command -v lintian >/dev/null; then
  say "lintian (errors fail this test; its other tags are discussed in docs/packaging.md)"
  # --display-info --pedantic: every tag, down to the notes. Lintian warns that it runs as root;
  # that line says nothing about the package.
  lintian_status=0
  lintian --fail-on error --display-info --pedantic "$deb" >"$tmp/lintian.txt" 2>&1 ||
    lintian_status=$?
  tags=$(grep -v 'root privileges' "$tmp/lintian.txt" || true)
  [[ -z $tags ]] || echo "$tags"
  count() { grep -c "^$1: " <<<"$tags" || true; }
  say "lintian: $(count E) errors, $(count W) warnings, $(count I) notes, $(count P) pedantic"
  # 1: a tag at the --fail-on level (an error); 2: lintian itself failed.
  ((lintian_status == 0)) || fail "lintian exited with $lintian_status on $deb (above)"
else
  say "NOTE: lintian is not installed, so it was skipped (packaging/install-deps.sh --dev)"
fi

# ---- 3. Install and use it -------------------------------------------------------------------
status=$(package_status)
[[ $status == not-installed ]] ||
  fail "$package is already on this machine (dpkg status '$status'); this test installs and" \
    "purges it itself, so remove it first: dpkg --purge $package"
depends=$(dpkg-deb -f "$deb" Depends)
if command -v dpkg-checkbuilddeps >/dev/null; then
  # dpkg-checkbuilddeps checks any dependency list against the installed packages (-I: without
  # Debian's implicit build-essential set); dpkg -i would stop on the same ones.
  unmet=$(dpkg-checkbuilddeps -I -d "$depends" /dev/null 2>&1) ||
    fail "dpkg -i would fail: the package needs what is not installed:" \
      "${unmet#*dependencies: } (packaging/install-deps.sh installs the build's libraries)"
fi
say "dpkg -i $deb"
installed_here=1
"${as_root[@]}" dpkg -i "$deb" || fail "dpkg -i $deb failed (dpkg's message above)"
[[ $(package_status) == installed ]] || fail "after dpkg -i, dpkg says '$(package_status)'"
mapfile -t listed < <(dpkg -L "$package")
((${#listed[@]} > 0)) || fail "dpkg -L $package lists nothing"

# Only the installed copies: no display, a scratch HOME, and no build folder on PATH.
run_installed() {
  env -u DISPLAY -u WAYLAND_DISPLAY HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/data" \
    PATH=/usr/bin:/bin "$@"
}
mkdir -p "$tmp/home"

say "/usr/bin/longmim --help"
help=$(run_installed /usr/bin/longmim --help) || fail "/usr/bin/longmim --help exited with $?"
grep -q '^Usage: longmim <command>' <<<"$help" || fail "/usr/bin/longmim --help printed no usage"

say "/usr/bin/longmim synth -n 2 -o $tmp/synth"
run_installed /usr/bin/longmim synth -n 2 -o "$tmp/synth" ||
  fail "/usr/bin/longmim synth -n 2 -o $tmp/synth exited with $?"
pairs=$(find "$tmp/synth" -path '*/.*' -prune -o -name diff_map.nii.gz -print | wc -l)
((pairs == 2)) || fail "longmim synth -n 2 wrote $pairs complete pairs, not 2"

say "/usr/bin/longmim-studio --version (no display)"
studio_version=$(run_installed /usr/bin/longmim-studio --version) ||
  fail "/usr/bin/longmim-studio --version exited with $?"
[[ $studio_version == "longmim-studio $version" ]] ||
  fail "/usr/bin/longmim-studio --version printed '$studio_version', not 'longmim-studio $version'"

if command -v desktop-file-validate >/dev/null; then
  say "desktop-file-validate /usr/share/applications/$app_id.desktop"
  desktop-file-validate "/usr/share/applications/$app_id.desktop" ||
    fail "desktop-file-validate rejects the installed desktop entry (above)"
else
  say "NOTE: desktop-file-validate is not installed (desktop-file-utils), so it was skipped"
fi
if command -v appstreamcli >/dev/null; then
  say "appstreamcli validate --no-net /usr/share/metainfo/$app_id.metainfo.xml"
  appstreamcli validate --no-net "/usr/share/metainfo/$app_id.metainfo.xml" ||
    fail "appstreamcli rejects the installed AppStream metadata (above)"
else
  say "NOTE: appstreamcli is not installed (appstream), so it was skipped"
fi

if [[ -f /usr/share/bash-completion/bash_completion ]]; then
  say "bash completion: the commands, and every option each command's --help names"
  bash packaging/completion-check.bash ||
    fail "the installed bash completion does not match the installed longmim (above)"
else
  say "NOTE: bash-completion is not installed, so the completion was not tried"
fi

# ---- 4. Purge --------------------------------------------------------------------------------
say "dpkg --purge $package"
"${as_root[@]}" dpkg --purge "$package" ||
  fail "dpkg --purge $package failed (dpkg's message above)"
installed_here=0
status=$(package_status)
[[ $status == not-installed ]] || fail "after dpkg --purge, dpkg says '$status', not not-installed"
! dpkg -s "$package" >/dev/null 2>&1 || fail "dpkg -s $package still describes it after purge"

left=()
for path in "${listed[@]}"; do
  [[ -e $path || -L $path ]] || continue
  if [[ -d $path && ! -L $path ]]; then
    # A folder other packages share (/usr/share/man/man1, ...) stays; so does one holding files
    # that are not this package's. An empty folder nobody owns should have gone.
    dpkg-query -S "$path" >/dev/null 2>&1 && continue
    [[ -n $(ls -A "$path") ]] && continue
  fi
  left+=("$path")
done
((${#left[@]} == 0)) || fail "after purge these paths of the package remain: ${left[*]}"
say "purged: none of the ${#listed[@]} paths dpkg -L listed remains (shared folders aside)"

say "passed in $((SECONDS - started)) s"
