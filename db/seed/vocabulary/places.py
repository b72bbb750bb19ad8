"""Cities at home and abroad with their IANA time zones, dialling codes and local languages."""

from dataclasses import dataclass

HOME_COUNTRY = "PK"
HOME_TIMEZONE = "Asia/Karachi"
HOME_DIAL_CODE = "+92"


@dataclass(frozen=True)
class City:
    """A city an engineer can live or work in."""

    name: str
    country_code: str
    timezone: str
    weight: float


@dataclass(frozen=True)
class HomeCity:
    """A city in Pakistan, with the province that decides its regional language."""

    name: str
    province: str
    weight: float


@dataclass(frozen=True)
class Country:
    """A country overseas engineers live in, weighted by how many of them do."""

    code: str
    weight: float
    dial_code: str
    language: str | None
    cities: tuple[City, ...]


def _country(
    code: str,
    weight: float,
    dial_code: str,
    language: str | None,
    cities: tuple[tuple[str, str, float], ...],
) -> Country:
    """Build a Country from compact (name, timezone, weight) city triples."""
    return Country(
        code=code,
        weight=weight,
        dial_code=dial_code,
        language=language,
        cities=tuple(City(name, code, timezone, share) for name, timezone, share in cities),
    )


HOME_CITIES = (
    HomeCity("Karachi", "Sindh", 20),
    HomeCity("Lahore", "Punjab", 18),
    HomeCity("Islamabad", "Islamabad Capital Territory", 10),
    HomeCity("Rawalpindi", "Punjab", 7),
    HomeCity("Peshawar", "Khyber Pakhtunkhwa", 7),
    HomeCity("Faisalabad", "Punjab", 6),
    HomeCity("Multan", "Punjab", 4),
    HomeCity("Hyderabad", "Sindh", 3),
    HomeCity("Quetta", "Balochistan", 3),
    HomeCity("Gujranwala", "Punjab", 3),
    HomeCity("Sialkot", "Punjab", 3),
    HomeCity("Abbottabad", "Khyber Pakhtunkhwa", 2),
    HomeCity("Bahawalpur", "Punjab", 2),
    HomeCity("Sukkur", "Sindh", 2),
    HomeCity("Sargodha", "Punjab", 1),
    HomeCity("Mardan", "Khyber Pakhtunkhwa", 1),
    HomeCity("Dera Ismail Khan", "Khyber Pakhtunkhwa", 1),
    HomeCity("Jamshoro", "Sindh", 1),
    HomeCity("Nawabshah", "Sindh", 1),
    HomeCity("Taxila", "Punjab", 1),
    HomeCity("Gilgit", "Gilgit-Baltistan", 1),
    HomeCity("Muzaffarabad", "Azad Kashmir", 1),
    HomeCity("Mirpur", "Azad Kashmir", 1),
)

PROVINCE_LANGUAGES = {
    "Punjab": "pa",
    "Sindh": "sd",
    "Khyber Pakhtunkhwa": "ps",
    "Balochistan": "ps",
    "Islamabad Capital Territory": "pa",
    "Gilgit-Baltistan": None,
    "Azad Kashmir": "pa",
}

