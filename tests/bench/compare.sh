#!/bin/sh
# Comparative benchmark of the GRU forward (inference) and forward+backward
# (training), float32, reset_after, against oneDNN's LBR GRU
# (tests/bench/onednn_gru.c, linked into bench_core and run paired with
# ours), PyTorch's nn.GRU (tests/bench/torch_gru.py, run by Debian's
# /usr/bin/python3 or the interpreter PYTHON names) and the GEMM ideal (the
# GEMMs a GRU needs, timed alone on OpenBLAS by tests/bench/bench_core.c,
# paired with ours), on 1 and 2 threads. Prints the OpenBLAS core in use
# and a table of medians and ratios, and draws a chart with gnuplot. Never
# fails on time; a competitor that is not installed is skipped.
#
#   sh tests/bench/compare.sh [--smoke | --only B,T,I,H] [--runs N] [--png docs/bench.png]
#
# --smoke: the two small shapes, 2 rounds (well under a minute, for CI).
# --only: one of the four shapes (e.g. 64,100,256,512), to look at it closer.
# Each round runs every competitor once; the table shows medians over the
# rounds (N rounds, default 7).
# OPENBLAS_CORETYPE is taken from the environment (unset: OpenBLAS's own
# detection, which falls back to Prescott on CPUs it does not know).
set -u

cd "$(dirname "$0")/../.."
runs=7
core_args=""   # bench_core's shape selection
only=""
png=docs/bench.png
while [ $# -gt 0 ]; do
	case "$1" in
		--smoke) core_args=--smoke; runs=2 ;;
		--only) shift; only="$1" ;;
		--runs) shift; runs="$1" ;;
		--png) shift; png="$1" ;;
		*) echo "usage: $0 [--smoke | --only B,T,I,H] [--runs N] [--png FILE]" >&2; exit 2 ;;
	esac
	shift
done
# bench_core's shapes as B,T,I,H (the last two: --smoke); torch_gru.py takes them space-separated
all="64,32,128,256 64,100,256,512 8,16,32,64 1,100,64,128"
if [ -n "$only" ]; then
	case " $all " in
		*" $only "*) ;;
		*) echo "--only: one of $all" >&2; exit 2 ;;
	esac
	picked=$only
	core_args="--only $only"
elif [ "$core_args" = --smoke ]; then
	picked=${all#* * }
else
	picked=$all
fi
shapes=$(echo "$picked" | tr , ' ')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
blas_cflags=$(pkg-config --cflags openblas 2>/dev/null)
blas_libs=$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)

# ours: the C core as the extension builds it; with oneDNN where it is
# installed, in the same process, each of our runs paired with one of its
# (see bench_core.c: the ratio of two runs a second apart, not of medians
# taken a minute apart, is what this host's drifting speed leaves readable)
core_srcs="src/gru_status.c src/gru_problem.c src/gru_runtime.c src/gru_backend.c src/gru_cpu_forward.c
	src/gru_cpu_backward.c src/gru_cpu_gemm.c src/gru_cpu_threads.c"
have_onednn=0
# shellcheck disable=SC2086
if $cc -O3 -fno-math-errno -std=c99 -D_POSIX_C_SOURCE=200809L -DBENCH_ONEDNN -fopenmp \
		-Isrc -Itests/bench $blas_cflags -o "$work/bench_core" tests/bench/bench_core.c tests/bench/onednn_gru.c \
		$core_srcs -ldnnl $blas_libs -lm -pthread 2>/dev/null; then
	have_onednn=1
else
	echo "oneDNN not paired: cannot build bench_core with libdnnl-dev and OpenMP (gcc's omp.h): skipped" >&2
	# shellcheck disable=SC2086
	$cc -O3 -fno-math-errno -std=c99 -D_POSIX_C_SOURCE=200809L -Isrc $blas_cflags -o "$work/bench_core" \
		tests/bench/bench_core.c $core_srcs $blas_libs -lm -pthread || { echo "cannot build bench_core" >&2; exit 1; }
