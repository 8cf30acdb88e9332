// SQLite's C API (pkg-config: sqlite3). SQLITE_TRANSIENT is a macro over a cast Swift
// cannot import, so it is re-exported as a function.
#include <sqlite3.h>

static inline sqlite3_destructor_type docqa_sqlite_transient(void) { return SQLITE_TRANSIENT; }
