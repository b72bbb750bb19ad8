"""Sectors of national need, the disciplines that staff them, and eight skills under each."""

from dataclasses import dataclass

from db.enums import Discipline


@dataclass(frozen=True)
class SectorEntry:
    """A sector with its skills and the disciplines and postgraduate fields that feed it."""

    slug: str
    name: str
    description: str
    disciplines: tuple[Discipline, ...]
    postgraduate_fields: tuple[str, ...]
    skills: tuple[str, ...]


D = Discipline

SECTORS = (
    SectorEntry(
        "ai", "Artificial Intelligence",
        "Machine learning, data and AI systems for industry, government and research.",
        (D.SOFTWARE, D.COMPUTER, D.ELECTRICAL),
        ("Artificial Intelligence", "Machine Learning", "Data Science", "Computer Science"),
        ("Machine Learning", "Deep Learning", "Computer Vision", "Natural Language Processing",
         "MLOps", "Reinforcement Learning", "Data Engineering", "Large Language Models"),
    ),
    SectorEntry(
        "renewable-energy", "Renewable Energy",
        "Solar, wind, hydro and storage: generating and integrating clean power.",
        (D.ELECTRICAL, D.MECHANICAL, D.ENVIRONMENTAL),
        ("Sustainable Energy Systems", "Power Systems Engineering", "Renewable Energy Engineering"),
        ("Solar PV Design", "Wind Energy Systems", "Battery Energy Storage", "Grid Integration",
         "Power Electronics", "Energy Auditing", "Hydropower Engineering", "Green Hydrogen"),
    ),
    SectorEntry(
        "cybersecurity", "Cybersecurity",
        "Protecting networks, software, critical infrastructure and citizens' data.",
        (D.SOFTWARE, D.COMPUTER, D.TELECOMMUNICATION),
        ("Information Security", "Cyber Security", "Computer Networks"),
        ("Penetration Testing", "Network Security", "Cloud Security", "Security Operations",
         "Digital Forensics", "Applied Cryptography", "Identity and Access Management",
         "Industrial Control System Security"),
    ),
    SectorEntry(
        "smart-infrastructure", "Smart Infrastructure",
        "Instrumented, connected buildings, cities and utilities.",
        (D.CIVIL, D.ELECTRICAL, D.COMPUTER, D.MECHATRONICS),
        ("Smart Cities", "Construction Management", "Internet of Things"),
        ("Building Information Modelling", "Internet of Things", "Digital Twins",
         "Structural Health Monitoring", "Smart Grid Systems", "Geographic Information Systems",
         "Building Automation Systems", "Wireless Sensor Networks"),
    ),
    SectorEntry(
        "water-management", "Water Management",
        "Irrigation, drinking water, sanitation and river basins.",
        (D.CIVIL, D.AGRICULTURAL, D.ENVIRONMENTAL),
        ("Water Resources Engineering", "Hydraulic Engineering", "Environmental Engineering"),
        ("Hydraulic Modelling", "Irrigation Engineering", "Water Treatment",
         "Wastewater Treatment", "Groundwater Hydrology", "Desalination", "Dam Safety Engineering",
         "Water Distribution Networks"),
    ),
    SectorEntry(
        "climate-resilience", "Climate Resilience",
        "Adapting to floods, heat and drought, and cutting emissions.",
        (D.CIVIL, D.ENVIRONMENTAL, D.AGRICULTURAL),
        ("Climate Change Adaptation", "Environmental Engineering", "Disaster Risk Management"),
        ("Flood Risk Assessment", "Climate Risk Modelling", "Disaster Risk Reduction",
         "Remote Sensing", "Coastal Engineering", "Carbon Accounting", "Nature-Based Solutions",
         "Environmental Impact Assessment"),
    ),
    SectorEntry(
        "semiconductors", "Semiconductors",
        "Chip design, verification, embedded hardware and fabrication.",
        (D.ELECTRONICS, D.ELECTRICAL, D.COMPUTER, D.METALLURGY),
        ("Microelectronics", "VLSI Design", "Electronic Engineering"),
        ("VLSI Design", "Analog IC Design", "FPGA Development", "ASIC Verification",
         "Embedded Systems", "Semiconductor Process Engineering", "PCB Design",
         "RF Circuit Design"),
    ),
    SectorEntry(
        "telecom", "Telecommunications",
        "Mobile, fixed, fibre and satellite networks.",
        (D.TELECOMMUNICATION, D.ELECTRONICS, D.ELECTRICAL),
        ("Telecommunication Engineering", "Wireless Communications", "Computer Networks"),
        ("5G Network Planning", "RF Optimisation", "Optical Fibre Networks",
         "Network Function Virtualisation", "Satellite Communications", "Microwave Transmission",
         "IP/MPLS Networking", "Spectrum Management"),
    ),
    SectorEntry(
        "oil-and-gas", "Oil and Gas",
        "Upstream, midstream and downstream hydrocarbons, and the minerals that go with them.",
        (D.PETROLEUM, D.CHEMICAL, D.MECHANICAL, D.MINING),
        ("Petroleum Engineering", "Chemical Engineering", "Process Safety"),
        ("Reservoir Engineering", "Drilling Engineering", "Process Safety Management",
         "Pipeline Integrity", "Production Optimisation", "Refinery Operations",
         "Corrosion Engineering", "LNG Processing"),
    ),
    SectorEntry(
        "construction", "Construction",
        "Buildings, bridges, dams and the management of large projects.",
        (D.CIVIL, D.MECHANICAL, D.INDUSTRIAL),
        ("Structural Engineering", "Construction Management", "Geotechnical Engineering"),
        ("Structural Design", "Geotechnical Engineering", "Primavera P6 Scheduling",
         "FIDIC Contract Management", "Quantity Surveying", "Reinforced Concrete Design",
         "Steel Structure Design", "Construction Safety Management"),
    ),
    SectorEntry(
        "manufacturing", "Manufacturing",
        "Factories, textiles, automotive parts and industrial automation.",
        (D.MECHANICAL, D.INDUSTRIAL, D.MECHATRONICS, D.TEXTILE, D.METALLURGY, D.CHEMICAL),
        ("Manufacturing Engineering", "Industrial Engineering", "Mechatronics",
         "Materials Science"),
        ("Lean Manufacturing", "Six Sigma", "CAD/CAM", "PLC Programming", "Industrial Robotics",
         "Additive Manufacturing", "ISO 9001 Quality Management", "Supply Chain Engineering"),
    ),
    SectorEntry(
        "agritech", "Agritech",
        "Technology for farms, food processing and rural livelihoods.",
        (D.AGRICULTURAL, D.MECHANICAL, D.SOFTWARE),
        ("Agricultural Engineering", "Precision Agriculture", "Food Engineering"),
        ("Precision Agriculture", "Agricultural Drones", "Farm Mechanisation",
         "Soil and Crop Sensing", "Post-Harvest Technology", "Greenhouse Engineering",
         "Agricultural Data Analytics", "Drip Irrigation Systems"),
    ),
    SectorEntry(
        "healthtech", "Healthtech",
        "Medical devices, hospital engineering and digital health.",
        (D.BIOMEDICAL, D.SOFTWARE, D.ELECTRONICS),
        ("Biomedical Engineering", "Health Informatics", "Medical Physics"),
        ("Medical Device Design", "Biomedical Signal Processing", "Health Informatics",
         "Medical Imaging", "Telemedicine Platforms", "ISO 13485 Compliance",
         "Clinical Engineering", "Biomechanics"),
    ),
    SectorEntry(
        "fintech", "Fintech",
        "Payments, digital banking and financial inclusion.",
        (D.SOFTWARE, D.COMPUTER),
        ("Computer Science", "Software Engineering", "Financial Engineering"),
        ("Payment Systems", "Blockchain", "Fraud Detection", "Core Banking Systems",
         "Mobile Wallets", "Distributed Systems", "Cloud Architecture", "API Design"),
    ),
    SectorEntry(
        "transport", "Transport",
        "Roads, railways, aviation, electric mobility and logistics.",
        (D.CIVIL, D.MECHANICAL, D.AEROSPACE, D.ELECTRICAL),
        ("Transportation Engineering", "Aerospace Engineering", "Automotive Engineering"),
        ("Traffic Engineering", "Railway Signalling", "Highway Design", "Transport Planning",
         "Electric Vehicle Powertrains", "Aircraft Structures", "Logistics Optimisation",
         "Intelligent Transport Systems"),
    ),
)

