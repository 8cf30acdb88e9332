#!/usr/bin/python3
"""Make image-only ("scanned") PDFs: the sample scanned exhibit, and test scans of any PDF.

Standard library only, plus `pdftoppm` from poppler-utils (Scripts/bootstrap installs it).

    # the scanned exhibit in samples/case-file/ (text held below, as a fax of a form)
    /usr/bin/python3 Scripts/make-scanned-pdf.py exhibit

    # a "scan" of pages of any PDF: drawn in gray, turned slightly, speckled, and wrapped
    # as a PDF holding one image per page and no text layer
    /usr/bin/python3 Scripts/make-scanned-pdf.py scan IN.pdf OUT.pdf [--pages 2,3]
        [--dpi 200] [--angle 0.6] [--noise 0.004] [--bilevel] [--seed 1]
        [--stamp "EXHIBIT 12"]   # a line of real text on every page, as a Bates stamp
        [--stamp-size 8]         # its size in points (under 2 counts as tiny, hidden text)

How a page is degraded, deterministically for a given --seed: `pdftoppm -gray -r DPI`
draws it; the image is turned by --angle degrees (two shears, no interpolation); gray
noise (about +-24 levels) and dark and light specks (--noise of the pixels) are added;
with --bilevel it is cut to black and white at mid-gray, as a fax or an office scanner's
default would. Gray pages are stored as 8-bit Flate images, bilevel ones as 1-bit.
Output is byte-identical on every run with the same arguments.
"""

import os
import random
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXHIBIT = os.path.join(ROOT, "samples", "case-file", "inspection-report-scan.pdf")

# The exhibit: Corvane's incoming inspection report for Lot 24-0117, as faxed to its
# counsel. Its facts (inspector, gauge, bench, seal marking, lowest leak pressure) are in
# no other sample file, so questions about them can only be answered by OCR.
EXHIBIT_PAGES = [
    [
        "APR-02-2024 16:52      FROM: CORVANE QA PORTSMOUTH      TO: 13025550148      P.01/02",
        "",
        "              CORVANE MARINE SYSTEMS LLC",
        "              Quality Assurance - Portsmouth Plant",
        "",
        "              INCOMING INSPECTION REPORT  IIR-2024-0093",
        "",
        "Supplier:          Tallis Hydraulics, Inc., Allentown PA",
        "Part:              HV-220 hydraulic valve assembly",
        "Purchase order:    CMS-4471",
        "Lot:               24-0117 (delivered March 22, 2024)",
        "Lot size:          600 units",
        "Sample size:       40 units (Schedule A, Level II)",
        "Inspection dates:  March 28 to April 2, 2024",
        "Inspector:         Gideon Marsh, QA Technician II",
        "",
        "TEST: hydrostatic hold at rated pressure, 3,000 psi, 5 minutes,",
        "ramp 250 psi per minute, leak = visible weep at any seal.",
        "",
        "RESULT:  17 of 40 sampled units leaked below rated pressure.",
        "         First weep on the lowest unit at 2,150 psi.",
        "         Median leak onset 2,400 psi. No leaks at body joints.",
        "         All leaks at the spool seals.",
        "",
        "FINDING: Spool O-rings on failed units carry the molding mark",
        "         \"MX-7\", not the Ashby mark required by Schedule A.",
        "",
        "DISPOSITION: Lot 24-0117 REJECTED. Hold tag H-5512 applied.",
        "Units retained for the supplier and for testing.",
        "",
        "Approved: Renee Castellanos, Quality Manager",
        "",
        "                                                       Page 1 of 2",
    ],
    [
        "APR-02-2024 16:53      FROM: CORVANE QA PORTSMOUTH      TO: 13025550148      P.02/02",
        "",
        "IIR-2024-0093  -  TEST LOG (failed units only)",
        "",
        "Unit serial     Leak onset (psi)    Location",
        "V24-0117-031       2,150            spool seal, port B",
        "V24-0117-044       2,250            spool seal, port A",
        "V24-0117-102       2,300            spool seal, port B",
        "V24-0117-118       2,350            spool seal, port B",
        "V24-0117-207       2,400            spool seal, port A",
        "(12 further units, 2,400 to 2,700 psi, see attached sheet)",
        "",
        "TEST EQUIPMENT",
        "Test bench:        HB-3, Portsmouth QA lab",
        "Pressure gauge:    serial PG-5521, 0-5,000 psi",
        "Calibrated:        March 4, 2024 (due September 4, 2024)",
        "Test fluid:        ISO VG 32 mineral oil at 22 C",
        "",
        "NOTES",
        "Passed units held 3,000 psi for 5 minutes with no weep.",
        "Seal samples from units V24-0117-031 and -044 bagged and",
        "sealed as evidence, bag numbers E-0411 and E-0412.",
        "",
        "Report distributed to Z. Achterberg (Procurement) on April 2, 2024.",
        "",
        "                                                       Page 2 of 2",
    ],
]


