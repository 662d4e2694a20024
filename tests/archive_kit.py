"""A small fictional archive of PDF editions, for end-to-end tests of duplicates, recurring
boilerplate and several publications (issue 18).

:func:`build_archive` writes, into a folder:

* two fictional publications: the *Northshire Community Safety Partnership Newsletter* (four
  editions, 2016-2019) and the *Harbourside Licensing Update* (three editions, 2017-2019), each
  edition 3-4 pages and 5-7 articles, rendered from a manuscript (``tools.manuscript``) by the
  project's own renderers, a different producer for each edition of a publication: reportlab
  in one and two columns, two of the zoo's Word-like layouts, and fpdf2 (see ``Producer``);
* boilerplate that recurs nearly word for word in every edition of a publication: a contact
  article (its phone number and one contact's name change each edition) that names a helpline
  and Crimestoppers, a "For more information contact ..." paragraph closing several articles
  (its email changes), and a disclaimer closing the last article (laid out, so reflowed, by
  another producer each time);
* a story reprinted word for word in exactly two editions (content, not boilerplate);
* ``editions.toml``, the manifest of the editions (and of the publications);
* with ``copies``: a byte-identical copy of one edition (``downloads/newsletter (1).pdf``) and
  a copy of another re-saved by pikepdf (other bytes, same text), neither in the manifest.

Every edition's file name starts with its date, so each sorts before its copies: the pipeline
indexes the first file (in path order) of a set of copies and reports the others as duplicates.

Output is deterministic (the same bytes on every run) and nothing is written outside the folder.
Every manuscript says that it is fictional (its ``//`` header and its cover's tagline).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pikepdf

from tools.manuscript import ManuscriptPage, TruthArticle, manuscript_articles, parse_manuscript
from tools.manuscript import plain_text as _plain
from tools.render_fpdf import render_fpdf
from tools.render_reportlab import render_reportlab
from tools.zoo.common import Cover
from tools.zoo.word import LAYOUTS as WORD_LAYOUTS

__all__ = [
    "BOILERPLATE_ENTITY",
    "BOILERPLATE_WORD",
    "HARBOURSIDE",
    "NORTHSHIRE",
    "REPRINT_WORD",
    "Archive",
    "Boilerplate",
    "Copy",
    "EditionPdf",
    "Publication",
    "build_archive",
]

NORTHSHIRE = "Northshire Community Safety Partnership Newsletter"
HARBOURSIDE = "Harbourside Licensing Update"
# A word found only in boilerplate paragraphs (both publications' disclaimers), in every edition.
BOILERPLATE_WORD = "indemnify"
# An entity the gazetteer knows, named only by boilerplate (every contact article), never by
# a story: (type, id, label).
BOILERPLATE_ENTITY = ("agency", "crimestoppers", "Crimestoppers")
# A word of the reprinted story only: in exactly two editions, one article each.
REPRINT_WORD = "Wrenfield"

BoilerplateKind = Literal["contact", "more-info", "disclaimer"]
Producer = Literal[
    "reportlab-1col",
    "reportlab-2col",
    "reportlab-2col-9pt",
    "word-bookmarks",
    "word-heading-2pt-2col",
    "fpdf-2col",
]


# --- what the archive holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """A fictional publication of the archive, as its ``[[publication]]`` table describes it."""

    name: str
    id: str
    masthead: str
    tagline: str
    publisher: str
    boilerplate_word: str  # in its boilerplate only (contact article and "more information")
    place: str  # what its manuscripts' fiction notice says is invented


@dataclass(frozen=True)
class Boilerplate:
    """One boilerplate paragraph of an edition, as its truth article has it (plain text)."""

    kind: BoilerplateKind
    article: str  # the title of the article it is in
    text: str


@dataclass(frozen=True)
class EditionPdf:
    """One edition written: its file, its manuscript and what a perfect split of it returns."""

    key: str  # "northshire-12"
    publication: str  # the publication's name
    number: int
    date: str  # YYYY-MM
    edition_line: str  # the cover's statement of the edition
    file: str  # relative to the archive folder
    producer: Producer
    manuscript: str
    articles: tuple[TruthArticle, ...]
    boilerplate: tuple[Boilerplate, ...]
    unique_word: str  # in this edition's text only, in one article (a story)
    unique_title: str  # the title of that article

    @property
    def pages(self) -> tuple[ManuscriptPage, ...]:
        return parse_manuscript(self.manuscript)


@dataclass(frozen=True)
class Copy:
    """A file that copies an edition: the same bytes, or the same text in other bytes."""

    file: str
    of: str  # the edition's file
    same: Literal["bytes", "text"]


@dataclass(frozen=True)
class Archive:
    """What :func:`build_archive` wrote into ``folder``."""

    folder: Path
    publications: tuple[Publication, ...]
    editions: tuple[EditionPdf, ...]  # by publication, then date
    copies: tuple[Copy, ...]
    manifest: Path
    reprint_title: str
    reprint_editions: tuple[str, str]  # the keys of the two editions that carry it

    def path(self, file: str) -> Path:
        return self.folder / file

    def edition(self, key: str) -> EditionPdf:
        return next(e for e in self.editions if e.key == key)

    def editions_of(self, publication: str) -> tuple[EditionPdf, ...]:
        return tuple(e for e in self.editions if e.publication == publication)

    def publication(self, name: str) -> Publication:
        return next(p for p in self.publications if p.name == name)

    @property
    def files(self) -> tuple[str, ...]:
        """Every PDF written, editions and copies, sorted."""
        return tuple(sorted([e.file for e in self.editions] + [c.file for c in self.copies]))

    @property
    def article_count(self) -> int:
        """The articles of the distinct editions (copies add none)."""
        return sum(len(e.articles) for e in self.editions)


# --- the publications -------------------------------------------------------------------------

_PUBLICATIONS = (
    Publication(
        name=NORTHSHIRE,
        id="northshire-csp-newsletter",
        masthead="NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP NEWSLETTER",
        tagline="Safer streets, safer villages (fictional edition for testing)",
        publisher="Northshire Community Safety Partnership (fictional)",
        boilerplate_word="Ombudsline",
        place="Northshire, its towns, organisations and people are",
    ),
    Publication(
        name=HARBOURSIDE,
        id="harbourside-licensing-update",
        masthead="HARBOURSIDE LICENSING UPDATE",
        tagline="News for licence holders and traders (fictional edition for testing)",
        publisher="Harbourside Borough Council (fictional)",
        boilerplate_word="Harbourline",
        place="Harbourside, its council, businesses and people are",
    ),
)
_LICENCE = "CC0 1.0 (fictional test data)"


def _more_info(publication: str, mailbox: str) -> str:
    if publication == NORTHSHIRE:
        return (
            f"For more information contact the partnership team at {mailbox}@northshire.example "
            "or ring the Ombudsline on 01632 960 200, Monday to Friday between 9am and 5pm."
        )
    return (
        f"For more information contact the licensing team at {mailbox}@harbourside.example "
        "or call the Harbourline on 01632 960 500, quoting your licence or application number."
    )


def _disclaimer(publication: str) -> str:
    if publication == NORTHSHIRE:
        return (
            "Disclaimer: the views expressed in this newsletter are those of the contributors "
            "and not necessarily those of the Northshire Community Safety Partnership or its "
            "member organisations. While every care is taken to ensure that the information is "
            f"accurate, the partnership cannot {BOILERPLATE_WORD} readers against any loss "
            "arising from reliance on it, and links to other websites are given for convenience "
            "only."
        )
    return (
        "This update is general guidance for licence holders and is not legal advice. "
        "Harbourside Borough Council accepts no liability for action taken on the strength of "
        f"it and will not {BOILERPLATE_WORD} any licence holder against the consequences; always "
        "read the conditions of your own licence, and take advice where you are unsure."
    )


def _contact(publication: str, phone: str, manager: str) -> _Article:
    """The contact article: the same every edition but for the phone number and one name."""
    if publication == NORTHSHIRE:
        return _Article(
            "Contact us",
            (
                "The Northshire Community Safety Partnership brings together the district "
                "councils, Northshire Constabulary, the fire and rescue service, probation and "
                "health partners. The partnership team is based at the Civic Offices, Mill Lane, "
                f"Kessington, and can be reached on 01632 960 {phone} or through the Ombudsline, "
                "our free and confidential advice line.",
                f"Partnership manager: {manager}, csp@northshire.example\n"
                "Community safety officer: Ravi Desai, safety@northshire.example\n"
                "Anti-social behaviour caseworker: Joanne Pike, asb@northshire.example\n"
                "Rural crime coordinator: PC Daniel Okafor, ruralcrime@northshire.example",
                "You can also give information about crime anonymously to Crimestoppers on "
                "0800 555 111, or online through their website. In an emergency always dial 999.",
            ),
            contact=True,
        )
    return _Article(
        "Licensing team contacts",
        (
            "The licensing and trading standards service is at the Harbour Offices, Quay Street, "
            "Harbourside. The public counter is open from 9am to 4pm on weekdays, and the "
            "Harbourline, our advice line for licence holders and traders, answers on "
            f"01632 960 {phone}.",
            f"Licensing manager: {manager}, licensing@harbourside.example\n"
            "Taxi and private hire: Gareth Lloyd, taxis@harbourside.example\n"
            "Street trading and markets: Amina Rahman, markets@harbourside.example\n"
            "Trading standards: Peter Quinlan, standards@harbourside.example",
            "Information about crime in the night-time economy can be given anonymously to "
            "Crimestoppers on 0800 555 111, or reported to the police on 101.",
        ),
        contact=True,
    )


# --- the stories ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Article:
    title: str
    paragraphs: tuple[str, ...]  # a paragraph of "- " lines is a bullet list
    more_info: str | None = None  # the mailbox of its closing "For more information" paragraph
    contact: bool = False  # the contact article (all boilerplate)


_REPRINT = _Article(
    "Modern slavery: spot the signs",
    (
        "Modern slavery is closer to home than most people think. Last year partners in "
        "Northshire identified 23 potential victims, including men working without pay at a hand "
        f"car wash on the {REPRINT_WORD} road and young women controlled by a gang that ran "
        "cannabis farms in rented houses.",
        "Victims rarely ask for help. They may not speak English, may have had their passports "
        "taken and are often told that the police will deport them. Look out for people who:",
        "- seem to be under the control of someone else and are never alone\n"
        "- are collected and dropped off in groups early in the morning and late at night\n"
        "- wear the same clothes every day, or clothes unsuitable for their work\n"
        "- live in overcrowded accommodation above or behind their workplace",
        "If you have concerns, call the Modern Slavery Helpline on 08000 121 700, or the police "
        "on 101. Nobody should have to work in fear.",
    ),
)


@dataclass(frozen=True)
class _Spec:
    """One edition to write: its cover, producer, what changes in its boilerplate, its pages
    (a banner, or None, and the articles on the page; "contact" is the contact article)."""

    publication: str
    number: int
    date: str
    edition_line: str
    producer: Producer
    phone: str
    manager: str
    unique_word: str
    pages: tuple[tuple[str | None, tuple[_Article | Literal["contact"], ...]], ...]


_NORTHSHIRE_EDITIONS = (
    _Spec(
        NORTHSHIRE,
        12,
        "2016-11",
        "Issue 12 | November 2016",
        "reportlab-2col",
        "214",
        "Helen Marsh",
        "Brackenholt",
        (
            (
                None,
                (
                    _Article(
                        "Welcome from the Chair",
                        (
                            "Welcome to the autumn newsletter. Since the summer the partnership "
                            "has agreed a new three-year plan, and for the first time it puts the "
                            "exploitation of children and vulnerable adults at the top of the "
                            "list, alongside the fly-tipping and doorstep crime that residents "
                            "tell us about at every meeting.",
                            "Inside you will find news of our county lines work in Kessington, "
                            "the latest figures on dumped waste and a reminder about keeping "
                            "your email accounts safe. Thank you to every volunteer who has "
                            "helped this year. Councillor Margaret Ellery, Chair.",
                        ),
                    ),
                    _Article(
                        "County lines: joint visits in Kessington",
                        (
                            "Police officers, housing staff and youth workers have made 46 joint "
                            "visits to flats on the Brackenholt estate since July, after "
                            "intelligence suggested that a drug dealing line from outside the "
                            "county was using the homes of vulnerable tenants to store and sell "
                            "drugs, a practice known as cuckooing.",
                            "Four tenants have been helped to move, two closure orders have been "
                            "granted by magistrates and eleven young people have been referred "
                            "to the partnership's exploitation panel. Detective Inspector Laura "
                            "Finch said the priority was to treat the young people as victims "
                            "first: “Children running drugs for these networks are being groomed "
                            "and threatened. We want them safe, not criminalised.”",
                            "Signs that a young person may be involved include unexplained cash "
                            "or new phones, going missing from home or school, and travelling to "
                            "towns they have no reason to visit.",
                        ),
                        more_info="countylines",
                    ),
                ),
            ),
            (
                "PARTNERSHIP NEWS",
                (
                    _Article(
                        "Fly-tipping: lanes cleared around Aldbury Fen",
                        (
                            "District council crews removed 212 tonnes of dumped waste from lanes "
                            "and field gateways around Aldbury Fen between April and September, "
                            "most of it household rubbish, tyres and builders' rubble. The cost "
                            "of clearance, more than £96,000, falls on every council tax payer.",
                            "Enforcement officers have fitted covert cameras at nine hotspots and "
                            "stopped 31 vans in roadside checks with the Constabulary and the "
                            "Environment Agency. Three people have been prosecuted so far, and "
                            "one van has been crushed.",
                            "Householders have a duty of care: if you pay someone to take your "
                            "waste away, check that they hold a waste carrier licence and ask "
                            "where it is going.",
                        ),
                        more_info="envirocrime",
                    ),
                    _Article(
                        "Bank staff trained to spot doorstep fraud",
                        (
                            "More than 120 cashiers at banks, building societies and post offices "
                            "across the district have now completed the Banking Protocol training "
                            "run by Trading Standards and the Constabulary. When a customer, "
                            "often elderly, asks to withdraw an unusually large sum in cash, "
                            "staff are trained to ask discreet questions and, if they suspect a "
                            "scam, to call the police.",
                            "Since May, staff have stopped 17 withdrawals worth more than £84,000 "
                            "in total. In one case a Hollowmere pensioner was about to hand "
                            "£9,000 to a caller who claimed to be from her bank's fraud "
                            "department.",
                        ),
                    ),
                ),
            ),
            (
                "STAYING SAFE ONLINE",
                (
                    _Article(
                        "Cyber crime: is your email account safe?",
                        (
                            "Criminals who take over an email account can reset the passwords "
                            "for banking, shopping and social media, and send convincing "
                            "messages to everyone in the address book. The Constabulary's cyber "
                            "protect officer, Sam Whitlock, has given talks to 38 community "
                            "groups this year on how to stop them.",
                            "- Use a separate, strong password for your email account\n"
                            "- Turn on two-step verification wherever it is offered\n"
                            "- Install updates on phones and computers as soon as they appear",
                            "Anyone who has lost money to online fraud should report it to Action "
                            "Fraud, the national reporting centre, which passes cases to the "
                            "right police force.",
                        ),
                        more_info="cyber",
                    ),
                ),
            ),
            (
                "CONTACT",
                (
                    "contact",
                    _Article(
                        "Dates for your diary",
                        (
                            "The partnership holds public meetings three times a year. Everyone "
                            "is welcome, and there is time at every meeting for questions from "
                            "residents.",
                            "- 7 December: public meeting at Hollowmere Library, 7pm\n"
                            "- 18 January: rural crime surgery at Aldbury Fen village hall\n"
                            "- 15 March: partnership conference at Kessington Town Hall",
                        ),
                    ),
                ),
            ),
        ),
    ),
    _Spec(
        NORTHSHIRE,
        15,
        "2017-10",
        "Issue 15 | October 2017",
        "word-bookmarks",
        "227",
        "Colin Fairweather",
        "Quillerton",
        (
            (
                None,
                (
                    _Article(
                        "Welcome",
                        (
                            "This is our first newsletter since the partnership moved into its "
                            "new offices, and it comes at a time of real change. Neighbourhood "
                            "policing teams have been redrawn, two of our district councils now "
                            "share a single community safety service, and the partnership has "
                            "taken on new duties under the Modern Slavery Act.",
                            "In this issue you will also read about thefts from farms, the new "
                            "hate crime reporting centres and the volunteers who walk our town "
                            "centres on Friday nights.",
                        ),
                    ),
                    _REPRINT,
                ),
            ),
            (
                "RURAL CRIME",
                (
                    _Article(
                        "Farm thefts: quad bikes recovered at Quillerton",
                        (
                            "Two quad bikes and a livestock trailer stolen from farms near "
                            "Hollowmere were recovered within hours at a yard in Quillerton after "
                            "members of the Farm Watch messaging service reported a suspicious "
                            "pick-up truck. Two men have been charged with handling stolen goods.",
                            "Thefts from farms fell by 14 per cent in the year to August, but the "
                            "value of what is stolen keeps rising: a modern tractor's GPS unit "
                            "can be worth more than £8,000. The rural crime team is offering free "
                            "security marking of machinery at livestock markets this winter.",
                        ),
                        more_info="ruralcrime",
                    ),
                    _Article(
                        "Hate crime: new third-party reporting centres",
                        (
                            "People who do not want to go to a police station can now report "
                            "hate crime at eight third-party reporting centres, including "
                            "Kessington library, two mosques, a youth centre and the offices of "
                            "Northshire Disability Forum. Staff have been trained to take a "
                            "report and pass it to the Constabulary, with the victim's consent.",
                            "Reports of hate crime rose by a third last year. Police say this "
                            "reflects greater confidence in reporting rather than a rise in "
                            "offences, but much still goes unreported, especially abuse aimed at "
                            "disabled people.",
                        ),
                        more_info="hatecrime",
                    ),
                ),
            ),
            (
                "IN THE COMMUNITY",
                (
                    _Article(
                        "Street pastors celebrate five years",
                        (
                            "The Kessington street pastors, volunteers from local churches who "
                            "patrol the town centre on Friday and Saturday nights, marked their "
                            "fifth anniversary in September. They hand out water and flip-flops, "
                            "help people who have had too much to drink get home, and call an "
                            "ambulance when it is needed.",
                            "Door supervisors and licensees say the pastors have a calming effect "
                            "on the late-night crowds. Recorded violence in the town centre at "
                            "weekends has fallen by a fifth since they began.",
                        ),
                    ),
                    "contact",
                    _Article(
                        "Residents' walkabout in Hollowmere",
                        (
                            "Residents joined councillors, police officers and housing staff for "
                            "an evening walkabout in Hollowmere in August to point out broken "
                            "street lights, overgrown alleyways and empty buildings that attract "
                            "anti-social behaviour. Fourteen repairs have been made since, and "
                            "the council has boarded up two derelict garages.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    _Spec(
        NORTHSHIRE,
        18,
        "2018-09",
        "Issue 18 | September 2018",
        "reportlab-1col",
        "231",
        "Simon Achebe",
        "Stavemoor",
        (
            (
                None,
                (
                    _Article(
                        "Welcome to the September newsletter",
                        (
                            "The summer brought long evenings, busy parks and, sadly, a rise in "
                            "complaints about motorbikes and anti-social behaviour, which the "
                            "neighbourhood teams have tackled with extra patrols.",
                            "Because our guide to the signs of modern slavery, first printed last "
                            "autumn, is still the page readers ask about most, we have printed it "
                            "again in full. There is also news of closure orders, a warning about "
                            "scam mail and the results of the knife amnesty.",
                        ),
                    ),
                    _Article(
                        "Cuckooing: closure orders granted in Stavemoor",
                        (
                            "Magistrates have granted closure orders on three flats in Stavemoor "
                            "after police found that drug dealers had taken over the homes of "
                            "vulnerable tenants. One tenant, a man with learning disabilities, "
                            "had been made to sleep on his own kitchen floor while the flat was "
                            "used to sell heroin and crack cocaine.",
                            "The orders ban anyone but the tenant from entering the flats for "
                            "three months. Housing officers are helping the tenants to change "
                            "their locks and have arranged support from adult social care.",
                        ),
                        more_info="countylines",
                    ),
                ),
            ),
            ("KEEPING SAFE", (_REPRINT,)),
            (
                "SCAMS",
                (
                    _Article(
                        "Scam mail: Trading Standards warning",
                        (
                            "Trading Standards officers are visiting more than 200 residents "
                            "whose names were found on a list seized from a scam mailing gang. "
                            "The list, sold between criminals, names people who have replied to "
                            "fake lottery and prize draw letters in the past.",
                            "Victims of scam mail often send small sums again and again, and some "
                            "lose their life savings. Officers ask families and neighbours to "
                            "look out for piles of unopened letters, cheques made out to unknown "
                            "companies and a new reluctance to talk about money.",
                        ),
                        more_info="scams",
                    ),
                    "contact",
                ),
            ),
            (
                "COMMUNITY NEWS",
                (
                    _Article(
                        "Knife amnesty: 340 blades handed in",
                        (
                            "A two-week knife amnesty in June saw 340 knives and other blades "
                            "left in surrender bins at police stations in Kessington and "
                            "Hollowmere, among them machetes, a sword and a large number of "
                            "kitchen knives. The weapons will be destroyed.",
                            "The amnesty was part of a national week of action. Officers also "
                            "visited 19 shops to check that they refuse to sell knives to "
                            "under-18s; two failed a test purchase and have been given advice.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    _Spec(
        NORTHSHIRE,
        21,
        "2019-07",
        "Issue 21 | July 2019",
        "fpdf-2col",
        "248",
        "Nadia Kowalski",
        "Oxhurst",
        (
            (
                None,
                (
                    _Article(
                        "A farewell from the Chair",
                        (
                            "Welcome to the summer edition. This is my last newsletter as chair: "
                            "after six years I am handing over to Councillor Priya Nandra, who "
                            "has led the partnership's work on domestic abuse and will bring "
                            "fresh energy to the role.",
                            "It has been a privilege to see partners working side by side, from "
                            "the district councils and the Constabulary to the voluntary groups "
                            "that keep our villages connected. Thank you all.",
                        ),
                    ),
                    _Article(
                        "Fly-tipper ordered to pay £6,400",
                        (
                            "A man from Oxhurst has been ordered to pay £6,400 in fines and costs "
                            "after dumping builders' waste in a lay-by on four occasions. He was "
                            "traced when enforcement officers found invoices bearing his "
                            "company's name among the rubble, and covert cameras recorded his van "
                            "at the site.",
                            "The council has prosecuted 22 fly-tippers in the past year, more "
                            "than in the previous three years put together. Householders who "
                            "hand their waste to unlicensed carriers can also be fined.",
                        ),
                        more_info="envirocrime",
                    ),
                ),
            ),
            (
                "FRAUD AND YOUTH",
                (
                    _Article(
                        "Romance fraud: a warning for online daters",
                        (
                            "Romance fraudsters spend weeks or months building a relationship "
                            "online before asking for money, usually for a medical emergency, a "
                            "business problem or a ticket to come and visit. Victims in "
                            "Northshire lost more than £310,000 to romance fraud last year, and "
                            "many were too embarrassed to tell anyone.",
                            "Never send money to someone you have not met in person, and be wary "
                            "of anyone who asks you to keep the relationship secret. Report it to "
                            "Action Fraud if you think you have been targeted.",
                        ),
                        more_info="fraud",
                    ),
                    _Article(
                        "Second Chances diversion scheme",
                        (
                            "Forty young people have now completed Second Chances, the "
                            "partnership's diversion scheme for under-18s caught for the first "
                            "time with cannabis or involved in minor violence. Instead of a "
                            "criminal record they attend workshops on drugs, consent and knife "
                            "crime and meet a mentor every week for three months.",
                            "Only four of the forty have been in trouble with the police since. "
                            "The scheme has been extended for two more years with money from the "
                            "police and crime commissioner.",
                        ),
                    ),
                ),
            ),
            (
                "CONTACT",
                (
                    "contact",
                    _Article(
                        "Summer events",
                        (
                            "Partnership staff will be at the Kessington Show on 3 August and the "
                            "Hollowmere carnival on 17 August with crime prevention advice, free "
                            "bike marking and a chance to meet the rural crime team's new drone.",
                        ),
                    ),
                ),
            ),
        ),
    ),
)

_HARBOURSIDE_EDITIONS = (
    _Spec(
        HARBOURSIDE,
        4,
        "2017-03",
        "Fourth edition, March 2017",
        "word-heading-2pt-2col",
        "512",
        "Dominic Carver",
        "Ketterwick",
        (
            (
                None,
                (
                    _Article(
                        "Introduction",
                        (
                            "This update goes to every premises licence holder, taxi driver, "
                            "street trader and scrap metal dealer in the borough. In this edition "
                            "we report on the consultation about a late-night levy, new "
                            "safeguarding training for taxi drivers and a haul of counterfeit "
                            "goods found at the ferry terminal.",
                        ),
                    ),
                    _Article(
                        "Late-night levy: have your say",
                        (
                            "The council is consulting on whether to introduce a late-night levy, "
                            "a charge on premises licensed to sell alcohol between midnight and "
                            "6am. The money raised would pay for extra policing and street "
                            "cleaning in the harbour area at weekends.",
                            "Around 60 premises would pay the levy, at between £299 and £4,440 a "
                            "year depending on their rateable value. Members of the town's "
                            "Pubwatch have asked for discounts for premises in the Best Bar None "
                            "scheme. The consultation closes on 30 April.",
                        ),
                        more_info="levy",
                    ),
                ),
            ),
            (
                "TAXIS AND PRIVATE HIRE",
                (
                    _Article(
                        "Safeguarding training for taxi drivers",
                        (
                            "From 1 June every licensed taxi and private hire driver must "
                            "complete a half-day course on safeguarding and child sexual "
                            "exploitation before their licence can be renewed. The course, run "
                            "with the police and children's services, teaches drivers how to "
                            "recognise a passenger at risk and who to call.",
                            "Drivers from the Ketterwick rank who took part in a pilot said the "
                            "course changed how they see late-night fares. One described picking "
                            "up two young girls with much older men and, having done the "
                            "training, reporting the registration of the car that met them.",
                        ),
                        more_info="taxis",
                    ),
                ),
            ),
            (
                "TRADING STANDARDS",
                (
                    _Article(
                        "Counterfeit goods seized at the ferry terminal",
                        (
                            "Trading standards officers and Border Force staff have seized more "
                            "than 4,000 counterfeit items from vehicles arriving at the ferry "
                            "terminal, including fake perfume, phone chargers that failed safety "
                            "tests and football shirts. Two market traders have been cautioned.",
                            "Counterfeit electrical goods are a fire risk, and the profits often "
                            "fund other crime. Traders who buy stock from unknown suppliers risk "
                            "losing it, and their street trading consent.",
                        ),
                    ),
                    "contact",
                ),
            ),
            (
                "LICENSING",
                (
                    _Article(
                        "Test purchasing results",
                        (
                            "Volunteers aged 15 and 16 tried to buy alcohol at 28 shops and bars "
                            "in the borough in January under the supervision of licensing "
                            "officers. Four sold to them, compared with nine a year earlier, and "
                            "each has been given a warning and a training visit.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    _Spec(
        HARBOURSIDE,
        5,
        "2018-03",
        "Fifth edition, March 2018",
        "reportlab-2col-9pt",
        "519",
        "Lucy Penhallow",
        "Gullhaven",
        (
            (
                None,
                (
                    _Article(
                        "Introduction",
                        (
                            "Welcome to a busy edition. The licensing committee has approved a "
                            "cumulative impact policy for the quay, the scales on the fish market "
                            "have all been tested, and we have joined police and labour "
                            "inspectors on visits to nail bars.",
                        ),
                    ),
                    _Article(
                        "Nail bars: checks for exploitation",
                        (
                            "Licensing and trading standards officers joined the police and the "
                            "Gangmasters and Labour Abuse Authority on visits to nine nail bars "
                            "in January. At two premises workers were living on site, had no "
                            "contracts and were paid far less than the minimum wage; three women "
                            "were referred to support services as potential victims of modern "
                            "slavery.",
                            "Businesses that exploit workers also tend to cut corners on hygiene "
                            "and safety. Officers found unlabelled chemicals and blocked fire "
                            "exits, and one business has been closed.",
                        ),
                        more_info="standards",
                    ),
                ),
            ),
            (
                "MARKETS",
                (
                    _Article(
                        "Gullhaven fish market: scales tested",
                        (
                            "All 41 sets of scales at the Gullhaven fish market have been tested "
                            "by weights and measures inspectors, after complaints from customers "
                            "who said that boxes of mixed fish were lighter than the weight "
                            "chalked on the board. Six sets were inaccurate and have been taken "
                            "out of use until they are repaired.",
                            "Short weight is an offence, whether deliberate or not. Traders are "
                            "reminded that scales used for trade must be approved and stamped, "
                            "and that the weight sold must be shown to customers.",
                        ),
                        more_info="markets",
                    ),
                    _Article(
                        "Card skimming warning for quayside businesses",
                        (
                            "Police are warning cafés and bars on the quay after skimming devices "
                            "were found fitted to two card machines. Criminals copy the details "
                            "of every card used and sell them online, and the business can be "
                            "held responsible for the losses.",
                            "Check card machines at the start of every shift, keep them where "
                            "staff can see them and never let a stranger service one without "
                            "checking with your provider. Report any attempt to Action Fraud and "
                            "to the police on 101.",
                        ),
                    ),
                ),
            ),
            (
                "CONTACTS",
                (
                    "contact",
                    _Article(
                        "Street trading consents renewed",
                        (
                            "Street trading consents for 2018 have been issued to 46 traders, "
                            "including eleven new food stalls on the promenade. Traders must "
                            "display their consent at all times and keep their pitch within the "
                            "marked bay; enforcement officers will check over the Easter weekend.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    _Spec(
        HARBOURSIDE,
        6,
        "2019-02",
        "Sixth edition, February 2019",
        "fpdf-2col",
        "526",
        "Marcus Adeyemi",
        "Pennock",
        (
            (
                None,
                (
                    _Article(
                        "Introduction",
                        (
                            "In this edition we look at how drug dealing networks use licensed "
                            "premises and taxis, the results of a winter operation against "
                            "illicit tobacco, and the new rules for scrap metal dealers. Thank you "
                            "to everyone who replied to last year's survey of licence holders.",
                        ),
                    ),
                    _Article(
                        "County lines and the night-time economy",
                        (
                            "Police have briefed door supervisors, bar staff and taxi drivers on "
                            "the signs that a county line is operating from or through licensed "
                            "premises. Dealers from outside the borough have been using a "
                            "late-night takeaway on Pennock Street as a meeting point, and young "
                            "people have been sent to the harbour by train to deliver drugs.",
                            "Staff are asked to watch for young people who arrive with much older "
                            "adults, pay in cash for taxis to other towns or seem frightened of "
                            "the people they are with. Licence holders who knowingly allow "
                            "dealing risk a review of their licence.",
                        ),
                        more_info="nightlife",
                    ),
                ),
            ),
            (
                "TRADING STANDARDS",
                (
                    _Article(
                        "Illicit tobacco: 90,000 cigarettes seized",
                        (
                            "A joint operation by trading standards officers and HMRC has seized "
                            "more than 90,000 illicit cigarettes and 40 kilograms of hand-rolling "
                            "tobacco from shops and storage units in the borough. A sniffer dog "
                            "found packs hidden behind false walls and under floorboards at three "
                            "shops.",
                            "Cheap illegal tobacco keeps smokers hooked and puts money in the "
                            "hands of organised crime groups. The council will seek to review the "
                            "alcohol licences of shops caught selling it.",
                        ),
                        more_info="tobacco",
                    ),
                ),
            ),
            (
                "LICENSING",
                (
                    "contact",
                    _Article(
                        "Scrap metal dealers: new licence conditions",
                        (
                            "From April, licensed scrap metal dealers in the borough must "
                            "photograph every seller and keep a copy of their identification, "
                            "and they may not pay in cash. Officers will visit all nine licensed "
                            "sites in the spring, and the National Crime Agency has shared "
                            "intelligence about stolen catalytic converters sold in the region.",
                        ),
                    ),
                ),
            ),
        ),
    ),
)

_SPECS = _NORTHSHIRE_EDITIONS + _HARBOURSIDE_EDITIONS
_BYTE_COPY = ("downloads/newsletter (1).pdf", "northshire-15")
_TEXT_COPY = ("shared/harbourside-update-march-2018.pdf", "harbourside-5")
_RESAVED_PRODUCER = "Bulletin Archive test kit (re-saved with pikepdf)"


# --- writing it -------------------------------------------------------------------------------


def build_archive(folder: Path, *, copies: bool = True) -> Archive:
    """Write the archive's PDFs and ``editions.toml`` into ``folder`` (made if need be) and
    describe what was written. ``copies``: also a byte copy and a re-saved copy of an edition."""
    folder.mkdir(parents=True, exist_ok=True)
    editions = tuple(_write_edition(folder, spec) for spec in _SPECS)
    manifest = folder / "editions.toml"
    manifest.write_text(_manifest(editions), encoding="utf-8")
    written: list[Copy] = []
    if copies:
        by_key = {e.key: e for e in editions}
        name, key = _BYTE_COPY
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((folder / by_key[key].file).read_bytes())
        written.append(Copy(name, by_key[key].file, "bytes"))
        name, key = _TEXT_COPY
        _resave(folder / by_key[key].file, folder / name)
        written.append(Copy(name, by_key[key].file, "text"))
    return Archive(
        folder=folder,
        publications=_PUBLICATIONS,
        editions=editions,
        copies=tuple(written),
        manifest=manifest,
        reprint_title=_REPRINT.title,
        reprint_editions=("northshire-15", "northshire-18"),
    )


def _key(spec: _Spec) -> str:
    return f"{'northshire' if spec.publication == NORTHSHIRE else 'harbourside'}-{spec.number}"


def _write_edition(folder: Path, spec: _Spec) -> EditionPdf:
    publication = next(p for p in _PUBLICATIONS if p.name == spec.publication)
    articles = _articles(spec)
    manuscript = _manuscript(spec, publication, articles)
    pages = parse_manuscript(manuscript)
    file = f"{spec.date}-{publication.id}-{spec.number:02d}.pdf"
    year, month = spec.date.split("-")
    footer = f"{publication.name} · {calendar.month_name[int(month)]} {year}"
    cover = Cover(publication.masthead, publication.tagline, spec.edition_line, footer)
    _RENDERERS[spec.producer](pages, folder / file, cover)
    truth = tuple(manuscript_articles(pages))
    unique = [a for a in articles if spec.unique_word in a.title + " ".join(a.paragraphs)]
    return EditionPdf(
        key=_key(spec),
        publication=spec.publication,
        number=spec.number,
        date=spec.date,
        edition_line=spec.edition_line,
        file=file,
        producer=spec.producer,
        manuscript=manuscript,
        articles=truth,
        boilerplate=tuple(_boilerplate(spec.publication, articles)),
        unique_word=spec.unique_word,
        unique_title=unique[0].title,
    )


def _articles(spec: _Spec) -> list[_Article]:
    """The edition's articles in order, the contact article filled in."""
    contact = _contact(spec.publication, spec.phone, spec.manager)
    return [contact if a == "contact" else a for _, page in spec.pages for a in page]


