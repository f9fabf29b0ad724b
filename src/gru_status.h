/*
 * Error reporting of the core: a code for the caller's control flow and a
 * message for the human. The PHP glue maps codes to exception classes.
 */
#ifndef RINDOW_GRU_STATUS_H
#define RINDOW_GRU_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GRU_OK = 0,
	GRU_E_INVALID,       /* a bad argument: shape, enum, null pointer */
	GRU_E_OVERFLOW,      /* a size product does not fit in size_t */
	GRU_E_NOMEM,         /* an allocation failed */
	GRU_E_UNSUPPORTED,   /* valid, but not available in this build */
	GRU_E_DEVICE,        /* an accelerator or its library failed */
	GRU_E_NUMERIC        /* a numeric routine failed (e.g. LAPACK info != 0) */
} gru_status_code;

#define GRU_STATUS_MESSAGE_SIZE 256

typedef struct {
	gru_status_code code;
	char message[GRU_STATUS_MESSAGE_SIZE];
} gru_status;

/* Records code and a printf-style message; returns code. status may be NULL. */
gru_status_code gru_status_set(gru_status *status, gru_status_code code, const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Resets status to GRU_OK with an empty message. */
void gru_status_clear(gru_status *status);

/* a * b into *out; false (and *out untouched) on overflow. */
static inline int gru_size_mul(size_t a, size_t b, size_t *out)
{
#if defined(__GNUC__) || defined(__clang__)
	return !__builtin_mul_overflow(a, b, out);
#else
	if (a != 0 && b > (size_t)-1 / a) {
		return 0;
	}
	*out = a * b;
	return 1;
#endif
}

/* a + b into *out; false (and *out untouched) on overflow. */
static inline int gru_size_add(size_t a, size_t b, size_t *out)
{
#if defined(__GNUC__) || defined(__clang__)
	return !__builtin_add_overflow(a, b, out);
#else
	if (b > (size_t)-1 - a) {
		return 0;
	}
	*out = a + b;
	return 1;
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* RINDOW_GRU_STATUS_H */