fi
python=${PYTHON:-/usr/bin/python3}
have_torch=0
if "$python" -c 'import torch' 2>/dev/null; then
	have_torch=1
else
	echo "PyTorch for $python not found: skipped" >&2
fi

# Rounds: each runs every competitor (after its own warm-up), so that the
# slow and fast spells of a shared machine fall on all of them alike; the
# table shows each one's median over the rounds, and against oneDNN and the
# ideal the median of the paired ratios (two pairs a round, one with each
# first).
: > "$work/results.txt"
round=1
while [ "$round" -le "$runs" ]; do
	# shellcheck disable=SC2086
	"$work/bench_core" 2 $core_args > "$work/ours.txt"
	grep -E '^(ours|onednn|pair|ideal_pair) ' "$work/ours.txt" >> "$work/results.txt"
	for threads in 1 2; do
		if [ "$have_torch" = 1 ]; then
			# shellcheck disable=SC2086
			OMP_NUM_THREADS=$threads "$python" tests/bench/torch_gru.py "$threads" 1 $shapes 2>/dev/null \
				| awk -v t="$threads" '{print $1, $2, t, $3, $4}' >> "$work/results.txt"
		fi
	done
	round=$((round + 1))
done
head -1 "$work/ours.txt"
if [ "$have_onednn" = 1 ]; then
	grep '^paired with' "$work/ours.txt"
fi
echo "medians of $runs rounds"

