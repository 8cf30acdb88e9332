// libzip (pkg-config: libzip; Debian: libzip-dev), used only through Sources/DocQA/Zip
// to read the parts of .docx files.
#include <zip.h>
