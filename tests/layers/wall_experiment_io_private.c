/* Must not compile with experiment's include path: io/scenario_read.h is
 * private to io (not in its OFFERS), although experiment sees io. */
#include "io/scenario_read.h"
