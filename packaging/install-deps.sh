#!/usr/bin/env bash
# Installs the Debian 12 packages Longitudinal MIM Studio builds and runs with.
# Idempotent: packages that are already installed are skipped, so a second run does nothing.
#
#   packaging/install-deps.sh          build + run dependencies, and what the .deb's build needs
#                                      (help2man for the man pages; dpkg-dev and file for
#                                      CPack's dpkg-shlibdeps step)
#   packaging/install-deps.sh --dev    also the test helpers (python3-torch, python3-skimage,
#                                      python3-nibabel, python3-pydicom, python3-pil for
#                                      cross-checks; clang-format; clang-14 and
#                                      its runtimes for the ASan/UBSan build and libFuzzer;
#                                      lintian, appstream, desktop-file-utils and bash-completion
#                                      for packaging/test-package.sh)
set -euo pipefail

runtime_and_build=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-svg-dev
  libtorch-dev libopenblas0 libgloo-dev
  libinsighttoolkit5-dev libgdcm-tools libvtk9-dev
  libqcustomplot2.1-qt6 libqcustomplot-dev nlohmann-json3-dev
  libprotobuf-dev protobuf-compiler libpng-dev libjpeg-dev
  xvfb xauth xdotool imagemagick
  help2man dpkg-dev file
)
dev_extras=(python3-torch python3-nibabel python3-skimage python3-pydicom python3-pil clang-format
            clang-14 libclang-rt-14-dev lintian appstream desktop-file-utils bash-completion)

wanted=("${runtime_and_build[@]}")
case "${1:-}" in
  --dev) wanted+=("${dev_extras[@]}") ;;
  "") ;;
  *) echo "usage: $0 [--dev]" >&2; exit 1 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages are already installed."
  exit 0
fi

echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: not running as root and sudo is not available." >&2
  echo "  Run this script as root (for example: su -c '$0 ${1:-}'), or install these packages:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}"
echo "install-deps: done."
