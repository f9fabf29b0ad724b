/*
 * Weight initializers: Rindow's definitions (Backend/RindowBlas/Backend.php
 * in rindow-neuralnetworks), Keras's where Rindow has none, and Keras's
 * orthogonal initializer computed through LAPACK's Householder QR.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gru_init.h"

/*
 * LAPACK through the Fortran ABI, as libopenblas exports it on Linux, macOS
 * and in OpenBLAS's Windows builds (sgeqrf_, ...), so that linking needs
 * only -lopenblas and no lapack.h or LAPACKE. For an ILP64 OpenBLAS, build
 * with -DGRU_LAPACK_INT=int64_t (and, for its symbol suffix,
 * -D'GRU_LAPACK_SYMBOL(lower,upper)=lower##_64_').
 */
#ifndef GRU_LAPACK_INT
# define GRU_LAPACK_INT int
#endif
#ifndef GRU_LAPACK_SYMBOL
# define GRU_LAPACK_SYMBOL(lower, upper) lower##_
#endif

typedef GRU_LAPACK_INT gru_lapack_int;

#define GRU_LAPACK_INT_MAX \
	(sizeof(gru_lapack_int) >= sizeof(int64_t) ? (uint64_t)INT64_MAX : (uint64_t)INT_MAX)

extern void GRU_LAPACK_SYMBOL(sgeqrf, SGEQRF)(const gru_lapack_int *m, const gru_lapack_int *n,
		float *a, const gru_lapack_int *lda, float *tau, float *work, const gru_lapack_int *lwork,
		gru_lapack_int *info);
extern void GRU_LAPACK_SYMBOL(dgeqrf, DGEQRF)(const gru_lapack_int *m, const gru_lapack_int *n,
		double *a, const gru_lapack_int *lda, double *tau, double *work, const gru_lapack_int *lwork,
		gru_lapack_int *info);
extern void GRU_LAPACK_SYMBOL(sorgqr, SORGQR)(const gru_lapack_int *m, const gru_lapack_int *n,
		const gru_lapack_int *k, float *a, const gru_lapack_int *lda, const float *tau, float *work,
		const gru_lapack_int *lwork, gru_lapack_int *info);
extern void GRU_LAPACK_SYMBOL(dorgqr, DORGQR)(const gru_lapack_int *m, const gru_lapack_int *n,
		const gru_lapack_int *k, double *a, const gru_lapack_int *lda, const double *tau, double *work,
		const gru_lapack_int *lwork, gru_lapack_int *info);

/*
 * LAPACK's blocked QR wants lwork >= n * nb, with nb from ILAENV (32 in the
 * reference LAPACK that OpenBLAS ships). A fixed, generous block makes the
 * workspace size a formula instead of a library query; should ILAENV ask
 * for more, LAPACK shrinks nb to fit, still blocked.
 */
#define GRU_INIT_LAPACK_BLOCK 64

/* Workspace regions start on this boundary (relative to the workspace). */
#define GRU_INIT_ALIGN 64

/* scipy.stats.truncnorm.std(a=-2, b=2): the std of N(0,1) cut at +-2. */
#define GRU_INIT_TRUNCNORM_STD 0.87962566103423978

/* Keras's RandomUniform and RandomNormal defaults, also Rindow's. */
#define GRU_INIT_RANDOM_LIMIT 0.05
#define GRU_INIT_RANDOM_STDDEV 0.05

typedef enum {
	GRU_DIST_CONSTANT,
	GRU_DIST_UNIFORM,
	GRU_DIST_NORMAL,
	GRU_DIST_TRUNCATED_NORMAL,
	GRU_DIST_ORTHOGONAL
} gru_init_distribution;

typedef enum {
	GRU_FAN_NONE,      /* parameter is the value (constant), limit or stddev itself */
	GRU_FAN_IN,        /* variance scaling over max(fan_in, 1) */
	GRU_FAN_AVG        /* variance scaling over max((fan_in + fan_out) / 2, 1) */
} gru_init_fan;

typedef struct {
	const char *name;
	size_t length;
	gru_init_distribution distribution;
	gru_init_fan fan;
	double parameter;  /* the constant, the fixed limit/stddev, or the variance scale */
} gru_init_definition;

