"""Headlines and short biographies assembled from templates and a profile's facts."""

import random
from dataclasses import dataclass

from db.seed.vocabulary.careers import (
    CONTRIBUTOR_CLOSINGS,
    MIDDLES,
    OPENINGS,
    SEEKER_CLOSINGS,
)

HEADLINE_LIMIT = 200


@dataclass(frozen=True)
class Story:
    """The facts a headline and bio are written from."""

    name: str
    first_name: str
    discipline: str
    years: int
    sectors: list[str]
    title: str
    current: bool
    organization: str
    city: str
    school: str
    skills: list[str]
    hometown: str
    offers: list[str]
    seeks: list[str]
    hours: int
    abroad: str


def join_words(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def write_headline(rng: random.Random, story: Story) -> str:
    """'Senior Structural Engineer at Arup · Construction & Transport' (sectors sometimes)."""
    former = "" if story.current else "Former "
    headline = f"{former}{story.title} at {story.organization}"
    if rng.random() < 0.6:
        headline += " · " + " & ".join(story.sectors[:2])
    return headline[:HEADLINE_LIMIT]


def write_bio(rng: random.Random, story: Story) -> str:
    """Two or three sentences: who they are, what they do, what they give or seek."""
    years = "one year" if story.years == 1 else f"{story.years} years"
    values = {
        "name": story.name,
        "first": story.first_name,
        "article": "an" if story.discipline[:1].upper() in "AEIOU" else "a",
        "discipline": story.discipline.lower(),
        "discipline_title": story.discipline.capitalize(),
        "years": years,
        "sectors": join_words([sector.lower() for sector in story.sectors]),
        "abroad": story.abroad,
        "title": story.title,
        "organization": story.organization,
        "city": story.city,
        "school": story.school,
        "skills": join_words(story.skills[:3]),
        "hometown": story.hometown,
        "offers": join_words(story.offers[:3]),
        "seeks": join_words(story.seeks[:2]),
        "hours": story.hours,
    }
    sentences = [rng.choice(OPENINGS)]
    if story.current and rng.random() < 0.7:
        sentences.append(rng.choice(MIDDLES))
    if story.offers and story.abroad:
        closings = CONTRIBUTOR_CLOSINGS if story.hours else CONTRIBUTOR_CLOSINGS[:2]
        sentences.append(rng.choice(closings))
    elif story.offers and not story.seeks:
        sentences.append(CONTRIBUTOR_CLOSINGS[1])
    elif story.seeks:
        sentences.append(rng.choice(SEEKER_CLOSINGS))
    return " ".join(sentence.format(**values) for sentence in sentences)
