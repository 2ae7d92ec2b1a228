// Must NOT compile: typo sits below search, so it cannot see search's headers.
#include "search/query_builder.h"
