"""Job titles, degrees, affiliation roles and the sentence templates that make up a profile."""

from db.enums import Discipline, EngagementKind, InstitutionKind

D = Discipline

ROLE_NOUNS: dict[Discipline, tuple[str, ...]] = {
    D.CIVIL: ("Structural Engineer", "Site Engineer", "Design Engineer", "Project Engineer",
              "Geotechnical Engineer", "Highway Engineer"),
    D.ELECTRICAL: ("Electrical Engineer", "Power Systems Engineer", "Protection Engineer",
                   "Commissioning Engineer"),
    D.MECHANICAL: ("Mechanical Engineer", "HVAC Engineer", "Maintenance Engineer",
                   "Rotating Equipment Engineer"),
    D.CHEMICAL: ("Process Engineer", "Chemical Engineer", "Process Safety Engineer"),
    D.SOFTWARE: ("Software Engineer", "Backend Engineer", "Machine Learning Engineer",
                 "Site Reliability Engineer", "Data Engineer"),
    D.COMPUTER: ("Software Engineer", "Embedded Software Engineer", "Cloud Engineer",
                 "Security Engineer"),
    D.ELECTRONICS: ("Electronics Engineer", "Hardware Engineer", "Design Verification Engineer",
                    "Embedded Systems Engineer"),
    D.TELECOMMUNICATION: ("RF Engineer", "Network Engineer", "Telecom Engineer",
                          "Transmission Engineer"),
    D.PETROLEUM: ("Reservoir Engineer", "Drilling Engineer", "Petroleum Engineer",
                  "Production Engineer"),
    D.AEROSPACE: ("Aerospace Engineer", "Structures Engineer", "Avionics Engineer",
                  "Propulsion Engineer"),
    D.BIOMEDICAL: ("Biomedical Engineer", "Clinical Engineer", "Medical Device Engineer"),
    D.ENVIRONMENTAL: ("Environmental Engineer", "Water Resources Engineer",
                      "Sustainability Engineer"),
    D.INDUSTRIAL: ("Industrial Engineer", "Manufacturing Engineer", "Quality Engineer",
                   "Supply Chain Engineer"),
    D.MECHATRONICS: ("Mechatronics Engineer", "Robotics Engineer", "Automation Engineer",
                     "Controls Engineer"),
    D.METALLURGY: ("Materials Engineer", "Metallurgical Engineer", "Welding Engineer"),
    D.MINING: ("Mining Engineer", "Mine Planning Engineer", "Geotechnical Engineer"),
    D.AGRICULTURAL: ("Agricultural Engineer", "Irrigation Engineer", "Farm Machinery Engineer"),
    D.TEXTILE: ("Textile Engineer", "Textile Process Engineer", "Production Engineer"),
}

BACHELOR_FIELDS: dict[Discipline, str] = {
    D.CIVIL: "Civil Engineering",
    D.ELECTRICAL: "Electrical Engineering",
    D.MECHANICAL: "Mechanical Engineering",
    D.CHEMICAL: "Chemical Engineering",
    D.SOFTWARE: "Software Engineering",
    D.COMPUTER: "Computer Engineering",
    D.ELECTRONICS: "Electronic Engineering",
    D.TELECOMMUNICATION: "Telecommunication Engineering",
    D.PETROLEUM: "Petroleum and Gas Engineering",
    D.AEROSPACE: "Aerospace Engineering",
    D.BIOMEDICAL: "Biomedical Engineering",
    D.ENVIRONMENTAL: "Environmental Engineering",
    D.INDUSTRIAL: "Industrial and Manufacturing Engineering",
    D.MECHATRONICS: "Mechatronics Engineering",
    D.METALLURGY: "Metallurgy and Materials Engineering",
    D.MINING: "Mining Engineering",
    D.AGRICULTURAL: "Agricultural Engineering",
    D.TEXTILE: "Textile Engineering",
}

PEC_PREFIXES: dict[Discipline, str] = {
    D.CIVIL: "CIVIL", D.ELECTRICAL: "ELECT", D.MECHANICAL: "MECH", D.CHEMICAL: "CHEM",
    D.SOFTWARE: "SOFT", D.COMPUTER: "COMP", D.ELECTRONICS: "ELECTRO", D.TELECOMMUNICATION: "TELE",
    D.PETROLEUM: "PETRO", D.AEROSPACE: "AERO", D.BIOMEDICAL: "BIOMED", D.ENVIRONMENTAL: "ENV",
    D.INDUSTRIAL: "INDUS", D.MECHATRONICS: "MECHATRO", D.METALLURGY: "METAL", D.MINING: "MIN",
    D.AGRICULTURAL: "AGRI", D.TEXTILE: "TEXT",
}

