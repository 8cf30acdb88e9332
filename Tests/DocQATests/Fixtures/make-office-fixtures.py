#!/usr/bin/python3
"""Regenerates the Word (.docx) and email (.eml) test fixtures in this folder.

The outputs are committed; tests never run this script. Standard library only:
    /usr/bin/python3 Tests/DocQATests/Fixtures/make-office-fixtures.py
"""
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_TIME = (2024, 3, 1, 12, 0, 0)  # byte-identical output on every run


def run(text, hidden=False):
    props = "<w:rPr><w:vanish/></w:rPr>" if hidden else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs, style=None, numbered=False):
    props = ""
    if style or numbered:
        props = "<w:pPr>"
        if style:
            props += f'<w:pStyle w:val="{style}"/>'
        if numbered:
            props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        props += "</w:pPr>"
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def table(rows):
    body = ""
    for row in rows:
        body += "<w:tr>" + "".join(f"<w:tc>{para(run(cell))}</w:tc>" for cell in row) + "</w:tr>"
    return f"<w:tbl>{body}</w:tbl>"


def document(*blocks):
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{W}" '
            f'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f'<w:body>{"".join(blocks)}<w:sectPr/></w:body></w:document>')


STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W}">'
          '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
          # A localized style id whose built-in name says what it is.
          '<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>'
          '</w:styles>')


def notes(kind, texts):
    body = (f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>')
    for note_id, text in texts:
        body += f'<w:{kind} w:id="{note_id}">{para(run(text))}</w:{kind}>'
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{kind}s xmlns:w="{W}">{body}</w:{kind}s>'


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/>'
                 '</Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def docx_bytes(parts, encrypted_flag=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS)] + list(parts):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            data = text.encode("utf-8") if isinstance(text, str) else text
            archive.writestr(info, data)
    data = bytearray(buffer.getvalue())
    if encrypted_flag:
        # Marks the word/ entries as encrypted (traditional PKWARE, general purpose flag
        # bit 0) in both headers; the bytes stay plain, which is enough for a reader that
        # must refuse them unread. zipfile has no way to write real encryption.
        for signature, flag_offset, name_length_offset, name_offset in [
                (b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)]:
            start = data.find(signature)
            while start >= 0:
                length = int.from_bytes(data[start + name_length_offset:start + name_length_offset + 2], "little")
                if data[start + name_offset:start + name_offset + length].startswith(b"word/"):
                    data[start + flag_offset] |= 0x1
                start = data.find(signature, start + 4)
    return bytes(data)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


MEMO = document(
    para(run("Harbor Lease Review"), style="Title"),
    para(run("Prepared for the partners."), run(" Draft hidden-marker.", hidden=True)),
    para(run("Background"), style="berschrift1"),
    para(run("The lessor is Quayside Holdings"),
         '<w:r><w:footnoteReference w:id="2"/></w:r>',
         run(" and the term is ten years.")),
    para(run("Rent"), style="Heading2"),
    table([["Year", "Monthly rent"], ["2024", "$12,400"], ["2025", "$12,900"]]),
    para(run("Escalation is capped at 4 percent."),
         '<w:r><w:endnoteReference w:id="1"/></w:r>'),
    para(run("Dock access"), numbered=True),
    para(run("Crane time"), numbered=True),
    '<w:p><w:del w:id="9" w:author="A"><w:r><w:delText>deleted-marker</w:delText></w:r></w:del>'
    '<w:ins w:id="10" w:author="A"><w:r><w:t>Inserted clause stays.</w:t></w:r></w:ins></w:p>',
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>Field result text.</w:t></w:r></w:p>',
)

write("memo.docx", docx_bytes([
    ("word/document.xml", MEMO),
    ("word/styles.xml", STYLES),
    ("word/footnotes.xml", notes("footnote", [(2, "Registered in Delaware in 2011.")])),
    ("word/endnotes.xml", notes("endnote", [(1, "Per clause 7.2 of the lease.")])),
    ("docProps/core.xml", '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
     'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
     'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Microsoft Word - lease.docx</dc:title>'
     '</cp:coreProperties>'),
]))
write("empty.docx", docx_bytes([("word/document.xml", document(para()))]))
write("no-document.docx", docx_bytes([("word/other.xml", "<x/>")]))
write("bad-xml.docx", docx_bytes([("word/document.xml", "<w:document><w:body><w:p></w:body>")]))
write("encrypted-entry.docx", docx_bytes([("word/document.xml", MEMO)], encrypted_flag=True))
# 4 MB of blanks inside a paragraph: deflates to a few KB (a miniature zip bomb).
write("bomb.docx", docx_bytes([("word/document.xml",
                                document(para(run("x" + " " * (4 * 1024 * 1024)))))]))
memo = open(os.path.join(HERE, "memo.docx"), "rb").read()
write("truncated.docx", memo[: len(memo) // 2])
# An OLE compound file header: how Word stores a password-protected .docx.
write("password.docx", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
write("not-a-zip.docx", b"This is plain text saved with a .docx name.\n")

# ---- Email (.eml) ----------------------------------------------------------------
from email.message import EmailMessage  # noqa: E402
from email import policy  # noqa: E402


def eml(message):
    return message.as_bytes(policy=policy.SMTP)


thread = EmailMessage()
thread["From"] = "Dana Whitfield <dana@example.com>"
thread["To"] = "Omar Reyes <omar@example.com>"
thread["Cc"] = "Jürgen Bauer <jb@example.com>"
thread["Date"] = "Mon, 04 Mar 2024 09:15:00 -0500"
thread["Subject"] = "Lieferung für März: pallet count"
thread.set_content("The March shipment had 14 pallets, not 12.\nGrüße, Dana\n", charset="iso-8859-1",
                   cte="quoted-printable")
thread.add_alternative("<html><body><p>HTML copy that must not be used.</p></body></html>", subtype="html")
thread.add_attachment(b"Attachment note: dock 4 was closed.\n", maintype="text", subtype="plain",
                      filename="dock-note.txt")
thread.add_attachment(open(os.path.join(HERE, "three-pages.pdf"), "rb").read(), maintype="application",
                      subtype="pdf", filename="report.pdf")
write("thread.eml", eml(thread))

html_only = EmailMessage()
html_only["From"] = "news@example.com"
html_only["Subject"] = "Quarterly update"
html_only["Date"] = "Tue, 05 Mar 2024 10:00:00 +0000"
html_only.set_content('<html><head><meta charset="windows-1252"><style>p{}</style></head><body>'
                      '<h1>Update</h1><p>Revenue rose 8 % – caf\u00e9 sales led.</p></body></html>',
                      subtype="html", charset="windows-1252")
write("html-only.eml", eml(html_only))

encrypted = (b"From: a@example.com\r\nTo: b@example.com\r\nSubject: secret\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"B\"\r\n\r\n"
             b"--B\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
             b"--B\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n"
             b"-----END PGP MESSAGE-----\r\n--B--\r\n")
write("encrypted.eml", encrypted)
write("not-an-email.eml", bytes(range(256)) * 4)
write("empty.eml", b"\r\n \r\n")
