/* msgq_checks.c - the checks of msgq/exercises/ (tools/exercise.h). */
#include <unistd.h>

#include "exercise.h"

const struct exercise msgq_exercises[] = {
	{0},
};
