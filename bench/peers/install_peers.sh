#!/usr/bin/env bash
# Installs the peer tools for bench/peers/run_peers.py from Debian 12 packages (never needed by
# the test suite): PostgreSQL 15 with pgRouting, QGIS (qgis_process), NetworkX, GDAL's Python.
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 \
  postgresql-15 postgresql-15-pgrouting postgresql-client-15 qgis qgis-providers python3-qgis python3-networkx python3-gdal gdal-bin >/dev/null
echo "install_peers: PostgreSQL 15 + pgRouting, QGIS, NetworkX present"
