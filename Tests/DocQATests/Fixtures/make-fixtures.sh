#!/bin/sh
# Regenerates the test fixtures in this folder. The outputs are committed; tests never
# run this script, so nothing is fetched or generated at test time.
#
# Needs: python3 (standard library only) and qpdf (Debian: apt-get install -y qpdf).
# The encrypted PDF differs byte for byte on every run (qpdf picks a random key);
# its behaviour does not.
set -eu
cd "$(dirname "$0")"

command -v qpdf >/dev/null 2>&1 || {
    echo "make-fixtures.sh: qpdf is missing; install it with: apt-get install -y qpdf" >&2
    exit 1
}

python3 - <<'PY'
# Writes small, valid PDFs by hand: one Helvetica font, one content stream per page,
# and a cross-reference table with exact byte offsets.

def escape(string):
    """A PDF literal string's text: backslashes and parentheses escaped."""
    return string.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

def pdf(pages, outline=(), named=None):
    """pages: list of content-stream strings (None = a page with no content).
    outline: (level, title, page index, destination name or raw bytes) in reading order, levels
    starting at 1; named: {name: page index}, the catalog's named destinations."""
    objects = []  # index i holds object number i + 1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    page_tree = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for content in pages:
        contents = b""
        if content is not None:
            data = content.encode("latin-1")
            stream = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
            contents = b" /Contents %d 0 R" % stream
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792]"
                        b" /Resources << /Font << /F1 %d 0 R >> >>%s >>"
                        % (page_tree, font, contents)))
    extra = b""
    if named:
        dests = b" ".join(b"/%s [%d 0 R /Fit]" % (name.encode(), kids[index])
                          for name, index in named.items())
        extra += b" /Dests << %s >>" % dests
    if outline:
        root = add(None)
        items = [add(None) for _ in outline]
        parent = {}          # item index -> parent object number
        children = {root: []}
        stack = [(0, root)]  # (level, object number)
        for i, (level, _, _) in enumerate(outline):
            while stack[-1][0] >= level:
                stack.pop()
            parent[i] = stack[-1][1]
            children[parent[i]].append(items[i])
            children[items[i]] = []
            stack.append((level, items[i]))
        def links(number):
            kids_of = children[number]
            if not kids_of:
                return b""
            return b" /First %d 0 R /Last %d 0 R /Count %d" % (kids_of[0], kids_of[-1], len(kids_of))
        objects[root - 1] = b"<< /Type /Outlines" + links(root) + b" >>"
        for i, (_, title, target) in enumerate(outline):
            siblings = children[parent[i]]
            at = siblings.index(items[i])
            body = b"<< /Title (%s) /Parent %d 0 R" % (escape(title).encode("latin-1"), parent[i])
            if at > 0:
                body += b" /Prev %d 0 R" % siblings[at - 1]
            if at + 1 < len(siblings):
                body += b" /Next %d 0 R" % siblings[at + 1]
            body += links(items[i])
            if isinstance(target, bytes):
                body += b" /Dest " + target  # written as given, e.g. a page that is not there
            elif isinstance(target, str):
                body += b" /Dest /%s" % target.encode()
            else:
                body += b" /Dest [%d 0 R /XYZ 72 720 0]" % kids[target]
            objects[items[i] - 1] = body + b" >>"
        extra += b" /Outlines %d 0 R /PageMode /UseOutlines" % root
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (page_tree, extra)
    objects[page_tree - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>"
                              % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, xref))
    return bytes(out)

def text(lines, x=72, y=720, size=12, render_mode=0, rgb=(0, 0, 0)):
    ops = ["BT", "/F1 %g Tf" % size, "%d Tr" % render_mode,
           "%g %g %g rg" % rgb, "%g TL" % (size * 1.4), "%g %g Td" % (x, y)]
    for line in lines:
        ops.append("(%s) Tj T*" % escape(line))
    ops.append("ET")
    return "\n".join(ops) + "\n"

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

# Three pages, each with a word found on no other page.
write("three-pages.pdf", pdf([
    text(["Page one of the fixture.", "The distinctive word is alpha-marker."]),
    text(["Page two of the fixture.", "The distinctive word is bravo-marker."]),
    text(["Page three of the fixture.", "The distinctive word is charlie-marker."]),
]))

# A page without any content: what a scanned page without OCR looks like to a text
# extractor.
write("blank.pdf", pdf([None]))

# Looks like a PDF for its first line, then garbage: no objects, no trailer.
write("damaged.pdf", b"%PDF-1.4\n" + bytes((i * 37 + 11) % 256 for i in range(2048)))

# Not a PDF at all, despite the name.
write("not-a-pdf.pdf", b"This is a plain text file that was given a .pdf name.\n")

# Text a reader cannot see, next to text they can: render mode 3 (invisible, as OCR
# layers use), white on the white page, and text placed outside the page.
write("hidden-text.pdf", pdf([
    text(["The visible word is seen-marker."])
    + text(["The invisible word is mode3-marker."], y=650, render_mode=3)
    + text(["The white word is white-marker."], y=600, rgb=(1, 1, 1))
    + text(["The tiny word is tiny-marker."], y=560, size=0.5)
    + text(["The off-page word is offpage-marker."], x=900, y=900),
]))

