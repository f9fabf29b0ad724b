/*
 * The recurrent GEMM of the CPU backend (see gru_cpu_gemm.h): packing and
 * the micro-kernels. Blocking: K in slices of GRU_KC rows, so that one
 * panel slice (GRU_KC x nr floats, 32 KiB for AVX-512) stays in L1 while
 * all the row blocks of A pass over it; the whole packed matrix stays in
 * L2 across steps when it fits (H <= ~300 with one thread per core).
 */
#include <stdint.h>
#include <string.h>

#include "gru_cpu_gemm.h"
#include "gru_cpu_threads.h"

/* GRU_NO_SIMD: build as for a CPU or compiler without our SIMD code (ARM, MSVC), to test that path on x86 */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(GRU_NO_SIMD)
# define GRU_GEMM_X86 1
# include <immintrin.h>
# define GRU_AVX512_ATTR __attribute__((target("avx512f,avx512vl,fma")))
# define GRU_AVX2_ATTR __attribute__((target("avx2,fma")))
# define GRU_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
# define GRU_GEMM_X86 0
#endif

/*
 * The loops over a kernel's rows (mr, a constant in each kernel) must be
 * unrolled fully, or its accumulator arrays stay in memory. gcc's "GCC
 * unroll N" unrolls a loop of fewer than N iterations fully; clang takes N
 * as the unroll count itself and, where N does not divide mr, left the
 * loop rolled: its 4- and 5-row kernels ran about 3x slower (bench_gemm,
 * clang 14: the B=8 step product at 20 GFLOP/s instead of 65). clang's
 * plain "unroll" unrolls a constant trip count fully.
 */
#define GRU_PRAGMA(text) _Pragma(#text)
#if defined(__clang__)
# define GRU_UNROLL_ROWS(n) GRU_PRAGMA(unroll)
#else
# define GRU_UNROLL_ROWS(n) GRU_PRAGMA(GCC unroll n)
#endif

#define GRU_KC GRU_GEMM_KC
/* rows per block of A (a multiple of both kernels' row counts, 6 and 3) */
#define GRU_MC 144
/* rows of a transposed source packed per pass (see gru_pack_block) */
#define GRU_PACK_KB 16
/* rows of a row-major source fetched ahead of the one packed (see gru_pack_block) */
#define GRU_PACK_AHEAD 4
/* Row blocks that gru_pack_a_t() writes at a time (see pack_a_slices). */
#define GRU_PACK_A_GROUP 16
/* floats of C a column chunk of a product on B in place may hold (512 KiB: see gemm_split) */
#define GRU_GEMM_CHUNK_C 131072

gru_kernel_isa gru_cpu_kernel_isa(void)
{
#if GRU_GEMM_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
		return GRU_KERNEL_AVX512;
	}
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		return GRU_KERNEL_AVX2;
	}
#endif
	return GRU_KERNEL_PORTABLE;
}

const char *gru_cpu_kernel_name(gru_kernel_isa isa)
{
	switch (isa) {
		case GRU_KERNEL_AVX512:
			return "avx512";
		case GRU_KERNEL_AVX2:
			return "avx2";
		default:
			return "portable";
	}
}

size_t gru_pack_nr(gru_kernel_isa isa)
{
	return isa == GRU_KERNEL_AVX512 ? 32 : 16;
}

void gru_pack_clear(gru_kernel_isa isa, float *packed, size_t k, size_t n)
{
	const size_t nr = gru_pack_nr(isa);
	const size_t tail = n % nr;
	float *last = packed + (n / nr) * k * nr;
	size_t i;

	/* gru_pack_block() writes every real column: only the last panel's padding needs zeros */
	if (tail == 0) {
		return;
	}
	for (i = 0; i < k; i++) {
		memset(last + i * nr + tail, 0, (nr - tail) * sizeof(float));
	}
}

