/* error.c — the one error record and the one map from codes to exit codes. */
#include "util/util.h"

#include <string.h>

void q_error_init(struct q_error *err)
{
	memset(err, 0, sizeof(*err));
	err->offset = -1;
}

int q_error_vset(struct q_error *err, int code, const char *file, long line,
		 long column, long long offset, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	if (err->code)
		return err->code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	err->offset = offset;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return code;
}

int q_error_set(struct q_error *err, int code, const char *file, long line,
		long column, long long offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	q_error_vset(err, code, file, line, column, offset, fmt, ap);
	va_end(ap);
	return err ? err->code : code;
}

int q_error_msg(struct q_error *err, int code, const char *file,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	q_error_vset(err, code, file, 0, 0, -1, fmt, ap);
	va_end(ap);
	return err ? err->code : code;
}

void q_error_print(const struct q_error *err, FILE *out)
{
	flockfile(out); /* one line, even when threads print at once */
	fputs("quarry: ", out);
	if (err->file[0]) {
		fputs(err->file, out);
		if (err->line > 0) {
			fprintf(out, ":%ld", err->line);
			if (err->column > 0)
				fprintf(out, ":%ld", err->column);
		}
		fputs(": ", out);
	}
	fprintf(out, "%s\n", err->message[0] ? err->message : "unknown error");
	funlockfile(out);
}

int q_exit_code(int code)
{
	static const int exits[] = {
		[Q_OK] = 0,	     [Q_EUSAGE] = 2,	 [Q_EDATA] = 65,
		[Q_ENOINPUT] = 66,   [Q_EINTERNAL] = 70, [Q_ECANTCREAT] = 73,
		[Q_EIO] = 74,	     [Q_ELOCKED] = 75,	 [Q_EPARTIAL] = 1,
	};
	int cat = Q_CATEGORY(code);
	if (cat == Q_EINTERRUPTED)
		return 128 + (code >> 8);
	if (cat < 0 || (size_t)cat >= sizeof(exits) / sizeof(exits[0]))
		return 70;
	return exits[cat];
}

static void (*warn_handler)(const char *file, const char *message);

void q_warn_set_handler(void (*fn)(const char *file, const char *message))
{
	warn_handler = fn;
}

void q_warn(const char *file, const char *fmt, ...)
{
	va_list ap;
	if (warn_handler) {
		char message[Q_ERROR_MESSAGE_MAX];
		va_start(ap, fmt);
		vsnprintf(message, sizeof(message), fmt, ap);
		va_end(ap);
		warn_handler(file && file[0] ? file : NULL, message);
		return;
	}
	flockfile(stderr);
	fputs("quarry: ", stderr);
	if (file && file[0])
		fprintf(stderr, "%s: ", file);
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
