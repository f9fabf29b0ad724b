/*
 * Turning core errors into PHP exceptions, one mapping for the whole
 * extension: bad arguments are InvalidArgumentException (Rindow's tests
 * expect it), unsupported requests DomainException, everything the
 * machine did wrong RuntimeException.
 */
#ifndef PHP_GRU_EXCEPTIONS_H
#define PHP_GRU_EXCEPTIONS_H

#include "php.h"
#include "gru_status.h"

/* Throws the exception class matching status->code with its message. */
void php_gru_throw_status(const gru_status *status);

/* Throws InvalidArgumentException with a printf-style message. */
void php_gru_throw_invalid(const char *format, ...) ZEND_ATTRIBUTE_FORMAT(printf, 1, 2);

/* Throws DomainException with a printf-style message. */
void php_gru_throw_domain(const char *format, ...) ZEND_ATTRIBUTE_FORMAT(printf, 1, 2);

/* Throws RuntimeException with a printf-style message. */
void php_gru_throw_runtime(const char *format, ...) ZEND_ATTRIBUTE_FORMAT(printf, 1, 2);

#endif /* PHP_GRU_EXCEPTIONS_H */
