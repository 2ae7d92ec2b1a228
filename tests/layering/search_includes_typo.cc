// Must compile: search sits above typo (the probe's control case).
#include "typo/typo_expander.h"
#include "portalkb/search.h"
