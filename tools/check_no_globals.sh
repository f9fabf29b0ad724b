#!/bin/sh
# Checks that the C core (src/) keeps no global mutable state: no object
# file of src/*.c may have a non-empty writable data section (.data, .bss,
# their thread-local .tdata/.tbss, or common symbols). Read-only data
# (.rodata) and tables of pointers that are read-only after relocation
# (.data.rel.ro, what -fPIC makes of a `static const` table of pointers)
# are fine. This is what makes the core safe to call from any number of
# threads (a ZTS PHP, or several layers at once): all its state lives in the
# caller's gru_runtime / workspace.
#
#   sh tools/check_no_globals.sh          compile src/*.c as the extension
#                                         does (-fPIC -O3, with the OpenCL
#                                         backend where its headers exist)
#                                         and check the objects
#   sh tools/check_no_globals.sh OBJ...   check these object files instead
#
# Environment: CC (default gcc). Exits 1 and names the section and its
# symbols on a finding.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-gcc}
tmp=""
# shellcheck disable=SC2317
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

if [ $# -eq 0 ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rindow_gru-globals.XXXXXX")
	flags="-std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -O3 -fno-math-errno -I$root/src"
	flags="$flags $(pkg-config --cflags openblas 2>/dev/null || true)"
	if pkg-config --exists clblast OpenCL 2>/dev/null; then
		flags="$flags -DHAVE_RINDOW_GRU_OPENCL=1 -DCL_TARGET_OPENCL_VERSION=120 $(pkg-config --cflags clblast OpenCL)"
	fi
	for f in "$root"/src/*.c; do
		# shellcheck disable=SC2086
		$CC $flags -c -o "$tmp/$(basename "$f" .c).o" "$f"
	done
	set -- "$tmp"/*.o
fi

status=0
for o in "$@"; do
	# objdump -h: "Idx Name Size VMA LMA File-off Algn"; a writable
	# section is one whose name says so (relocatable objects mark even
	# .data.rel.ro writable, so the flags cannot tell).
	bad=$(objdump -h "$o" | awk '$1 ~ /^[0-9]+$/ && $2 ~ /^\.(data|bss|tdata|tbss)(\.|$)/ \
		&& $2 !~ /^\.data\.rel\.ro(\.|$)/ && $3 !~ /^0+$/ { print $2 }')
	common=$(nm "$o" | awk '$2 == "C" { print $3 }')
	if [ -n "$bad" ] || [ -n "$common" ]; then
		status=1
		echo "check_no_globals: $(basename "$o") has writable global data:" >&2
		for s in $bad; do
			echo "  section $s: $(objdump -t "$o" | awk -v s="$s" 'index($0, " " s "\t") && $NF != s { print $NF }' | tr '\n' ' ')" >&2
		done
		[ -z "$common" ] || echo "  common: $common" >&2
	fi
done
if [ "$status" = 0 ]; then
	echo "check_no_globals: OK, no writable global data in $# object(s) of src/"
fi
exit "$status"
