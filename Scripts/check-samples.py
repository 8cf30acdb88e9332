#!/usr/bin/env python3
"""Check the bundled sample case file in samples/ against samples/questions.jsonl.

Usage:  python3 Scripts/check-samples.py [--verbose]

Needs only the Python standard library, poppler-utils (pdftotext, pdfinfo, pdftoppm;
`apt-get install -y poppler-utils`) and, for the scanned exhibit, the tesseract command
(`apt-get install -y tesseract-ocr`). Exits 1 if any check fails.

Formats: PDF pages are read with pdftotext; .txt/.md as UTF-8; .docx through
zipfile + ElementTree (paragraph and footnote text); .html through html.parser,
visible text only (no head, script, style, noscript, template, or elements with
`hidden`, aria-hidden="true" or an inline display:none/visibility:hidden); .eml
through the email package (headers and the text body), and each attachment of
a message as a source of its own named "message.eml › name" (PDF attachments
page by page).

What it checks:
  * questions.jsonl: one JSON object per line with exactly the keys
    id, question, answer, sources; unique ids; at least 18 answerable and
    4 unanswerable questions; unanswerable ones have "answer": null and
    "sources": []; every source names an existing file, with a 1-based page
    within range for PDFs and page null for text/Markdown files.
  * every answer string occurs (case-insensitively, whitespace collapsed) in
    the text of every page/file listed as its source; for PDFs the text of a
    page is taken from `pdftotext -layout -f N -l N file.pdf -`.
  * every PDF page has extractable text and a "Page N of M" footer, except the pages of
    the scanned files listed in SCANNED: they must have no text layer at all, and their
    text (for the footer and answer checks) is what `tesseract` reads from the page drawn
    by `pdftoppm -r 150 -gray` (docqa's resolution), so an answer on a scanned page must
    survive OCR.
  * text/Markdown files are valid UTF-8 without a BOM.
  * every sample file is mentioned in samples/README.md.
  * the samples folder is smaller than 1 MB.
It also warns (without failing) about PDF pages outside roughly 200-500 words.
With --verbose it lists other places where each answer string also occurs.
"""

import email
import email.policy
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "samples")
QUESTIONS = os.path.join(SAMPLES, "questions.jsonl")
# The documents docqa indexes; questions.jsonl names files relative to this folder.
CASE_FILE = os.path.join(SAMPLES, "case-file")
TEXT_EXTS = (".txt", ".md")
OTHER_EXTS = (".docx", ".html", ".htm", ".eml")
ATTACHMENT = " \u203a "  # "message.eml › attachment.pdf", as docqa cites attachments
MAX_BYTES = 1_000_000
MIN_ANSWERABLE, MIN_UNANSWERABLE = 18, 4
# Image-only PDFs (scans without a text layer): checked through OCR.
SCANNED = {"inspection-report-scan.pdf"}

failures = []
passes = 0


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def ok():
    global passes
    passes += 1


def norm(s):
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = s.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().casefold()


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True).stdout


def pdf_page_count(path):
    info = run(["pdfinfo", path]).decode("utf-8", "replace")
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if not m:
        raise RuntimeError("pdfinfo gave no page count for " + path)
    return int(m.group(1))


def pdf_page_text(path, page):
    out = run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), path, "-"])
    return out.decode("utf-8")


def ocr_page_text(path, page):
    """The text tesseract reads on one page, drawn in gray at 150 dpi as docqa does."""
    image = run(["pdftoppm", "-r", "150", "-gray", "-f", str(page), "-l", str(page), path])
    out = subprocess.run(["tesseract", "-", "-"], input=image, check=True, capture_output=True).stdout
    return out.decode("utf-8", "replace")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path):
    """Paragraph text of word/document.xml and word/footnotes.xml, a paragraph a line."""
    lines = []
    with zipfile.ZipFile(path) as archive:
        for part in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"):
            if part not in archive.namelist():
                continue
            root = ET.fromstring(archive.read(part))
            for p in root.iter(W + "p"):
                lines.append("".join(t.text or "" for t in p.iter(W + "t")))
    return "\n".join(lines)


