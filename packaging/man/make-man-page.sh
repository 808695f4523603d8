#!/bin/sh
# Writes a program's man page, gzip -9n compressed, from its own --help and --version (help2man).
# Run by the build (packaging/Packaging.cmake), after the program is linked:
#
#   make-man-page.sh PROGRAM "NAME LINE" INCLUDE.h2m OUT.1.gz [SUBCOMMAND ...]
#
# help2man runs the program through a small shim of the same name on PATH, for two reasons: the
# page should say "longmim", not the build tree's path (Qt prints argv[0] in its usage lines), and
# `longmim --help` lays out its command list in a way help2man cannot parse (synopses that wrap
# onto indented lines), so the shim hands help2man that text reflowed by help-for-help2man.awk.
# Each SUBCOMMAND's --help (e.g. "data check") becomes a subsection of COMMANDS.
set -eu

if [ $# -lt 4 ]; then
  echo "usage: $0 PROGRAM NAME_LINE INCLUDE.h2m OUT.1.gz [SUBCOMMAND ...]" >&2
  exit 1
fi
program=$1 name_line=$2 include=$3 out=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
base=$(basename "$program")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$(dirname "$out")"
# No display is needed or wanted: both programs print --help / --version without one.
unset DISPLAY WAYLAND_DISPLAY

# Called by its name, so that Qt's usage line says "longmim-studio", not the build path.
PATH="$(dirname "$program"):$PATH" "$base" --help >"$work/raw-help.txt"
awk -f "$here/help-for-help2man.awk" "$work/raw-help.txt" >"$work/help.txt"
cat >"$work/bin/$base" <<EOF
#!/bin/sh
if [ "\$1" = --help ]; then exec cat "$work/help.txt"; fi
exec "$program" "\$@"
EOF
chmod +x "$work/bin/$base"

includes="--include=$include"
if [ $# -gt 0 ]; then
  {
    # After the command list that help2man made of the *Commands* section.
    echo "[>COMMANDS]"
    echo ".PP"
    printf '%s\n' "Each command's options; \fB$base\fR \fICOMMAND\fR \fB\\-\\-help\fR prints them."
    for sub in "$@"; do
      # shellcheck disable=SC2086  # "data check" is two words on purpose
      PATH="$work/bin:$PATH" "$base" $sub --help |
        awk -v command="$base $sub" -f "$here/command-help-to-roff.awk"
    done
  } >"$work/commands.h2m"
  includes="$includes --include=$work/commands.h2m"
fi

# --no-info: Debian ships no info manual for these programs. SOURCE_DATE_EPOCH, when set, fixes
# the date in the page's footer (help2man reads it).
# shellcheck disable=SC2086
PATH="$work/bin:$PATH" help2man --no-info --section=1 --name="$name_line" $includes \
  --output="$work/$base.1" "$base"
gzip -9n <"$work/$base.1" >"$out.tmp"
mv "$out.tmp" "$out"
