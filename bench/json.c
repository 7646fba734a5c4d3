/* json.c - JSON strings and fields: see json.h. */
#include "json.h"

void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void
json_field(FILE *f, const char *sep, const char *key, const char *value)
{
	fputs(sep, f);
	json_string(f, key);
	fputs(": ", f);
	json_string(f, value);
}
