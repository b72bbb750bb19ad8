"""Forum categories, thread subjects and reply phrasing for the demo data."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    """A thread topic: a title template, an opening body template and its tags."""

    title: str
    body: str
    tags: tuple[str, ...]


GLOBAL_CATEGORIES = (
    (
        "careers-licensing",
        "Careers & Licensing",
        "PEC registration, equivalence of foreign degrees, chartership abroad and career moves.",
    ),
    (
        "research",
        "Research",
        "Collaborations between overseas researchers and universities at home: proposals, "
        "supervision, datasets and publishing.",
    ),
    (
        "startups",
        "Startups & Investment",
        "Founders, advisers and investors: fundraising, incorporation, pilots and hiring.",
    ),
    (
        "mentoring",
        "Mentoring Circle",
        "Questions from students and early-career engineers, answered by people who have been "
        "there.",
    ),
)

GLOBAL_SUBJECTS: dict[str, tuple[Subject, ...]] = {
    "careers-licensing": (
        Subject(
            "How do I keep my PEC registration active while working in {country}?",
            "I moved to {country} {years} years ago and my PEC registration lapses next year. "
            "Has anyone renewed remotely? Which CPD activities abroad were accepted?",
            ("pec-registration", "cpd", "licensing"),
        ),
        Subject(
            "Washington Accord equivalence for a {discipline} degree",
            "My {discipline} degree is from a Pakistani university accredited under the "
            "Washington Accord. The regulator in {country} still asked for a competency "
            "assessment. What did your application look like?",
            ("washington-accord", "equivalence", "licensing"),
        ),
        Subject(
            "Chartership in {country}: worth it for a {discipline} engineer?",
            "I have {years} years of experience in {sector}. Colleagues say chartership helps "
            "with promotions, others say it is a formality. What was your experience?",
            ("chartership", "career-advice"),
        ),
        Subject(
            "Switching from {sector} to {other_sector} mid-career",
            "After {years} years in {sector} I am considering a move into {other_sector}. Which "
            "skills carried over for you, and which certifications were worth the time?",
            ("career-change", "career-advice"),
        ),
    ),
    "research": (
        Subject(
            "Looking for co-supervisors on a {sector} final-year project",
            "Our department has a group of four students working on {topic}. We are looking "
            "for an overseas engineer who can join monthly reviews over video.",
            ("supervision", "final-year-project"),
        ),
        Subject(
            "Open datasets for {topic} in Pakistan",
            "Does anyone maintain or know of open datasets for {topic}? We need at least two "
            "years of measurements for a journal paper.",
            ("datasets", "open-data"),
        ),
        Subject(
            "Joint HEC proposal on {topic}: partners wanted",
            "We are preparing a joint proposal on {topic} with a deadline in {month}. We need a "
            "partner abroad with experience in {skill}.",
            ("funding", "collaboration", "hec"),
        ),
    ),
    "startups": (
        Subject(
            "Seed round for our {sector} startup: term sheet questions",
            "We received our first term sheet for our {sector} startup in {city}. It has a "
            "liquidation preference we do not fully understand. Can someone explain the risks?",
            ("fundraising", "term-sheet"),
        ),
        Subject(
            "Pilot customers for {topic} in Punjab",
            "We built a prototype for {topic} and want two pilot sites. Who has sold to "
            "municipal utilities and can share how procurement works?",
            ("pilots", "go-to-market"),
        ),
        Subject(
            "Incorporating in Pakistan vs Delaware for a {sector} company",
            "Our founders are split between {country} and Lahore. What did you choose and why? "
            "We care about investor expectations and remitting revenue home.",
            ("incorporation", "legal"),
        ),
    ),
    "mentoring": (
        Subject(
            "Final-year student: which {skill} projects impress employers?",
            "I am a final-year {discipline} student. Which {skill} projects would make my CV "
            "stand out for graduate roles in {sector}?",
            ("students", "career-advice"),
        ),
        Subject(
            "Preparing for a master's in {country}",
            "I have an offer for a master's in {sector} in {country}. What should I learn before "
            "arriving, and how did you find part-time work?",
            ("higher-studies", "students"),
        ),
    ),
}

SECTOR_SUBJECTS = (
    Subject(
        "Best practice for {skill} on {topic}",
        "We are starting a project on {topic} and I lead the {skill} work. What standards, "
        "tools and pitfalls should we plan for?",
        ("best-practice",),
    ),
    Subject(
        "Lessons learnt from {topic} projects abroad",
        "In {country} we delivered several projects on {topic}. I am collecting lessons that "
        "apply at home; please add yours.",
        ("lessons-learnt",),
    ),
    Subject(
        "Which {skill} certification is worth it?",
        "There are several certifications in {skill}. Which ones did employers in {country} "
        "actually ask for?",
        ("certification", "career-advice"),
    ),
    Subject(
        "Reviewing a university course on {skill}",
        "A university at home asked us to review its course on {skill}. What would you add for "
        "graduates entering {sector} today?",
        ("curriculum",),
    ),
)

CHAPTER_SUBJECTS = (
    Subject(
        "Monthly meetup in {city}: agenda ideas",
        "The next chapter meetup in {city} is in {month}. Suggestions for talks and site visits "
        "welcome.",
        ("meetup", "events"),
    ),
    Subject(
        "Mentoring clinic volunteers for {month}",
        "We need six volunteers for the online mentoring clinic with final-year students in "
        "{month}. Reply with your discipline and availability.",
        ("mentoring", "volunteers"),
    ),
    Subject(
        "Housing and schooling advice for newcomers to {city}",
        "A few members are relocating to {city} this year. Share what you wish you had known "
        "about housing, schools and commuting.",
        ("relocation", "newcomers"),
    ),
    Subject(
        "Job openings in {sector} around {city}",
        "Post openings your employers have in {sector}. Please include the level and whether "
        "visa sponsorship is offered.",
        ("jobs", "hiring"),
    ),
)

TOPICS = {
    "ai": ("crop yield prediction", "Urdu speech recognition", "traffic camera analytics"),
    "renewable-energy": ("rooftop solar net metering", "grid-scale battery storage"),
    "cybersecurity": ("SCADA security for utilities", "incident response in banks"),
    "smart-infrastructure": ("smart metering rollouts", "bridge health monitoring"),
    "water-management": ("canal lining and seepage", "groundwater recharge"),
    "climate-resilience": ("flood early warning", "heat-resilient housing"),
}
DEFAULT_TOPICS = ("infrastructure asset management", "industrial automation", "quality audits")

MONTHS = ("January", "March", "April", "June", "September", "October", "November")

REPLY_OPENINGS = (
    "Good question.",
    "We faced exactly this in {country}.",
    "Thanks for raising this.",
    "Adding to what others said:",
    "From my experience in {sector}:",
    "Short answer: it depends on the employer.",
    "I went through this two years ago.",
)
REPLY_MIDDLES = (
    "Start with the regulator's published guidance and keep copies of every project record.",
    "Document your {skill} work with dates and responsibilities; assessors look for that.",
    "Talk to the university's ORIC office early; they know which forms take longest.",
    "Budget at least three months for the paperwork and ask your manager for a reference.",
    "A small pilot with clear measurements convinced our client more than any slide deck.",
    "Open standards saved us a lot of rework when we scaled up.",
    "Pair a junior engineer at home with someone abroad; both sides learn quickly.",
)
REPLY_CLOSINGS = (
    "Happy to share templates if you message me.",
    "Hope this helps.",
    "Let us discuss at the next chapter meetup.",
    "I can review your draft next week.",
    "",
)

REPORT_REASONS = (
    "Promotional content unrelated to the thread.",
    "Personal attack on another member.",
    "Shares someone's contact details without consent.",
    "Off topic and repeated in several threads.",
)

COUNTRY_NAMES = {
    "AE": "the UAE", "SA": "Saudi Arabia", "QA": "Qatar", "KW": "Kuwait", "OM": "Oman",
    "GB": "the UK", "IE": "Ireland", "US": "the US", "CA": "Canada", "DE": "Germany",
    "AU": "Australia", "NZ": "New Zealand", "JP": "Japan", "KR": "South Korea",
    "CN": "China", "MY": "Malaysia", "SG": "Singapore", "NL": "the Netherlands",
    "SE": "Sweden", "AT": "Austria", "CH": "Switzerland", "BH": "Bahrain",
}  # fmt: skip
"""How a sentence names a country ("in the UAE")."""
