// Tesseract's C API (pkg-config: tesseract) for reading the text of scanned pages.
// Only the raw-bytes entry points are used (TessBaseAPISetImage), so leptonica's own
// functions are never called; its headers come in because capi.h includes them.
#include <tesseract/capi.h>

// libgomp, the OpenMP runtime Debian's Tesseract is built with (and llama.cpp too).
// Tesseract's LSTM runs parallel loops of up to four threads; on a machine whose cores
// are busy those threads spin waiting for each other, so TextRecognizer runs Tesseract
// serially by lowering max-active-levels to 0 while it reads a page (BENCHMARKS.md, "OCR").
// Declared here rather than through <omp.h>, which lives in GCC's private include folder.
extern void omp_set_max_active_levels(int max_levels);
extern int omp_get_max_active_levels(void);
