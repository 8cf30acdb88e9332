/// The index file's schema and its history. Add a migration to change it; never edit
/// one that has shipped.
enum IndexSchema {
    /// `PRAGMA application_id` of every docqa index ("dQA1" in ASCII), so a SQLite file
    /// made by another program is recognised and left alone.
    static let applicationID: Int32 = 0x6451_4131

    /// Recorded in `meta` as `created_by` when a new index is made.
    static let creator = "docqa 0.1.0"

    static let migrator = Migrator([
        Migration(version: 1, summary: "documents, chunks, vectors, FTS5 over chunk text, meta") { db in
            // STRICT tables: a wrong type is an error, not silently stored.
            // AUTOINCREMENT: ids are never reused, so an id remembered elsewhere (a batch
            // run's citations, a cache) cannot come to mean a different chunk later.
            try db.execute("""
                PRAGMA application_id = \(applicationID);

                CREATE TABLE meta (
                    key   TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) STRICT, WITHOUT ROWID;

                -- One row per source file. status/error/byte_size are for per-file
                -- states (indexed, skipped, failed with a reason) and rename detection.
                CREATE TABLE documents (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    path         TEXT NOT NULL UNIQUE,
                    content_hash TEXT NOT NULL,
                    format       TEXT NOT NULL,
                    page_count   INTEGER,
                    byte_size    INTEGER,
                    indexed_at   REAL NOT NULL,  -- seconds since 1970-01-01 UTC
                    status       TEXT NOT NULL DEFAULT 'indexed',
                    error        TEXT
                ) STRICT;
                CREATE INDEX documents_content_hash ON documents(content_hash);

                CREATE TABLE chunks (
                    id          INTEGER PRIMARY KEY AUTOINCREMENT,
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal     INTEGER NOT NULL,
                    text        TEXT NOT NULL,
                    page_start  INTEGER,
                    page_end    INTEGER,
                    byte_start  INTEGER NOT NULL,
                    byte_end    INTEGER NOT NULL,
                    token_count INTEGER NOT NULL,
                    UNIQUE (document_id, ordinal)  -- also the index the cascade uses
                ) STRICT;

                -- Unit-length little-endian float32 vectors, one per chunk.
                CREATE TABLE vectors (
                    chunk_id  INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                    embedding BLOB NOT NULL
                ) STRICT;

                -- External-content FTS5: the text is stored once (in chunks) and FTS
                -- rowid = chunk id. Porter stemming over unicode61 so "terminated" finds
                -- "termination"; this channel is for ranked recall, and an exact phrase
                -- search can confirm matches against chunks.text.
                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    text,
                    content = 'chunks',
                    content_rowid = 'id',
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );

                -- Triggers keep FTS5 in step with chunks on every path, FK cascades
                -- included, so it cannot drift. (They need trusted_schema, SQLite's default:
                -- FTS5 is not marked innocuous.)
                CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
                END;
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;
                CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
                    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
                END;
                """)
            try db.execute("INSERT INTO meta(key, value) VALUES ('created_by', ?1)",
                           [.text(creator)])
        },
        Migration(version: 2, summary: "document identity and page offsets; chunk context in FTS5; pipeline version") { db in
            // Documents stored by pipeline 1 keep working; `docqa index` re-indexes them
            // (pipeline < Indexer.pipelineVersion) to gain context, sections and clean pages.
            try db.execute("""
                ALTER TABLE documents ADD COLUMN title TEXT;
                -- JSON array: UTF-8 offset where each page starts in the document text.
                ALTER TABLE documents ADD COLUMN page_offsets TEXT;
                ALTER TABLE documents ADD COLUMN pipeline INTEGER NOT NULL DEFAULT 1;

                -- The headings a chunk falls under, and the identity the keyword index
                -- sees besides its text: document title, file name, section headings.
                ALTER TABLE chunks ADD COLUMN section TEXT NOT NULL DEFAULT '';
                ALTER TABLE chunks ADD COLUMN context TEXT NOT NULL DEFAULT '';
                -- 1 for chunks of a table-of-contents page, ranked low.
                ALTER TABLE chunks ADD COLUMN navigation INTEGER NOT NULL DEFAULT 0;

                DROP TRIGGER chunks_fts_insert;
                DROP TRIGGER chunks_fts_delete;
                DROP TRIGGER chunks_fts_update;
                DROP TABLE chunks_fts;
                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    text,
                    context,
                    content = 'chunks',
                    content_rowid = 'id',
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );
                INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
                CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, text, context) VALUES (new.id, new.text, new.context);
                END;
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text, context)
                    VALUES ('delete', old.id, old.text, old.context);
                END;
                CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text, context ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, text, context)
                    VALUES ('delete', old.id, old.text, old.context);
                    INSERT INTO chunks_fts(rowid, text, context) VALUES (new.id, new.text, new.context);
                END;
                """)
        },
        Migration(version: 3, summary: "file states: each file's last outcome, failures and skips included") { db in
            // A row per file docqa has seen, apart from `documents`, so that a file that
            // failed and was never indexed is recorded without becoming a searchable
            // document. documents.status and documents.error (migration 1) stay unused: a
            // documents row always means a searchable document; one whose file's state is
            // 'failed' or 'skipped' is stale. Documents already indexed start as 'indexed'.
            try db.execute("""
                CREATE TABLE file_states (
                    path        TEXT PRIMARY KEY NOT NULL,
                    state       TEXT NOT NULL
                                CHECK (state IN ('indexed', 'unchanged', 'renamed', 'skipped', 'failed')),
                    code        TEXT,           -- DocQAError code, for 'skipped' and 'failed'
                    reason      TEXT,           -- one sentence: why, or where a renamed file was
                    recorded_at REAL NOT NULL   -- seconds since 1970-01-01 UTC
                ) STRICT, WITHOUT ROWID;
                INSERT INTO file_states(path, state, recorded_at)
                    SELECT path, 'indexed', indexed_at FROM documents;
                """)
        },
        Migration(version: 4, summary: "pages read with OCR, with Tesseract's mean confidence") { db in
            // A row per page whose text came from OCR rather than the file's text layer, so
            // that search results can say so and `status` can list pages read poorly.
            try db.execute("""
                CREATE TABLE ocr_pages (
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    page        INTEGER NOT NULL,  -- 1-based, as chunks.page_start
                    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 100),
                    PRIMARY KEY (document_id, page)
                ) STRICT, WITHOUT ROWID;
                """)
        },
        Migration(version: 5, summary: "PDF pages with white or tiny text, and which PDFs were checked for it") { db in
            // A row per PDF page with text drawn white or under 2 points (HiddenTextCount),
            // so that `status` can list it and search results can say so. Documents indexed
            // before keep NULL in hidden_text_checked ("not checked"); `docqa index` checks
            // those PDFs when their files are unchanged without embedding them again.
            try db.execute("""
                -- 1: every page of this PDF was checked; NULL: not checked (indexed before
                -- the check existed, or a format without text colours and sizes).
                ALTER TABLE documents ADD COLUMN hidden_text_checked INTEGER;
                CREATE TABLE hidden_text_pages (
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    page        INTEGER NOT NULL,  -- 1-based, as chunks.page_start
                    white_chars INTEGER NOT NULL CHECK (white_chars >= 0),
                    tiny_chars  INTEGER NOT NULL CHECK (tiny_chars >= 0),
                    PRIMARY KEY (document_id, page)
                ) STRICT, WITHOUT ROWID;
                """)
        },
    ])
}
