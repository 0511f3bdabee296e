#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (tshark, thc-ipv6,
# iproute2, chromium) when they are missing. The tests never skip for a
# missing tool: if this script cannot install one, the tests fail.
set -euo pipefail
need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v atk6-sendpees6 >/dev/null 2>&1 || need+=(thc-ipv6)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v g++ >/dev/null 2>&1 || need+=(g++)
[ -e /usr/include/tins/tins.h ] || need+=(libtins-dev)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if ((${#need[@]})); then
    if [ "$(id -u)" != 0 ]; then
        echo "missing system packages: ${need[*]} (run as root to install)" >&2
        exit 1
    fi
    echo "installing: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