#if GRU_GEMM_X86
/* dst (8 rows, ldd apart) = the 8 x 8 block at src (rows lds apart), transposed: unpack, shuffle, swap lanes. */
GRU_AVX2_ATTR static void transpose8x8(const float *src, size_t lds, float *dst, size_t ldd)
{
	__m256 r[8], t[8], u[8];
	int i;

	for (i = 0; i < 8; i++) {
		r[i] = _mm256_loadu_ps(src + (size_t)i * lds);
	}
	for (i = 0; i < 8; i += 2) {
		t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
		t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
	}
	for (i = 0; i < 8; i += 4) {
		u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
		u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
		u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
		u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
	}
	for (i = 0; i < 4; i++) {
		_mm256_storeu_ps(dst + (size_t)i * ldd, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
		_mm256_storeu_ps(dst + (size_t)(i + 4) * ldd, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
	}
}
#endif

void gru_pack_block(gru_kernel_isa isa, float *packed, size_t k, size_t n, size_t k0, size_t kk,
		size_t n0, size_t nn, const float *src, size_t rs, size_t cs)
{
	const size_t nr = gru_pack_nr(isa);
	size_t i, j;

	(void)n;
	if (cs == 1) {
		/*
		 * row-major source, panel by panel: a panel's run of each source
		 * row (at most nr columns) in row order, so that the writes run
		 * down one panel. Row by row instead, a row's runs went to panels
		 * k nr floats apart (4 KiB at k = 64, nr = 16: one L1 set for all
		 * of them), and the panel of each run took two divisions by the
		 * run-time nr: 0.40-0.44 ns a float against 0.11-0.28 now on Zen 3
		 * (64 x 192 to 512 x 1536, and 256 slices of dG rows 8 KiB apart);
		 * the B=8 T=16 H=64 forward spent 6% of its time packing.
		 * Each run is fetched a few rows ahead: a slice of dG has rows 4H
		 * floats apart, often a multiple of 4 KiB, which the hardware
		 * prefetchers do not follow from row to row.
		 */
		const size_t panel_floats = k * nr;
		float *panel = packed + (n0 / nr) * panel_floats + k0 * nr;

		for (j = 0; j < nn;) {
			const size_t offset = (n0 + j) % nr;
			const size_t run = nr - offset < nn - j ? nr - offset : nn - j;
			const float *s = src + j;
			float *dst = panel + offset;

			for (i = 0; i < kk; i++) {
				if (i + GRU_PACK_AHEAD < kk) {
					__builtin_prefetch(s + (i + GRU_PACK_AHEAD) * rs);
					if (run > 16) {
						/* AVX-512's runs of 32 floats are two lines */
						__builtin_prefetch(s + (i + GRU_PACK_AHEAD) * rs + 16);
					}
				}
				/* whole panel rows with a constant size, which the compiler copies inline */
				if (run == GRU_PACK_NR_MAX) {
					memcpy(dst + i * nr, s + i * rs, GRU_PACK_NR_MAX * sizeof(float));
				} else if (run == GRU_PACK_NR_MAX / 2) {
					memcpy(dst + i * nr, s + i * rs, GRU_PACK_NR_MAX / 2 * sizeof(float));
				} else {
					memcpy(dst + i * nr, s + i * rs, run * sizeof(float));
				}
			}
			j += run;
			panel += panel_floats;
		}
	} else {
		/*
		 * transposed source: read its rows (our columns) in slices of
		 * GRU_PACK_KB, so that the panel rows being written (GRU_PACK_KB x nr
		 * floats) stay in L1 while every column of the panel visits them
		 */
		size_t i0;

		for (i0 = 0; i0 < kk; i0 += GRU_PACK_KB) {
			const size_t ib = kk - i0 < GRU_PACK_KB ? kk - i0 : GRU_PACK_KB;

			for (j = 0; j < nn;) {
				const size_t col = n0 + j;
				float *dst = packed + (col / nr) * k * nr + (k0 + i0) * nr + col % nr;
				const float *s = src + i0 * rs + j * cs;

#if GRU_GEMM_X86
				/*
				 * 8 columns that start at a multiple of 8 (so in one panel) of a
				 * source contiguous along k: 8 x 8 blocks transposed in registers,
				 * not 64 single floats each a separate store (the backward packs
				 * U^T and W^T this way at every call)
				 */
				if (isa != GRU_KERNEL_PORTABLE && rs == 1 && col % 8 == 0 && nn - j >= 8) {
					size_t c;

					for (i = 0; i + 8 <= ib; i += 8) {
						transpose8x8(s + i, cs, dst + i * nr, nr);
					}
					for (; i < ib; i++) {
						for (c = 0; c < 8; c++) {
							dst[i * nr + c] = s[c * cs + i];
						}
					}
					j += 8;
					continue;
				}
#endif
				for (i = 0; i < ib; i++) {
					dst[i * nr] = s[i * rs];
				}
				j++;
			}
		}
	}
}

/*
 * Element (i, q) of a kernel's A: row-major A, rows lda apart, or (at) A
 * column by column, column q's values lda floats after column q-1's: a
 * block of A packed by gru_pack_a_t() (lda = the block's row count), whose
 * kernel reads one contiguous stream.
 */
#define GRU_A_AT(at, a, lda, i, q) ((at) ? (a) + (size_t)(q) * (lda) + (i) : (a) + (size_t)(i) * (lda) + (q))

/*
 * Portable kernel: up to 4 rows x 16 columns, nv of them valid; row q of B
 * at p + q * ldb. Plain C, about a tenth of OpenBLAS's rate (bench_gemm
 * --isa portable): the layer leaves its products to OpenBLAS where this is
 * the CPU's kernel (GRU_KERNEL_PORTABLE in gru_cpu_gemm.h); it keeps these
 * functions whole on any CPU.
 */
static void kern_portable(int at, size_t mr, size_t kc, const float *a, size_t lda, const float *p, size_t ldb,
		float *c, size_t ldc, int acc, size_t nv)
{
	float t[4][16];
	size_t i, j, q;

	for (i = 0; i < mr; i++) {
		for (j = 0; j < 16; j++) {
			t[i][j] = (acc && j < nv) ? c[i * ldc + j] : 0.0f;
		}
	}
	for (q = 0; q < kc; q++) {
		const float *b = p + q * ldb;

		for (i = 0; i < mr; i++) {
			const float ai = *GRU_A_AT(at, a, lda, i, q);

			for (j = 0; j < nv; j++) {
				t[i][j] += ai * b[j];
			}
		}
	}
	for (i = 0; i < mr; i++) {
		for (j = 0; j < nv; j++) {
			c[i * ldc + j] = t[i][j];
		}
	}
}

#if GRU_GEMM_X86
/*
 * AVX-512: mr (<= 6) rows x 32 columns. Even and odd k go to two sets of
 * accumulators (24 registers) summed at the end: halves the length of each
 * rounding chain, which the ill-conditioned cases of the C tests (linear
 * activations) were written to need. The AVX2 kernels sum in one chain
 * since kern256_body's rewrite and pass the same bounds, faster; one chain
 * here (12 accumulators, 4-cycle FMAs at 2 a cycle want 8) is not measured:
 * no AVX-512 machine was at hand.
 */
GRU_AVX512_ATTR GRU_ALWAYS_INLINE void kern512_body(const int mr, const int full, const int at, const char *pf,
		size_t kc, const float *a,
		size_t lda, const float *p, size_t ldb, float *c, size_t ldc, int acc, __mmask16 m0, __mmask16 m1)
{
	__m512 c0[6], c1[6], d0[6], d1[6];
	size_t q;
	int i;

	GRU_UNROLL_ROWS(6)
	for (i = 0; i < mr; i++) {
		if (acc) {
			c0[i] = _mm512_maskz_loadu_ps(m0, c + i * ldc);
			c1[i] = _mm512_maskz_loadu_ps(m1, c + i * ldc + 16);
		} else {
			c0[i] = _mm512_setzero_ps();
			c1[i] = _mm512_setzero_ps();
		}
		d0[i] = _mm512_setzero_ps();
		d1[i] = _mm512_setzero_ps();
	}
	/*
	 * full: all 32 columns of B may be read (a packed panel, or a whole
	 * panel in place): plain loads. Else masked loads, for B read in place
	 * that ends at its last valid column. (gcc keeps the masks in general
	 * registers and moves them to mask registers in the loop, on the port
	 * of the second FMA unit: the plain loads are ~8% faster.)
	 */
	for (q = 0; q + 1 < kc; q += 2) {
		/* first a line of the next panel's slice, into L2 (see gemm_panels_block): the order measured */
		if (pf != NULL) {
			_mm_prefetch(pf + q * 32, _MM_HINT_T1);
		}
		const __m512 b0 = full ? _mm512_loadu_ps(p + q * ldb) : _mm512_maskz_loadu_ps(m0, p + q * ldb);
		const __m512 b1 = full ? _mm512_loadu_ps(p + q * ldb + 16) : _mm512_maskz_loadu_ps(m1, p + q * ldb + 16);
		const __m512 e0 = full ? _mm512_loadu_ps(p + (q + 1) * ldb) : _mm512_maskz_loadu_ps(m0, p + (q + 1) * ldb);
		const __m512 e1 = full ? _mm512_loadu_ps(p + (q + 1) * ldb + 16)
			: _mm512_maskz_loadu_ps(m1, p + (q + 1) * ldb + 16);

		GRU_UNROLL_ROWS(6)
		for (i = 0; i < mr; i++) {
			const __m512 ai = _mm512_set1_ps(*GRU_A_AT(at, a, lda, i, q));
			const __m512 aj = _mm512_set1_ps(*GRU_A_AT(at, a, lda, i, q + 1));

			c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
			c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
			d0[i] = _mm512_fmadd_ps(aj, e0, d0[i]);
			d1[i] = _mm512_fmadd_ps(aj, e1, d1[i]);
		}
	}
	if (q < kc) {
		const __m512 b0 = full ? _mm512_loadu_ps(p + q * ldb) : _mm512_maskz_loadu_ps(m0, p + q * ldb);
		const __m512 b1 = full ? _mm512_loadu_ps(p + q * ldb + 16) : _mm512_maskz_loadu_ps(m1, p + q * ldb + 16);

		GRU_UNROLL_ROWS(6)
		for (i = 0; i < mr; i++) {
			const __m512 ai = _mm512_set1_ps(*GRU_A_AT(at, a, lda, i, q));

			c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
			c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
		}
	}
	GRU_UNROLL_ROWS(6)
	for (i = 0; i < mr; i++) {
		_mm512_mask_storeu_ps(c + i * ldc, m0, _mm512_add_ps(c0[i], d0[i]));
		_mm512_mask_storeu_ps(c + i * ldc + 16, m1, _mm512_add_ps(c1[i], d1[i]));
	}
}

#define GRU_K512(MR, FULL, AT, NAME) \
	GRU_AVX512_ATTR static void NAME(size_t kc, const float *a, size_t lda, const float *p, size_t ldb, \
			float *c, size_t ldc, int acc, __mmask16 m0, __mmask16 m1, const char *pf) \
	{ \
		kern512_body(MR, FULL, AT, pf, kc, a, lda, p, ldb, c, ldc, acc, m0, m1); \
	}
GRU_K512(1, 1, 0, kern512_1) GRU_K512(2, 1, 0, kern512_2) GRU_K512(3, 1, 0, kern512_3)
GRU_K512(4, 1, 0, kern512_4) GRU_K512(5, 1, 0, kern512_5) GRU_K512(6, 1, 0, kern512_6)
GRU_K512(1, 0, 0, kern512_1_tail) GRU_K512(2, 0, 0, kern512_2_tail) GRU_K512(3, 0, 0, kern512_3_tail)
GRU_K512(4, 0, 0, kern512_4_tail) GRU_K512(5, 0, 0, kern512_5_tail) GRU_K512(6, 0, 0, kern512_6_tail)
GRU_K512(1, 1, 1, kern512_1_at) GRU_K512(2, 1, 1, kern512_2_at) GRU_K512(3, 1, 1, kern512_3_at)
GRU_K512(4, 1, 1, kern512_4_at) GRU_K512(5, 1, 1, kern512_5_at) GRU_K512(6, 1, 1, kern512_6_at)
#undef GRU_K512

typedef void (*kern512_fn)(size_t, const float *, size_t, const float *, size_t, float *, size_t, int, __mmask16,
		__mmask16, const char *);
static const kern512_fn kern512[7] = {NULL, kern512_1, kern512_2, kern512_3, kern512_4, kern512_5, kern512_6};
static const kern512_fn kern512_tail[7] = {NULL, kern512_1_tail, kern512_2_tail, kern512_3_tail, kern512_4_tail,
	kern512_5_tail, kern512_6_tail};
/* A packed by gru_pack_a_t (GRU_A_AT); B packed, so always whole panels */
static const kern512_fn kern512_at[7] = {NULL, kern512_1_at, kern512_2_at, kern512_3_at, kern512_4_at, kern512_5_at,
	kern512_6_at};

/* The masks of a 16-column block's two vectors, nv (<= 16) of its columns valid. */
GRU_AVX2_ATTR GRU_ALWAYS_INLINE void kern256_column_masks(size_t nv, __m256i *m0, __m256i *m1)
{
	const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	const int v = (int)nv;

	*m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(v), idx);
	*m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(v - 8), idx);
}