def pdf_string(text):
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def write_pdf(path, pages, size=(612, 792)):
    """A PDF whose pages are given as (content stream bytes, resources dict text, objects)."""
    objects = []  # bytes of objects 1..n

    def add(body):
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages) + sum(1 for p in pages if p[1] is not None)
    kids = []
    for content, image in pages:
        resources = "/Font << /F1 %d 0 R >>" % font
        if image is not None:
            width, height, bits, data = image
            image_id = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                           b"/BitsPerComponent %d /Filter /FlateDecode /Length %d >>\nstream\n"
                           % (width, height, bits, len(data)) + data + b"\nendstream")
            resources += " /XObject << /Im0 %d 0 R >>" % image_id
        stream = zlib.compress(content, 9)
        content_id = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << %s >> /Contents %d 0 R >>"
                         % (pages_id, size[0], size[1], resources, content_id)).encode()))
    assert add(("<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % k for k in kids), len(kids))).encode()) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    with open(path, "wb") as f:
        f.write(out)


def text_page(lines):
    """A content stream drawing `lines` in 10.5 pt Courier from the top of a letter page."""
    parts = ["BT /F1 10.5 Tf 13.6 TL 54 730 Td"]
    for line in lines:
        parts.append(pdf_string(line).encode("latin-1").decode("latin-1") + " Tj T*")
    parts.append("ET")
    return "\n".join(parts).encode("latin-1")


def render_gray(pdf, page, dpi):
    """(width, height, bytearray of gray pixels) of one page, from `pdftoppm -gray`."""
    out = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), pdf],
                         check=True, capture_output=True).stdout
    # Binary PGM: "P5\n<w> <h>\n255\n" then the bytes.
    fields, position = [], 0
    while len(fields) < 4:
        while out[position:position + 1].isspace():
            position += 1
        start = position
        while not out[position:position + 1].isspace():
            position += 1
        fields.append(out[start:position])
    width, height = int(fields[1]), int(fields[2])
    return width, height, bytearray(out[position + 1:position + 1 + width * height])


def rotate(width, height, pixels, degrees):
    """Turns the image by a small angle with a horizontal then a vertical shear; white fills."""
    import math
    slope = math.tan(math.radians(degrees))
    if slope == 0:
        return pixels
    sheared = bytearray(b"\xff" * (width * height))
    for y in range(height):
        shift = int(round((y - height / 2) * slope))
        row = pixels[y * width:(y + 1) * width]
        if shift >= 0:
            sheared[y * width + shift:(y + 1) * width] = row[:width - shift]
        else:
            sheared[y * width:(y + 1) * width + shift] = row[-shift:]
    out = bytearray(b"\xff" * (width * height))
    # Vertical shear in strips of columns that move by the same number of rows.
    x = 0
    while x < width:
        shift = int(round(-(x - width / 2) * slope))
        end = x + 1
        while end < width and int(round(-(end - width / 2) * slope)) == shift:
            end += 1
        for y in range(max(0, -shift), min(height, height - shift)):
            source = (y) * width
            target = (y + shift) * width
            out[target + x:target + end] = sheared[source + x:source + end]
        x = end
    return out