#define GRU_INIT_DEF(name, distribution, fan, parameter) \
	{ name, sizeof(name) - 1, distribution, fan, parameter }

/* Indexed by gru_initializer. */
static const gru_init_definition gru_init_definitions[] = {
	GRU_INIT_DEF("zeros", GRU_DIST_CONSTANT, GRU_FAN_NONE, 0.0),
	GRU_INIT_DEF("ones", GRU_DIST_CONSTANT, GRU_FAN_NONE, 1.0),
	GRU_INIT_DEF("glorot_uniform", GRU_DIST_UNIFORM, GRU_FAN_AVG, 1.0),
	/*
	 * Rindow's glorot_normal and he_normal divide the stddev by the
	 * truncated normal's std, as Keras does, but then draw from a plain
	 * normal (la->randomNormal), not a truncated one: their values have
	 * a std 1/0.8796 = 1.137 times Keras's, and tails beyond 2 stddev.
	 * We follow Rindow. To follow Keras, make these two
	 * GRU_DIST_TRUNCATED_NORMAL.
	 */
	GRU_INIT_DEF("glorot_normal", GRU_DIST_NORMAL, GRU_FAN_AVG, 1.0),
	GRU_INIT_DEF("he_uniform", GRU_DIST_UNIFORM, GRU_FAN_IN, 2.0),
	GRU_INIT_DEF("he_normal", GRU_DIST_NORMAL, GRU_FAN_IN, 2.0),
	/* Rindow defines no lecun_*: Keras's definitions, truncation included. */
	GRU_INIT_DEF("lecun_uniform", GRU_DIST_UNIFORM, GRU_FAN_IN, 1.0),
	GRU_INIT_DEF("lecun_normal", GRU_DIST_TRUNCATED_NORMAL, GRU_FAN_IN, 1.0),
	/*
	 * Rindow takes U or V^T of a thin SVD of a normal matrix; Keras takes
	 * the sign-corrected Q of its QR. Both give orthonormal rows or
	 * columns from an orthogonally invariant draw; the QR is several times
	 * cheaper, so we follow Keras here.
	 */
	GRU_INIT_DEF("orthogonal", GRU_DIST_ORTHOGONAL, GRU_FAN_NONE, 1.0),
	GRU_INIT_DEF("random_uniform", GRU_DIST_UNIFORM, GRU_FAN_NONE, GRU_INIT_RANDOM_LIMIT),
	GRU_INIT_DEF("random_normal", GRU_DIST_NORMAL, GRU_FAN_NONE, GRU_INIT_RANDOM_STDDEV)
};

#define GRU_INIT_COUNT (sizeof(gru_init_definitions) / sizeof(gru_init_definitions[0]))

int gru_initializer_from_name(const char *name, size_t length)
{
	size_t i;

	if (name == NULL) {
		return -1;
	}
	for (i = 0; i < GRU_INIT_COUNT; i++) {
		if (gru_init_definitions[i].length == length
				&& memcmp(gru_init_definitions[i].name, name, length) == 0) {
			return (int)i;
		}
	}
	return -1;
}

const char *gru_initializer_name(gru_initializer initializer)
{
	if ((unsigned int)initializer >= GRU_INIT_COUNT) {
		return NULL;
	}
	return gru_init_definitions[initializer].name;
}

static size_t gru_init_element_size(gru_dtype dtype)
{
	switch (dtype) {
		case GRU_FLOAT32:
			return sizeof(float);
		case GRU_FLOAT64:
			return sizeof(double);
	}
	return 0;
}

/* Byte offsets of the orthogonal initializer's workspace regions. */
typedef struct {
	size_t matrix;     /* [max, min] column-major, only when rows >= cols */
	size_t tau;        /* [min] */
	size_t sign;       /* [min], sign(diag(R)) */
	size_t work;       /* [lwork] */
	size_t total;
	size_t lwork;
} gru_init_orthogonal_layout;