/* One row of a 16-column block out to c, its first nv (<= 16) columns. */
GRU_AVX2_ATTR GRU_ALWAYS_INLINE void kern256_store_row(float *c, size_t nv, __m256i m0, __m256i m1, __m256 v0,
		__m256 v1)
{
	if (nv >= 16) {
		_mm256_storeu_ps(c, v0);
		_mm256_storeu_ps(c + 8, v1);
	} else {
		_mm256_maskstore_ps(c, m0, v0);
		_mm256_maskstore_ps(c + 8, m1, v1);
	}
}

/* c0/c1[i] += A(i, q) * row q of B, for the mr rows: one k of the AVX2 kernels. */
GRU_AVX2_ATTR GRU_ALWAYS_INLINE void kern256_one_k(const int mr, const int full, const int at, size_t q,
		const float *a, size_t lda, const float *p, size_t ldb, __m256i m0, __m256i m1, __m256 *c0, __m256 *c1)
{
	const __m256 b0 = full ? _mm256_loadu_ps(p + q * ldb) : _mm256_maskload_ps(p + q * ldb, m0);
	const __m256 b1 = full ? _mm256_loadu_ps(p + q * ldb + 8) : _mm256_maskload_ps(p + q * ldb + 8, m1);
	int i;

	GRU_UNROLL_ROWS(6)
	for (i = 0; i < mr; i++) {
		const __m256 ai = _mm256_broadcast_ss(GRU_A_AT(at, a, lda, i, q));

		c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
		c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
	}
}

/*
 * The k of a slice in order, unrolled by 4, each k fetching the next
 * panel's slice at pf + 32 k (NULL: nothing): a line every second k, the
 * other k's prefetch a repeat. (A test of k's parity for it, or two k a
 * turn, and gcc spilled accumulators or the row pointers in the 5- and
 * 6-row kernels: up to half the rate.)
 */
GRU_AVX2_ATTR GRU_ALWAYS_INLINE void kern256_sweep(const int mr, const int full, const int at, const char *pf,
		size_t kc, const float *a, size_t lda, const float *p, size_t ldb, __m256i m0, __m256i m1, __m256 *c0,
		__m256 *c1)
{
	size_t q;

#pragma GCC unroll 4
	for (q = 0; q < kc; q++) {
		if (pf != NULL) {
			_mm_prefetch(pf + q * 32, _MM_HINT_T1);
		}
		kern256_one_k(mr, full, at, q, a, lda, p, ldb, m0, m1, c0, c1);
	}
}

/*
 * AVX2+FMA: mr (<= 6) rows x 16 columns, each element of C one FMA chain
 * over k in order (2 * mr accumulators, B's two vectors held, a k costs
 * mr + 2 loads per 2 * mr FMAs). full: all 16 columns of B may be read (a
 * packed panel, or a whole panel of B in place); else masked loads, which
 * AVX2 runs slower, for the last columns of B read in place.
 *
 * The order of the sums is the one every AVX2 kernel keeps, whatever its
 * shape (kern256_panels_body too), so that a row of C has the same bits
 * whichever row block or thread it falls to. Until this kernel the AVX2
 * kernels summed even and odd k apart, as kern512_body does (in two sweeps
 * over the slice at 4 to 6 rows: 16 registers hold no 24 accumulators);
 * one chain and one sweep took 0.92-0.99 of that time on the B=64
 * products of the benchmark's GRUs (Zen 3, gcc; clang 0.88-0.96; the two
 * linked side by side, paired), and the rounding stays within the C
 * tests' bounds. With fewer than 4 rows there are too few chains for the
 * FMA latency (4 cycles, 2 a cycle): kern256_panels_body takes 1 to 3 rows
 * over several panels instead where it can (2 and 3 rows: 0.69-0.80 of
 * the time; one row, a GEMV: level).
 */
GRU_AVX2_ATTR GRU_ALWAYS_INLINE void kern256_body(const int mr, const int full, const int at, const char *pf,
		size_t kc, const float *a, size_t lda, const float *p, size_t ldb, float *c, size_t ldc, int acc, size_t nv)
{
	__m256 c0[6], c1[6];
	__m256i m0, m1;
	int i;

	kern256_column_masks(nv, &m0, &m1);
	GRU_UNROLL_ROWS(6)
	for (i = 0; i < mr; i++) {
		c0[i] = acc ? _mm256_maskload_ps(c + i * ldc, m0) : _mm256_setzero_ps();
		c1[i] = acc ? _mm256_maskload_ps(c + i * ldc + 8, m1) : _mm256_setzero_ps();
	}
	/* two calls, so that the loop without prefetching has no test for it (pf a constant NULL) */
	if (pf != NULL) {
		kern256_sweep(mr, full, at, pf, kc, a, lda, p, ldb, m0, m1, c0, c1);
	} else {
		kern256_sweep(mr, full, at, NULL, kc, a, lda, p, ldb, m0, m1, c0, c1);
	}
	GRU_UNROLL_ROWS(6)
	for (i = 0; i < mr; i++) {
		kern256_store_row(c + i * ldc, nv, m0, m1, c0[i], c1[i]);
	}
}

