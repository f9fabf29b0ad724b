#!/bin/sh
# Builds modules/rindow_gru.so in the checkout: phpize, configure, make.
# Reconfigures only when config.m4 changed; extra arguments go to configure
# (e.g. --with-openblas=/opt/openblas).
set -eu

cd "$(dirname "$0")/.."
if [ ! -f Makefile ] || [ config.m4 -nt Makefile ] || [ $# -gt 0 ]; then
	phpize >/dev/null
	./configure --quiet "$@" >/dev/null
fi
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
echo "built $(pwd)/modules/rindow_gru.so"
