// Must NOT compile: accounts is storage-level (core and sqlite), so it cannot
// see the engine's public header.
#include "portalkb/engine.h"
