// text-attributes: what flagging hidden PDF text through poppler-glib would cost and
// catch. For each PDF: the time of poppler_page_get_text (what docqa extracts) over all
// pages, then of poppler_page_get_text_attributes (font size and colour per run of
// text), and how many characters are white (every channel above 0xF000) or smaller
// than 2 points. poppler-glib exposes no text rendering mode, so invisible text
// (render mode 3, the text layer of every OCR'd scan) cannot be seen here at all.
//
// Build and run (BENCHMARKS.md, "PDF time bound"):
//   gcc -O2 Benchmarks/text-attributes.c -o /tmp/text-attributes $(pkg-config --cflags --libs poppler-glib)
//   /tmp/text-attributes Tests/DocQATests/Fixtures/hidden-text.pdf Benchmarks/eval/documents/*.pdf 2>/dev/null
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
        long runs = 0, white = 0, tiny = 0;
        for (int i = 0; i < pages; i++) {
            PopplerPage *page = poppler_document_get_page(document, i);
            GList *list = poppler_page_get_text_attributes(page);
            for (GList *item = list; item; item = item->next) {
                PopplerTextAttributes *run = item->data;
                long length = run->end_index - run->start_index + 1;
                runs++;
                if (run->color.red > 0xF000 && run->color.green > 0xF000 && run->color.blue > 0xF000) white += length;
                if (run->font_size < 2) tiny += length;
            }
            poppler_page_free_text_attributes(list);
            g_object_unref(page);
        }
        double attributesDone = now();
        printf("| %s | %d | %.3f | %.3f | %ld | %ld | %ld |\n", strrchr(argv[f], '/') ? strrchr(argv[f], '/') + 1 : argv[f],
               pages, textDone - start, attributesDone - textDone, runs, white, tiny);
        g_object_unref(document);
    }
    return 0;
}
