#include "php.h"
#include "zend_exceptions.h"
#include "ext/spl/spl_exceptions.h"

#include "gru_exceptions.h"

static void throw_formatted(zend_class_entry *ce, const char *format, va_list args)
{
	char *message = NULL;

	zend_vspprintf(&message, 0, format, args);
	zend_throw_exception(ce, message, 0);
	efree(message);
}

void php_gru_throw_invalid(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	throw_formatted(spl_ce_InvalidArgumentException, format, args);
	va_end(args);
}

void php_gru_throw_domain(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	throw_formatted(spl_ce_DomainException, format, args);
	va_end(args);
}

void php_gru_throw_runtime(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	throw_formatted(spl_ce_RuntimeException, format, args);
	va_end(args);
}

void php_gru_throw_status(const gru_status *status)
{
	zend_class_entry *ce;

	switch (status->code) {
		case GRU_E_INVALID:
		case GRU_E_OVERFLOW:
			ce = spl_ce_InvalidArgumentException;
			break;
		case GRU_E_UNSUPPORTED:
			ce = spl_ce_DomainException;
			break;
		default:
			ce = spl_ce_RuntimeException;
			break;
	}
	zend_throw_exception(ce, status->message[0] ? status->message : "rindow_gru: unknown error", 0);
}
