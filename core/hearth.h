/*
 * hearth.h: every layer's header at once, for the tests, which reach into
 * all of them. Nothing under core/, web/ or modules/ includes it: each file
 * there includes its own layer's header (see docs/architecture.md), and the
 * layer check in make check (tools/layer-check) keeps it so.
 */
#ifndef HEARTH_H
#define HEARTH_H

#include "lib.h"
#include "render.h"
#include "store.h"
#include "domain.h"
#include "http.h"
#include "request.h"
#include "handlers.h"
#include "api.h"
#include "pages.h"
#include "web.h"
#include "loader.h"

#endif
