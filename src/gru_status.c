#include <stdarg.h>
#include <stdio.h>

#include "gru_status.h"

gru_status_code gru_status_set(gru_status *status, gru_status_code code, const char *format, ...)
{
	if (status != NULL) {
		va_list args;
		va_start(args, format);
		status->code = code;
		vsnprintf(status->message, sizeof(status->message), format, args);
		va_end(args);
	}
	return code;
}

void gru_status_clear(gru_status *status)
{
	if (status != NULL) {
		status->code = GRU_OK;
		status->message[0] = '\0';
	}
}