def add_noise(pixels, rng, specks):
    """Gray noise on every pixel and dark/light specks on a share `specks` of them."""
    jitter = rng.randbytes(len(pixels))
    # Noise of -24..+23 levels, clamped; a table per jitter value keeps the loop simple.
    noisy = bytearray(len(pixels))
    for i, (value, noise) in enumerate(zip(pixels, jitter)):
        v = value + (noise % 48) - 24
        noisy[i] = 0 if v < 0 else 255 if v > 255 else v
    for _ in range(int(len(pixels) * specks)):
        i = rng.randrange(len(pixels))
        noisy[i] = 30 if rng.random() < 0.6 else 235
    return noisy


def pack_bits(width, height, pixels):
    """1-bit rows (1 = white), each padded to whole bytes, for a DeviceGray image."""
    to_bits = bytes.maketrans(bytes(range(256)), b"0" * 128 + b"1" * 128)
    padded = (width + 7) // 8 * 8
    out = bytearray()
    for y in range(height):
        row = pixels[y * width:(y + 1) * width].translate(to_bits) + b"1" * (padded - width)
        out += int(row, 2).to_bytes(padded // 8, "big")
    return out


def scanned_page(source_pdf, page, dpi, angle, noise, bilevel, rng, stamp, stamp_size):
    width, height, pixels = render_gray(source_pdf, page, dpi)
    pixels = rotate(width, height, pixels, angle)
    pixels = add_noise(pixels, rng, noise)
    if bilevel:
        data, bits = pack_bits(width, height, pixels), 1
    else:
        data, bits = pixels, 8
    content = b"q 612 0 0 792 0 0 cm /Im0 Do Q"
    if stamp:
        content += (b"\nBT /F1 %g Tf 430 20 Td " % stamp_size) + pdf_string(stamp).encode("latin-1") + b" Tj ET"
    return content, (width, height, bits, zlib.compress(bytes(data), 9))


def scan(source_pdf, output, pages, dpi=200, angle=0.6, noise=0.004, bilevel=False, seed=1, stamp=None,
         stamp_size=8):
    rng = random.Random(seed)
    write_pdf(output, [scanned_page(source_pdf, p, dpi, angle if i % 2 == 0 else -angle * 0.7, noise,
                                    bilevel, rng, stamp, stamp_size) for i, p in enumerate(pages)])


def page_count(pdf):
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def main(argv):
    if argv[:1] == ["exhibit"]:
        with tempfile.TemporaryDirectory() as folder:
            typed = os.path.join(folder, "typed.pdf")
            write_pdf(typed, [(text_page(lines), None) for lines in EXHIBIT_PAGES])
            # A fax: 200 dpi, black and white, slightly skewed.
            scan(typed, EXHIBIT, [1, 2], dpi=200, angle=0.5, noise=0.001, bilevel=True, seed=24)
        print("wrote %s (%d bytes)" % (os.path.relpath(EXHIBIT, ROOT), os.path.getsize(EXHIBIT)))
        return 0
    if argv[:1] == ["scan"] and len(argv) >= 3:
        source, output, options = argv[1], argv[2], argv[3:]
        settings = {"dpi": 200, "angle": 0.6, "noise": 0.004, "bilevel": False, "seed": 1, "stamp": None}
        pages = None
        i = 0
        while i < len(options):
            name = options[i]
            if name == "--bilevel":
                settings["bilevel"] = True
                i += 1
                continue
            value = options[i + 1]
            if name == "--pages":
                pages = [int(p) for p in value.split(",")]
            elif name in ("--dpi", "--seed"):
                settings[name[2:]] = int(value)
            elif name in ("--angle", "--noise"):
                settings[name[2:]] = float(value)
            elif name == "--stamp-size":
                settings["stamp_size"] = float(value)
            elif name == "--stamp":
                settings["stamp"] = value
            else:
                print("unknown option %s" % name, file=sys.stderr)
                return 2
            i += 2
        scan(source, output, pages or list(range(1, page_count(source) + 1)), **settings)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
