#!/bin/sh
# Builds modules/rindow_gru.so in the checkout: phpize, configure, make.
# Reconfigures only when config.m4 changed; extra arguments go to configure
# (e.g. --with-openblas=/opt/openblas). The OpenCL backend is built
# (--with-clblast) whenever pkg-config finds CLBlast and OpenCL, unless
# RINDOW_GRU_OPENCL=no.
set -eu

cd "$(dirname "$0")/.."
opencl=""
if [ "${RINDOW_GRU_OPENCL:-auto}" != no ] && pkg-config --exists clblast OpenCL 2>/dev/null; then
	opencl="--with-clblast"
fi
configured=""
if [ -f Makefile ] && grep -q HAVE_RINDOW_GRU_OPENCL Makefile; then
	configured="--with-clblast"
fi
if [ ! -f Makefile ] || [ config.m4 -nt Makefile ] || [ $# -gt 0 ] || [ "$opencl" != "$configured" ]; then
	had_makefile=""
	[ -f Makefile ] && had_makefile=yes
	phpize >/dev/null
	./configure --quiet $opencl "$@" >/dev/null
	# the objects of the old configuration may have other flags (e.g. -DHAVE_RINDOW_GRU_OPENCL)
	[ -z "$had_makefile" ] || make clean >/dev/null
fi
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
echo "built $(pwd)/modules/rindow_gru.so"
