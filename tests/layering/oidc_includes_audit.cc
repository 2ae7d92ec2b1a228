// Must NOT compile: oidc depends on core alone, so it cannot see portalkb/audit.h.
#include "portalkb/audit.h"
