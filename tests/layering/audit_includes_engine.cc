// Must NOT compile: audit is storage-level (core and sqlite), so it cannot see portalkb/engine.h.
#include "portalkb/engine.h"