#define GRU_K256(MR, FULL, AT, NAME) \
	GRU_AVX2_ATTR static void NAME(size_t kc, const float *a, size_t lda, const float *p, size_t ldb, float *c, \
			size_t ldc, int acc, size_t nv, const char *pf) \
	{ \
		kern256_body(MR, FULL, AT, pf, kc, a, lda, p, ldb, c, ldc, acc, nv); \
	}
GRU_K256(1, 1, 0, kern256_1) GRU_K256(2, 1, 0, kern256_2) GRU_K256(3, 1, 0, kern256_3)
GRU_K256(4, 1, 0, kern256_4) GRU_K256(5, 1, 0, kern256_5) GRU_K256(6, 1, 0, kern256_6)
GRU_K256(1, 0, 0, kern256_1_tail) GRU_K256(2, 0, 0, kern256_2_tail) GRU_K256(3, 0, 0, kern256_3_tail)
GRU_K256(4, 0, 0, kern256_4_tail) GRU_K256(5, 0, 0, kern256_5_tail) GRU_K256(6, 0, 0, kern256_6_tail)
GRU_K256(1, 1, 1, kern256_1_at) GRU_K256(2, 1, 1, kern256_2_at) GRU_K256(3, 1, 1, kern256_3_at)
GRU_K256(4, 1, 1, kern256_4_at) GRU_K256(5, 1, 1, kern256_5_at) GRU_K256(6, 1, 1, kern256_6_at)
#undef GRU_K256

typedef void (*kern256_fn)(size_t, const float *, size_t, const float *, size_t, float *, size_t, int, size_t,
		const char *);
static const kern256_fn kern256[7] = {NULL, kern256_1, kern256_2, kern256_3, kern256_4, kern256_5, kern256_6};
static const kern256_fn kern256_tail[7] = {NULL, kern256_1_tail, kern256_2_tail, kern256_3_tail, kern256_4_tail,
	kern256_5_tail, kern256_6_tail};
static const kern256_fn kern256_at[7] = {NULL, kern256_1_at, kern256_2_at, kern256_3_at, kern256_4_at, kern256_5_at,
	kern256_6_at};

/*
 * One row of A (a GEMV, as in a batch-1 step) over two panels at once: with
 * a single row, the 4 accumulators of the kernels above are 4 FMA chains of
 * 4-cycle latency, 1 FMA a cycle; two panels make 8 chains, enough to run at
 * the 2 loads a cycle that a GEMV (one B element per FMA) is bound by. The
 * same even/odd k split and order per column as kern512_body, so the
 * results are the same bits.
 * q0, q1: the two panels; masks as kern512_body's, per panel.
 */
GRU_AVX512_ATTR static void kern512_row2(size_t kc, const float *a, const float *q0, const float *q1,
		size_t ldb, float *c, int acc, __mmask16 m0, __mmask16 m1, __mmask16 m2, __mmask16 m3)
{
	__m512 c0, c1, c2, c3, d0, d1, d2, d3;
	size_t q;

	c0 = acc ? _mm512_maskz_loadu_ps(m0, c) : _mm512_setzero_ps();
	c1 = acc ? _mm512_maskz_loadu_ps(m1, c + 16) : _mm512_setzero_ps();
	c2 = acc ? _mm512_maskz_loadu_ps(m2, c + 32) : _mm512_setzero_ps();
	c3 = acc ? _mm512_maskz_loadu_ps(m3, c + 48) : _mm512_setzero_ps();
	d0 = d1 = d2 = d3 = _mm512_setzero_ps();
	for (q = 0; q + 1 < kc; q += 2) {
		const __m512 ai = _mm512_set1_ps(a[q]);
		const __m512 aj = _mm512_set1_ps(a[q + 1]);

		c0 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m0, q0 + q * ldb), c0);
		c1 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m1, q0 + q * ldb + 16), c1);
		c2 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m2, q1 + q * ldb), c2);
		c3 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m3, q1 + q * ldb + 16), c3);
		d0 = _mm512_fmadd_ps(aj, _mm512_maskz_loadu_ps(m0, q0 + (q + 1) * ldb), d0);
		d1 = _mm512_fmadd_ps(aj, _mm512_maskz_loadu_ps(m1, q0 + (q + 1) * ldb + 16), d1);
		d2 = _mm512_fmadd_ps(aj, _mm512_maskz_loadu_ps(m2, q1 + (q + 1) * ldb), d2);
		d3 = _mm512_fmadd_ps(aj, _mm512_maskz_loadu_ps(m3, q1 + (q + 1) * ldb + 16), d3);
	}
	if (q < kc) {
		const __m512 ai = _mm512_set1_ps(a[q]);

		c0 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m0, q0 + q * ldb), c0);
		c1 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m1, q0 + q * ldb + 16), c1);
		c2 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m2, q1 + q * ldb), c2);
		c3 = _mm512_fmadd_ps(ai, _mm512_maskz_loadu_ps(m3, q1 + q * ldb + 16), c3);
	}
	_mm512_mask_storeu_ps(c, m0, _mm512_add_ps(c0, d0));
	_mm512_mask_storeu_ps(c + 16, m1, _mm512_add_ps(c1, d1));
	_mm512_mask_storeu_ps(c + 32, m2, _mm512_add_ps(c2, d2));
	_mm512_mask_storeu_ps(c + 48, m3, _mm512_add_ps(c3, d3));
}

/*
 * AVX2+FMA: mr (1 to 3) rows x np whole panels (16 columns each) of B,
 * row-major A: the sums of kern256_body, in its order, with more chains:
 * at 1 to 3 rows a single panel gives 2 to 6 FMA chains of 4-cycle
 * latency, 0.5 to 1.5 FMAs a cycle of Zen 3's or Haswell's 2; 1 row over 4
 * panels and 2 or 3 over 2 make 8 to 12 (a batch-1 step is a GEMV, then
 * bound by the two loads a cycle of B). Panel j's rows at p + j * pstep,
 * q * ldb apart; its columns of C at c + j * 16.
 */
GRU_AVX2_ATTR GRU_ALWAYS_INLINE void kern256_panels_body(const int mr, const int np, size_t kc, const float *a,
		size_t lda, const float *p, size_t pstep, size_t ldb, float *c, size_t ldc, int acc)
{
	/*
	 * the vector loops run to 8 and test j against 2 np: with 2 np as their
	 * bound clang unrolled them by 2 before inlining made np a constant,
	 * then never fully (a third of the rate)
	 */
	__m256 t[3][8];
	size_t q;
	int i, j;

	GRU_UNROLL_ROWS(3)
	for (i = 0; i < mr; i++) {
		GRU_UNROLL_ROWS(8)
		for (j = 0; j < 8; j++) {
			if (j < 2 * np) {
				t[i][j] = acc ? _mm256_loadu_ps(c + i * ldc + j * 8) : _mm256_setzero_ps();
			}
		}
	}
	for (q = 0; q < kc; q++) {
		__m256 b[8];

		GRU_UNROLL_ROWS(8)
		for (j = 0; j < 8; j++) {
			if (j < 2 * np) {
				b[j] = _mm256_loadu_ps(p + (size_t)(j / 2) * pstep + q * ldb + (j % 2) * 8);
			}
		}
		GRU_UNROLL_ROWS(3)
		for (i = 0; i < mr; i++) {
			const __m256 ai = _mm256_broadcast_ss(a + i * lda + q);

			GRU_UNROLL_ROWS(8)
			for (j = 0; j < 8; j++) {
				if (j < 2 * np) {
					t[i][j] = _mm256_fmadd_ps(ai, b[j], t[i][j]);
				}
			}
		}
	}
	GRU_UNROLL_ROWS(3)
	for (i = 0; i < mr; i++) {
		GRU_UNROLL_ROWS(8)
		for (j = 0; j < 8; j++) {
			if (j < 2 * np) {
				_mm256_storeu_ps(c + i * ldc + j * 8, t[i][j]);
			}
		}
	}
}

