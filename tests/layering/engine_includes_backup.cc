// Must NOT compile: engine sits below backup, so it cannot see backup's headers.
#include "portalkb/backup.h"
