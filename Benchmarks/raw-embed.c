// raw-embed: the baseline for docqa's indexing throughput. Embeds the same chunk texts
// docqa stored, straight through llama.cpp's C API, with nothing else in the loop: no
// extraction, no chunking, no SQLite.
//
// It mirrors docqa's EmbeddingContext: tokens with add_special = true (parse_special =
// false), sequences cut to the micro-batch length keeping the closing special token,
// several sequences packed greedily into one micro-batch of at most --ubatch tokens
// (and at most --seqs sequences), llama_encode, pooled MEAN, then L2-normalised.
// Context: n_ctx = n_batch = n_ubatch = --ubatch, n_seq_max = --seqs, kv_unified,
// embeddings = true, other parameters at llama.cpp's defaults (as docqa leaves them).
//
// Input: one chunk per line, its UTF-8 bytes in hexadecimal, e.g. from
//   sqlite3 index.sqlite "SELECT hex(text) FROM chunks ORDER BY id"
// Hex keeps every byte exact (newlines, quotes, non-ASCII) with a trivial decoder.
// With --compare FILE (one hex(embedding) line per chunk, same order, little-endian
// float32 as docqa stores them) it also reports the lowest cosine similarity between
// its vectors and docqa's, to show both did the same work.
//
// Output: one JSON object on stdout; progress and llama.cpp's log are suppressed.
// Build: cc -O2 -o raw-embed raw-embed.c $(pkg-config --cflags --libs llama) -lm
//
// Usage: raw-embed MODEL.gguf CHUNKS.hex [--ubatch N] [--seqs N] [--threads N] [--runs N]
//                  [--compare VECTORS.hex]
// Timing: each run embeds every chunk once; the JSON reports the best run and the median.
#define _POSIX_C_SOURCE 200809L
#include <llama.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *message) {
    fprintf(stderr, "raw-embed: %s\n", message);
    exit(1);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void quiet_log(enum ggml_log_level level, const char *text, void *user) {
    (void)user;
    if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Reads a file of hex lines; returns the decoded records and their lengths.
static size_t read_hex_lines(const char *path, char ***records, size_t **lengths) {
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "raw-embed: cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t count = 0, capacity = 0;
    char *line = NULL;
    size_t line_capacity = 0;
    ssize_t n;
    *records = NULL;
    *lengths = NULL;
    while ((n = getline(&line, &line_capacity, file)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        if (n % 2 != 0) die("an input line has an odd number of hex digits; export with hex(...).");
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            *records = realloc(*records, capacity * sizeof **records);
            *lengths = realloc(*lengths, capacity * sizeof **lengths);
            if (!*records || !*lengths) die("out of memory.");
        }
        size_t bytes = (size_t)n / 2;
        char *record = malloc(bytes + 1);
        if (!record) die("out of memory.");
        for (size_t i = 0; i < bytes; i++) {
            int hi = hex_value(line[2 * i]), lo = hex_value(line[2 * i + 1]);
            if (hi < 0 || lo < 0) die("an input line is not hexadecimal; export with hex(...).");
            record[i] = (char)(hi * 16 + lo);
        }
        record[bytes] = '\0';
        (*records)[count] = record;
        (*lengths)[count] = bytes;
        count++;
    }
    free(line);
    fclose(file);
    return count;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: raw-embed MODEL.gguf CHUNKS.hex [--ubatch N] [--seqs N] [--threads N] [--runs N] [--compare VECTORS.hex]\n");
        return 2;
    }
    const char *model_path = argv[1], *chunks_path = argv[2], *compare_path = NULL;
    int ubatch = 512, max_seqs = 32, runs = 3;
    int threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 3; i < argc; i++) {
        if (i + 1 >= argc) die("every option takes a value.");
        if (!strcmp(argv[i], "--ubatch")) ubatch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seqs")) max_seqs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--runs")) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--compare")) compare_path = argv[++i];
        else die("unknown option; see the usage line at the top of raw-embed.c.");
    }
    if (ubatch < 8 || max_seqs < 1 || threads < 1 || runs < 1) die("--ubatch, --seqs, --threads and --runs must be positive.");

    char **texts;
    size_t *text_lengths;
    size_t n_chunks = read_hex_lines(chunks_path, &texts, &text_lengths);
    if (n_chunks == 0) die("no chunks in the input file.");

    double setup_start = now_seconds();
    llama_log_set(quiet_log, NULL);
    llama_backend_init();
    struct llama_model_params model_params = llama_model_default_params();
    struct llama_model *model = llama_model_load_from_file(model_path, model_params);
    if (!model) die("cannot load the embedding model.");
    const struct llama_vocab *vocab = llama_model_get_vocab(model);

    struct llama_context_params params = llama_context_default_params();
    params.n_ctx = (uint32_t)ubatch;
    params.n_batch = (uint32_t)ubatch;
    params.n_ubatch = (uint32_t)ubatch;
    params.n_seq_max = (uint32_t)max_seqs;
    params.kv_unified = true;
    params.embeddings = true;
    params.pooling_type = LLAMA_POOLING_TYPE_MEAN;
    params.no_perf = true;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    struct llama_context *context = llama_init_from_model(model, params);
    if (!context) die("llama.cpp could not create the embedding context.");
    const int dimension = llama_model_n_embd(model);
    double setup_seconds = now_seconds() - setup_start;

    // Tokenize, timed on its own. Cut like docqa: keep the closing special token.
    double tokenize_start = now_seconds();
    llama_token **tokens = malloc(n_chunks * sizeof *tokens);
    int *token_counts = malloc(n_chunks * sizeof *token_counts);
    long total_tokens = 0;
    for (size_t i = 0; i < n_chunks; i++) {
        int capacity = (int)text_lengths[i] + 8;
        tokens[i] = malloc((size_t)capacity * sizeof **tokens);
        int n = llama_tokenize(vocab, texts[i], (int32_t)text_lengths[i], tokens[i], capacity, true, false);
        if (n < 0) {
            capacity = -n;
            tokens[i] = realloc(tokens[i], (size_t)capacity * sizeof **tokens);
            n = llama_tokenize(vocab, texts[i], (int32_t)text_lengths[i], tokens[i], capacity, true, false);
        }
        if (n <= 0) die("a chunk could not be tokenized.");
        if (n > ubatch) {
            tokens[i][ubatch - 1] = tokens[i][n - 1];
            n = ubatch;
        }
        token_counts[i] = n;
        total_tokens += n;
    }
    double tokenize_seconds = now_seconds() - tokenize_start;

    float *vectors = malloc(n_chunks * (size_t)dimension * sizeof *vectors);
    double *run_seconds = malloc((size_t)runs * sizeof *run_seconds);
    struct llama_batch batch = llama_batch_init(ubatch, 0, 1);
    long micro_batches = 0;

    for (int run = 0; run < runs; run++) {
        micro_batches = 0;
        double start = now_seconds();
        size_t first = 0;
        while (first < n_chunks) {
            batch.n_tokens = 0;
            size_t end = first;
            while (end < n_chunks && (int)(end - first) < max_seqs) {
                if (batch.n_tokens + token_counts[end] > ubatch) break;
                llama_seq_id seq = (llama_seq_id)(end - first);
                for (int p = 0; p < token_counts[end]; p++) {
                    int k = batch.n_tokens++;
                    batch.token[k] = tokens[end][p];
                    batch.pos[k] = p;
                    batch.n_seq_id[k] = 1;
                    batch.seq_id[k][0] = seq;
                    batch.logits[k] = 1;
                }
                end++;
            }
            int rc = llama_encode(context, batch);
            if (rc != 0) {
                fprintf(stderr, "raw-embed: llama_encode returned %d\n", rc);
                return 1;
            }
            micro_batches++;
            for (size_t i = first; i < end; i++) {
                const float *pooled = llama_get_embeddings_seq(context, (llama_seq_id)(i - first));
                if (!pooled) die("llama.cpp returned no pooled embedding; is this an embedding model?");
                double sum = 0;
                for (int d = 0; d < dimension; d++) sum += (double)pooled[d] * pooled[d];
                float scale = sum > 0 ? (float)(1.0 / sqrt(sum)) : 1.0f;
                float *out = vectors + i * (size_t)dimension;
                for (int d = 0; d < dimension; d++) out[d] = pooled[d] * scale;
            }
            first = end;
        }
        run_seconds[run] = now_seconds() - start;
    }

    double min_cosine = NAN;
    if (compare_path) {
        char **stored;
        size_t *stored_lengths;
        size_t n_stored = read_hex_lines(compare_path, &stored, &stored_lengths);
        if (n_stored != n_chunks) die("--compare has a different number of vectors than there are chunks.");
        min_cosine = 1.0;
        for (size_t i = 0; i < n_chunks; i++) {
            if (stored_lengths[i] != (size_t)dimension * sizeof(float)) die("a stored vector has the wrong size.");
            const float *theirs = (const float *)stored[i];  // malloc'd: suitably aligned
            double dot = 0, norm = 0;
            for (int d = 0; d < dimension; d++) {
                dot += (double)theirs[d] * vectors[i * (size_t)dimension + d];
                norm += (double)theirs[d] * theirs[d];
            }
            double cosine = dot / sqrt(norm);
            if (cosine < min_cosine) min_cosine = cosine;
            free(stored[i]);
        }
        free(stored);
        free(stored_lengths);
    }

    double *sorted = malloc((size_t)runs * sizeof *sorted);
    memcpy(sorted, run_seconds, (size_t)runs * sizeof *sorted);
    qsort(sorted, (size_t)runs, sizeof *sorted, compare_doubles);
    double best = sorted[0];
    double median = runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;

    printf("{\"ubatch\":%d,\"seqs\":%d,\"threads\":%d,\"runs\":%d,\"chunks\":%zu,\"tokens\":%ld,"
           "\"microBatches\":%ld,\"tokenizeSeconds\":%.6f,\"embedSecondsBest\":%.6f,"
           "\"embedSecondsMedian\":%.6f,\"tokensPerSecond\":%.1f,\"chunksPerSecond\":%.2f",
           ubatch, max_seqs, threads, runs, n_chunks, total_tokens, micro_batches, tokenize_seconds,
           best, median, total_tokens / best, n_chunks / best);
    printf(",\"setupSeconds\":%.6f,\"runSeconds\":[", setup_seconds);
    for (int run = 0; run < runs; run++) printf("%s%.6f", run ? "," : "", run_seconds[run]);
    printf("]");
    if (compare_path) printf(",\"minCosineVsDocqa\":%.6f", min_cosine);
    printf("}\n");

    llama_batch_free(batch);
    llama_free(context);
    llama_model_free(model);
    llama_backend_free();
    for (size_t i = 0; i < n_chunks; i++) {
        free(texts[i]);
        free(tokens[i]);
    }
    free(texts);
    free(text_lengths);
    free(tokens);
    free(token_counts);
    free(vectors);
    free(run_seconds);
    free(sorted);
    return 0;
}