#define GRU_K256_PANELS(MR, NP, NAME) \
	GRU_AVX2_ATTR static void NAME(size_t kc, const float *a, size_t lda, const float *p, size_t pstep, \
			size_t ldb, float *c, size_t ldc, int acc) \
	{ \
		kern256_panels_body(MR, NP, kc, a, lda, p, pstep, ldb, c, ldc, acc); \
	}
GRU_K256_PANELS(1, 4, kern256_1x4) GRU_K256_PANELS(2, 2, kern256_2x2) GRU_K256_PANELS(3, 2, kern256_3x2)
#undef GRU_K256_PANELS

typedef void (*kern256_panels_fn)(size_t, const float *, size_t, const float *, size_t, size_t, float *, size_t,
		int);
/* by row count: the kernel, and the panels it takes */
static const kern256_panels_fn kern256_panels[4] = {NULL, kern256_1x4, kern256_2x2, kern256_3x2};
static const size_t kern256_panels_np[4] = {0, 4, 2, 2};
#endif

/* Rows of A per kernel call, at most. */
static size_t kernel_rows(gru_kernel_isa isa)
{
	return isa == GRU_KERNEL_AVX512 || isa == GRU_KERNEL_AVX2 ? 6 : 4;
}

/*
 * Rows split into the fewest blocks of at most mr_max, as even as can be:
 * 32 rows at mr_max 6 are 6,6,5,5,5,5, not 6,6,6,6,6,2 (a 2-row block runs
 * the kernel at a third of its rate). Block `index` starts at row *start.
 */
static size_t row_block_count(size_t m, size_t mr_max)
{
	return (m + mr_max - 1) / mr_max;
}

static size_t row_block_size(size_t m, size_t blocks, size_t index, size_t *start)
{
	const size_t base = m / blocks, extra = m % blocks;

	*start = index * base + (index < extra ? index : extra);
	return base + (index < extra ? 1 : 0);
}

/*
 * C (+)= A . B, B read panel by panel: panel jp (columns [jp*nr, jp*nr+nr))
 * starts at b + jp * panel_step and its row q at + q * row_step. Packed:
 * panel_step = k * nr, row_step = nr, zero padding behind the last column.
 * In place: panel_step = nr, row_step = ldb, nothing readable behind the
 * last column (so padded = 0: the AVX2 kernel masks the last panel's loads).
 * apacked: A packed by gru_pack_a_t() (one K slice: k <= GRU_KC, a its
 * slice, lda ignored), only with B packed (padded); then only the kernel
 * row blocks [ib0, ib1) of A's m rows run (row-major A: ib0 = 0, ib1 = all).
 */
static void gemm_panels_block(gru_kernel_isa isa, int apacked, size_t m, size_t ib0, size_t ib1, size_t n,
		size_t k, const float *a, size_t lda, const float *b, size_t panel_step, size_t row_step, int padded,
		int accumulate, float *c, size_t ldc)
{
	const size_t nr = gru_pack_nr(isa);
	const size_t panels = (n + nr - 1) / nr;
	const size_t blocks = row_block_count(m, kernel_rows(isa));
	size_t k0, jp, i0, ib;

	if (m == 0 || n == 0) {
		return;
	}
	if (k == 0) {
		if (!accumulate) {
			for (i0 = 0; i0 < m; i0++) {
				memset(c + i0 * ldc, 0, n * sizeof(float));
			}
		}
		return;
	}
	for (k0 = 0; k0 < k; k0 += GRU_KC) {
		const size_t kc = k - k0 < GRU_KC ? k - k0 : GRU_KC;
		const int acc = accumulate || k0 > 0;

		jp = 0;
#if GRU_GEMM_X86
		/*
		 * one row (AVX-512), 1 to 3 (AVX2): several panels a call, for more
		 * independent FMA chains (kern512_row2, kern256_panels_body); whole
		 * panels only (a short last one goes to the masked kernel below)
		 */
		if (isa == GRU_KERNEL_AVX512 && m == 1 && !apacked) {
			for (; jp + 1 < panels; jp += 2) {
				const float *p = b + jp * panel_step + k0 * row_step;
				const size_t nv = n - (jp + 1) * nr < nr ? n - (jp + 1) * nr : nr;
				const __mmask16 m2 = nv >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nv) - 1);
				const __mmask16 m3 = nv >= 32 ? (__mmask16)0xFFFF
					: nv > 16 ? (__mmask16)((1u << (nv - 16)) - 1) : (__mmask16)0;

				kern512_row2(kc, a + k0, p, p + panel_step, row_step, c + jp * nr, acc, (__mmask16)0xFFFF,
						(__mmask16)0xFFFF, m2, m3);
			}
		}
		if (isa == GRU_KERNEL_AVX2 && m <= 3 && !apacked) {
			const size_t np = kern256_panels_np[m];

			for (; jp + np <= panels && n - (jp + np - 1) * nr >= nr; jp += np) {
				kern256_panels[m](kc, a + k0, lda, b + jp * panel_step + k0 * row_step, panel_step, row_step,
						c + jp * nr, ldc, acc);
			}
		}
#endif
		for (; jp < panels; jp++) {
			const float *p = b + jp * panel_step + k0 * row_step;
			const size_t nv = n - jp * nr < nr ? n - jp * nr : nr;
			float *cp = c + jp * nr;

			for (ib = ib0; ib < blocks && ib < ib1; ib++) {
				const size_t mr = row_block_size(m, blocks, ib, &i0);
				/* a packed block: its columns of mr values, after the i0 kc values of the blocks before */
				const float *ap = apacked ? a + i0 * kc : a + i0 * lda + k0;
				const size_t ld = apacked ? mr : lda;
				float *cb = cp + i0 * ldc;
				/*
				 * the first row blocks of a panel fetch the next panel's slice
				 * (packed: contiguous) into L2, a line per two k each, nr / 8
				 * blocks for its kc nr floats: it may be in L3 (the recurrent
				 * kernel at H = 512 is 3 MB; the B=64 T=100 forward on two
				 * threads took 0.91 of the time with it)
				 */
				const char *pf = row_step == nr && jp + 1 < panels && ib - ib0 < nr / 8
					? (const char *)(p + panel_step) + (ib - ib0) * kc * 32 : NULL;

#if GRU_GEMM_X86
				if (isa == GRU_KERNEL_AVX512) {
					const __mmask16 m0 = nv >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nv) - 1);
					const __mmask16 m1 = nv >= 32 ? (__mmask16)0xFFFF
						: nv > 16 ? (__mmask16)((1u << (nv - 16)) - 1) : (__mmask16)0;

					(apacked ? kern512_at : padded || nv == nr ? kern512 : kern512_tail)[mr](kc, ap, ld, p,
							row_step, cb, ldc, acc, m0, m1, pf);
					continue;
				}
				if (isa == GRU_KERNEL_AVX2) {
					(apacked ? kern256_at : padded || nv == nr ? kern256 : kern256_tail)[mr](kc, ap, ld, p,
							row_step, cb, ldc, acc, nv, pf);
					continue;
				}
#endif
				(void)pf;
				(void)padded;
				kern_portable(apacked, mr, kc, ap, ld, p, row_step, cb, ldc, acc, nv);
			}
		}
	}
}

