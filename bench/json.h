/* json.h - the little JSON that bench.json needs: strings written safely,
 * and "key": "value" fields.  The structure (braces, commas between
 * fields) stays with the writer, which knows its own shape.
 */
#ifndef IPCLAB_JSON_H
#define IPCLAB_JSON_H

#include <stdio.h>

/* Write s as a JSON string, quotes included: '"' and '\\' escaped,
 * control characters as \u00XX. */
void json_string(FILE *f, const char *s);

/* Write sep (", " between fields, "" for an object's first), then
 * "key": followed by value as a JSON string. */
void json_field(FILE *f, const char *sep, const char *key, const char *value);

#endif
