#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages. Idempotent: when all
# packages are present it only checks and returns (about a second). QGIS (libqgis-dev for the
# plugin, qgis for qgis_process and the desktop test, xvfb for that test) is the largest part.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git clang-format
  libgdal-dev gdal-bin libgeos-dev libproj-dev
  libboost-dev libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev
  libcli11-dev libtomlplusplus-dev libfmt-dev libtbb-dev
  libgtest-dev python3-networkx python3-gdal python3-distributed
  libqgis-dev qgis qgis-providers python3-qgis xvfb xauth imagemagick
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 "${missing[@]}" >/dev/null
echo "install-deps: done"