COUNTRIES = (
    _country("AE", 17, "+971", "ar", (
        ("Dubai", "Asia/Dubai", 6), ("Abu Dhabi", "Asia/Dubai", 3), ("Sharjah", "Asia/Dubai", 1),
    )),
    _country("SA", 17, "+966", "ar", (
        ("Riyadh", "Asia/Riyadh", 5), ("Jeddah", "Asia/Riyadh", 3), ("Dammam", "Asia/Riyadh", 2),
        ("Dhahran", "Asia/Riyadh", 2), ("Al Khobar", "Asia/Riyadh", 1),
        ("Jubail", "Asia/Riyadh", 1),
    )),
    _country("QA", 4, "+974", "ar", (("Doha", "Asia/Qatar", 1),)),
    _country("KW", 2, "+965", "ar", (("Kuwait City", "Asia/Kuwait", 1),)),
    _country("BH", 1, "+973", "ar", (("Manama", "Asia/Bahrain", 1),)),
    _country("OM", 3, "+968", "ar", (("Muscat", "Asia/Muscat", 3), ("Sohar", "Asia/Muscat", 1))),
    _country("GB", 13, "+44", None, (
        ("London", "Europe/London", 6), ("Manchester", "Europe/London", 2),
        ("Birmingham", "Europe/London", 2), ("Bradford", "Europe/London", 1),
        ("Leeds", "Europe/London", 1), ("Glasgow", "Europe/London", 1),
        ("Bristol", "Europe/London", 1), ("Cambridge", "Europe/London", 1),
    )),
    _country("IE", 1, "+353", None, (("Dublin", "Europe/Dublin", 3), ("Cork", "Europe/Dublin", 1))),
    _country("US", 14, "+1", None, (
        ("New York", "America/New_York", 3), ("Boston", "America/New_York", 2),
        ("Washington", "America/New_York", 1), ("Atlanta", "America/New_York", 1),
        ("Detroit", "America/Detroit", 1), ("Chicago", "America/Chicago", 2),
        ("Houston", "America/Chicago", 3), ("Dallas", "America/Chicago", 2),
        ("Denver", "America/Denver", 1), ("Phoenix", "America/Phoenix", 1),
        ("San Francisco", "America/Los_Angeles", 2), ("San Jose", "America/Los_Angeles", 2),
        ("Seattle", "America/Los_Angeles", 2), ("Los Angeles", "America/Los_Angeles", 1),
        ("San Diego", "America/Los_Angeles", 1),
    )),
    _country("CA", 6, "+1", None, (
        ("Toronto", "America/Toronto", 4), ("Mississauga", "America/Toronto", 2),
        ("Ottawa", "America/Toronto", 1), ("Montreal", "America/Toronto", 1),
        ("Waterloo", "America/Toronto", 1), ("Calgary", "America/Edmonton", 2),
        ("Edmonton", "America/Edmonton", 1), ("Vancouver", "America/Vancouver", 2),
    )),
    _country("DE", 4, "+49", "de", (
        ("Berlin", "Europe/Berlin", 2), ("Munich", "Europe/Berlin", 2),
        ("Frankfurt", "Europe/Berlin", 1), ("Stuttgart", "Europe/Berlin", 1),
        ("Hamburg", "Europe/Berlin", 1), ("Aachen", "Europe/Berlin", 1),
    )),
    _country("AT", 0.5, "+43", "de", (("Vienna", "Europe/Vienna", 1),)),
    _country("CH", 0.5, "+41", "de", (
        ("Zurich", "Europe/Zurich", 2), ("Geneva", "Europe/Zurich", 1),
    )),
    _country("NL", 1, "+31", "nl", (
        ("Amsterdam", "Europe/Amsterdam", 2), ("Eindhoven", "Europe/Amsterdam", 1),
        ("Delft", "Europe/Amsterdam", 1),
    )),
    _country("BE", 0.3, "+32", "fr", (("Brussels", "Europe/Brussels", 1),)),
    _country("PL", 0.3, "+48", "pl", (("Warsaw", "Europe/Warsaw", 1),)),
    _country("CZ", 0.2, "+420", "cs", (("Prague", "Europe/Prague", 1),)),
    _country("FR", 0.5, "+33", "fr", (
        ("Paris", "Europe/Paris", 2), ("Toulouse", "Europe/Paris", 1),
    )),
    _country("SE", 0.5, "+46", "sv", (("Stockholm", "Europe/Stockholm", 1),)),
    _country("IT", 0.3, "+39", "it", (("Milan", "Europe/Rome", 1), ("Turin", "Europe/Rome", 1))),
    _country("AU", 4, "+61", None, (
        ("Sydney", "Australia/Sydney", 3), ("Melbourne", "Australia/Melbourne", 3),
        ("Brisbane", "Australia/Brisbane", 1), ("Perth", "Australia/Perth", 1),
        ("Adelaide", "Australia/Adelaide", 1),
    )),
    _country("NZ", 1, "+64", None, (
        ("Auckland", "Pacific/Auckland", 2), ("Wellington", "Pacific/Auckland", 1),
        ("Christchurch", "Pacific/Auckland", 1),
    )),
    _country("JP", 1, "+81", "ja", (("Tokyo", "Asia/Tokyo", 2), ("Osaka", "Asia/Tokyo", 1))),
    _country("KR", 1, "+82", "ko", (("Seoul", "Asia/Seoul", 2), ("Daejeon", "Asia/Seoul", 1))),
    _country("CN", 1.5, "+86", "zh", (
        ("Shanghai", "Asia/Shanghai", 2), ("Shenzhen", "Asia/Shanghai", 2),
        ("Beijing", "Asia/Shanghai", 1),
    )),
    _country("HK", 0.3, "+852", "zh", (("Hong Kong", "Asia/Hong_Kong", 1),)),
    _country("TW", 0.2, "+886", "zh", (("Hsinchu", "Asia/Taipei", 1),)),
    _country("SG", 1, "+65", None, (("Singapore", "Asia/Singapore", 1),)),
    _country("MY", 1.5, "+60", "ms", (
        ("Kuala Lumpur", "Asia/Kuala_Lumpur", 3), ("Penang", "Asia/Kuala_Lumpur", 1),
        ("Johor Bahru", "Asia/Kuala_Lumpur", 1),
    )),
)

COUNTRIES_BY_CODE = {country.code: country for country in COUNTRIES}

CITY_CODES = {
    "dxb": "Dubai", "auh": "Abu Dhabi", "shj": "Sharjah", "ruh": "Riyadh", "jed": "Jeddah",
    "dmm": "Dammam", "doh": "Doha", "kwi": "Kuwait City", "mct": "Muscat", "bah": "Manama",
    "lon": "London", "man": "Manchester", "bhx": "Birmingham", "dub": "Dublin",
    "nyc": "New York", "bos": "Boston", "was": "Washington", "iah": "Houston", "chi": "Chicago",
    "yyz": "Toronto", "yul": "Montreal", "sfo": "San Francisco", "sjc": "San Jose",
    "sea": "Seattle", "lax": "Los Angeles", "yvr": "Vancouver", "yyc": "Calgary",
    "ber": "Berlin", "muc": "Munich", "fra": "Frankfurt", "str": "Stuttgart", "vie": "Vienna",
    "zrh": "Zurich", "ams": "Amsterdam", "syd": "Sydney", "mel": "Melbourne", "per": "Perth",
    "akl": "Auckland", "tyo": "Tokyo", "sel": "Seoul", "sha": "Shanghai", "sin": "Singapore",
    "kul": "Kuala Lumpur", "hkg": "Hong Kong",
}