def _closing(spec: _Spec, article: _Article, last: bool) -> tuple[str, ...]:
    """The paragraphs of an article as printed: its own, then its boilerplate close."""
    closing = (_more_info(spec.publication, article.more_info),) if article.more_info else ()
    return article.paragraphs + closing + ((_disclaimer(spec.publication),) if last else ())


def _manuscript(spec: _Spec, publication: Publication, articles: list[_Article]) -> str:
    lines = [
        "// FICTIONAL EDITION. Written for software testing (the Bulletin Archive test archive,",
        f"// tests/archive_kit.py). This is not a real publication: {publication.place} invented,",
        "// and any resemblance to real places, bodies or persons is coincidental.",
        f"// cover: {spec.number} {spec.date}",
        "",
        f"@masthead {publication.masthead}",
        "",
        f"@tagline {publication.tagline}",
        "",
        f"@edition {spec.edition_line}",
        "",
    ]
    queue = iter(articles)
    for index, (banner, page) in enumerate(spec.pages):
        if index:
            lines += ["@page", f"@banner {banner}", ""] if banner else ["@page", ""]
        for article in (next(queue) for _ in page):
            lines += [f"# {article.title}", ""]
            for paragraph in _closing(spec, article, article is articles[-1]):
                lines += [paragraph, ""]
    return "\n".join(lines)


