// Tesseract's C API (pkg-config: tesseract) for reading the text of scanned pages.
// Only the raw-bytes entry points are used (TessBaseAPISetImage), so leptonica's own
// functions are never called; its headers come in because capi.h includes them.
#include <tesseract/capi.h>
