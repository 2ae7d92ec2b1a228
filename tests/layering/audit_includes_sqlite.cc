// Must compile: audit sits on the sqlite adapter.
#include "portalkb/audit.h"
#include "sqlite/sqlite.h"
