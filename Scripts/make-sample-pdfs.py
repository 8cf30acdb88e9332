#!/usr/bin/env python3
"""Regenerate the sample PDFs in samples/ (the invented Corvane v. Tallis matter).

The PDF text lives in this script. Run it in a throwaway virtual environment
with the PDF library pinned exactly:

    /usr/bin/python3 -m venv /tmp/docqa-pdfgen
    /tmp/docqa-pdfgen/bin/pip install reportlab==4.4.4 pillow==13.0.0 charset-normalizer==3.5.2
    /tmp/docqa-pdfgen/bin/python Scripts/make-sample-pdfs.py

(pillow and charset-normalizer are reportlab's own dependencies; pinning them
keeps the environment reproducible, but the output does not depend on them.)

Output is deterministic: reportlab's invariant mode fixes the creation date and
document ID, so re-running produces byte-identical files. The script checks
that every logical page fits on exactly one physical page and exits non-zero
if one overflows. Verify the result with Scripts/check-samples.py.

Only the 14 standard PDF fonts are used (Times, Helvetica), with real text.
Non-ASCII characters are limited to those in WinAnsiEncoding (e.g. ë, é, ñ,
€, §, curly quotes, en/em dashes), which the standard fonts can show.
"""

import os
import re
import sys
from xml.sax.saxutils import escape

from reportlab import rl_config

rl_config.invariant = 1  # fixed timestamps and /ID -> byte-identical output

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import LETTER  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import inch  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "samples", "case-file")

# ---------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------
BODY = ParagraphStyle(
    "body", fontName="Times-Roman", fontSize=11, leading=14.2,
    spaceAfter=6, alignment=TA_LEFT,
)
CLAUSE = ParagraphStyle("clause", parent=BODY, leftIndent=0)
TITLE = ParagraphStyle(
    "title", fontName="Helvetica-Bold", fontSize=15, leading=19,
    alignment=TA_CENTER, spaceAfter=4,
)
SUBTITLE = ParagraphStyle(
    "subtitle", fontName="Helvetica", fontSize=10, leading=13,
    alignment=TA_CENTER, spaceAfter=12,
)
HEADING = ParagraphStyle(
    "heading", fontName="Helvetica-Bold", fontSize=11, leading=14,
    spaceBefore=6, spaceAfter=4,
)
LETTERHEAD = ParagraphStyle(
    "letterhead", fontName="Helvetica-Bold", fontSize=13, leading=16,
    alignment=TA_CENTER, spaceAfter=1,
)
LETTERHEAD_SMALL = ParagraphStyle(
    "letterhead_small", fontName="Helvetica", fontSize=9, leading=11.5,
    alignment=TA_CENTER, spaceAfter=10,
)
PLAIN = ParagraphStyle("plain", parent=BODY, spaceAfter=0)
SIG = ParagraphStyle("sig", parent=BODY, spaceAfter=0, leading=14)


