"""The letter that tells a child's family what the safeguarding partners decided, and why (DOMAIN.md step 4).

Written for a family in the worst weeks of their lives, often by a practitioner reading it with them. So:
plain English for a reading age of about 9 to 11 (short sentences, everyday words, no "statutory",
"regulation" or initials), the child called by their first name, the decision makers' reasons in their own
words, what happens next, that the review is about learning and not blame, that the family's views are
wanted but not required, and how to get in touch or get the letter in another format.

A letter that could not tell the family the decision, the reasons or who to contact is refused with
:class:`IncompleteLetter` rather than printed.
"""

from __future__ import annotations

from .blocks import Block, Document, Heading, Lines, Text
from .data import FamilyLetter
from .pdf import render_pdf
from .text import clean, format_date, is_blank, one_line
from .word import render_docx


class IncompleteLetter(ValueError):
    """The letter lacks something the family must be told."""


def family_letter_docx(letter: FamilyLetter) -> bytes:
    """The family letter as a Word document, for the practitioner to adjust before it is sent."""
    return render_docx(family_letter_document(letter))


def family_letter_pdf(letter: FamilyLetter) -> bytes:
    """The family letter as a tagged PDF."""
    return render_pdf(family_letter_document(letter))


def _check(letter: FamilyLetter) -> None:
    missing = [
        what
        for what, value in (
            ("the decision", letter.decision_outcome_label),
            ("the reasons for the decision", letter.rationale),
            ("who to contact", letter.contact_name),
            ("the child's first name", letter.child_first_name),
            ("who the letter is to", letter.salutation),
        )
        if is_blank(value)
    ]
    if is_blank(letter.contact_phone) and is_blank(letter.contact_email):
        missing.append("a phone number or email address")
    if missing:
        raise IncompleteLetter("the family letter cannot be written without " + ", ".join(missing))


def _salutation(letter: FamilyLetter) -> str:
    name = one_line(letter.salutation, "")
    if name.lower().startswith("dear "):
        name = name[5:].strip()
    return f"Dear {name.rstrip(',')},"


def family_letter_document(letter: FamilyLetter) -> Document:
    """The letter as a format-neutral outline (shared by the Word and PDF writers)."""
    _check(letter)
    child = one_line(letter.child_first_name)
    partnership = one_line(letter.partnership_name, "")
    address = [line.strip() for line in clean(letter.partnership_address).split("\n") if line.strip()]
    contact_lines = [f"{one_line(letter.contact_name)}, {one_line(letter.contact_role, '')}".rstrip(", ")]
    if not is_blank(letter.contact_phone):
        contact_lines.append(f"Phone: {one_line(letter.contact_phone)}")
    if not is_blank(letter.contact_email):
        contact_lines.append(f"Email: {one_line(letter.contact_email)}")

    blocks: list[Block] = [
        Lines((partnership, *address), align="right"),
        Lines(("Private and confidential", one_line(letter.addressee, ""))),
        Lines(
            (
                format_date(letter.date),
                f"Our reference: {one_line(letter.case_reference)} ({one_line(letter.child_pseudonym)})",
            )
        ),
        Heading(0, f"What we decided after looking at what happened to {child}"),
        Text(_salutation(letter)),
        Text(
            f"I am writing to tell you what we have decided after looking at what happened to {child}.\n\n"
            f"We are very sorry about what has happened to {child}. "
            "We know this is a very hard time for you and your family. "
            "You may want to read this letter with someone you trust."
        ),
        Heading(1, "What we did"),
        Text(
            "When a child dies or is badly hurt, and there are worries about abuse or neglect, "
            "we must look carefully at what happened. This is called a rapid review.\n\n"
            f"We asked the people who worked with {child} and your family what they knew and what they did. "
            "We wanted to find out if anything needs to change to keep children safe."
        ),
        Heading(1, "What we decided"),
        Text(
            "Three senior leaders make this decision together. "
            "One is from the council, one is from the police and one is from the NHS."
        ),
        Text(letter.decision_outcome_label, label="They decided"),
        Heading(1, "Why we decided this"),
        Text(letter.rationale),
        Heading(1, "What happens next"),
        Text(letter.what_happens_next, empty="We will write to you again to tell you what happens next."),
        Text("This review is about learning. It is not about blaming anyone. It is not a police investigation."),
        Heading(1, "We would like to hear from you"),
        Text(
            f"You can tell us about {child} and your family, and what you think about the help you had. "
            "What you tell us can help other children. "
            "You do not have to talk to us, and you can change your mind at any time."
        ),
        Heading(1, "How to get in touch"),
        Text("If you have any questions, or you want to talk about this letter, please contact:"),
        Lines(tuple(contact_lines)),
        Text(
            "The person who works with your family can also talk to you about this letter.\n\n"
            "If you would like this letter in another language, in large print or read out to you, "
            "please tell us."
        ),
        Text("Yours sincerely,"),
        Lines((one_line(letter.contact_name), one_line(letter.contact_role, ""), partnership)),
    ]
    reference = one_line(letter.case_reference)
    pseudonym = one_line(letter.child_pseudonym)
    return Document(
        # Metadata travels with the file: the reference and pseudonym only, never the child's or family's name.
        title=f"Letter to the family: {reference} ({pseudonym})",
        subject="Decision after the rapid review",
        author=partnership,
        created=letter.date,
        blocks=tuple(blocks),
        keywords=f"family letter; {reference}",
        body_size_pt=12,
        title_size_pt=18,
    )
