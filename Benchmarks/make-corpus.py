#!/usr/bin/env python3
"""Writes the benchmark corpus: invented contract-style documents, PDFs and text files.

Usage: make-corpus.py OUTPUT_DIR [--seed N] [--pdfs N] [--texts N]

Deterministic: the same seed writes byte-identical files on every run and machine
(Python's random.Random is specified to be reproducible for a given seed, and nothing
depends on the clock, the locale or dictionary order). Standard library only; the PDFs
come from the small writer below (PDF 1.4, standard Helvetica and Times fonts with
WinAnsiEncoding, uncompressed text, no images), which poppler reads like any text PDF.

Defaults (seed 20250101, 36 PDFs, 48 text files) make 322 PDF pages and 48 text
files, which docqa counts as one page each: 370 pages in all. The text is
English-like prose assembled from a fixed vocabulary, so tokenization behaves like real
documents (common words, numbers, dates, section signs, a few accented names).
"""
import argparse
import os
import random
import sys

PARTIES = ["Corvane Marine Systems LLC", "Tallis Hydraulics, Inc.", "Brightline Freight Co.",
           "Halvorsen Port Authority", "Meridian Seal Works", "Ostrander & Vale LLP",
           "Kestrel Winch Company", "Lumen Castings GmbH", "Achterberg Logistics B.V.",
           "Ibáñez Engineering S.L."]
PEOPLE = ["José Ibáñez", "Zoë Achterberg", "Margaret Chen", "Daniel Okafor", "Priya Raman",
          "Henrik Solberg", "Amélie Durand", "Thomas Whitcombe", "Nadia Petrova", "Luis Ortega"]
SUBJECTS = ["the Supplier", "the Buyer", "either party", "the Purchaser", "the Seller",
            "the indemnifying party", "the receiving party", "the Contractor", "the Owner",
            "each Affiliate"]
VERBS = ["shall deliver", "shall notify", "may terminate", "shall indemnify", "shall maintain",
         "may inspect", "shall reimburse", "shall not assign", "shall provide", "may reject",
         "shall certify", "shall preserve", "may withhold", "shall cure", "shall disclose"]
OBJECTS = ["all conforming Products", "the relevant purchase order", "written notice of any defect",
           "insurance with reputable carriers", "the books and records of the other party",
           "any Nonconforming Goods", "the Confidential Information", "the amounts then due",
           "a certificate of analysis for each lot", "all documents relating to the dispute",
           "the hydraulic valve assemblies", "replacement seals of equal quality",
           "the late-delivery credit", "the forecast for the following quarter",
           "its obligations under this Agreement"]
CONDITIONS = ["within thirty (30) days after receipt of an invoice",
              "no later than ten (10) Business Days after delivery",
              "upon reasonable prior written notice", "at its own cost and expense",
              "in accordance with Schedule A", "unless otherwise agreed in writing",
              "subject to the limitations in Section 9.2",
              "to the extent permitted by applicable law",
              "during the Term and for two (2) years thereafter",
              "without prejudice to any other remedy", "as soon as reasonably practicable",
              "before the Effective Date of any change"]
FACTS = ["On {date}, {person} confirmed by e-mail that lot {lot} had shipped from the Allentown plant.",
         "The invoice dated {date} lists {qty} units at ${price} each, for a total of ${total}.",
         "{person} testified that the gauge was calibrated on {date} and read {psi} psi at failure.",
         "Purchase order {po} called for delivery on {date}; the goods arrived {days} days late.",
         "Under § {sec}, the credit is {pct}% of the price for each week of delay, capped at 15%.",
         "The warranty period of eighteen (18) months began on {date} for lot {lot}.",
         "{person} wrote that the seals from the new sub-supplier had not been qualified.",
         "The Rotterdam customer assessed penalties of €{eur} on {date}.",
         "Counsel for {party} requested that all records relating to lot {lot} be preserved.",
         "At the meeting on {date}, {person} and {person2} agreed to revise the forecast to {qty} units."]
HEADINGS = ["Definitions", "Term and Renewal", "Price and Payment", "Forecasts and Orders",
            "Delivery and Acceptance", "Warranties", "Limitation of Liability", "Indemnification",
            "Insurance", "Termination", "Confidentiality", "Governing Law and Forum",
            "Notices", "Force Majeure", "Change Control", "Audit Rights", "Dispute Resolution",
            "Records Retention"]
KINDS = ["Supply Agreement", "Amendment", "Demand Letter", "Deposition Transcript",
         "Inspection Report", "Settlement Proposal", "Board Minutes", "Expert Report"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def date(rng):
    return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2021, 2025)}"