/* Appends a region of count elements to *offset, rounded up to GRU_INIT_ALIGN. */
static int gru_init_region(size_t *offset, size_t count, size_t element_size, size_t *start)
{
	size_t bytes, end;

	if (!gru_size_mul(count, element_size, &bytes)
			|| !gru_size_add(bytes, GRU_INIT_ALIGN - 1, &bytes)) {
		return 0;
	}
	bytes -= bytes % GRU_INIT_ALIGN;
	if (!gru_size_add(*offset, bytes, &end)) {
		return 0;
	}
	*start = *offset;
	*offset = end;
	return 1;
}

static gru_status_code gru_init_orthogonal_plan(size_t rows, size_t cols, size_t element_size,
		gru_init_orthogonal_layout *layout, gru_status *status)
{
	size_t large = rows > cols ? rows : cols;
	size_t small = rows > cols ? cols : rows;
	size_t elements, offset = 0;

	if (!gru_size_mul(large, small, &elements)
			|| !gru_size_mul(small, GRU_INIT_LAPACK_BLOCK, &layout->lwork)
			|| (uint64_t)elements > GRU_LAPACK_INT_MAX
			|| (uint64_t)layout->lwork > GRU_LAPACK_INT_MAX) {
		return gru_status_set(status, GRU_E_OVERFLOW,
				"orthogonal initializer: shape (%zu,%zu) is too large for LAPACK", rows, cols);
	}
	if (!gru_init_region(&offset, rows >= cols ? elements : 0, element_size, &layout->matrix)
			|| !gru_init_region(&offset, small, element_size, &layout->tau)
			|| !gru_init_region(&offset, small, element_size, &layout->sign)
			|| !gru_init_region(&offset, layout->lwork, element_size, &layout->work)) {
		return gru_status_set(status, GRU_E_OVERFLOW,
				"orthogonal initializer: workspace size for shape (%zu,%zu) overflows", rows, cols);
	}
	layout->total = offset;
	return GRU_OK;
}

static gru_status_code gru_init_check(gru_initializer initializer, gru_dtype dtype,
		size_t rows, size_t cols, gru_status *status)
{
	size_t elements, bytes;

	if ((unsigned int)initializer >= GRU_INIT_COUNT) {
		return gru_status_set(status, GRU_E_INVALID, "Unsupported initializer: %d", (int)initializer);
	}
	if (gru_init_element_size(dtype) == 0) {
		return gru_status_set(status, GRU_E_INVALID, "Unsupported data type: %d", (int)dtype);
	}
	if (rows == 0 || cols == 0) {
		return gru_status_set(status, GRU_E_INVALID,
				"%s initializer: shape (%zu,%zu) has a zero dimension",
				gru_init_definitions[initializer].name, rows, cols);
	}
	if (!gru_size_mul(rows, cols, &elements)
			|| !gru_size_mul(elements, gru_init_element_size(dtype), &bytes)) {
		return gru_status_set(status, GRU_E_OVERFLOW,
				"%s initializer: size of shape (%zu,%zu) overflows",
				gru_init_definitions[initializer].name, rows, cols);
	}
	return GRU_OK;
}

gru_status_code gru_initialize_workspace_bytes(gru_initializer initializer, gru_dtype dtype,
		size_t rows, size_t cols, size_t *bytes, gru_status *status)
{
	gru_init_orthogonal_layout layout;
	gru_status_code code;

	if (bytes == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "initializer workspace: bytes is NULL");
	}
	code = gru_init_check(initializer, dtype, rows, cols, status);
	if (code != GRU_OK) {
		return code;
	}
	if (gru_init_definitions[initializer].distribution != GRU_DIST_ORTHOGONAL) {
		*bytes = 0;
		return GRU_OK;
	}
	code = gru_init_orthogonal_plan(rows, cols, gru_init_element_size(dtype), &layout, status);
	if (code != GRU_OK) {
		return code;
	}
	*bytes = layout.total;
	return GRU_OK;
}

static inline void gru_init_store(void *data, gru_dtype dtype, size_t index, double value)
{
	if (dtype == GRU_FLOAT32) {
		((float *)data)[index] = (float)value;
	} else {
		((double *)data)[index] = value;
	}
}

static void gru_init_fill_constant(void *data, gru_dtype dtype, size_t count, double value)
{
	size_t i;

	if (dtype == GRU_FLOAT32) {
		float *out = data;
		for (i = 0; i < count; i++) {
			out[i] = (float)value;
		}
	} else {
		double *out = data;
		for (i = 0; i < count; i++) {
			out[i] = value;
		}
	}
}

