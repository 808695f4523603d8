// Includes qcustomplot.h in a project built with QT_NO_KEYWORDS: the header declares its signals
// with Qt's `signals`/`slots` keywords and loops with `foreach`, so they are defined for it alone.
// Include this instead of <qcustomplot.h>.
#pragma once

#include <QtGlobal>

#ifndef signals
#define signals Q_SIGNALS
#define LONGMIM_UNDEF_SIGNALS
#endif
#ifndef slots
#define slots Q_SLOTS
#define LONGMIM_UNDEF_SLOTS
#endif
#ifndef emit
#define emit Q_EMIT
#define LONGMIM_UNDEF_EMIT
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define LONGMIM_UNDEF_FOREACH
#endif

#include <qcustomplot.h>

#ifdef LONGMIM_UNDEF_SIGNALS
#undef signals
#undef LONGMIM_UNDEF_SIGNALS
#endif
#ifdef LONGMIM_UNDEF_SLOTS
#undef slots
#undef LONGMIM_UNDEF_SLOTS
#endif
#ifdef LONGMIM_UNDEF_EMIT
#undef emit
#undef LONGMIM_UNDEF_EMIT
#endif
#ifdef LONGMIM_UNDEF_FOREACH
#undef foreach
#undef LONGMIM_UNDEF_FOREACH
#endif
