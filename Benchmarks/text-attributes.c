// text-attributes: what flagging hidden PDF text through poppler-glib costs and catches.
// For each PDF, three passes over all pages, each page opened afresh: the time of
// poppler_page_get_text alone (what docqa extracted before), of
// poppler_page_get_text_attributes alone (font size and colour per run of text), and of
// both on the same page (what docqa does now: the attributes reuse the page's text
// layout). The last pass counts, as docqa does (PDFPage+HiddenText.swift), the non-blank
// characters in runs whose every colour channel is at least 95% (white or near-white)
// and in runs under 2 points. poppler-glib exposes no text rendering mode, so invisible
// text (render mode 3, the text layer of every OCR'd scan) cannot be seen here at all.
//
// Build and run (BENCHMARKS.md, "Hidden text"):
//   gcc -O2 Benchmarks/text-attributes.c -o /tmp/text-attributes $(pkg-config --cflags --libs poppler-glib)
//   /tmp/text-attributes Tests/DocQATests/Fixtures/hidden-text*.pdf samples/case-file/*.pdf Benchmarks/eval/documents/*.pdf
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    for (int f = 1; f < argc; f++) {
        gchar *absolute = g_canonicalize_filename(argv[f], NULL);
        char *uri = g_filename_to_uri(absolute, NULL, NULL);
        g_free(absolute);
        PopplerDocument *document = uri ? poppler_document_new_from_file(uri, NULL, NULL) : NULL;
        g_free(uri);
        if (!document) { fprintf(stderr, "cannot open %s\n", argv[f]); continue; }
        int pages = poppler_document_get_n_pages(document);
        double start = now();
        for (int i = 0; i < pages; i++) {
            PopplerPage *page = poppler_document_get_page(document, i);
            g_free(poppler_page_get_text(page));
            g_object_unref(page);
        }
        double textDone = now();
        for (int i = 0; i < pages; i++) {
            PopplerPage *page = poppler_document_get_page(document, i);
            poppler_page_free_text_attributes(poppler_page_get_text_attributes(page));
            g_object_unref(page);
        }
        double attributesDone = now();
        long runs = 0, white = 0, tiny = 0;
        const guint16 whiteFloor = (guint16)(0.95 * 65535 + 0.999);
        for (int i = 0; i < pages; i++) {
            PopplerPage *page = poppler_document_get_page(document, i);
            gchar *text = poppler_page_get_text(page);
            glong length = 0;
            gunichar *characters = text ? g_utf8_to_ucs4_fast(text, -1, &length) : NULL;
            GList *list = poppler_page_get_text_attributes(page);
            for (GList *item = list; item; item = item->next) {
                PopplerTextAttributes *run = item->data;
                runs++;
                int isWhite = run->color.red >= whiteFloor && run->color.green >= whiteFloor
                    && run->color.blue >= whiteFloor;
                int isTiny = run->font_size < 2;
                if (!isWhite && !isTiny) continue;
                long visible = 0;
                for (long c = run->start_index < 0 ? 0 : run->start_index; c <= run->end_index && c < length; c++) {
                    if (!g_unichar_isspace(characters[c])) visible++;
                }
                if (isWhite) white += visible;
                if (isTiny) tiny += visible;
            }
            poppler_page_free_text_attributes(list);
            g_free(characters);
            g_free(text);
            g_object_unref(page);
        }
        double bothDone = now();
        printf("| %s | %d | %.3f | %.3f | %.3f | %ld | %ld | %ld |\n",
               strrchr(argv[f], '/') ? strrchr(argv[f], '/') + 1 : argv[f], pages, textDone - start,
               attributesDone - textDone, bothDone - attributesDone, runs, white, tiny);
        g_object_unref(document);
    }
    return 0;
}