/* U(-limit, limit): the double is drawn in [-limit, limit), then rounded to dtype. */
static void gru_init_fill_uniform(void *data, gru_dtype dtype, size_t count, double limit, gru_rng *rng)
{
	const double width = 2.0 * limit;
	size_t i;

	for (i = 0; i < count; i++) {
		gru_init_store(data, dtype, i, width * gru_rng_uniform(rng) - limit);
	}
}

static void gru_init_fill_normal(void *data, gru_dtype dtype, size_t count, double stddev, gru_rng *rng)
{
	double first, second;
	size_t i;

	for (i = 0; i + 1 < count; i += 2) {
		gru_rng_normal_pair(rng, &first, &second);
		gru_init_store(data, dtype, i, stddev * first);
		gru_init_store(data, dtype, i + 1, stddev * second);
	}
	if (i < count) {
		gru_rng_normal_pair(rng, &first, &second);
		gru_init_store(data, dtype, i, stddev * first);
	}
}

/* Keras's truncated normal: values beyond 2 stddev are redrawn. */
static void gru_init_fill_truncated_normal(void *data, gru_dtype dtype, size_t count, double stddev,
		gru_rng *rng)
{
	double pair[2];
	size_t i = 0;
	int k;

	while (i < count) {
		gru_rng_normal_pair(rng, &pair[0], &pair[1]);
		for (k = 0; k < 2 && i < count; k++) {
			if (fabs(pair[k]) <= 2.0) {
				gru_init_store(data, dtype, i++, stddev * pair[k]);
			}
		}
	}
}

/*
 * Q of the QR of an [large, small] normal matrix, columns scaled by
 * sign(diag(R)) (which makes Q Haar-distributed), transposed when
 * rows < cols. The matrix is column-major for LAPACK: with rows < cols its
 * column-major [cols, rows] storage is exactly the row-major [rows, cols]
 * output, so LAPACK works in data itself; otherwise it works in the
 * workspace and the result is transposed into data.
 */
#define GRU_INIT_ORTHOGONAL_BODY(type, geqrf, orgqr, geqrf_name, orgqr_name) do { \
	type *matrix = rows < cols ? (type *)data : (type *)(base + layout.matrix); \
	type *tau = (type *)(base + layout.tau); \
	type *sign = (type *)(base + layout.sign); \
	type *work = (type *)(base + layout.work); \
	size_t i, j, ib, jb; \
	\
	gru_init_fill_normal(matrix, dtype, large * small, 1.0, rng); \
	geqrf(&m, &n, matrix, &m, tau, work, &lwork, &info); \
	if (info != 0) { \
		return gru_status_set(status, GRU_E_NUMERIC, \
				"orthogonal initializer: " geqrf_name " failed with info %ld", (long)info); \
	} \
	/* np.sign would zero a column for an exact 0 on the diagonal; keep it instead. */ \
	for (j = 0; j < small; j++) { \
		sign[j] = matrix[j + j * large] < 0 ? (type)-1 : (type)1; \
	} \
	orgqr(&m, &n, &n, matrix, &m, tau, work, &lwork, &info); \
	if (info != 0) { \
		return gru_status_set(status, GRU_E_NUMERIC, \
				"orthogonal initializer: " orgqr_name " failed with info %ld", (long)info); \
	} \
	if (rows < cols) { \
		/* Row j of the output is column j of Q. */ \
		for (j = 0; j < small; j++) { \
			type *row = matrix + j * large; \
			if (sign[j] < 0) { \
				for (i = 0; i < large; i++) { \
					row[i] = -row[i]; \
				} \
			} \
		} \
	} else { \
		type *out = data; \
		for (jb = 0; jb < small; jb += 32) { \
			size_t jend = jb + 32 < small ? jb + 32 : small; \
			for (ib = 0; ib < large; ib += 32) { \
				size_t iend = ib + 32 < large ? ib + 32 : large; \
				for (j = jb; j < jend; j++) { \
					for (i = ib; i < iend; i++) { \
						out[i * small + j] = sign[j] * matrix[i + j * large]; \
					} \
				} \
			} \
		} \
	} \
} while (0)