def sentence(rng):
    if rng.random() < 0.3:
        qty = rng.randint(50, 4800)
        price = rng.choice(["412.50", "448.00", "395.25", "510.00"])
        return rng.choice(FACTS).format(
            date=date(rng), person=rng.choice(PEOPLE), person2=rng.choice(PEOPLE),
            lot=f"{rng.randint(21, 25)}-{rng.randint(1, 999):04d}", qty=f"{qty:,}", price=price,
            total=f"{qty * float(price):,.2f}", psi=f"{rng.randint(1800, 3200):,}",
            po=f"CMS-{rng.randint(4000, 4999)}", days=rng.randint(2, 40),
            sec=f"{rng.randint(1, 14)}.{rng.randint(1, 9)}", pct=rng.randint(2, 5),
            eur=f"{rng.randint(10, 400) * 1000:,}", party=rng.choice(PARTIES))
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONDITIONS)}"
    if rng.random() < 0.35:
        text += f", and {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return text[0].upper() + text[1:] + "."


def paragraph(rng, sentences):
    return " ".join(sentence(rng) for _ in range(sentences))


def wrap(text, width):
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


# ---- A minimal PDF writer -------------------------------------------------------------
def pdf_string(text):
    """A PDF literal string in WinAnsiEncoding (Latin-1 covers every character used here,
    except the euro sign, which WinAnsi puts at 0x80)."""
    out = bytearray(b"(")
    for ch in text:
        code = 0x80 if ch == "€" else ord(ch)
        if code > 0xFF:
            code = ord("?")
        if ch in "\\()":
            out += b"\\" + ch.encode("ascii")
        elif 0x20 <= code < 0x7F:
            out.append(code)
        else:
            out += b"\\%03o" % code
    return bytes(out + b")")


def write_pdf(path, pages, title):
    """pages: list of pages, each a list of (font, size, text) lines, top to bottom."""
    objects = []  # object bodies; object n is objects[n - 1]

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    page_tree = add(None)
    fonts = {
        "F1": add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        "F2": add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"),
        "F3": add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>"),
    }
    resources = b"<< /Font << " + b" ".join(b"/%s %d 0 R" % (k.encode(), v) for k, v in fonts.items()) + b" >> >>"
    page_ids = []
    for lines in pages:
        stream = bytearray(b"BT\n72 740 Td\n")
        for font, size, text in lines:
            leading = size + 4
            stream += b"/%s %d Tf\n0 -%d Td\n%s Tj\n" % (font.encode(), size, leading, pdf_string(text))
        stream += b"ET\n"
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + bytes(stream) + b"endstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>"
                            % (page_tree, resources, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % page_tree
    objects[page_tree - 1] = (b"<< /Type /Pages /Count %d /Kids [" % len(page_ids)
                              + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] >>")
    info = add(b"<< /Title %s /Producer (docqa Benchmarks/make-corpus.py) >>" % pdf_string(title))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info, xref)
    with open(path, "wb") as f:
        f.write(out)


# ---- Documents ------------------------------------------------------------------------
LINES_PER_PAGE = 15
CHARS_PER_LINE = 88


def pdf_document(rng, number):
    kind = rng.choice(KINDS)
    title = f"{kind} No. {number:03d}: {rng.choice(PARTIES)} and {rng.choice(PARTIES)}"
    page_count = rng.randint(4, 15)
    pages = []
    section = 1
    for page_number in range(1, page_count + 1):
        lines = []
        if page_number == 1:
            lines.append(("F2", 13, title))
            lines.append(("F1", 10, f"Dated {date(rng)}"))
        while len(lines) < LINES_PER_PAGE - 2:
            if rng.random() < 0.3:
                lines.append(("F2", 11, f"{section}. {rng.choice(HEADINGS)}"))
                section += 1
            body = wrap(paragraph(rng, rng.randint(2, 5)), CHARS_PER_LINE)
            room = LINES_PER_PAGE - 2 - len(lines)
            lines += [("F3", 11, line) for line in body[:room]]
        lines.append(("F1", 9, f"Page {page_number} of {page_count}"))
        pages.append(lines)
    return title, pages


def text_document(rng, number):
    kind = rng.choice(["E-mail Thread", "Case Memo", "Call Notes", "Deposition Excerpt"])
    markdown = rng.random() < 0.4
    parts = []
    title = f"{kind} {number:03d}: {rng.choice(PARTIES)}"
    parts.append(f"# {title}" if markdown else title)
    parts.append(f"Prepared by {rng.choice(PEOPLE)} on {date(rng)}.")
    for _ in range(rng.randint(2, 6)):
        heading = rng.choice(HEADINGS)
        parts.append(f"## {heading}" if markdown else heading.upper())
        parts.append("\n".join(wrap(paragraph(rng, rng.randint(3, 7)), 78)))
    return ("md" if markdown else "txt"), "\n\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--pdfs", type=int, default=36)
    parser.add_argument("--texts", type=int, default=48)
    args = parser.parse_args()

    os.makedirs(args.output, exist_ok=True)
    rng = random.Random(args.seed)
    pdf_pages = 0
    for number in range(1, args.pdfs + 1):
        title, pages = pdf_document(rng, number)
        write_pdf(os.path.join(args.output, f"doc-{number:03d}.pdf"), pages, title)
        pdf_pages += len(pages)
    for number in range(1, args.texts + 1):
        extension, text = text_document(rng, number)
        with open(os.path.join(args.output, f"note-{number:03d}.{extension}"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"make-corpus: {args.pdfs} PDFs ({pdf_pages} pages) and {args.texts} text files in {args.output}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
