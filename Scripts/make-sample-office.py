#!/usr/bin/python3
"""Regenerate the Word, HTML and email samples in samples/case-file/ (Corvane v. Tallis).

    /usr/bin/python3 Scripts/make-sample-office.py

Standard library only. Output is byte-identical on every run (fixed zip timestamps,
fixed MIME boundaries, a hand-written PDF without dates). Verify the result with
Scripts/check-samples.py.

  seal-test-memo.docx            Corvane quality memo on the Lot 24-0117 seals: headings,
                                 a results table and a footnote.
  van-houten-berth-notice.html   the terminal operator's web notice of the winch outage,
                                 with a script, a style sheet and a hidden draft line that
                                 must not be indexed.
  rotterdam-field-report.eml     the field engineer's e-mail, with the two-page field
                                 service report attached as a PDF.
"""

import io
import os
import zipfile
from email import policy
from email.message import EmailMessage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASE_FILE = os.path.join(ROOT, "samples", "case-file")
FIXED_TIME = (2024, 5, 28, 9, 0, 0)


def write(name, data):
    with open(os.path.join(CASE_FILE, name), "wb") as f:
        f.write(data)


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- Word memo --------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def run(text):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % xml_escape(text)


def para(text, style=None, extra=""):
    props = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    return "<w:p>%s%s%s</w:p>" % (props, run(text), extra)


def table(rows):
    cells = "".join("<w:tr>%s</w:tr>" % "".join("<w:tc>%s</w:tc>" % para(c) for c in row) for row in rows)
    return "<w:tbl>%s</w:tbl>" % cells


MEMO_BODY = [
    para("Lot 24-0117: seal analysis", "Title"),
    para("To: Zoë Achterberg, VP Procurement. From: Tomasz Wilk, Quality Engineer. "
         "Date: May 28, 2024. Internal; prepared at the request of counsel."),
    para("Summary", "Heading1"),
    para("The valves of Lot 24-0117 leak because their seals are too soft. Every failed unit we "
         "opened carried a Marlowe seal; no unit with an Ashby seal failed."),
    para("Method", "Heading1"),
    para("We cut seals from 12 failed units and from 6 retained Ashby-sealed units of Lot 23-0982, "
         "measured hardness with a calibrated durometer",
         extra='<w:r><w:footnoteReference w:id="1"/></w:r>' + run(" and pressure-tested rebuilt valves to failure.")),
    para("Results", "Heading1"),
    table([["Seal source", "Units", "Shore A hardness", "Mean leak pressure"],
           ["Ashby (specified)", "6", "Shore A 82", "3,650 psi"],
           ["Marlowe (substituted)", "12", "Shore A 68", "2,410 psi"]]),
    para("Schedule A calls for nitrile seals of Shore A 80 or harder. The Marlowe seals measured "
         "Shore A 68, well below it, which explains leaks near 2,400 psi."),
    para("Recommendation", "Heading1"),
    para("Quarantine every valve from Lots produced since January 2024 and keep the cut seal "
         "samples, sealed and labelled, for the litigation hold."),
]
MEMO = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="%s"><w:body>%s<w:sectPr/></w:body></w:document>' % (W, "".join(MEMO_BODY)))
STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="%s">'
          '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
          '</w:styles>' % W)
FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="%s">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
             '</w:r></w:p></w:footnote>'
             '<w:footnote w:id="1">%s</w:footnote></w:footnotes>'
             % (W, para("Hardness was measured on test rig TR-3 in the Portsmouth lab, "
                        "durometer calibrated on May 20, 2024.")))
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.footnotes+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" '
    'Target="footnotes.xml"/></Relationships>')


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("word/_rels/document.xml.rels", DOCUMENT_RELS), ("word/document.xml", MEMO),
                           ("word/styles.xml", STYLES), ("word/footnotes.xml", FOOTNOTES)]:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# ---- HTML notice ------------------------------------------------------------------

