// Must compile: accounts sits on the sqlite adapter.
#include "sqlite/sqlite.h"
