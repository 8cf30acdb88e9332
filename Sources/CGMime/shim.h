// GMime 3 (pkg-config: gmime-3.0; Debian: libgmime-3.0-dev), used only through
// Sources/DocQA/Mail to read .eml messages. GMime's type checks and casts are macros,
// which Swift cannot call; these one-line wrappers give them names.
#include <gmime/gmime.h>

/// The message as a `GMimeObject`, for header look-ups.
static inline GMimeObject *docqa_mime_message_object(GMimeMessage *message) { return GMIME_OBJECT(message); }

/// `GMIME_IS_MULTIPART`: a container of parts (mixed, alternative, related, signed…).
static inline gboolean docqa_mime_is_multipart(GMimeObject *object) { return GMIME_IS_MULTIPART(object); }
/// `GMIME_IS_MULTIPART_ENCRYPTED`: PGP/MIME encrypted content.
static inline gboolean docqa_mime_is_multipart_encrypted(GMimeObject *object) { return GMIME_IS_MULTIPART_ENCRYPTED(object); }
/// `GMIME_IS_APPLICATION_PKCS7_MIME`: S/MIME signed or encrypted content.
static inline gboolean docqa_mime_is_pkcs7(GMimeObject *object) { return GMIME_IS_APPLICATION_PKCS7_MIME(object); }
/// `GMIME_IS_MESSAGE_PART`: a whole message inside this one (a forwarded message).
static inline gboolean docqa_mime_is_message_part(GMimeObject *object) { return GMIME_IS_MESSAGE_PART(object); }
/// `GMIME_IS_PART`: a leaf part with content.
static inline gboolean docqa_mime_is_part(GMimeObject *object) { return GMIME_IS_PART(object); }
/// `GMIME_IS_TEXT_PART`: a leaf `text/*` part, whose text GMime converts to UTF-8.
static inline gboolean docqa_mime_is_text_part(GMimeObject *object) { return GMIME_IS_TEXT_PART(object); }

static inline int docqa_mime_multipart_count(GMimeObject *object) { return g_mime_multipart_get_count(GMIME_MULTIPART(object)); }
static inline GMimeObject *docqa_mime_multipart_part(GMimeObject *object, int index) { return g_mime_multipart_get_part(GMIME_MULTIPART(object), index); }
static inline GMimeMessage *docqa_mime_message_part_message(GMimeObject *object) { return g_mime_message_part_get_message(GMIME_MESSAGE_PART(object)); }
static inline gboolean docqa_mime_part_is_attachment(GMimeObject *object) { return g_mime_part_is_attachment(GMIME_PART(object)); }
static inline const char *docqa_mime_part_filename(GMimeObject *object) { return g_mime_part_get_filename(GMIME_PART(object)); }
/// The text of a `text/*` part in UTF-8 (free with `g_free`), or NULL.
static inline char *docqa_mime_text_part_text(GMimeObject *object) { return g_mime_text_part_get_text(GMIME_TEXT_PART(object)); }

/// The part's content with its transfer encoding (base64, quoted-printable) undone, in a
/// new byte array the caller frees with `g_byte_array_free(bytes, TRUE)`; NULL when the
/// part has no content or it cannot be decoded.
static inline GByteArray *docqa_mime_part_bytes(GMimeObject *object) {
    GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(object));
    if (content == NULL) return NULL;
    GMimeStream *stream = g_mime_stream_mem_new();
    GByteArray *bytes = NULL;
    if (g_mime_data_wrapper_write_to_stream(content, stream) >= 0) {
        g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
        bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    }
    g_object_unref(stream);
    return bytes;
}
