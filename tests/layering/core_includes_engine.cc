// Must NOT compile: core sits below engine, so it cannot see portalkb/engine.h.
#include "portalkb/engine.h"