/*
 * Rows in blocks of GRU_MC: a block's slice of A (GRU_MC x GRU_KC floats,
 * 144 KiB) stays in L2 while the panels stream past it, so that a tall A
 * (an input projection over all timesteps) is read from memory once, not
 * once per panel. A step's few rows are one block.
 */
static void gemm_panels(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *b, size_t panel_step, size_t row_step, int padded, int accumulate, float *c, size_t ldc)
{
	size_t m0;

	if (m <= GRU_MC) {
		gemm_panels_block(isa, 0, m, 0, SIZE_MAX, n, k, a, lda, b, panel_step, row_step, padded, accumulate, c,
				ldc);
		return;
	}
	for (m0 = 0; m0 < m; m0 += GRU_MC) {
		const size_t mm = m - m0 < GRU_MC ? m - m0 : GRU_MC;

		gemm_panels_block(isa, 0, mm, 0, SIZE_MAX, n, k, a + m0 * lda, lda, b, panel_step, row_step, padded,
				accumulate, c + m0 * ldc, ldc);
	}
}

void gru_gemm_packed(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *packed, int accumulate, float *c, size_t ldc)
{
	const size_t nr = gru_pack_nr(isa);

	gemm_panels(isa, m, n, k, a, lda, packed, k * nr, nr, 1, accumulate, c, ldc);
}

void gru_gemm_direct(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *b, size_t ldb, int accumulate, float *c, size_t ldc)
{
	gemm_panels(isa, m, n, k, a, lda, b, gru_pack_nr(isa), ldb, 0, accumulate, c, ldc);
}

extern char *openblas_get_corename(void);
extern int openblas_get_num_threads(void);

