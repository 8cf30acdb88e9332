// libxml2 (pkg-config: libxml-2.0; Debian: libxml2-dev), used only through
// Sources/DocQA/XML: the HTML parser for .html pages and the XML parser for .docx parts.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// Frees memory libxml2 allocated (its `xmlFree` is a global function pointer, which
/// Swift 6 sees as shared mutable state).
static inline void docqa_xml_free(void *pointer) { xmlFree(pointer); }