# White and tiny text on the right pages, next to what must not be flagged: page 1 has
# plain and light gray text, page 2 near-white text (96% in each channel), page 3 text of
# 1.5 points. The hidden-text tests count their non-blank characters.
write("hidden-text-pages.pdf", pdf([
    text(["Page one of the fixture is plain.", "The distinctive word is alpha-marker."])
    + text(["The gray word is gray-marker."], y=600, rgb=(0.8, 0.8, 0.8)),
    text(["Page two of the fixture.", "The distinctive word is bravo-marker."])
    + text(["The pale word is pale-marker."], y=600, rgb=(0.96, 0.96, 0.96)),
    text(["Page three of the fixture.", "The distinctive word is charlie-marker."])
    + text(["The small word is small-marker."], y=600, size=1.5),
]))

# White text where a reader sees it and where they do not. Page 1: a white word on a
# black banner (as forms print "CAUTION" in white on a dark box) and one on a mid-gray
# box, both seen; one on a light gray box, one on the white page and one under
# hairlines 3 points apart, all three hidden. Page 2: a white word stretched ten
# sextillion times (Tz), whose characters get boxes too large for an integer.
write("white-on-dark.pdf", pdf([
    text(["The visible word is seen-marker."])
    + "q 0 0 0 rg 60 590 300 28 re f Q\n"
    + text(["The banner word is banner-marker."], y=600, rgb=(1, 1, 1))
    + "q 0.45 0.45 0.45 rg 60 540 300 28 re f Q\n"
    + text(["The boxed word is boxed-marker."], y=550, rgb=(1, 1, 1))
    + "q 0.85 0.85 0.85 rg 60 490 300 28 re f Q\n"
    + text(["The pale box word is grayed-marker."], y=500, rgb=(1, 1, 1))
    + text(["The white word is white-marker."], y=450, rgb=(1, 1, 1))
    + text(["The lined word is lined-marker."], y=400, rgb=(1, 1, 1))
    + "q 0 G 0 w " + " ".join("60 %g m 360 %g l S" % (y, y) for y in range(394, 418, 3)) + " Q\n",
    "q BT /F1 12 Tf 1 1 1 rg 10000000000000000000000 Tz 72 700 Td (The stretched word is wide-marker.) Tj ET Q\n"
    + text(["Page two of the fixture."], y=600),
]))

# A manual with an outline (bookmarks), one entry reached through a named destination,
# and lines that only look like headings ("3. Reboot system.", "DESCRIPTION"): the
# chunks' sections must come from the outline. "1.2Configuring" is a number glued to
# its title, as extraction leaves some; "Backups" is in the outline but not on its page.
write("outline.pdf", pdf([
    text(["1 Getting started", "Before you begin, read this page.", "3. Reboot system.",
          "The distinctive word is alpha-marker."]),
    text(["1.1", "Installing", "Run the installer from the first disc.", "DESCRIPTION",
          "The distinctive word is bravo-marker.", "1.2Configuring", "Edit the main file.",
          "The distinctive word is charlie-marker."]),
    text(["2 Maintenance", "Keep the system up to date.", "The distinctive word is delta-marker."]),
], outline=[(1, "Getting started", 0), (2, "Installing", 1), (2, "Configuring", 1),
            (1, "Maintenance", "maintenance"), (2, "Backups", 2)],
   named={"maintenance": 2}))

# The same outline made circular, as a hostile file might: the last top-level entry's
# /Next leads back to the first, and "Backups" lists its own parent as its child.
# (Extraction repairs the cross-reference offsets these longer objects shift.)
with open("outline.pdf", "rb") as f:
    circular = f.read()
circular = circular.replace(b"/Title (Maintenance) /Parent 10 0 R /Prev 11 0 R",
                            b"/Title (Maintenance) /Parent 10 0 R /Prev 11 0 R /Next 11 0 R", 1)
circular = circular.replace(b"/Title (Backups) /Parent 14 0 R",
                            b"/Title (Backups) /Parent 14 0 R /First 14 0 R /Last 14 0 R", 1)
write("outline-cycle.pdf", circular)

# No pages at all, and a bookmark that points at page 1 of them.
write("outline-no-pages.pdf", pdf([], outline=[(1, "Cover", b"[0 /Fit]")]))

# Text files.
write("utf8.txt", "Café au lait costs 3 €.\n日本語のテキスト。\nParty time 🎉 done.\n"
      .encode("utf-8"))
write("latin1.txt", "Café crème, déjà vu, naïve façade.\n".encode("latin-1"))
write("bom-crlf.txt", b"\xef\xbb\xbf" + "First line\r\nSecond line é\r\nThird line\r\n"
      .encode("utf-8"))
write("utf16le.txt", b"\xff\xfe" + "UTF-16 text with é and 日本.\n".encode("utf-16-le"))
PY

# Encrypted with a user password: nothing can be read without it.
qpdf --encrypt USERPW OWNERPW 256 -- three-pages.pdf encrypted.pdf

# A scanned page (page 2 of the sample demand letter as a skewed, speckled 200 dpi
# black-and-white image) whose only text layer is a Bates stamp, as scanners and
# production tools add: the OCR tests. Needs pdftoppm (poppler-utils).
/usr/bin/python3 ../../../Scripts/make-scanned-pdf.py scan ../../../samples/case-file/demand-letter.pdf \
    stamped-scan.pdf --pages 2 --dpi 200 --angle 0.7 --noise 0.002 --bilevel --seed 7 --stamp "CORV-0004125"
# The same kind of scan with a Bates stamp of 1.5 points: hidden (tiny) text in a text layer
# that OCR replaces, so the hidden-text check must leave the page out.
/usr/bin/python3 ../../../Scripts/make-scanned-pdf.py scan ../../../samples/case-file/demand-letter.pdf \
    tiny-stamped-scan.pdf --pages 3 --dpi 150 --angle 0.5 --noise 0.002 --bilevel --seed 11 \
    --stamp "CORV-0004126" --stamp-size 1.5

ls -l
