// poppler's GLib API (pkg-config: poppler-glib) for PDF text extraction.
#include <poppler.h>
