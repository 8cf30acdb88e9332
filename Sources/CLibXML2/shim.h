// libxml2 (pkg-config: libxml-2.0; Debian: libxml2-dev), used only through
// Sources/DocQA/XML: the HTML parser for .html pages and the XML parser for .docx parts.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, so encoding.h would pull in the system's ICU headers,
// whose types clash with the ICU copy inside Foundation ("UErrorCode has different
// definitions in different modules"). docqa never touches the ICU-only fields of
// xmlCharEncodingHandler (only pointers to it), so they are left out of this view.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// Frees memory libxml2 allocated (its `xmlFree` is a global function pointer, which
/// Swift 6 sees as shared mutable state).
static inline void docqa_xml_free(void *pointer) { xmlFree(pointer); }