# table: one row per shape, threads and mode
awk '
	function add(name, k, v) { cnt[name, k]++; val[name, k, cnt[name, k]] = v + 0 }
	function med(name, k,    m, i, j, t, a) {
		m = cnt[name, k]
		if (m == 0) { return "" }
		for (i = 1; i <= m; i++) { a[i] = val[name, k, i] }
		for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) { a[j + 1] = a[j] } a[j + 1] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	# a distribution-free 95% confidence interval of a median: the j-th
	# smallest and j-th largest of the m values, j the largest with
	# P(Binomial(m, 1/2) < j) <= 0.025 (none below 6 values)
	function ci(name, k,    m, i, j, t, a, term, cdf) {
		m = cnt[name, k]
		if (m < 6) { return "" }
		for (i = 1; i <= m; i++) { a[i] = val[name, k, i] }
		for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) { a[j + 1] = a[j] } a[j + 1] = t }
		term = 0.5 ^ m; cdf = term; j = 0
		while (cdf <= 0.025) { j++; term = term * (m - j + 1) / j; cdf += term }
		if (j < 1) { return "" }
		return sprintf("%.2f-%.2f", a[j], a[m + 1 - j])
	}
	$1 == "ours" { k = $2 " " $3; if (!((k) in seen)) { seen[k] = 1; keys[++n] = k }
		add("of", k, $4); add("ot", k, $5); add("if", k, $6); add("it", k, $7) }
	$1 == "onednn" { k = $2 " " $3; add("df", k, $4); add("dt", k, $5) }
	$1 == "pair" { k = $2 " " $3; add("rf", k, $4); add("rt", k, $5) }
	$1 == "ideal_pair" { k = $2 " " $3; add("qf", k, $4); add("qt", k, $5) }
	$1 == "torch" { k = $2 " " $3; add("pf", k, $4); add("pt", k, $5) }
	END {
		for (i = 1; i <= n; i++) {
			k = keys[i]
			ours_f[k] = med("of", k); ours_t[k] = med("ot", k); ideal_f[k] = med("if", k); ideal_t[k] = med("it", k)
			dnn_f[k] = med("df", k); dnn_t[k] = med("dt", k); pt_f[k] = med("pf", k); pt_t[k] = med("pt", k)
			pair_f[k] = med("rf", k); pair_t[k] = med("rt", k); ci_f[k] = ci("rf", k); ci_t[k] = ci("rt", k)
			ipair_f[k] = med("qf", k); ipair_t[k] = med("qt", k); ici_f[k] = ci("qf", k); ici_t[k] = ci("qt", k)
		}
	}
	function r(a, b) { return (a == "" || b == "" || b == 0) ? "    -" : sprintf("%5.2f", a / b) }
	function pr(p) { return p == "" ? "    -" : sprintf("%5.2f", p) }
	function ms(a) { return a == "" ? "       -" : sprintf("%8.3f", a) }
	END {
		printf("%-15s %3s %-5s | %8s %8s %8s %8s | %6s %9s %6s %6s %9s\n", "B,T,I,H", "thr", "mode",
			"ours ms", "oneDNN", "PyTorch", "ideal", "/oneDNN", "(95% CI)", "/torch", "/ideal", "(95% CI)")
		for (i = 1; i <= n; i++) {
			k = keys[i]; split(k, f, " ")
			printf("%-15s %3s %-5s | %s %s %s %s |  %s %9s  %s  %s %9s\n", f[1], f[2], "fwd", ms(ours_f[k]),
				ms(dnn_f[k]), ms(pt_f[k]), ms(ideal_f[k]), pr(pair_f[k]), ci_f[k], r(ours_f[k], pt_f[k]),
				pr(ipair_f[k]), ici_f[k])
			printf("%-15s %3s %-5s | %s %s %s %s |  %s %9s  %s  %s %9s\n", f[1], f[2], "train", ms(ours_t[k]),
				ms(dnn_t[k]), ms(pt_t[k]), ms(ideal_t[k]), pr(pair_t[k]), ci_t[k], r(ours_t[k], pt_t[k]),
				pr(ipair_t[k]), ici_t[k])
			# chart data: times relative to ours (oneDNN: the paired ratio)
			printf("\"%s t%s %s\" 1 %s %s %s\n", f[1], f[2], "fwd", pair_f[k] == "" ? "NaN" : 1 / pair_f[k],
				pt_f[k] == "" ? "NaN" : pt_f[k] / ours_f[k], 1 / ipair_f[k]) > "/dev/stderr"
			printf("\"%s t%s %s\" 1 %s %s %s\n", f[1], f[2], "train", pair_t[k] == "" ? "NaN" : 1 / pair_t[k],
				pt_t[k] == "" ? "NaN" : pt_t[k] / ours_t[k], 1 / ipair_t[k]) > "/dev/stderr"
		}
		print "ratios: our time / theirs (< 1: we are faster); /oneDNN and /ideal: medians of the ratios of"
		print "paired runs (ours and theirs back to back in one process), each with a distribution-free 95%"
		print "confidence interval of that median (order statistics; an interval that holds 1 means no"
		print "difference this run can tell); ideal: the GEMMs a GRU needs, alone on OpenBLAS, same process"
	}' "$work/results.txt" 2> "$work/chart.dat"

if command -v gnuplot > /dev/null 2>&1 && [ -n "$png" ]; then
	mkdir -p "$(dirname "$png")"
	core=$(head -1 "$work/ours.txt" | sed 's/,.*//; s/OpenBLAS core: //')
	gnuplot <<GP 2>/dev/null || echo "gnuplot failed: no chart" >&2
set terminal pngcairo size 1400,600 noenhanced font ",10"
set output "$png"
set title "GRU float32, reset_after: time relative to rindow_gru (higher = slower than us); OpenBLAS core $core"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set yrange [0.25:*]
set ylabel "time / rindow_gru time"
set xtics rotate by -45 scale 0
set key top left
set grid ytics
plot "$work/chart.dat" using 2:xtic(1) title "rindow_gru", '' using 3 title "oneDNN lbr_gru", \
	'' using 4 title "PyTorch nn.GRU", '' using 5 title "GEMM ideal (OpenBLAS)"
GP
	[ -f "$png" ] && echo "chart: $png"
fi
exit 0