class VisibleText(html.parser.HTMLParser):
    """The text a browser shows without style sheets (see the module docstring)."""
    HIDDEN_TAGS = {"head", "script", "style", "noscript", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.parts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        style = (a.get("style") or "").replace(" ", "").lower()
        hidden = (tag in self.HIDDEN_TAGS or "hidden" in a or (a.get("aria-hidden") or "").lower() == "true"
                  or "display:none" in style or "visibility:hidden" in style)
        self.stack.append((tag, bool(hidden or (self.stack and self.stack[-1][1]))))
        self.parts.append("\n")

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        self.parts.append("\n")

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def html_text(raw):
    parser = VisibleText()
    parser.feed(raw.decode("utf-8"))
    parser.close()
    return "".join(parser.parts)


def load_message(name, path, texts, page_counts):
    """A message's header block and text body, and its attachments as sources."""
    message = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    header = "\n".join("%s: %s" % (h, message[h]) for h in ("From", "To", "Cc", "Date", "Subject") if message[h])
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        fail("%s has no text body" % name)
        return
    content = body.get_content()
    if body.get_content_type() == "text/html":
        content = html_text(content.encode("utf-8"))
    texts[(name, None)] = header + "\n\n" + content
    ok()
    for part in message.iter_attachments():
        filename = part.get_filename()
        if not filename:
            continue
        key = name + ATTACHMENT + filename
        data = part.get_payload(decode=True)
        if filename.endswith(".pdf"):
            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(data)
                f.flush()
                n = pdf_page_count(f.name)
                page_counts[key] = n
                for p in range(1, n + 1):
                    texts[(key, p)] = pdf_page_text(f.name, p)
        elif filename.endswith(TEXT_EXTS):
            texts[(key, None)] = data.decode("utf-8")
        ok()


def load_corpus():
    """Map (file, page-or-None) -> raw text, and file -> page count for PDFs."""
    texts, page_counts = {}, {}
    for name in sorted(os.listdir(CASE_FILE)):
        path = os.path.join(CASE_FILE, name)
        if not os.path.isfile(path) or name in ("questions.jsonl", "README.md"):
            continue
        if name.endswith(".pdf"):
            n = pdf_page_count(path)
            page_counts[name] = n
            for p in range(1, n + 1):
                texts[(name, p)] = pdf_page_text(path, p)
                if name in SCANNED:
                    if texts[(name, p)].strip():
                        fail("%s page %d is listed as scanned but has a text layer" % (name, p))
                    texts[(name, p)] = ocr_page_text(path, p)
        elif name.endswith(TEXT_EXTS):
            raw = open(path, "rb").read()
            if raw.startswith(b"\xef\xbb\xbf"):
                fail("%s starts with a UTF-8 BOM" % name)
            try:
                texts[(name, None)] = raw.decode("utf-8")
                ok()
            except UnicodeDecodeError as e:
                fail("%s is not valid UTF-8: %s" % (name, e))
        elif name.endswith(OTHER_EXTS):
            try:
                if name.endswith(".docx"):
                    texts[(name, None)] = docx_text(path)
                elif name.endswith(".eml"):
                    load_message(name, path, texts, page_counts)
                    continue
                else:
                    raw = open(path, "rb").read()
                    visible = html_text(raw)
                    texts[(name, None)] = visible
                    if "hidden" in raw.decode("utf-8") and "DRAFT" in visible:
                        fail("%s: hidden text is visible to the checker" % name)
                ok()
            except (OSError, ValueError, zipfile.BadZipFile, ET.ParseError, UnicodeDecodeError) as e:
                fail("%s cannot be read: %s" % (name, e))
    return texts, page_counts


def check_pdfs(texts, page_counts):
    for name, n in page_counts.items():
        if ATTACHMENT in name:
            continue  # an attachment's pages: read, but not held to the sample PDFs' layout
        for p in range(1, n + 1):
            t = texts[(name, p)]
            words = len(t.split())
            if words < 50:
                fail("%s page %d has almost no extractable text (%d words)" % (name, p, words))
                continue
            if "page %d of %d" % (p, n) not in norm(t):
                fail("%s page %d lacks the footer 'Page %d of %d'" % (name, p, p, n))
            else:
                ok()
            if not 200 <= words <= 500 and name not in SCANNED:
                print("warn: %s page %d has %d words (aim for roughly 250-450)" % (name, p, words))


def check_questions(texts, page_counts):
    try:
        lines = open(QUESTIONS, encoding="utf-8").read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        fail("cannot read questions.jsonl: %s" % e)
        return
    seen, answerable, unanswerable = set(), 0, 0
    normed = {k: norm(v) for k, v in texts.items()}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            fail("questions.jsonl line %d is blank" % lineno)
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            fail("questions.jsonl line %d is not JSON: %s" % (lineno, e))
            continue
        if not isinstance(q, dict) or set(q) != {"id", "question", "answer", "sources"}:
            fail("line %d: keys must be exactly id, question, answer, sources" % lineno)
            continue
        qid = q["id"]
        if not isinstance(qid, str) or qid in seen:
            fail("line %d: id %r missing or duplicated" % (lineno, qid))
        seen.add(qid)
        if not isinstance(q["question"], str) or not q["question"].strip():
            fail("%s: empty question" % qid)
        answer, sources = q["answer"], q["sources"]
        if not isinstance(sources, list):
            fail("%s: sources must be a list" % qid)
            continue
        if answer is None:
            unanswerable += 1
            if sources:
                fail("%s: unanswerable question must have empty sources" % qid)
            else:
                ok()
            continue
        if not isinstance(answer, str) or not answer.strip():
            fail("%s: answer must be a non-empty string or null" % qid)
            continue
        answerable += 1
        if not sources:
            fail("%s: answerable question has no sources" % qid)
            continue
        target = norm(answer)
        listed = set()
        for src in sources:
            if not isinstance(src, dict) or set(src) != {"file", "page"}:
                fail("%s: each source needs exactly the keys file and page" % qid)
                continue
            f, p = src["file"], src["page"]
            if f.endswith(".pdf"):
                if f not in page_counts:
                    fail("%s: source file %s not found" % (qid, f))
                    continue
                if not isinstance(p, int) or isinstance(p, bool) or not 1 <= p <= page_counts[f]:
                    fail("%s: %s has %d pages; page %r is invalid" % (qid, f, page_counts[f], p))
                    continue
            else:
                if (f, None) not in texts:
                    fail("%s: source file %s not found (or not a file without pages)" % (qid, f))
                    continue
                if p is not None:
                    fail("%s: page must be null for %s, which has no pages" % (qid, f))
                    continue
            listed.add((f, p))
            if target in normed[(f, p)]:
                ok()
            else:
                where = f if p is None else "%s page %d" % (f, p)
                fail("%s: answer %r not found in %s" % (qid, answer, where))
        if "--verbose" in sys.argv:
            others = sorted("%s%s" % (k[0], "" if k[1] is None else " p%d" % k[1])
                            for k, t in normed.items() if target in t and k not in listed)
            if others:
                print("info: %s answer %r also occurs in: %s" % (qid, answer, ", ".join(others)))
    if answerable < MIN_ANSWERABLE:
        fail("only %d answerable questions (need >= %d)" % (answerable, MIN_ANSWERABLE))
    if unanswerable < MIN_UNANSWERABLE:
        fail("only %d unanswerable questions (need >= %d)" % (unanswerable, MIN_UNANSWERABLE))
    print("questions: %d answerable, %d unanswerable" % (answerable, unanswerable))


def check_readme_and_size():
    readme_path = os.path.join(SAMPLES, "README.md")
    readme = open(readme_path, encoding="utf-8").read() if os.path.exists(readme_path) else ""
    if not readme:
        fail("samples/README.md is missing or empty")
    total = 0
    for dirpath, _, files in os.walk(SAMPLES):
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
            if dirpath in (SAMPLES, CASE_FILE) and name != "README.md" and readme and name not in readme:
                fail("samples/README.md does not mention %s" % name)
    if total >= MAX_BYTES:
        fail("samples/ is %d bytes (limit %d)" % (total, MAX_BYTES))
    else:
        ok()
    print("samples/ size: %d bytes" % total)


def main():
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            print("error: %s not found; install poppler-utils" % tool)
            return 2
    if shutil.which("tesseract") is None:
        print("error: tesseract not found; install tesseract-ocr (the scanned exhibit is read with it)")
        return 2
    texts, page_counts = load_corpus()
    if not page_counts:
        fail("no PDFs found in samples/")
    check_pdfs(texts, page_counts)
    check_questions(texts, page_counts)
    check_readme_and_size()
    print("check-samples: %d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