def _as_truth(paragraph: str) -> str:
    """A manuscript paragraph as its truth article has it (line breaks become spaces)."""
    return " ".join(_plain(line) for line in paragraph.split("\n"))


def _boilerplate(publication: str, articles: list[_Article]) -> list[Boilerplate]:
    found: list[Boilerplate] = []
    for article in articles:
        if article.contact:
            found += [
                Boilerplate("contact", article.title, _as_truth(p)) for p in article.paragraphs
            ]
        if article.more_info:
            text = _more_info(publication, article.more_info)
            found.append(Boilerplate("more-info", article.title, text))
    found.append(Boilerplate("disclaimer", articles[-1].title, _disclaimer(publication)))
    return found


def _resave(source: Path, target: Path) -> None:
    """A copy of ``source`` in other bytes with the same text: object streams generated, the
    document's /Producer changed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.open(source) as pdf:
        pdf.docinfo["/Producer"] = _RESAVED_PRODUCER
        pdf.save(
            target,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
        )


def _manifest(editions: Sequence[EditionPdf]) -> str:
    out = [
        "# The fictional test archive of tests/archive_kit.py: one [[edition]] per edition, one",
        "# [[publication]] per publication. The copies (downloads/, shared/) are not listed.",
    ]
    for publication in _PUBLICATIONS:
        out += [
            "",
            "[[publication]]",
            f'name = "{publication.name}"',
            f'id = "{publication.id}"',
            'attribution = "Fictional: written for software testing"',
            f'licence = "{_LICENCE}"',
            f'publisher = "{publication.publisher}"',
        ]
    for edition in editions:
        publisher = next(p.publisher for p in _PUBLICATIONS if p.name == edition.publication)
        out += [
            "",
            "[[edition]]",
            f'file = "{edition.file}"',
            f"number = {edition.number}",
            f'title = "{edition.publication}"',
            f'date = "{edition.date}"',
            f'publisher = "{publisher}"',
            f'licence = "{_LICENCE}"',
            f'publication = "{edition.publication}"',
        ]
    return "\n".join(out) + "\n"


# --- the producers ----------------------------------------------------------------------------

_Render = Callable[[Sequence[ManuscriptPage], Path, Cover], None]


def _reportlab(columns: int, body_size: float) -> _Render:
    def render(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
        render_reportlab(
            pages,
            out,
            columns=columns,
            body_size=body_size,
            edition_line=cover.edition_line,
            footer=cover.footer,
            title=cover.footer.split(" · ")[0],
        )

    return render


def _fpdf(pages: Sequence[ManuscriptPage], out: Path, cover: Cover) -> None:
    render_fpdf(pages, out, columns=2, edition_line=cover.edition_line, footer=cover.footer)


_RENDERERS: dict[Producer, _Render] = {
    "reportlab-1col": _reportlab(1, 10.0),
    "reportlab-2col": _reportlab(2, 10.0),
    "reportlab-2col-9pt": _reportlab(2, 9.0),
    "word-bookmarks": WORD_LAYOUTS["word-bookmarks"],
    "word-heading-2pt-2col": WORD_LAYOUTS["word-heading-2pt-2col"],
    "fpdf-2col": _fpdf,
}