/* OpenBLAS's kernel set by its core's name: 2 AVX-512, 1 AVX2+FMA, 0 older or unknown. */
static int blas_core_rank(const char *core)
{
	static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
	static const char *const avx2[] = {"Haswell", "Zen"};
	size_t i;

	if (core == NULL) {
		return 0;
	}
	for (i = 0; i < sizeof(avx512) / sizeof(avx512[0]); i++) {
		if (strcmp(core, avx512[i]) == 0) {
			return 2;
		}
	}
	for (i = 0; i < sizeof(avx2) / sizeof(avx2[0]); i++) {
		if (strcmp(core, avx2[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Our kernel set's rank (as blas_core_rank's) less OpenBLAS's: > 0 ours outrank it, 0 the same set. */
static int rank_over_blas(gru_kernel_isa isa)
{
	const int ours = isa == GRU_KERNEL_AVX512 ? 2 : isa == GRU_KERNEL_AVX2 ? 1 : 0;

	return ours - blas_core_rank(openblas_get_corename());
}

int gru_cpu_gemm_outranks_blas(gru_kernel_isa isa)
{
	return rank_over_blas(isa) > 0;
}

int gru_cpu_own_batched_products(gru_kernel_isa isa)
{
	return isa != GRU_KERNEL_PORTABLE && (openblas_get_num_threads() > 1 || gru_cpu_gemm_outranks_blas(isa));
}

int gru_cpu_own_projection(gru_kernel_isa isa)
{
	return gru_cpu_own_batched_products(isa) || (isa != GRU_KERNEL_PORTABLE && rank_over_blas(isa) >= 0);
}

int gru_cpu_step_products(gru_kernel_isa isa, size_t share_rows, double weight_floats, int slices_dg)
{
	return gru_cpu_own_projection(isa) && share_rows >= GRU_STEP_PRODUCTS_MIN_ROWS
		&& weight_floats * sizeof(float)
			<= (slices_dg ? GRU_STEP_PRODUCTS_MAX_BYTES_BWD : GRU_STEP_PRODUCTS_MAX_BYTES);
}

size_t gru_projection_group_cols(size_t features, size_t n)
{
	const size_t panel_bytes = GRU_PACK_NR_MAX * sizeof(float) * (features > 0 ? features : 1);
	const size_t panels = (n + GRU_PACK_NR_MAX - 1) / GRU_PACK_NR_MAX;
	size_t group = GRU_PROJECTION_GROUP_BYTES / panel_bytes;

	if (group < 1) {
		group = 1;
	}
	return (group < panels ? group : panels) * GRU_PACK_NR_MAX;
}

typedef struct {
	gru_kernel_isa isa;
	size_t m, n, k, lda, ldb, ldc;
	const float *a, *b;
	int apacked, packed, accumulate;   /* apacked: A from gru_pack_a_t (B then in place, scratch set) */
	float *c, *scratch;
	float *sums;                       /* B's column sums, or NULL (B sliced or in place, scratch set) */
	/* B already in K slices (gru_pack_sliced_rows): its first panel, panels per row of a slice; else NULL */
	const float *bsliced;
	size_t bpanel0, bpanels;
} gru_gemm_split_job;

#if GRU_GEMM_X86
/* s[0..nr) += the kc rows of a packed panel, in row order (AVX-512: nr = 32, AVX2: nr = 16). */
GRU_AVX512_ATTR static void panel_sums512(const float *p, size_t kc, float *s)
{
	__m512 s0 = _mm512_loadu_ps(s), s1 = _mm512_loadu_ps(s + 16);
	size_t q;

	for (q = 0; q < kc; q++) {
		s0 = _mm512_add_ps(s0, _mm512_loadu_ps(p + q * 32));
		s1 = _mm512_add_ps(s1, _mm512_loadu_ps(p + q * 32 + 16));
	}
	_mm512_storeu_ps(s, s0);
	_mm512_storeu_ps(s + 16, s1);
}

GRU_AVX2_ATTR static void panel_sums256(const float *p, size_t kc, float *s)
{
	__m256 s0 = _mm256_loadu_ps(s), s1 = _mm256_loadu_ps(s + 8);
	size_t q;

	for (q = 0; q < kc; q++) {
		s0 = _mm256_add_ps(s0, _mm256_loadu_ps(p + q * 16));
		s1 = _mm256_add_ps(s1, _mm256_loadu_ps(p + q * 16 + 8));
	}
	_mm256_storeu_ps(s, s0);
	_mm256_storeu_ps(s + 8, s1);
}
#endif

/*
 * sums[j] for the first n columns of a packed K slice (kc rows): from 0
 * (first) or from what earlier slices left, each column's rows added in
 * order, so the bits of a plain row-by-row sum of B whatever the split.
 */
static void packed_column_sums(gru_kernel_isa isa, const float *slice, size_t kc, size_t n, float *sums, int first)
{
	const size_t nr = gru_pack_nr(isa);
	size_t jp, q, j;

	for (jp = 0; jp * nr < n; jp++) {
		const float *p = slice + jp * kc * nr;
		const size_t nv = n - jp * nr < nr ? n - jp * nr : nr;
		float s[GRU_PACK_NR_MAX];

		for (j = 0; j < nr; j++) {
			s[j] = first || j >= nv ? 0.0f : sums[jp * nr + j];
		}
#if GRU_GEMM_X86
		if (isa == GRU_KERNEL_AVX512) {
			panel_sums512(p, kc, s);
		} else if (isa == GRU_KERNEL_AVX2) {
			panel_sums256(p, kc, s);
		} else
#endif
		{
			for (q = 0; q < kc; q++) {
				for (j = 0; j < nr; j++) {
					s[j] += p[q * nr + j];
				}
			}
		}
		memcpy(sums + jp * nr, s, nv * sizeof(float));
	}
}

/* C = A . B on a chunk: rows [r0, r1) of C. */
static void gemm_rows(void *ctx, size_t r0, size_t r1)
{
	const gru_gemm_split_job *o = (const gru_gemm_split_job *)ctx;

	if (o->packed) {
		gru_gemm_packed(o->isa, r1 - r0, o->n, o->k, o->a + r0 * o->lda, o->lda, o->b, o->accumulate,
				o->c + r0 * o->ldc, o->ldc);
	} else {
		gru_gemm_direct(o->isa, r1 - r0, o->n, o->k, o->a + r0 * o->lda, o->lda, o->b, o->ldb, o->accumulate,
				o->c + r0 * o->ldc, o->ldc);
	}
}

/* C = A . B on a chunk: panels [p0, p1) of B, the columns [p0 nr, min(p1 nr, n)) of C. */
static void gemm_panel_range(void *ctx, size_t p0, size_t p1)
{
	const gru_gemm_split_job *o = (const gru_gemm_split_job *)ctx;
	const size_t nr = gru_pack_nr(o->isa);
	const size_t c0 = p0 * nr, c1 = p1 * nr < o->n ? p1 * nr : o->n;

	if (o->bsliced != NULL || (!o->packed && o->scratch != NULL)) {
		/* this thread's panels of B, packed one K slice at a time (see GRU_GEMM_KC), or so already */
		float *scratch = o->bsliced == NULL ? o->scratch + p0 * GRU_KC * nr : NULL;
		size_t k0;

		if (o->k == 0) {
			/* no slice: empty sums */
			for (k0 = 0; k0 < o->m && !o->accumulate; k0++) {
				memset(o->c + k0 * o->ldc + c0, 0, (c1 - c0) * sizeof(float));
			}
			if (o->sums != NULL) {
				memset(o->sums + c0, 0, (c1 - c0) * sizeof(float));
			}
		}
		for (k0 = 0; k0 < o->k; k0 += GRU_KC) {
			const size_t kc = o->k - k0 < GRU_KC ? o->k - k0 : GRU_KC;
			const float *slice = scratch;

			if (scratch == NULL) {
				slice = o->bsliced + k0 * o->bpanels * nr + (o->bpanel0 + p0) * kc * nr;
			} else {
				gru_pack_clear(o->isa, scratch, kc, c1 - c0);
				gru_pack_block(o->isa, scratch, kc, c1 - c0, 0, kc, 0, c1 - c0, o->b + k0 * o->ldb + c0, o->ldb,
						1);
			}
			if (o->sums != NULL) {
				/* B's column sums (the bias gradients) from the packed slice, still in L2 */
				packed_column_sums(o->isa, slice, kc, c1 - c0, o->sums + c0, k0 == 0);
			}
			if (o->apacked) {
				/*
				 * the packed slice of A (m x kc floats, k0 m floats in) in groups
				 * of GRU_MC rows' blocks, each staying in L2 while the panels
				 * pass over it (as gemm_panels() blocks a row-major A)
				 */
				const size_t per_group = GRU_MC / kernel_rows(o->isa);
				size_t ib;

				for (ib = 0; ib < row_block_count(o->m, kernel_rows(o->isa)); ib += per_group) {
					gemm_panels_block(o->isa, 1, o->m, ib, ib + per_group, c1 - c0, kc, o->a + k0 * o->m, 0,
							slice, kc * nr, nr, 1, o->accumulate || k0 > 0, o->c + c0, o->ldc);
				}
			} else {
				gru_gemm_packed(o->isa, o->m, c1 - c0, kc, o->a + k0, o->lda, slice, o->accumulate || k0 > 0,
						o->c + c0, o->ldc);
			}
		}
		return;
	}
	if (o->packed) {
		gru_gemm_packed(o->isa, o->m, c1 - c0, o->k, o->a, o->lda, o->b + p0 * o->k * nr, o->accumulate,
				o->c + c0, o->ldc);
	} else {
		gru_gemm_direct(o->isa, o->m, c1 - c0, o->k, o->a, o->lda, o->b + c0, o->ldb, o->accumulate, o->c + c0,
				o->ldc);
	}
}

/* Runs a job over threads: C split by its columns in whole panels (split_columns), else by its rows. */
static void gemm_split(gru_gemm_split_job *o, int split_columns)
{
	const double flops = 2.0 * (double)o->m * (double)o->n * (double)o->k;

	/* a few chunks a thread, taken as each thread finishes one (gru_cpu_run_chunks); one thread: one chunk */
	if (split_columns) {
		const size_t nr = gru_pack_nr(o->isa);
		const size_t panels = (o->n + nr - 1) / nr;
		const size_t threads = gru_cpu_loop_threads(panels, flops);
		const size_t chunks = threads > 1 ? 2 * threads : 1;
		size_t chunk = (panels + chunks - 1) / chunks;

		/*
		 * B in place, packed a K slice at a time: C is read and written once
		 * per slice, so a chunk's columns of C should stay in L2 across the
		 * slices, beside a slice of A and of B (GRU_GEMM_CHUNK_C floats of C).
		 * Streamed from L3 instead, C cost the m = 512, n = 1536 product a
		 * fifth of its time.
		 */
		if (o->bsliced != NULL || (!o->packed && o->scratch != NULL)) {
			const size_t fit = GRU_GEMM_CHUNK_C / (o->m > 0 ? o->m : 1) / nr;

			if (chunk > fit) {
				chunk = fit > 0 ? fit : 1;
			}
		}
		gru_cpu_run_chunks(gemm_panel_range, o, panels, chunk, threads);
	} else {
		const size_t threads = gru_cpu_loop_threads(o->m, flops);
		const size_t chunks = threads > 1 ? 4 * threads : 1;

		gru_cpu_run_chunks(gemm_rows, o, o->m, (o->m + chunks - 1) / chunks, threads);
	}
}

void gru_gemm_parallel(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *a, size_t lda,
		const float *b, size_t ldb, int packed, int accumulate, float *c, size_t ldc, float *scratch)
{
	gru_gemm_split_job o;

	o.isa = isa;
	o.m = m;
	o.n = n;
	o.k = k;
	o.a = a;
	o.lda = lda;
	o.b = b;
	o.ldb = ldb;
	o.apacked = 0;
	o.packed = packed;
	o.sums = NULL;
	o.accumulate = accumulate;
	o.c = c;
	o.ldc = ldc;
	o.scratch = scratch;
	o.bsliced = NULL;
	gemm_split(&o, n > m);
}

typedef struct {
	gru_kernel_isa isa;
	float *apack;
	const float *a_t;
	size_t lda_t, m, k, batch;
} gru_pack_a_job;

/* The row of A^T that is row kq of the product (time-major if batch is set: step kq / batch of sequence kq % batch). */
static size_t pack_a_source_row(const gru_pack_a_job *o, size_t kq)
{
	return o->batch == 0 ? kq : (kq % o->batch) * (o->k / o->batch) + kq / o->batch;
}

/* K slices [s0, s1) of gru_pack_a_t(): row q of A^T read once, its pieces to each block's column q. */
static void pack_a_slices(void *ctx, size_t s0, size_t s1)
{
	const gru_pack_a_job *o = (const gru_pack_a_job *)ctx;
	const size_t m = o->m, blocks = row_block_count(m, kernel_rows(o->isa));
	size_t s, q, g0, ib, i0, i;

	/*
	 * A slice's blocks lie kc * mr floats apart (6 KiB at AVX-512's 6 rows),
	 * so that the lines being written, one or two a block, map to two sets
	 * of L1: a row's 43 blocks at m = 256 written at once evicted each
	 * other's lines before they were whole (10.5 GB/s, against 18-23 at
	 * m = 128's 22 blocks). GRU_PACK_A_GROUP blocks at a time instead, the
	 * slice's rows read again from L2 for each group: time-major B=64
	 * T=32, m = 256 0.40 -> 0.25 ms, m = 128 0.11 -> 0.12 ms (8 blocks:
	 * 0.30 and 0.13; 24: 0.31 and 0.11).
	 */
	for (s = s0; s < s1; s++) {
		const size_t k0 = s * GRU_KC, kc = o->k - k0 < GRU_KC ? o->k - k0 : GRU_KC;
		float *slice = o->apack + k0 * m;

		for (g0 = 0; g0 < blocks; g0 += GRU_PACK_A_GROUP) {
			for (q = 0; q < kc; q++) {
				const float *row = o->a_t + pack_a_source_row(o, k0 + q) * o->lda_t;

				if (g0 == 0 && o->batch != 0 && k0 + q + GRU_PACK_AHEAD < o->k) {
					/* time-major rows lie T rows apart, a stride the hardware prefetchers do not follow */
					const char *ahead = (const char *)(o->a_t
							+ pack_a_source_row(o, k0 + q + GRU_PACK_AHEAD) * o->lda_t);

					for (i = 0; i < m * sizeof(float); i += 64) {
						__builtin_prefetch(ahead + i);
					}
				}

				for (ib = g0; ib < blocks && ib < g0 + GRU_PACK_A_GROUP; ib++) {
					const size_t mr = row_block_size(m, blocks, ib, &i0);
					float *dst = slice + i0 * kc + q * mr;

					/* the blocks' usual sizes as constants: copied inline, not a call per piece */
					switch (mr) {
						case 6:
							memcpy(dst, row + i0, 6 * sizeof(float));
							break;
						case 5:
							memcpy(dst, row + i0, 5 * sizeof(float));
							break;
						case 3:
							memcpy(dst, row + i0, 3 * sizeof(float));
							break;
						default:
							for (i = 0; i < mr; i++) {
								dst[i] = row[i0 + i];
							}
					}
				}
			}
		}
	}
}

void gru_pack_a_t(gru_kernel_isa isa, float *apack, const float *a_t, size_t lda_t, size_t m, size_t k,
		size_t batch)
{
	gru_pack_a_job o;

	o.isa = isa;
	o.apack = apack;
	o.a_t = a_t;
	o.lda_t = lda_t;
	o.m = m;
	o.k = k;
	o.batch = batch;
	/* a pass over memory: whole K slices, two a thread, from about 64k floats up */
	gru_cpu_run_pass(pack_a_slices, &o, (k + GRU_KC - 1) / GRU_KC, 1, 2, (double)m * (double)k, 65536.0);
}

/* The job of a TN product: C[m, n] = A . B, A packed by gru_pack_a_t(), C split by columns. */
static void tn_job(gru_gemm_split_job *o, gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *apack,
		float *c, size_t ldc, float *col_sums)
{
	memset(o, 0, sizeof(*o));
	o->isa = isa;
	o->m = m;
	o->n = n;
	o->k = k;
	o->a = apack;
	o->apacked = 1;
	o->sums = col_sums;
	o->c = c;
	o->ldc = ldc;
}

void gru_gemm_parallel_tn(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *apack,
		const float *b, size_t ldb, float *c, size_t ldc, float *scratch, float *col_sums)
{
	gru_gemm_split_job o;

	tn_job(&o, isa, m, n, k, apack, c, ldc, col_sums);
	o.b = b;
	o.ldb = ldb;
	o.scratch = scratch;
	/* by columns whatever the shape: each thread packs its panels of B, which the packed A needs */
	gemm_split(&o, 1);
}

#if GRU_GEMM_X86
/*
 * n rows of 32 (AVX-512) or 16 (AVX2) floats, src rows lds apart, to dst
 * contiguous (64-byte aligned) by streaming stores: K-sliced dG is read
 * back only after the time loop, by products that fetch each panel's
 * slice once and reuse it from cache, so the lines need not be fetched
 * into cache for writing (the caller fences).
 */
GRU_AVX512_ATTR static void stream_rows512(float *dst, const float *src, size_t lds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		_mm512_stream_ps(dst + i * 32, _mm512_loadu_ps(src + i * lds));
		_mm512_stream_ps(dst + i * 32 + 16, _mm512_loadu_ps(src + i * lds + 16));
	}
}

GRU_AVX2_ATTR static void stream_rows256(float *dst, const float *src, size_t lds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		_mm256_stream_ps(dst + i * 16, _mm256_loadu_ps(src + i * lds));
		_mm256_stream_ps(dst + i * 16 + 8, _mm256_loadu_ps(src + i * lds + 8));
	}
}
#endif

void gru_pack_sliced_rows(gru_kernel_isa isa, float *sliced, size_t k, size_t n, size_t q0, size_t rows,
		const float *src, size_t lds)
{
	const size_t nr = gru_pack_nr(isa), panels = (n + nr - 1) / nr, tail = n % nr;
	size_t q = q0, i, jp;

	/* the rows in runs within one K slice: a run is contiguous in each panel, written panel by panel */
	while (q < q0 + rows) {
		const size_t k0 = q - q % GRU_KC, kc = k - k0 < GRU_KC ? k - k0 : GRU_KC;
		const size_t run = k0 + kc - q < q0 + rows - q ? k0 + kc - q : q0 + rows - q;
		const float *s = src + (q - q0) * lds;
		float *dst = sliced + k0 * panels * nr + (q - k0) * nr;

		for (jp = 0; jp < panels; jp++) {
			const size_t nv = jp + 1 == panels && tail != 0 ? tail : nr;
			float *d = dst + jp * kc * nr;
			const float *sp = s + jp * nr;

#if GRU_GEMM_X86
			if (nv == nr && isa == GRU_KERNEL_AVX512) {
				stream_rows512(d, sp, lds, run);
				continue;
			}
			if (nv == nr && isa == GRU_KERNEL_AVX2) {
				stream_rows256(d, sp, lds, run);
				continue;
			}
#endif
			for (i = 0; i < run; i++) {
				/*
				 * the portable kernel's whole 16-float panel rows, with a constant
				 * size the compiler copies inline (the AVX2 and AVX-512 ones stream
				 * above, so a 32-float row never comes here)
				 */
				if (nv == GRU_PACK_NR_MAX / 2) {
					memcpy(d + i * nr, sp + i * lds, GRU_PACK_NR_MAX / 2 * sizeof(float));
				} else {
					/* the last panel's padding, which gru_pack_clear() zeroes for a whole matrix */
					memcpy(d + i * nr, sp + i * lds, nv * sizeof(float));
					memset(d + i * nr + nv, 0, (nr - nv) * sizeof(float));
				}
			}
		}
		q += run;
	}
#if GRU_GEMM_X86
	if (isa != GRU_KERNEL_PORTABLE) {
		_mm_sfence();
	}
#endif
}

void gru_gemm_parallel_tn_sliced(gru_kernel_isa isa, size_t m, size_t n, size_t k, const float *apack,
		const float *sliced, size_t panels, size_t panel0, float *c, size_t ldc, float *col_sums)
{
	gru_gemm_split_job o;

	tn_job(&o, isa, m, n, k, apack, c, ldc, col_sums);
	o.bsliced = sliced;
	o.bpanel0 = panel0;
	o.bpanels = panels;
	gemm_split(&o, 1);
}
