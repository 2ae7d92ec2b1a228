// Umbrella header: everything an application embedding portalkb needs.
#pragma once

#include "portalkb/accounts.h"
#include "portalkb/analytics.h"
#include "portalkb/audit.h"
#include "portalkb/document.h"
#include "portalkb/engine.h"
#include "portalkb/evaluation.h"
#include "portalkb/index_writer.h"
#include "portalkb/keys.h"
#include "portalkb/oidc.h"
#include "portalkb/options.h"
#include "portalkb/portal.h"
#include "portalkb/principal.h"
#include "portalkb/search.h"
#include "portalkb/settings.h"
#include "portalkb/status.h"
#include "portalkb/synonyms.h"