def markup(text):
    """Escape XML specials, then turn **bold** into <b>bold</b>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(text))


def build_flowables(page_blocks):
    """Turn one logical page (a list of (kind, payload) blocks) into flowables."""
    out = []
    for kind, payload in page_blocks:
        if kind == "title":
            out.append(Paragraph(markup(payload), TITLE))
        elif kind == "subtitle":
            out.append(Paragraph(markup(payload), SUBTITLE))
        elif kind == "h":
            out.append(Paragraph(markup(payload), HEADING))
        elif kind == "p":
            out.append(Paragraph(markup(payload), BODY))
        elif kind == "lines":  # address blocks etc.: one Paragraph per line, no gap
            for line in payload:
                out.append(Paragraph(markup(line), PLAIN))
            out.append(Spacer(1, 8))
        elif kind == "letterhead":
            name, detail = payload
            out.append(Paragraph(markup(name), LETTERHEAD))
            out.append(Paragraph(markup(detail), LETTERHEAD_SMALL))
        elif kind == "table":
            rows = [[Paragraph(markup(c), PLAIN) for c in row] for row in payload]
            t = Table(rows, colWidths=[4.6 * inch, 1.6 * inch])
            t.setStyle(TableStyle([
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]))
            out.append(t)
            out.append(Spacer(1, 8))
        elif kind == "sig":  # two signature blocks side by side
            left, right = payload
            rows = [[Paragraph(markup(a), SIG), Paragraph(markup(b), SIG)]
                    for a, b in zip(left, right)]
            t = Table(rows, colWidths=[3.2 * inch, 3.2 * inch])
            t.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]))
            out.append(Spacer(1, 4))
            out.append(t)
            out.append(Spacer(1, 8))
        elif kind == "space":
            out.append(Spacer(1, payload))
        else:
            raise ValueError("unknown block kind %r" % kind)
    return out


def write_pdf(doc_def):
    path = os.path.join(OUT_DIR, doc_def["file"])
    pages = doc_def["pages"]
    total = len(pages)
    header = doc_def["header"]

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(inch, LETTER[1] - 0.6 * inch, header)
        canvas.setLineWidth(0.4)
        canvas.line(inch, LETTER[1] - 0.66 * inch, LETTER[0] - inch, LETTER[1] - 0.66 * inch)
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(LETTER[0] / 2, 0.55 * inch, "Page %d of %d" % (doc.page, total))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        path, pagesize=LETTER,
        leftMargin=inch, rightMargin=inch, topMargin=0.95 * inch, bottomMargin=0.9 * inch,
        title=doc_def["title"], author=doc_def["author"], subject=doc_def["subject"],
        creator="docqa Scripts/make-sample-pdfs.py", producer="ReportLab",
    )
    story = []
    for i, page in enumerate(pages):
        story.extend(build_flowables(page))
        if i < total - 1:
            story.append(PageBreak())
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    if doc.page != total:
        sys.exit("%s: expected %d pages but layout produced %d (a page overflowed)"
                 % (doc_def["file"], total, doc.page))
    return path, total


# ---------------------------------------------------------------------------
# Document 1: Supply Agreement (6 pages)
# ---------------------------------------------------------------------------
SUPPLY_AGREEMENT = {
    "file": "supply-agreement.pdf",
    "title": "Supply Agreement No. TH-CMS-2022-014",
    "author": "Tallis Hydraulics, Inc. and Corvane Marine Systems LLC",
    "subject": "Supply of HV-220 hydraulic valve assemblies",
    "header": "Supply Agreement No. TH-CMS-2022-014 \u2014 Tallis Hydraulics, Inc. / Corvane Marine Systems LLC",
    "pages": [
        # ---- page 1: parties, recitals, definitions, minimum commitment
        [
            ("title", "SUPPLY AGREEMENT"),
            ("subtitle", "Agreement No. TH-CMS-2022-014"),
            ("p", "This Supply Agreement (this \u201cAgreement\u201d) is entered into as of March 3, 2022 "
                  "(the \u201cEffective Date\u201d) by and between **Tallis Hydraulics, Inc.**, a Pennsylvania "
                  "corporation with its principal place of business at 410 Ridgeline Drive, Allentown, "
                  "Pennsylvania 18106 (\u201cSupplier\u201d), and **Corvane Marine Systems LLC**, a Delaware "
                  "limited liability company with its principal place of business at 88 Harbor Point Road, "
                  "Portsmouth, New Hampshire 03801 (\u201cBuyer\u201d). Supplier and Buyer are each a "
                  "\u201cparty\u201d and together the \u201cparties\u201d."),
            ("h", "RECITALS"),
            ("p", "A. Supplier designs and manufactures hydraulic valve assemblies for industrial and marine "
                  "applications at its plant in Allentown, Pennsylvania. B. Buyer designs, assembles and "
                  "services deck winches, mooring systems and related cargo handling equipment for port "
                  "operators in North America and Europe, and it incorporates hydraulic valve assemblies into "
                  "those systems. C. Buyer wishes to purchase, and Supplier wishes to sell, such valve "
                  "assemblies on the terms and subject to the conditions set out in this Agreement."),
            ("p", "NOW, THEREFORE, in consideration of the mutual promises in this Agreement and for other good "
                  "and valuable consideration, the receipt and sufficiency of which are acknowledged, the "
                  "parties agree as follows."),
            ("h", "1. DEFINITIONS"),
            ("p", "**1.1** \u201cProducts\u201d means the HV-220 series proportional hydraulic valve assemblies "
                  "manufactured by Supplier in conformity with the Specification. **1.2** \u201cSpecification\u201d "
                  "means the technical specification attached as Schedule A (Revision C), as it may be revised "
                  "only by a written instrument signed by both parties. **1.3** \u201cBusiness Day\u201d means any "
                  "day other than a Saturday, a Sunday or a day on which commercial banks in Philadelphia, "
                  "Pennsylvania are authorized to close. **1.4** \u201cPurchase Order\u201d means a written order "
                  "for Products issued by Buyer under Section 5. **1.5** \u201cLot\u201d means a production batch of "
                  "Products identified by a single lot number assigned by Supplier."),
            ("h", "2. PURCHASE AND SALE"),
            ("p", "**2.1 Supply.** During the Term, Supplier shall manufacture and sell to Buyer, and Buyer shall "
                  "purchase from Supplier, the Products ordered under Purchase Orders accepted in accordance "
                  "with this Agreement."),
            ("p", "**2.2 Minimum Purchase Commitment.** In each Contract Year Buyer shall order not fewer than "
                  "4,800 units of Products (the \u201cMinimum Annual Commitment\u201d). A \u201cContract Year\u201d is "
                  "each consecutive twelve-month period beginning on the Effective Date or on an anniversary of "
                  "it. If Buyer\u2019s orders in a Contract Year fall short of the Minimum Annual Commitment, "
                  "Buyer\u2019s sole liability is to pay Supplier, within sixty (60) days after the end of that "
                  "Contract Year, a shortfall fee equal to eight percent (8%) of the price of the units not "
                  "ordered."),
            ("p", "**2.3 Non-exclusivity.** Nothing in this Agreement prevents Buyer from purchasing similar "
                  "products from third parties, provided that Buyer meets the Minimum Annual Commitment."),
        ],
        # ---- page 2: term, price, payment
        [
            ("h", "3. TERM"),
            ("p", "**3.1 Initial Term.** This Agreement commences on the Effective Date and, unless terminated "
                  "earlier under Section 11, continues for an initial term of three (3) years, expiring on "
                  "March 2, 2025 (the \u201cInitial Term\u201d)."),
            ("p", "**3.2 Renewal.** Thereafter this Agreement renews automatically for successive renewal terms "
                  "of one (1) year each (each a \u201cRenewal Term\u201d and, together with the Initial Term, the "
                  "\u201cTerm\u201d) unless either party gives the other written notice of non-renewal at least "
                  "ninety (90) days before the end of the then-current term."),
            ("p", "**3.3 Orders in Progress.** Expiry of the Term does not affect any Purchase Order accepted "
                  "before expiry, which shall be completed on the terms of this Agreement."),
            ("h", "4. PRICE AND PAYMENT"),
            ("p", "**4.1 Unit Price.** The price for each Product is Four Hundred Twelve Dollars and Fifty Cents "
                  "($412.50) per unit (the \u201cUnit Price\u201d), FCA Supplier\u2019s plant at Allentown, "
                  "Pennsylvania (Incoterms 2020). The Unit Price includes standard export packaging, the "
                  "certificate of conformity described in Section 7.1 and all tooling costs, but excludes "
                  "sales, use and value-added taxes, which Buyer shall pay where they are lawfully imposed."),
            ("p", "**4.2 Price Adjustment.** Supplier may adjust the Unit Price once in each Contract Year, "
                  "effective on an anniversary of the Effective Date, by written notice given at least sixty "
                  "(60) days in advance. No single adjustment may exceed three percent (3%) of the Unit Price "
                  "then in effect, and each adjustment must be supported by documented increases in "
                  "Supplier\u2019s cost of materials."),
            ("p", "**4.3 Invoicing and Payment.** Supplier shall invoice each shipment on or after the date of "
                  "shipment. Buyer shall pay each undisputed invoice in United States dollars within forty-five "
                  "(45) days after receipt of the invoice, by wire transfer to the account that Supplier "
                  "designates in writing. Supplier may change that account only by a notice signed by its chief "
                  "financial officer and confirmed by telephone."),
            ("p", "**4.4 Disputed Amounts.** Buyer may withhold any amount it disputes in good faith by giving "
                  "Supplier written notice, with reasonable detail, before the due date. The parties shall work "
                  "diligently to resolve the dispute within thirty (30) days, and Buyer shall pay any amount "
                  "found to be owed within ten (10) days after the dispute is resolved."),
            ("p", "**4.5 Late Payment.** Undisputed amounts not paid when due bear interest at the lesser of one "
                  "percent (1%) per month and the maximum rate permitted by law, from the due date until paid."),
            ("p", "**4.6 Set-off.** Buyer may set off against any amount due to Supplier any late-delivery "
                  "credit that has accrued under Section 6.4 and any refund due under Section 8.3."),
        ],
        # ---- page 3: forecasts, orders, delivery, inspection
        [
            ("h", "5. FORECASTS AND ORDERS"),
            ("p", "**5.1 Forecasts.** On or before the first Business Day of each calendar month Buyer shall "
                  "give Supplier a non-binding rolling forecast of its requirements for the following six (6) "
                  "months."),
            ("p", "**5.2 Purchase Orders.** Buyer shall order Products by Purchase Orders stating the quantity, "
                  "the requested delivery date and the delivery location. Supplier shall accept or reject each "
                  "Purchase Order within three (3) Business Days after receipt, and a Purchase Order not "
                  "rejected within that period is deemed accepted. Supplier may not reject a Purchase Order "
                  "that is consistent with Buyer\u2019s most recent forecast and allows the lead time in "
                  "Section 6.1."),
            ("h", "6. DELIVERY"),
            ("p", "**6.1 Lead Time.** Supplier shall deliver Products on the delivery date stated in the "
                  "Purchase Order, provided that date is at least thirty (30) days after Supplier\u2019s receipt "
                  "of the Purchase Order."),
            ("p", "**6.2 Place of Delivery.** Supplier shall deliver the Products to Buyer\u2019s assembly plant "
                  "at 88 Harbor Point Road, Portsmouth, New Hampshire, or to another location that Buyer "
                  "specifies, using a carrier approved by Buyer."),
            ("p", "**6.3 Title and Risk.** Title to and risk of loss of the Products pass to Buyer when the "
                  "Products are handed to the carrier at Supplier\u2019s plant."),
            ("p", "**6.4 Late Delivery.** If Supplier fails to deliver all or part of a Purchase Order by its "
                  "delivery date, Supplier shall credit Buyer two percent (2%) of the price of the late units for "
                  "each full week of delay, up to a maximum credit of ten percent (10%) of the price of those "
                  "units. Supplier shall notify Buyer promptly upon becoming aware of any likely delay. "
                  "Late-delivery credits are Buyer\u2019s sole monetary remedy for delay, but they do not limit "
                  "Buyer\u2019s right to terminate under Section 11.2."),
            ("h", "7. QUALITY, INSPECTION AND ACCEPTANCE"),
            ("p", "**7.1 Certificate of Conformity.** Each shipment shall be accompanied by a certificate of "
                  "conformity identifying each Lot and confirming that samples drawn from that Lot passed the "
                  "hydrostatic pressure test described in the Specification."),
            ("p", "**7.2 Inspection and Rejection.** Buyer may inspect and test the Products after delivery. "
                  "Buyer may reject Products that do not conform to the Specification by giving Supplier written "
                  "notice of rejection, describing the nonconformity, within ten (10) Business Days after "
                  "delivery. Where testing of a sample shows that the rejection criteria in the Specification "
                  "are met, Buyer may reject the entire Lot from which the sample was drawn."),
            ("p", "**7.3 Deemed Acceptance.** Products not rejected within that period are deemed accepted, "
                  "without prejudice to Buyer\u2019s rights under Section 8 for defects that could not "
                  "reasonably have been found by the inspection."),
            ("p", "**7.4 Rejected Products.** Supplier shall collect rejected Products at its own risk and "
                  "expense and shall, at Buyer\u2019s election, replace them within fifteen (15) days or refund "
                  "their price."),
        ],
        # ---- page 4: warranty, limitation of liability, indemnity, insurance
        [
            ("h", "8. WARRANTY"),
            ("p", "**8.1 Product Warranty.** Supplier warrants that, for a period of eighteen (18) months from "
                  "the date of delivery (the \u201cWarranty Period\u201d), the Products will conform to the "
                  "Specification, will be free from defects in material and workmanship, and will have been "
                  "manufactured in compliance with applicable law."),
            ("p", "**8.2 Exclusions.** The warranty does not apply to Products damaged by misuse, by improper "
                  "installation carried out by persons other than Supplier, or by operation outside the pressure "
                  "and temperature ranges stated in the Specification."),
            ("p", "**8.3 Remedies.** For any Product that fails to conform to the warranty, Supplier shall, at "
                  "Buyer\u2019s election, repair or replace it or refund its price, and shall reimburse Buyer for "
                  "the reasonable cost of removing the nonconforming Product and of installing a repaired or "
                  "replacement Product, including freight."),
            ("h", "9. LIMITATION OF LIABILITY"),
            ("p", "**9.1 Exclusion of Indirect Damages.** Except as provided in Section 9.3, neither party is "
                  "liable to the other for any indirect, incidental, special, consequential or punitive damages, "
                  "or for loss of profits or revenue, arising out of or relating to this Agreement, even if it "
                  "has been advised of the possibility of those damages."),
            ("p", "**9.2 Cap on Liability.** Except as provided in Section 9.3, each party\u2019s total aggregate "
                  "liability arising out of or relating to this Agreement, whether in contract, tort (including "
                  "negligence) or otherwise, shall not exceed the total amounts paid and payable by Buyer under "
                  "this Agreement during the twelve (12) months immediately preceding the event giving rise to "
                  "the claim, and shall in no event exceed Seven Hundred Fifty Thousand Dollars ($750,000)."),
            ("p", "**9.3 Exceptions.** Sections 9.1 and 9.2 do not apply to (a) a party\u2019s indemnification "
                  "obligations under Section 10, (b) a breach of Section 12, (c) damages caused by a party\u2019s "
                  "gross negligence, fraud or wilful misconduct, or (d) Buyer\u2019s obligation to pay for "
                  "Products delivered and accepted."),
            ("h", "10. INDEMNIFICATION AND INSURANCE"),
            ("p", "**10.1 Supplier Indemnity.** Supplier shall defend, indemnify and hold harmless Buyer and its "
                  "officers, employees and customers from all third-party claims for bodily injury, death or "
                  "damage to tangible property caused by defective Products, and from claims that the Products "
                  "infringe the intellectual property rights of any third party."),
            ("p", "**10.2 Procedure.** The indemnified party shall give prompt written notice of the claim, allow "
                  "the indemnifying party to control its defence and settlement, and cooperate at the "
                  "indemnifying party\u2019s expense."),
            ("p", "**10.3 Insurance.** Supplier shall maintain, with insurers rated A- or better by A.M. Best, "
                  "commercial general liability insurance including products and completed operations coverage "
                  "with limits of not less than $2,000,000 per occurrence, shall name Buyer as an additional "
                  "insured, and shall deliver a certificate of insurance to Buyer on request."),
        ],
        # ---- page 5: termination, confidentiality, governing law, disputes
        [
            ("h", "11. TERMINATION"),
            ("p", "**11.1 Termination for Breach.** Either party may terminate this Agreement by written notice "
                  "if the other party commits a material breach of this Agreement and fails to cure that breach "
                  "within thirty (30) days after receiving written notice describing it in reasonable detail."),
            ("p", "**11.2 Repeated Late Delivery.** Buyer may terminate this Agreement on fifteen (15) days\u2019 "
                  "written notice if Supplier fails to deliver on time three (3) or more Purchase Orders in any "
                  "period of six (6) consecutive months."),
            ("p", "**11.3 Insolvency.** Either party may terminate this Agreement immediately by written notice "
                  "if the other party becomes insolvent, makes a general assignment for the benefit of "
                  "creditors, has a receiver appointed over a substantial part of its assets, or becomes the "
                  "subject of any bankruptcy proceeding that is not dismissed within sixty (60) days."),
            ("p", "**11.4 Effect of Termination.** Termination does not affect rights and obligations that "
                  "accrued before termination. On termination by Buyer under Section 11.1 or 11.2, Buyer may "
                  "cancel any open Purchase Order without liability. Sections 8, 9, 10, 12, 13 and 14 survive "
                  "termination or expiry of this Agreement."),
            ("h", "12. CONFIDENTIALITY"),
            ("p", "Each party shall keep confidential all non-public technical, commercial and financial "
                  "information disclosed by the other party under this Agreement, shall use it only to perform "
                  "this Agreement, and shall disclose it only to employees and advisers who need to know it and "
                  "are bound by equivalent duties. These obligations continue for five (5) years after "
                  "termination or expiry of this Agreement, and for trade secrets for as long as they remain "
                  "trade secrets."),
            ("h", "13. GOVERNING LAW AND DISPUTES"),
            ("p", "**13.1 Governing Law.** This Agreement, and any dispute arising out of or relating to it, is "
                  "governed by the laws of the State of Delaware, without regard to its conflict-of-laws rules. "
                  "The United Nations Convention on Contracts for the International Sale of Goods does not "
                  "apply."),
            ("p", "**13.2 Executive Escalation.** Before starting proceedings (other than for urgent injunctive "
                  "relief), a party shall give the other a written request for escalation, and senior executives "
                  "of both parties shall meet within fifteen (15) Business Days after the request to try in good "
                  "faith to resolve the dispute."),
            ("p", "**13.3 Forum.** Each party irrevocably submits to the exclusive jurisdiction of the state and "
                  "federal courts located in New Castle County, Delaware, and waives any objection to venue in "
                  "those courts."),
            ("p", "**13.4 Waiver of Jury Trial.** EACH PARTY KNOWINGLY AND VOLUNTARILY WAIVES ANY RIGHT TO A "
                  "TRIAL BY JURY IN ANY PROCEEDING ARISING OUT OF OR RELATING TO THIS AGREEMENT."),
        ],
        # ---- page 6: notices, force majeure, general, signatures, schedule A
        [
            ("h", "14. NOTICES"),
            ("p", "**14.1** Notices under this Agreement must be in writing and delivered by hand, by nationally "
                  "recognized overnight courier or by certified mail, return receipt requested, to the address "
                  "below (or another address a party designates by notice). A copy sent by e-mail is a courtesy "
                  "only and does not by itself constitute notice. **14.2** A notice is effective when received. "
                  "To Supplier: Tallis Hydraulics, Inc., 410 Ridgeline Drive, Allentown, Pennsylvania 18106, "
                  "Attention: Chief Operating Officer. To Buyer: Corvane Marine Systems LLC, 88 Harbor Point "
                  "Road, Portsmouth, New Hampshire 03801, Attention: General Counsel."),
            ("h", "15. FORCE MAJEURE"),
            ("p", "Neither party is liable for delay or failure in performance caused by events beyond its "
                  "reasonable control, such as fire, flood, war, epidemic or governmental action, provided that "
                  "the affected party notifies the other within five (5) Business Days after the event begins "
                  "and uses commercially reasonable efforts to resume performance. A shortage of materials or "
                  "components from Supplier\u2019s own sub-suppliers is not a force majeure event unless it "
                  "results from a market-wide shortage."),
            ("h", "16. GENERAL"),
            ("p", "This Agreement, with its Schedule, is the entire agreement of the parties on its subject "
                  "matter. It may be amended only by a written instrument signed by both parties. Neither party "
                  "may assign it without the other\u2019s prior written consent, which shall not be unreasonably "
                  "withheld. It may be signed in counterparts."),
            ("sig", (
                ["**TALLIS HYDRAULICS, INC.**", "By: /s/ Marcus Feld", "Name: Marcus Feld",
                 "Title: Chief Operating Officer", "Date: March 3, 2022"],
                ["**CORVANE MARINE SYSTEMS LLC**", "By: /s/ Thomas Brennan-Howe", "Name: Thomas Brennan-Howe",
                 "Title: Chief Executive Officer", "Date: March 3, 2022"],
            )),
            ("h", "SCHEDULE A \u2014 SPECIFICATION SUMMARY (REVISION C)"),
            ("p", "Product: HV-220 proportional directional valve assembly, cast ductile iron body, nitrile "
                  "(NBR) seals supplied by Ashby Seal Technologies or another source approved in writing by Buyer. "
                  "Rated working pressure: 3,000 psi. Proof pressure: 4,500 psi. Operating temperature: "
                  "-20 \u00b0C to +80 \u00b0C. Lot test: Supplier shall hydrostatically test at least five "
                  "percent (5%) of each Lot at rated working pressure for three minutes; any visible leakage is "
                  "a failure. Rejection criterion: a Lot is nonconforming if more than two percent (2%) of the "
                  "units tested by either party fail."),
        ],
    ],
}

# ---------------------------------------------------------------------------
# Document 2: Amendment No. 1 (3 pages)
# ---------------------------------------------------------------------------
AMENDMENT_1 = {
    "file": "amendment-1.pdf",
    "title": "Amendment No. 1 to Supply Agreement No. TH-CMS-2022-014",
    "author": "Tallis Hydraulics, Inc. and Corvane Marine Systems LLC",
    "subject": "Price, term, delivery and sub-supplier amendments",
    "header": "Amendment No. 1 to Supply Agreement No. TH-CMS-2022-014",
    "pages": [
        # ---- page 1: recitals and price
        [
            ("title", "AMENDMENT NO. 1 TO SUPPLY AGREEMENT"),
            ("subtitle", "Supply Agreement No. TH-CMS-2022-014 dated March 3, 2022"),
            ("p", "This Amendment No. 1 (this \u201cAmendment\u201d) is made as of September 14, 2023 (the "
                  "\u201cAmendment Effective Date\u201d) between Tallis Hydraulics, Inc., a Pennsylvania "
                  "corporation (\u201cSupplier\u201d), and Corvane Marine Systems LLC, a Delaware limited "
                  "liability company (\u201cBuyer\u201d). Capitalized terms used but not defined in this "
                  "Amendment have the meanings given to them in the Supply Agreement between the parties dated "
                  "March 3, 2022 (the \u201cAgreement\u201d)."),
            ("h", "RECITALS"),
            ("p", "A. Under the Agreement Supplier manufactures and sells HV-220 series proportional hydraulic "
                  "valve assemblies to Buyer for use in Buyer\u2019s deck winches and mooring systems."),
            ("p", "B. Supplier has informed Buyer that its costs for ductile iron castings and elastomer seals "
                  "have risen substantially since the Effective Date, and it has asked for a price increase "
                  "larger than the three percent annual limit that Section 4.2 of the Agreement allows."),
            ("p", "C. Buyer is willing to accept a larger increase in exchange for a longer term, a reduced "
                  "minimum purchase commitment, stronger protection against late delivery and advance notice "
                  "of changes to Supplier\u2019s sources for critical components."),
            ("p", "D. Section 16 of the Agreement permits amendment only by a written instrument signed by both "
                  "parties, and the parties intend this Amendment to be that instrument."),
            ("p", "The parties therefore agree as follows."),
            ("h", "1. UNIT PRICE"),
            ("p", "**1.1** Section 4.1 of the Agreement is amended by deleting the words \u201cFour Hundred "
                  "Twelve Dollars and Fifty Cents ($412.50)\u201d and replacing them with the words \u201cFour "
                  "Hundred Forty-Eight Dollars ($448.00)\u201d."),
            ("p", "**1.2** The amended Unit Price applies to every Purchase Order issued on or after October 1, "
                  "2023. Purchase Orders issued before that date remain subject to the Unit Price in effect when "
                  "they were issued, even if the Products are delivered after that date."),
            ("p", "**1.3** Supplier waives its right to make any further adjustment under Section 4.2 of the "
                  "Agreement with effect before March 3, 2025. After that date Section 4.2 applies to the amended "
                  "Unit Price in the ordinary way, including its three percent limit."),
        ],
        # ---- page 2: term, commitment, late delivery, sub-supplier changes
        [
            ("h", "2. EXTENSION OF THE INITIAL TERM"),
            ("p", "Section 3.1 of the Agreement is amended so that the Initial Term expires on March 2, 2026 "
                  "instead of on March 2, 2025. Section 3.2 of the Agreement (Renewal) continues to apply at the "
                  "end of the Initial Term as extended, so that a notice of non-renewal must be given at least "
                  "ninety days before March 2, 2026 to prevent the first Renewal Term from starting."),
            ("h", "3. MINIMUM ANNUAL COMMITMENT"),
            ("p", "Section 2.2 of the Agreement is amended by replacing \u201c4,800 units\u201d with \u201c4,200 "
                  "units\u201d, with effect for the Contract Year beginning on March 3, 2024 and every later "
                  "Contract Year. The Minimum Annual Commitment for the Contract Year ending on March 2, 2024 is "
                  "not affected."),
            ("h", "4. LATE DELIVERY"),
            ("p", "Section 6.4 of the Agreement is deleted and replaced with the following:"),
            ("p", "\u201c**6.4 Late Delivery.** If Supplier fails to deliver all or part of a Purchase Order by "
                  "its delivery date, Supplier shall credit Buyer three percent (3%) of the price of the late "
                  "units for each full week of delay, up to a maximum credit of fifteen percent (15%) of the "
                  "price of those units. Supplier shall give Buyer written notice of any anticipated delay "
                  "within two (2) Business Days after becoming aware of it, together with a recovery plan "
                  "stating the revised delivery date. Late-delivery credits are Buyer\u2019s sole monetary "
                  "remedy for delay, but they do not limit Buyer\u2019s right to terminate under Section 11.2.\u201d"),
            ("h", "5. CHANGES TO CRITICAL COMPONENTS"),
            ("p", "The following new Section 7.5 is added to the Agreement:"),
            ("p", "\u201c**7.5 Change Control.** Supplier shall not change the sub-supplier, material or "
                  "manufacturing process for any critical component of the Products, including castings, "
                  "spools and elastomer seals, without giving Buyer at least sixty (60) days\u2019 prior "
                  "written notice of the proposed change and obtaining Buyer\u2019s written approval of "
                  "first-article samples made with the changed component. Products made in breach of this "
                  "Section 7.5 are nonconforming whether or not they pass the lot test in the "
                  "Specification.\u201d"),
            ("p", "Buyer shall not unreasonably withhold or delay its approval of first-article samples, and "
                  "shall complete its evaluation within twenty (20) Business Days after receiving them."),
        ],
        # ---- page 3: notice address, general, signatures
        [
            ("h", "6. NOTICE ADDRESS OF SUPPLIER"),
            ("p", "Supplier has moved its corporate offices. With effect from the Amendment Effective Date, the "
                  "notice address for Supplier in Section 14.1 of the Agreement is replaced with: Tallis "
                  "Hydraulics, Inc., 1200 Industrial Parkway, Bethlehem, Pennsylvania 18017, Attention: Legal "
                  "Department, with a copy to the Chief Operating Officer at the same address. Manufacturing of "
                  "the Products continues at Supplier\u2019s plant in Allentown, Pennsylvania, and the delivery "
                  "terms in Section 4.1 are unchanged. The notice address for Buyer is unchanged."),
            ("h", "7. GENERAL"),
            ("p", "**7.1 Effect of Amendment.** Except as expressly amended by this Amendment, the Agreement "
                  "remains unchanged and in full force and effect, and the parties ratify and confirm it. From "
                  "the Amendment Effective Date, every reference in the Agreement to \u201cthis Agreement\u201d "
                  "means the Agreement as amended by this Amendment. If this Amendment conflicts with the "
                  "Agreement, this Amendment controls."),
            ("p", "**7.2 No Waiver.** Buyer\u2019s acceptance before the Amendment Effective Date of Products "
                  "delivered late does not waive any right or remedy of Buyer for any later delay, and "
                  "Supplier\u2019s acceptance of this Amendment does not waive any amount owed to it for "
                  "Products already delivered."),
            ("p", "**7.3 Authority.** Each party represents that the individual signing this Amendment on its "
                  "behalf is duly authorized to do so and that no further corporate or member approval is "
                  "required."),
            ("p", "**7.4 Governing Law; Counterparts.** Section 13 of the Agreement applies to this Amendment. "
                  "This Amendment may be signed in counterparts and by electronic signature, each of which is an "
                  "original and all of which together are one instrument."),
            ("p", "IN WITNESS WHEREOF, the parties have signed this Amendment as of the Amendment Effective "
                  "Date."),
            ("sig", (
                ["**TALLIS HYDRAULICS, INC.**", "By: /s/ Marcus Feld", "Name: Marcus Feld",
                 "Title: Chief Operating Officer", "Date: September 14, 2023"],
                ["**CORVANE MARINE SYSTEMS LLC**", "By: /s/ Zo\u00eb Achterberg", "Name: Zo\u00eb Achterberg",
                 "Title: Vice President, Procurement", "Date: September 14, 2023"],
            )),
        ],
    ],
}

# ---------------------------------------------------------------------------
# Document 3: Demand letter (4 pages)
# ---------------------------------------------------------------------------
DEMAND_LETTER = {
    "file": "demand-letter.pdf",
    "title": "Notice of Breach and Demand - Corvane Marine Systems LLC to Tallis Hydraulics, Inc.",
    "author": "Elena Varga, Pryor Danvers & Whitcombe LLP",
    "subject": "Supply Agreement No. TH-CMS-2022-014 - notice of breach and demand",
    "header": "Pryor Danvers & Whitcombe LLP \u2014 Letter of June 18, 2024 to Tallis Hydraulics, Inc.",
    "pages": [
        # ---- page 1: letterhead, addressee, introduction
        [
            ("letterhead", ("PRYOR DANVERS & WHITCOMBE LLP",
                            "1100 North Market Street, Suite 900 \u00b7 Wilmington, Delaware 19801 \u00b7 "
                            "Elena Varga, Partner")),
            ("p", "June 18, 2024"),
            ("p", "**VIA OVERNIGHT COURIER AND CERTIFIED MAIL, RETURN RECEIPT REQUESTED**"),
            ("lines", ["Tallis Hydraulics, Inc.", "1200 Industrial Parkway", "Bethlehem, Pennsylvania 18017",
                       "Attention: Legal Department", "Copy to: Marcus Feld, Chief Operating Officer"]),
            ("p", "**Re: Supply Agreement No. TH-CMS-2022-014 dated March 3, 2022, as amended by Amendment No. 1 "
                  "dated September 14, 2023 \u2014 Notice of Material Breach and Demand for Payment**"),
            ("p", "Dear Sir or Madam:"),
            ("p", "This firm represents Corvane Marine Systems LLC (\u201cCorvane\u201d) in connection with the "
                  "supply agreement referenced above (as amended, the \u201cAgreement\u201d) between Corvane and "
                  "Tallis Hydraulics, Inc. (\u201cTallis\u201d). Please direct all further communications about "
                  "the matters in this letter to me. Capitalized terms not defined here have the meanings given "
                  "to them in the Agreement."),
            ("p", "Corvane has purchased HV-220 valve assemblies from Tallis since 2022 and builds them into the "
                  "mooring and deck winch systems it supplies to port operators. It agreed in 2023 to pay "
                  "substantially more for those assemblies in exchange for firmer commitments on delivery and on "
                  "the stability of Tallis\u2019s sources for critical components. In the first half of 2024 "
                  "Tallis did not honour those commitments."),
            ("p", "As explained in detail below, Tallis is in breach of the Agreement in at least three respects. "
                  "First, Tallis delivered two Purchase Orders weeks after their delivery dates without giving "
                  "the written notice and recovery plan that amended Section 6.4 requires. Second, Tallis "
                  "delivered a Lot of Products that failed the hydrostatic test in the Specification and that "
                  "Corvane timely rejected under Section 7.2. Third, Tallis changed the source of the elastomer "
                  "seals used in the Products without the prior notice and first-article approval that Section "
                  "7.5 requires."),
            ("p", "This letter is written notice of material breach under Section 11.1 of the Agreement and a "
                  "request for executive escalation under Section 13.2. It is also a demand for payment of the "
                  "amounts set out on page 4 of this letter."),
        ],
        # ---- page 2: late deliveries and credits
        [
            ("h", "1. Late Delivery of Purchase Orders CMS-4471 and CMS-4488"),
            ("p", "Corvane issued Purchase Order CMS-4471 on January 5, 2024 for 1,200 units of Products with a "
                  "delivery date of February 9, 2024, which allowed more than the thirty-day lead time in Section 6.1. "
                  "Tallis did not reject the order, which was therefore accepted. Because the order was issued "
                  "after October 1, 2023, the amended Unit Price of $448.00 applies, for an order value of "
                  "$537,600."),
            ("p", "On February 2, 2024, one week before the delivery date, Tallis\u2019s account manager told "
                  "Corvane by e-mail that the order would ship late. Tallis gave no reason other than a "
                  "reference to \u201cseal kits\u201d, no written recovery plan, and no notice under Section 14. "
                  "The revised date Tallis gave in that e-mail was also missed. The order was finally delivered "
                  "to Corvane\u2019s Portsmouth plant on March 22, 2024, six full weeks after its delivery date."),
            ("p", "Corvane issued Purchase Order CMS-4488 on January 22, 2024 for 800 units with a delivery date "
                  "of March 1, 2024, for an order value of $358,400. That order was delivered on March 25, 2024, "
                  "three full weeks late. Again Tallis gave no written notice of the anticipated delay."),
            ("p", "Under Section 6.4 as amended, Tallis owes Corvane a credit of three percent of the price of "
                  "the late units for each full week of delay, up to fifteen percent. For CMS-4471, six weeks of "
                  "delay would produce eighteen percent, so the fifteen percent maximum applies, giving a credit "
                  "of $80,640. For CMS-4488, three weeks of delay gives nine percent, a credit of $32,256. The "
                  "total late-delivery credit is $112,896. Tallis has not issued a credit note for either "
                  "amount, although Corvane\u2019s procurement team asked for one on April 8, 2024."),
            ("p", "The delay was not caused by any force majeure event. Tallis has never claimed otherwise, and "
                  "under Section 15 a shortage at one of Tallis\u2019s own sub-suppliers is not force majeure "
                  "unless it is market-wide. Corvane is not aware of any market-wide shortage of nitrile seals "
                  "in the relevant period."),
            ("p", "The late deliveries had consequences beyond the Purchase Orders themselves. Corvane had "
                  "scheduled the assembly of mooring winch systems for Van Houten Havenbedrijf B.V., the "
                  "operator of a container terminal in the Port of Rotterdam, around the February 9 delivery "
                  "date. The six-week delay compressed Corvane\u2019s assembly and testing schedule, as "
                  "explained in the next section."),
        ],
        # ---- page 3: nonconforming lot, seal change, Rotterdam
        [
            ("h", "2. Nonconforming Lot 24-0117 and the Unapproved Seal Change"),
            ("p", "The delivery of March 22, 2024 included 312 units from Lot 24-0117. They were accompanied by "
                  "a certificate of conformity dated March 14, 2024 stating that the sampled units had passed "
                  "the hydrostatic test at the rated working pressure of 3,000 psi."),
            ("p", "To limit the damage caused by the late delivery, Corvane installed 96 units from Lot 24-0117 "
                  "directly into winch systems for Van Houten, which were shipped to Rotterdam on March 27, "
                  "2024. Corvane\u2019s incoming inspection of the remaining units proceeded in parallel. In that "
                  "inspection 17 of the 40 units sampled leaked at pressures as low as 2,400 psi, far below the "
                  "rated working pressure and far above the two percent rejection criterion in Schedule A."),
            ("p", "Corvane notified Tallis of the failures by e-mail on April 3, 2024 and by a written notice of "
                  "rejection delivered by courier and received by Tallis on April 5, 2024, within ten Business "
                  "Days after delivery. Corvane rejected the entire Lot under Section 7.2. Tallis has not "
                  "collected the rejected units, has not replaced them and has not refunded their price."),
            ("p", "Corvane\u2019s engineers dismantled a sample of the failed units. The seals in those units were "
                  "not made by Ashby Seal Technologies, the source named in Schedule A, but by Marlowe "
                  "Elastomers, a manufacturer Corvane had never approved. Tallis\u2019s account manager later "
                  "confirmed in writing that Tallis switched to Marlowe seals for Lots produced from January "
                  "2024. Tallis gave no notice of that change and submitted no first-article samples, in breach "
                  "of Section 7.5. Under that Section the Products are nonconforming for this reason alone."),
            ("p", "In May 2024 the units installed in Rotterdam began to leak in service. Two of Van Houten\u2019s "
                  "mooring winches were out of service for eleven days while Corvane replaced all 96 units at its "
                  "own cost of $96,400 in technician time and expedited air freight. Under its contract with Van "
                  "Houten, Corvane was required to pay, and on May 31, 2024 paid, availability penalties of "
                  "\u20ac184,000 for the downtime. These losses are the direct and foreseeable result of the "
                  "defects in Lot 24-0117, and Corvane is entitled to recover them. Corvane\u2019s recovery is "
                  "in any event well within the limit in Section 9.2, and Tallis\u2019s conduct in shipping "
                  "unapproved seals with a certificate of conformity engages Section 9.3(c)."),
        ],
        # ---- page 4: demand, deadline, preservation, signature
        [
            ("h", "3. Demand"),
            ("p", "Corvane demands that Tallis pay the following amounts by wire transfer to the client account "
                  "of this firm:"),
            ("table", [
                ["Item", "Amount (USD)"],
                ["Late-delivery credits under Section 6.4 (CMS-4471 and CMS-4488)", "$112,896"],
                ["Refund for rejected Lot 24-0117 (312 units at $448.00)", "$139,776"],
                ["Removal, replacement and freight for the 96 installed units (Section 8.3)", "$96,400"],
                ["Van Houten availability penalties (\u20ac184,000 at 1.0800 USD per EUR)", "$198,720"],
                ["**Total**", "**$547,792**"],
            ]),
            ("p", "Payment of the total of $547,792 must be received no later than 5:00 p.m. Eastern Time on "
                  "July 19, 2024. By the same date Corvane requires (a) a written corrective action plan for the "
                  "failures in Lot 24-0117, (b) written confirmation that all Products delivered in future will "
                  "use seals from Ashby Seal Technologies unless Corvane approves another source under Section "
                  "7.5, and (c) the collection of the rejected units from Corvane\u2019s Portsmouth plant."),
            ("p", "If Tallis does not cure these breaches within the thirty-day period in Section 11.1, Corvane "
                  "intends to terminate the Agreement and to commence proceedings in the courts of New Castle "
                  "County, Delaware under Section 13.3, without further notice, seeking the amounts above, "
                  "interest, and all other relief available to it."),
            ("p", "**Preservation of evidence.** Litigation concerning these matters is reasonably anticipated. "
                  "Tallis must preserve all documents and electronically stored information relating to the "
                  "Agreement, Purchase Orders CMS-4471 and CMS-4488, Lot 24-0117 and Tallis\u2019s purchases of "
                  "seals from Marlowe Elastomers and Ashby Seal Technologies, including test records, "
                  "calibration records for test equipment, production logs, e-mail and text messages. Please "
                  "suspend any routine deletion that might affect that material."),
            ("p", "Nothing in this letter waives or limits any right or remedy of Corvane, all of which are "
                  "expressly reserved. I look forward to hearing from Tallis or its counsel."),
            ("lines", ["Very truly yours,", "", "/s/ Elena Varga", "Elena Varga",
                       "Pryor Danvers & Whitcombe LLP"]),
            ("lines", ["cc: Ren\u00e9e Castellanos, General Counsel, Corvane Marine Systems LLC",
                       "     Zo\u00eb Achterberg, Vice President, Procurement, Corvane Marine Systems LLC"]),
        ],
    ],
}

DOCUMENTS = [SUPPLY_AGREEMENT, AMENDMENT_1, DEMAND_LETTER]


def words_per_page(doc_def):
    counts = []
    for page in doc_def["pages"]:
        text = []
        for kind, payload in page:
            if kind in ("title", "subtitle", "h", "p"):
                text.append(payload)
            elif kind == "lines":
                text.extend(payload)
            elif kind == "letterhead":
                text.extend(payload)
            elif kind == "table":
                text.extend(c for row in payload for c in row)
            elif kind == "sig":
                text.extend(payload[0] + payload[1])
        counts.append(len(" ".join(text).split()))
    return counts


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for d in DOCUMENTS:
        path, n = write_pdf(d)
        print("%-22s %d pages, words per page: %s" % (
            os.path.basename(path), n, ", ".join(str(c) for c in words_per_page(d))))


if __name__ == "__main__":
    main()