HOME_SECTOR_WEIGHTS = {
    "construction": 2.0, "agritech": 1.5, "water-management": 1.5, "telecom": 1.5,
    "fintech": 1.5, "manufacturing": 1.5, "renewable-energy": 1.3, "climate-resilience": 1.2,
}

COUNTRY_SECTOR_WEIGHTS: dict[str, dict[str, float]] = {
    "gulf": {"oil-and-gas": 3.0, "construction": 3.0, "renewable-energy": 1.5, "transport": 1.3},
    "north-america": {"ai": 2.5, "fintech": 1.5, "semiconductors": 1.5, "cybersecurity": 1.5},
    "europe": {"smart-infrastructure": 2.0, "transport": 2.0, "renewable-energy": 1.5},
    "central-europe": {"manufacturing": 3.0, "renewable-energy": 2.0, "transport": 1.5},
    "east-asia": {"semiconductors": 3.0, "telecom": 2.0, "manufacturing": 2.0},
    "oceania": {"water-management": 2.0, "construction": 1.5, "climate-resilience": 1.5},
}

COUNTRY_GROUPS = {
    "AE": "gulf", "SA": "gulf", "QA": "gulf", "KW": "gulf", "BH": "gulf", "OM": "gulf",
    "US": "north-america", "CA": "north-america",
    "GB": "europe", "IE": "europe", "FR": "europe", "SE": "europe", "IT": "europe",
    "DE": "central-europe", "AT": "central-europe", "CH": "central-europe",
    "NL": "central-europe", "BE": "central-europe", "PL": "central-europe",
    "CZ": "central-europe",
    "JP": "east-asia", "KR": "east-asia", "CN": "east-asia", "HK": "east-asia",
    "TW": "east-asia", "SG": "east-asia", "MY": "east-asia",
    "AU": "oceania", "NZ": "oceania",
}
