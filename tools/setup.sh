#!/bin/sh
# Installs the system packages that building and testing rindow_gru need,
# on Debian or Ubuntu. Does nothing for packages already installed, so it
# is cheap to run before every build.
set -eu

packages="php8.2-dev php8.2-cli php8.2-xml php8.2-mbstring php-parser libopenblas-dev pkg-config make gcc phpunit"
# the OpenCL backend and its tests: CLBlast, the ICD loader, and PoCL (OpenCL on the CPU)
packages="$packages libclblast-dev ocl-icd-opencl-dev opencl-headers pocl-opencl-icd"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "rindow_gru: please install:$missing (not a Debian-based system)" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "rindow_gru: installing$missing" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