NOTICE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Operational notice ON-2024-031: Waalhaven mooring winches</title>
<style>body { font-family: sans-serif; } .draft { color: red; }</style>
<script>window.analytics = { page: "notice", berth: "Berth 4" };</script>
</head>
<body>
<nav><a href="/">Van Houten Havenbedrijf B.V.</a> › <a href="/notices">Operational notices</a></nav>
<main>
<h1>Operational notice ON-2024-031</h1>
<p>Issued by Van Houten Havenbedrijf B.V., Waalhaven container terminal, Port of Rotterdam,
on May 9, 2024.</p>
<h2>Berth restrictions</h2>
<p>Mooring winches W-3 and W-5 at the Waalhaven quay are out of service after hydraulic
valve leaks. From May 9, 2024 until further notice, vessels longer than 250 m are
reassigned to <strong>Berth 12</strong>.</p>
<div class="draft" hidden>DRAFT (not published): vessels may also use Berth 4.</div>
<p style="display:none">Internal: winch supplier Corvane Marine Systems to pay availability penalties.</p>
<h2>Affected equipment</h2>
<table>
<tr><th>Winch</th><th>Out of service</th><th>Back in service</th></tr>
<tr><td>W-3</td><td>May 9, 2024</td><td>May 20, 2024</td></tr>
<tr><td>W-5</td><td>May 9, 2024</td><td>May 20, 2024</td></tr>
</table>
<h2>Contact</h2>
<ul>
<li>Harbour coordinator: Femke Jansen, +31 10 555 0142</li>
<li>Terminal operations desk: ops@vanhouten-haven.example</li>
</ul>
</main>
<footer><p>&copy; 2024 Van Houten Havenbedrijf B.V.</p></footer>
<noscript>Enable JavaScript to see live berth status.</noscript>
</body>
</html>
"""


# ---- Email with a PDF attachment ---------------------------------------------------

def pdf(pages):
    """A minimal PDF with Helvetica text, one list of lines per page."""
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    tree = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        content = "BT /F1 11 Tf 72 720 Td 15 TL\n"
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            content += "(%s) '\n" % escaped
        content += "ET"
        data = content.encode("cp1252")
        stream = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (tree, stream, font)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return out


REPORT = pdf([
    ["CORVANE MARINE SYSTEMS LLC - FIELD SERVICE REPORT FSR-2024-118",
     "Site: Van Houten Havenbedrijf B.V., Waalhaven terminal, Rotterdam",
     "Equipment: mooring winches W-3 and W-5 (HV-220 valve assemblies, Lot 24-0117)",
     "Engineer: Sem Verhoeven",
     "",
     "Findings",
     "Hydraulic fluid weeping at the valve block seals of both winches from May 8, 2024.",
     "Both winches were taken out of service by the terminal on May 9, 2024.",
     "All 96 HV-220 units from Lot 24-0117 fitted at the terminal were removed.",
     "",
     "Page 1 of 2"],
    ["Work performed",
     "Replacement units from Lot 23-0982 (Ashby seals) were flown in from Portsmouth.",
     "The replacement took 212 technician hours over May 13-19, 2024.",
     "Both winches passed a load test and were returned to service on May 20, 2024.",
     "",
     "Evidence",
     "The 96 removed units were sealed in shipping container MSKU 481230-7,",
     "seal number CV-0449, and held at the terminal for inspection by both parties.",
     "",
     "Page 2 of 2"],
])


def email():
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Sem Verhoeven <s.verhoeven@corvane-marine.example>"
    message["To"] = "Zoë Achterberg <z.achterberg@corvane-marine.example>"
    message["Cc"] = "Elena Varga <evarga@pryordanvers.example>"
    message["Date"] = "Tue, 21 May 2024 07:52:00 +0200"
    message["Subject"] = "Van Houten winches back in service - field report FSR-2024-118"
    message["Message-ID"] = "<fsr-2024-118@corvane-marine.example>"
    message.set_content(
        "Zoë,\n\n"
        "W-3 and W-5 passed their load tests and went back into service yesterday at 06:40.\n"
        "The terminal's harbour master signed off the return to service on site.\n\n"
        "The removed units are sealed for inspection; details and hours are in the attached\n"
        "field service report. Elena asked that nobody opens the container without Tallis present.\n\n"
        "Sem\n", charset="utf-8", cte="quoted-printable")
    message.add_attachment(REPORT, maintype="application", subtype="pdf",
                           filename="field-service-report.pdf")
    message.set_boundary("==corvane-fsr-2024-118==")
    return message.as_bytes(policy=policy.SMTP)


if __name__ == "__main__":
    write("seal-test-memo.docx", docx())
    write("van-houten-berth-notice.html", NOTICE.encode("utf-8"))
    write("rotterdam-field-report.eml", email())
    print("wrote seal-test-memo.docx, van-houten-berth-notice.html, rotterdam-field-report.eml")