BACHELOR_DEGREES: dict[Discipline, str] = {
    D.SOFTWARE: "BS", D.COMPUTER: "BS", D.CIVIL: "BSc Engineering", D.ELECTRICAL: "BSc Engineering",
}
DEFAULT_BACHELOR_DEGREE = "BE"
MASTER_DEGREES: dict[str, str] = {"US": "MS", "PK": "MS", "AU": "MEng", "CA": "MASc", "KR": "MS"}
DEFAULT_MASTER_DEGREE = "MSc"
DOCTORATE = "PhD"

SENIORITY = ((2, "Graduate {noun}"), (5, "{noun}"), (10, "Senior {noun}"), (16, "Lead {noun}"))
EXPERT_TITLES = ("Principal {noun}", "Lead {noun}", "Senior {noun}", "Senior Principal {noun}")
LEADERSHIP_TITLES = (
    "Engineering Manager", "Head of Engineering", "Chief Engineer",
    "Director of Engineering",
)
ACADEMIC_LADDER = (
    (5, "Lecturer"), (10, "Assistant Professor"), (16, "Associate Professor"), (99, "Professor"),
)
NON_ENGINEERING_SCHOOLS = frozenset({"iba-karachi", "qau", "university-of-karachi"})
FOUNDER_TITLES = ("Co-founder and CTO", "Founder and CEO", "Co-founder")

HOME_AFFILIATION_ROLES: dict[InstitutionKind, tuple[str, ...]] = {
    InstitutionKind.STARTUP: ("Founder", "Co-founder", "Chief Technology Officer"),
    InstitutionKind.COMPANY: ("Chief Engineer", "Head of Engineering", "Principal Engineer"),
    InstitutionKind.GOVERNMENT: ("Chief Engineer", "Director (Technical)", "Member Technical"),
    InstitutionKind.NGO: ("Technical Advisor", "Programme Lead", "Board Member"),
}
OVERSEAS_AFFILIATION_ROLES: dict[InstitutionKind, tuple[str, ...]] = {
    InstitutionKind.UNIVERSITY: ("Adjunct Professor", "Visiting Professor",
                                 "Industry Advisory Board Member", "External Examiner"),
    InstitutionKind.STARTUP: ("Advisor", "Angel Investor", "Mentor-in-Residence"),
    InstitutionKind.COMPANY: ("Technical Advisor", "Board Member"),
    InstitutionKind.GOVERNMENT: ("Member, Technical Advisory Committee", "Expert Reviewer"),
    InstitutionKind.NGO: ("Technical Advisor", "Volunteer Engineer", "Board Member"),
}

ENGAGEMENT_PHRASES: dict[EngagementKind, str] = {
    EngagementKind.MENTORSHIP: "mentoring",
    EngagementKind.PROJECT_SUPERVISION: "supervising final-year projects",
    EngagementKind.RESEARCH_GUIDANCE: "research guidance",
    EngagementKind.STARTUP_ADVISORY: "advising startups",
    EngagementKind.UNIVERSITY_COLLABORATION: "university collaborations",
    EngagementKind.ADVISORY_PANEL: "advisory panels",
    EngagementKind.CURRICULUM_REVIEW: "curriculum reviews",
    EngagementKind.CONSULTANCY: "consultancy",
    EngagementKind.INVESTMENT: "early-stage investment",
}

OPENINGS = (
    "{name} is {article} {discipline} engineer with {years} of experience in {sectors}.",
    "{first} has spent {years} on {sectors} projects{abroad}.",
    "{discipline_title} engineer working in {sectors} for the past {years}.",
)
MIDDLES = (
    "Currently {title} at {organization} in {city}, focusing on {skills}.",
    "Works mainly on {skills}, currently as {title} at {organization}.",
    "Trained at {school}; now {title} at {organization}, working mainly on {skills}.",
)
CONTRIBUTOR_CLOSINGS = (
    "Originally from {hometown} and keen to give back through {offers}.",
    "Happy to help engineers and students at home with {offers}.",
    "Sets aside {hours} hours a month for {offers}.",
)
SEEKER_PHRASES: dict[EngagementKind, str] = {
    EngagementKind.MENTORSHIP: "a mentor",
    EngagementKind.PROJECT_SUPERVISION: "co-supervisors for final-year projects",
    EngagementKind.RESEARCH_GUIDANCE: "research guidance",
    EngagementKind.STARTUP_ADVISORY: "startup advisers",
    EngagementKind.UNIVERSITY_COLLABORATION: "university partners abroad",
    EngagementKind.ADVISORY_PANEL: "advisory panel members",
    EngagementKind.CURRICULUM_REVIEW: "curriculum reviewers",
    EngagementKind.CONSULTANCY: "consultancy support",
    EngagementKind.INVESTMENT: "investors",
}

SEEKER_CLOSINGS = (
    "Looking for {seeks} from engineers abroad.",
    "Would value {seeks} to take the work at {organization} further.",
    "Hoping to find {seeks} among the overseas community.",
)