static gru_status_code gru_init_orthogonal(gru_dtype dtype, void *data, size_t rows, size_t cols,
		gru_rng *rng, void *workspace, gru_status *status)
{
	gru_init_orthogonal_layout layout;
	gru_lapack_int m, n, lwork, info = 0;
	size_t large = rows > cols ? rows : cols;
	size_t small = rows > cols ? cols : rows;
	size_t element_size = gru_init_element_size(dtype);
	unsigned char *base = workspace;
	gru_status_code code;

	code = gru_init_orthogonal_plan(rows, cols, element_size, &layout, status);
	if (code != GRU_OK) {
		return code;
	}
	if (workspace == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "orthogonal initializer: workspace is NULL");
	}
	if (((uintptr_t)workspace % element_size) != 0) {
		return gru_status_set(status, GRU_E_INVALID, "orthogonal initializer: workspace is misaligned");
	}
	m = (gru_lapack_int)large;
	n = (gru_lapack_int)small;
	lwork = (gru_lapack_int)layout.lwork;

	/*
	 * The normal draws fill the column-major matrix in storage order; float
	 * and double take the same draws from the same seed.
	 */
	if (dtype == GRU_FLOAT32) {
		GRU_INIT_ORTHOGONAL_BODY(float, GRU_LAPACK_SYMBOL(sgeqrf, SGEQRF),
				GRU_LAPACK_SYMBOL(sorgqr, SORGQR),
				"sgeqrf", "sorgqr");
	} else {
		GRU_INIT_ORTHOGONAL_BODY(double, GRU_LAPACK_SYMBOL(dgeqrf, DGEQRF),
				GRU_LAPACK_SYMBOL(dorgqr, DORGQR),
				"dgeqrf", "dorgqr");
	}
	return GRU_OK;
}

gru_status_code gru_initialize(gru_initializer initializer, gru_dtype dtype, void *data,
		size_t rows, size_t cols, gru_rng *rng, void *workspace, gru_status *status)
{
	const gru_init_definition *definition;
	gru_status_code code;
	size_t count;
	double n, parameter;

	code = gru_init_check(initializer, dtype, rows, cols, status);
	if (code != GRU_OK) {
		return code;
	}
	definition = &gru_init_definitions[initializer];
	if (data == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "%s initializer: data is NULL", definition->name);
	}
	if (definition->distribution != GRU_DIST_CONSTANT && rng == NULL) {
		return gru_status_set(status, GRU_E_INVALID, "%s initializer: random generator is NULL",
				definition->name);
	}
	count = rows * cols; /* checked by gru_init_check() */

	switch (definition->fan) {
		case GRU_FAN_IN:
			n = (double)rows;
			break;
		case GRU_FAN_AVG:
			n = ((double)rows + (double)cols) / 2.0;
			break;
		default:
			n = 1.0;
			break;
	}
	if (n < 1.0) {
		n = 1.0;
	}
	parameter = definition->parameter;

	switch (definition->distribution) {
		case GRU_DIST_CONSTANT:
			gru_init_fill_constant(data, dtype, count, parameter);
			break;
		case GRU_DIST_UNIFORM:
			if (definition->fan != GRU_FAN_NONE) {
				parameter = sqrt(3.0 * parameter / n);
			}
			gru_init_fill_uniform(data, dtype, count, parameter, rng);
			break;
		case GRU_DIST_NORMAL:
			if (definition->fan != GRU_FAN_NONE) {
				parameter = sqrt(parameter / n) / GRU_INIT_TRUNCNORM_STD;
			}
			gru_init_fill_normal(data, dtype, count, parameter, rng);
			break;
		case GRU_DIST_TRUNCATED_NORMAL:
			if (definition->fan != GRU_FAN_NONE) {
				parameter = sqrt(parameter / n) / GRU_INIT_TRUNCNORM_STD;
			}
			gru_init_fill_truncated_normal(data, dtype, count, parameter, rng);
			break;
		case GRU_DIST_ORTHOGONAL:
			return gru_init_orthogonal(dtype, data, rows, cols, rng, workspace, status);
	}
	return GRU_OK;
}
