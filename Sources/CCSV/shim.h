// libcsv (Debian: libcsv-dev), read and written only through Sources/DocQA/CSV.
#include <csv.h>
